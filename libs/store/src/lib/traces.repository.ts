import type { PrismaClient } from '../generated/prisma/client';
import type { Tenant } from './tenant';
import type { VendorExchange } from '@hub/element-sdk';

/** One vendor exchange as the trace log keeps it. */
export interface TraceEntry extends Omit<VendorExchange, 'failure'> {
  /** A hub call's Elements-Warning (the parameters it ignored); such an entry names the hub's path, not a vendor URL. */
  readonly warning?: string;
}

export interface TraceRecord extends TraceEntry {
  readonly id: string;
  readonly createdDate: Date;
}

/** Retention of an instance's traces: at most `maxEntries`, none older than `maxAgeMs`. */
export interface TraceRetention {
  readonly maxEntries: number;
  readonly maxAgeMs: number;
}

export const DEFAULT_TRACE_RETENTION: TraceRetention = { maxEntries: 1_000, maxAgeMs: 7 * 24 * 3_600_000 };

/** The vendor traffic recorded for instances with traceLoggingEnabled. Tenant-scoped like every read. */
export class TracesRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async record(tenant: Tenant, instanceId: number, entry: TraceEntry): Promise<void> {
    await this.prisma.instanceTrace.create({ data: traceRow(tenant, instanceId, entry) });
  }

  /** Several entries (of any instances) in one statement, in the order given (ids ascend with it). */
  async recordMany(entries: readonly { readonly tenant: Tenant; readonly instanceId: number; readonly entry: TraceEntry }[]): Promise<void> {
    if (entries.length === 0) return;
    await this.prisma.instanceTrace.createMany({ data: entries.map((e) => traceRow(e.tenant, e.instanceId, e.entry)) });
  }

  /** Newest first. */
  async list(tenant: Tenant, instanceId: number, page: { skip: number; take: number }): Promise<{ items: TraceRecord[]; total: number }> {
    const where = { instanceId, organizationId: tenant.organizationId };
    const [rows, total] = await this.prisma.$transaction([
      this.prisma.instanceTrace.findMany({ where, orderBy: { id: 'desc' }, skip: page.skip, take: page.take }),
      this.prisma.instanceTrace.count({ where }),
    ]);
    return {
      items: rows.map((r) => ({
        id: r.id.toString(),
        createdDate: r.createdDate,
        method: r.method,
        url: r.url,
        durationMs: r.durationMs,
        ...(r.status !== null ? { status: r.status } : {}),
        ...(r.requestBody !== null ? { requestBody: r.requestBody } : {}),
        ...(r.responseBody !== null ? { responseBody: r.responseBody } : {}),
        ...(r.error !== null ? { error: r.error } : {}),
        ...(r.warning !== null ? { warning: r.warning } : {}),
      })),
      total,
    };
  }

  /** Drops what is past the retention: older than maxAge, or beyond the newest maxEntries. */
  async prune(tenant: Tenant, instanceId: number, retention: TraceRetention = DEFAULT_TRACE_RETENTION): Promise<number> {
    const where = { instanceId, organizationId: tenant.organizationId };
    const old = await this.prisma.instanceTrace.deleteMany({ where: { ...where, createdDate: { lt: new Date(Date.now() - retention.maxAgeMs) } } });
    const boundary = await this.prisma.instanceTrace.findMany({ where, orderBy: { id: 'desc' }, skip: retention.maxEntries, take: 1, select: { id: true } });
    const excess = boundary.length ? await this.prisma.instanceTrace.deleteMany({ where: { ...where, id: { lte: boundary[0].id } } }) : { count: 0 };
    return old.count + excess.count;
  }
}

function traceRow(tenant: Tenant, instanceId: number, entry: TraceEntry) {
  return {
    instanceId,
    organizationId: tenant.organizationId,
    method: entry.method,
    url: entry.url,
    status: entry.status ?? null,
    durationMs: entry.durationMs,
    requestBody: entry.requestBody ?? null,
    responseBody: entry.responseBody ?? null,
    error: entry.error ?? null,
    warning: entry.warning ?? null,
  };
}
