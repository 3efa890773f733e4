import { Prisma, type PrismaClient } from '../generated/prisma/client';
import type { Operator, Page } from './operator-sessions.repository';

export interface NewAuditEntry {
  readonly action: string;
  readonly targetType: string;
  readonly targetId?: string | number;
  readonly details?: Record<string, unknown>;
  readonly requestId?: string;
}

export interface AuditRecord {
  readonly id: string;
  readonly createdDate: Date;
  readonly operatorEmail: string;
  readonly action: string;
  readonly targetType: string;
  readonly targetId: string | null;
  readonly details: unknown;
  readonly requestId: string | null;
}

/** The audit log: every operator's change, with the target and the request id. */
export class AuditLogRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async audit(operator: Operator, entry: NewAuditEntry): Promise<void> {
    await this.prisma.auditEntry.create({
      data: {
        operatorId: operator.id,
        operatorEmail: operator.email,
        action: entry.action,
        targetType: entry.targetType,
        targetId: entry.targetId === undefined ? null : String(entry.targetId),
        details: entry.details === undefined ? Prisma.DbNull : (entry.details as Prisma.InputJsonValue),
        requestId: entry.requestId ?? null,
      },
    });
  }

  async listAudit(_operator: Operator, page: Page, filter: { action?: string } = {}): Promise<{ items: AuditRecord[]; total: number }> {
    const where = filter.action ? { action: { startsWith: filter.action } } : {};
    const [rows, total] = await Promise.all([
      this.prisma.auditEntry.findMany({ where, orderBy: { id: 'desc' }, skip: page.skip, take: page.take }),
      this.prisma.auditEntry.count({ where }),
    ]);
    return { items: rows.map((r) => ({ ...r, id: String(r.id) })), total };
  }
}
