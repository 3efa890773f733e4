import type { PrismaClient } from '../generated/prisma/client';
import { type AttemptResult, type ClaimedDelivery, FINISHED_AT } from './events.model';
import { mintTenant } from './tenant';

/**
 * Delivery claims and attempts: which replica sends which notification, and the log of every attempt.
 * Claims take a batch; finished attempts of many notifications are written in one statement.
 */
export class DeliveriesRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /**
   * Claims up to `limit` deliveries that are due, for `owner`, leased for `leaseMs`. Only the oldest
   * pending notification of an instance is ever claimed, so an instance's notifications arrive in
   * order (a notification waiting for a retry holds back the ones after it). The claim counts as
   * an attempt: a replica that dies mid-delivery has used one. Notifications of a disabled instance
   * or a suspended organization are held: not claimed, they stay pending with their attempts and
   * schedule until the instance is enabled or the suspension lifted.
   */
  async claimDeliveries(owner: string, limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
    const rows = await this.prisma.$queryRaw<
      { id: bigint; event_id: string; instance_id: number; organization_id: number; user_id: number; body: string; attempts: number; updated_date: Date }[]
    >`
      UPDATE event_notifications n
         SET lease_owner = ${owner}, lease_until = now() + make_interval(secs => ${leaseMs / 1000}::float8), attempts = n.attempts + 1
        FROM (SELECT c.id, i.user_id, i.updated_date
                FROM event_notifications c JOIN instances i ON i.id = c.instance_id JOIN organizations o ON o.id = i.organization_id
               WHERE c.status IN ('created', 'retry') AND c.next_attempt_at <= now() AND NOT o.suspended AND NOT i.disabled
                 AND (c.lease_until IS NULL OR c.lease_until < now())
                 AND NOT EXISTS (SELECT 1 FROM event_notifications e
                                  WHERE e.instance_id = c.instance_id AND e.id < c.id AND e.status IN ('created', 'retry'))
               ORDER BY c.next_attempt_at, c.id
               LIMIT ${limit}
                 FOR UPDATE OF c SKIP LOCKED) due
       WHERE n.id = due.id
   RETURNING n.id, n.event_id::text AS event_id, n.instance_id, n.organization_id, due.user_id, n.body, n.attempts, due.updated_date`;
    return rows.map((r) => ({
      id: r.id,
      eventId: r.event_id,
      tenant: mintTenant(r.organization_id, r.user_id),
      instanceId: r.instance_id,
      body: r.body,
      attempt: r.attempts,
      instanceUpdatedDate: r.updated_date,
    }));
  }

  /** Logs an attempt and moves the notification on; false (the log is kept) when the lease was lost. */
  async finishAttempt(owner: string, delivery: ClaimedDelivery, result: AttemptResult): Promise<boolean> {
    const [kept] = await this.finishAttempts(owner, [{ delivery, result }]);
    return kept;
  }

  /**
   * Logs many attempts and moves their notifications on, in one statement (atomic on its own: the
   * attempts are logged whatever happens to the leases). Per attempt, false when its lease was lost.
   */
  async finishAttempts(owner: string, finished: readonly { delivery: ClaimedDelivery; result: AttemptResult }[]): Promise<boolean[]> {
    if (finished.length === 0) return [];
    const text = (v: string | number | null | undefined) => (v === undefined || v === null ? null : String(v));
    const rows = await this.prisma.$queryRaw<{ id: string }[]>`
      WITH x AS (
        SELECT id::bigint AS id, attempt::int AS attempt, started::timestamptz AS started, duration::int AS duration, outcome, code::int AS code, error,
               status, next::timestamptz AS next
          FROM unnest(${finished.map((f) => f.delivery.id.toString())}::text[], ${finished.map((f) => String(f.delivery.attempt))}::text[],
                      ${finished.map((f) => f.result.startedDate.toISOString())}::text[], ${finished.map((f) => String(Math.round(f.result.durationMs)))}::text[],
                      ${finished.map((f) => f.result.outcome)}::text[], ${finished.map((f) => text(f.result.statusCode))}::text[],
                      ${finished.map((f) => text(f.result.error?.slice(0, 2000)))}::text[], ${finished.map((f) => f.result.status)}::text[],
                      ${finished.map((f) => (f.result.status === 'retry' ? (f.result.nextAttemptAt ?? new Date()) : FINISHED_AT).toISOString())}::text[])
                 AS u(id, attempt, started, duration, outcome, code, error, status, next)
      ), logged AS (
        INSERT INTO event_delivery_attempts (notification_id, attempt, started_date, duration_ms, outcome, status_code, error)
        SELECT id, attempt, started, duration, outcome, code, error FROM x
      ), moved AS (
        UPDATE event_notifications n
           SET status = x.status, lease_owner = NULL, lease_until = NULL, last_status_code = x.code, last_error = x.error,
               delivered_date = CASE WHEN x.status = 'delivered' THEN now() ELSE n.delivered_date END,
               next_attempt_at = x.next, updated_date = now()
          FROM x
         WHERE n.id = x.id AND n.lease_owner = ${owner}
     RETURNING n.id
      )
      SELECT id::text AS id FROM moved`;
    const moved = new Set(rows.map((r) => r.id));
    return finished.map((f) => moved.has(f.delivery.id.toString()));
  }

  async releaseDeliveries(owner: string): Promise<void> {
    await this.prisma.$executeRaw`
      UPDATE event_notifications SET lease_owner = NULL, lease_until = NULL, attempts = GREATEST(attempts - 1, 0)
       WHERE lease_owner = ${owner} AND status IN ('created', 'retry')`;
  }

  /**
   * Notifications waiting to be delivered, by status (created, retry), across organizations: for
   * the backlog gauge. Finished ones are parked at FINISHED_AT, so this scans pending ones only.
   */
  async backlog(): Promise<{ status: string; count: number }[]> {
    const rows = await this.prisma.$queryRaw<{ status: string; n: number }[]>`
      SELECT status, count(*)::int AS n FROM event_notifications WHERE next_attempt_at < ${FINISHED_AT} GROUP BY status`;
    return rows.map((r) => ({ status: r.status, count: Number(r.n) }));
  }
}
