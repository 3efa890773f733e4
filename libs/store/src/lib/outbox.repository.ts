import { Prisma, type PrismaClient } from '../generated/prisma/client';
import { EventKeysRepository } from './event-keys.repository';
import {
  type AttemptRecord,
  HELD,
  isUuid,
  type NewEvents,
  type NewNotification,
  type NotificationFilter,
  type NotificationRecord,
  type NotificationStatus,
  PENDING,
} from './events.model';
import { FormulasRepository } from './formulas.repository';
import type { Tenant } from './tenant';

type Tx = Prisma.TransactionClient;

/**
 * The outbox: notifications waiting to go out (and, after, their delivery log), written in the
 * transaction that stores their event keys. Many instances' notifications are one statement.
 */
export class OutboxRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /**
   * Stores the events a vendor webhook brought, as data (keys read as unseen and the notifications
   * built from them); returns how many events were stored. Throws EventKeyConflict, storing nothing,
   * when a key was stored meanwhile.
   */
  async recordEvents(tenant: Tenant, instanceId: number, events: NewEvents): Promise<number> {
    if (events.keys.length === 0 || events.notifications.length === 0) return 0;
    await this.prisma.$transaction(async (tx) => {
      await EventKeysRepository.insert(tx, [{ instanceId, keys: events.keys }]);
      await OutboxRepository.insert(tx, [{ tenant, instanceId, notifications: events.notifications }]);
    });
    return events.notifications.reduce((n, x) => n + x.eventCount, 0);
  }

  /**
   * Inserts notifications of many instances in one statement, in order (ids grow in input order, which
   * is the delivery order of an instance's notifications), and starts the formula executions listening
   * to those instances' events, in the caller's transaction.
   */
  static async insert(tx: Tx, batch: readonly { tenant: Tenant; instanceId: number; notifications: readonly NewNotification[] }[]): Promise<void> {
    const rows = batch.flatMap((b) => b.notifications.map((n) => ({ ...n, instanceId: b.instanceId, organizationId: b.tenant.organizationId })));
    if (rows.length === 0) return;
    await tx.$executeRaw`
      INSERT INTO event_notifications (event_id, instance_id, organization_id, element_key, source, event_count, body, updated_date)
      SELECT e::uuid, i, o, k, s, c, b, now()
        FROM unnest(${rows.map((r) => r.eventId)}::text[], ${rows.map((r) => r.instanceId)}::int[], ${rows.map((r) => r.organizationId)}::int[],
                    ${rows.map((r) => r.elementKey)}::text[], ${rows.map((r) => r.source)}::text[], ${rows.map((r) => r.eventCount)}::int[],
                    ${rows.map((r) => r.body)}::text[]) WITH ORDINALITY AS x(e, i, o, k, s, c, b, n)
       ORDER BY n`;
    // Formula instances listening to these instances' events start with them (same transaction):
    // one statement finds which instances have listeners; only those are looked at further.
    const ids = [...new Set(batch.filter((b) => b.notifications.length > 0).map((b) => b.instanceId))];
    const listened = await tx.$queryRaw<{ event_instance_id: number }[]>`
      SELECT DISTINCT fi.event_instance_id FROM formula_instances fi JOIN formulas f ON f.id = fi.formula_id
       WHERE fi.event_instance_id = ANY(${ids}::int[]) AND fi.active AND f.active`;
    const withListeners = new Set(listened.map((r) => r.event_instance_id));
    for (const b of batch) {
      if (withListeners.has(b.instanceId)) await FormulasRepository.startEventExecutions(tx, b.tenant, b.instanceId, b.notifications);
    }
  }

  /** An instance's notifications, newest first; `held` lists the pending ones its state holds back. */
  async listNotifications(
    tenant: Tenant,
    instanceId: number,
    query: { status?: NotificationFilter; skip: number; take: number },
  ): Promise<{ items: NotificationRecord[]; total: number }> {
    const where: Prisma.EventNotificationWhereInput = {
      instanceId,
      organizationId: tenant.organizationId,
      ...(query.status === HELD
        ? { status: { in: [...PENDING] }, instance: { OR: [{ disabled: true }, { organization: { suspended: true } }] } }
        : query.status
          ? { status: query.status }
          : {}),
    };
    const [rows, total] = await this.prisma.$transaction([
      this.prisma.eventNotification.findMany({ where, orderBy: { id: 'desc' }, skip: query.skip, take: query.take, include: HOLDER }),
      this.prisma.eventNotification.count({ where }),
    ]);
    return { items: rows.map(toNotification), total };
  }

  async findNotification(tenant: Tenant, eventId: string): Promise<(NotificationRecord & { deliveryLog: AttemptRecord[] }) | null> {
    if (!isUuid(eventId)) return null;
    const row = await this.prisma.eventNotification.findFirst({
      where: { eventId, organizationId: tenant.organizationId },
      include: { deliveryLog: { orderBy: { id: 'asc' } }, ...HOLDER },
    });
    if (!row) return null;
    return {
      ...toNotification(row),
      deliveryLog: row.deliveryLog.map((a) => ({
        attempt: a.attempt,
        startedDate: a.startedDate,
        durationMs: a.durationMs,
        outcome: a.outcome,
        statusCode: a.statusCode,
        error: a.error,
      })),
    };
  }

  /** A notification as the API shows it (for the redelivery repository's answers). */
  async notification(tenant: Tenant, eventId: string): Promise<NotificationRecord | null> {
    const row = await this.prisma.eventNotification.findFirst({ where: { eventId, organizationId: tenant.organizationId }, include: HOLDER });
    return row ? toNotification(row) : null;
  }
}

/** What a notification's held state is read from: its instance's and organization's state. */
const HOLDER = { instance: { select: { disabled: true, organization: { select: { suspended: true } } } } } as const;

export function toNotification(row: {
  eventId: string;
  instanceId: number;
  elementKey: string;
  source: string;
  eventCount: number;
  status: string;
  attempts: number;
  nextAttemptAt: Date;
  lastStatusCode: number | null;
  lastError: string | null;
  createdDate: Date;
  deliveredDate: Date | null;
  body: string;
  instance: { disabled: boolean; organization: { suspended: boolean } };
}): NotificationRecord {
  const pending = PENDING.includes(row.status);
  return {
    eventId: row.eventId,
    instanceId: row.instanceId,
    elementKey: row.elementKey,
    source: row.source,
    eventCount: row.eventCount,
    status: row.status as NotificationStatus,
    held: pending && (row.instance.disabled || row.instance.organization.suspended),
    attempts: row.attempts,
    nextAttemptAt: pending ? row.nextAttemptAt : null,
    lastStatusCode: row.lastStatusCode,
    lastError: row.lastError,
    createdDate: row.createdDate,
    deliveredDate: row.deliveredDate,
    body: row.body,
  };
}
