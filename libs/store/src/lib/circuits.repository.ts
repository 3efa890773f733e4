import type { PrismaClient } from '../generated/prisma/client';
import { hashSecret } from './secret-box';

export interface CircuitReport {
  /** The breaker's key: the full callback URL. Stored only as a hash and without query or credentials. */
  readonly key: string;
  readonly state: 'closed' | 'open' | 'half-open';
  readonly consecutiveFailures: number;
  readonly retryAt?: Date;
  readonly owner: string;
}

export interface CircuitRow {
  readonly url: string;
  readonly state: string;
  readonly consecutiveFailures: number;
  readonly retryAt: Date | null;
  readonly owner: string;
  readonly updatedDate: Date;
}

/** A callback URL as operators may see it: no query, no fragment, no credentials. */
export function displayUrl(key: string): string {
  try {
    const url = new URL(key);
    return `${url.protocol}//${url.host}${url.pathname}${url.search ? '?…' : ''}`;
  } catch {
    return '(not a URL)';
  }
}

/** Circuit-breaker states of callback URLs, as the delivery workers report their changes. */
export class CircuitsRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async report(report: CircuitReport): Promise<void> {
    const data = {
      url: displayUrl(report.key),
      state: report.state,
      consecutiveFailures: report.consecutiveFailures,
      retryAt: report.retryAt ?? null,
      owner: report.owner,
    };
    const urlHash = hashSecret(report.key);
    await this.prisma.eventCircuit.upsert({ where: { urlHash }, create: { urlHash, ...data }, update: data });
  }

  /** Circuits not closed (or every one with `all`), the most recently changed first. */
  async list(options: { all?: boolean } = {}): Promise<CircuitRow[]> {
    return this.prisma.eventCircuit.findMany({
      where: options.all ? {} : { state: { not: 'closed' } },
      orderBy: { updatedDate: 'desc' },
      take: 500,
      select: { url: true, state: true, consecutiveFailures: true, retryAt: true, owner: true, updatedDate: true },
    });
  }

  /** How many callback URLs' circuits are open or half-open, as the delivery workers last reported them. */
  async countNotClosed(): Promise<{ state: string; count: number }[]> {
    const rows = await this.prisma.eventCircuit.groupBy({ by: ['state'], where: { state: { not: 'closed' } }, _count: { _all: true } });
    return rows.map((r) => ({ state: r.state, count: r._count._all }));
  }

  /** Closed circuits not changed for `maxAgeMs` go (an open one stays until it closes). */
  async prune(maxAgeMs: number): Promise<number> {
    const { count } = await this.prisma.eventCircuit.deleteMany({ where: { state: 'closed', updatedDate: { lt: new Date(Date.now() - maxAgeMs) } } });
    return count;
  }
}
