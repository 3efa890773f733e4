import { Prisma, type PrismaClient } from '../generated/prisma/client';
import { EventKeysRepository } from './event-keys.repository';
import type { ClaimedPoll, PollCommit, PollingPlan, PollStatus } from './events.model';
import { OutboxRepository } from './outbox.repository';
import { mintTenant, type Tenant } from './tenant';

type Tx = Prisma.TransactionClient;

/**
 * Poll leases and checkpoints. Coordination between poller replicas lives here, in PostgreSQL: due
 * polls are claimed with FOR UPDATE SKIP LOCKED and leased; every write that ends a poll checks
 * that the lease is still this replica's. Claims and commits take batches: one statement claims N
 * due polls, one transaction commits many polls' results.
 *
 * Claims are the one place that reads across tenants (a poller works for all of them); what they
 * return carries the owning tenant, and every read a client makes is tenant-scoped.
 */
export class PollStatesRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /**
   * Starts, changes or stops the polling of an instance, inside the transaction that changed it.
   * Starting polls from now; a new interval keeps the checkpoint; stopping forgets it (turning
   * events on again starts from then, as documented).
   */
  static async syncPollState(tx: Tx, tenant: Tenant, instanceId: number, plan: PollingPlan | null): Promise<void> {
    if (!plan) {
      await tx.eventPollState.deleteMany({ where: { instanceId, organizationId: tenant.organizationId } });
      return;
    }
    const current = await tx.eventPollState.findUnique({ where: { instanceId } });
    if (!current) {
      const now = new Date();
      await tx.eventPollState.create({
        data: { instanceId, organizationId: tenant.organizationId, intervalMs: plan.intervalMs, checkpoint: now, nextRunAt: new Date(now.getTime() + plan.intervalMs) },
      });
    } else if (current.intervalMs !== plan.intervalMs) {
      const from = current.lastRunAt ?? current.createdDate;
      await tx.eventPollState.update({
        where: { instanceId },
        data: { intervalMs: plan.intervalMs, nextRunAt: new Date(Math.max(Date.now(), from.getTime() + plan.intervalMs)) },
      });
    }
  }

  /**
   * Claims up to `limit` due polls of enabled instances of organizations that are not suspended, for
   * `owner`, leased for `leaseMs`. A suspended organization's polls stay due and run once it is lifted.
   */
  async claimPolls(owner: string, limit: number, leaseMs: number): Promise<ClaimedPoll[]> {
    const rows = await this.prisma.$queryRaw<
      { instance_id: number; organization_id: number; user_id: number; checkpoint: Date; interval_ms: number; due_at: Date; claimed_at: Date; updated_date: Date }[]
    >`
      UPDATE event_poll_states s
         SET lease_owner = ${owner}, lease_until = now() + make_interval(secs => ${leaseMs / 1000}::float8)
        FROM (SELECT p.instance_id, i.user_id, i.updated_date
                FROM event_poll_states p JOIN instances i ON i.id = p.instance_id JOIN organizations o ON o.id = i.organization_id
               WHERE p.next_run_at <= now() AND (p.lease_until IS NULL OR p.lease_until < now()) AND NOT i.disabled AND NOT o.suspended
               ORDER BY p.next_run_at
               LIMIT ${limit}
                 FOR UPDATE OF p SKIP LOCKED) due
       WHERE s.instance_id = due.instance_id
   RETURNING s.instance_id, s.organization_id, due.user_id, s.checkpoint, s.interval_ms, s.next_run_at AS due_at, now() AS claimed_at, due.updated_date`;
    return rows.map((r) => ({
      tenant: mintTenant(r.organization_id, r.user_id),
      instanceId: r.instance_id,
      checkpoint: r.checkpoint,
      intervalMs: r.interval_ms,
      dueAt: r.due_at,
      claimedAt: r.claimed_at,
      instanceUpdatedDate: r.updated_date,
    }));
  }

  /** Keeps a long poll's claim; false when the lease was lost (stop: another replica may have it). */
  async extendPollLease(owner: string, instanceId: number, leaseMs: number): Promise<boolean> {
    const count = await this.prisma.$executeRaw`
      UPDATE event_poll_states SET lease_until = now() + make_interval(secs => ${leaseMs / 1000}::float8)
       WHERE instance_id = ${instanceId} AND lease_owner = ${owner}`;
    return count > 0;
  }

  /**
   * Ends successful polls, many at once: each poll's new events and new checkpoint are committed
   * together, or neither is. Returns the instance ids whose polls were committed; a poll whose lease
   * was lost meanwhile writes nothing. Polls without new events are one statement, no transaction;
   * with events: the lease-checked checkpoint update (which locks the kept polls' rows), the keys, the
   * notifications, in one transaction. Throws EventKeyConflict (nothing committed) when a key was
   * stored meanwhile: read the unseen keys again and commit again.
   */
  async commitPolls(owner: string, commits: readonly PollCommit[]): Promise<Set<number>> {
    if (commits.length === 0) return new Set();
    const finish = async (tx: Tx | PrismaClient) => {
      const events = commits.map((c) => c.events.notifications.reduce((n, x) => n + x.eventCount, 0));
      const rows = await tx.$queryRaw<{ instance_id: number }[]>`
        UPDATE event_poll_states s
           SET checkpoint = x.checkpoint, next_run_at = x.next_run_at, lease_owner = NULL, lease_until = NULL,
               last_run_at = x.last_run_at, last_success_at = now(), last_error = NULL, consecutive_failures = 0,
               last_events_found = x.events, events_found = s.events_found + x.events
          FROM unnest(${commits.map((c) => c.poll.instanceId)}::int[], ${commits.map((c) => c.checkpoint.toISOString())}::timestamptz[],
                      ${commits.map((c) => c.nextRunAt.toISOString())}::timestamptz[], ${commits.map((c) => c.poll.claimedAt.toISOString())}::timestamptz[],
                      ${events}::int[]) AS x(instance_id, checkpoint, next_run_at, last_run_at, events)
         WHERE s.instance_id = x.instance_id AND s.lease_owner = ${owner}
     RETURNING s.instance_id`;
      return new Set(rows.map((r) => r.instance_id));
    };
    if (commits.every((c) => c.events.notifications.length === 0)) return finish(this.prisma);
    return this.prisma.$transaction(async (tx) => {
      // The lease is checked first and its rows stay locked to the end: a replica that lost a poll writes nothing for it.
      const kept = await finish(tx);
      const writing = commits.filter((c) => kept.has(c.poll.instanceId) && c.events.notifications.length > 0);
      await EventKeysRepository.insert(tx, writing.map((c) => ({ instanceId: c.poll.instanceId, keys: c.events.keys })));
      await OutboxRepository.insert(tx, writing.map((c) => ({ tenant: c.poll.tenant, instanceId: c.poll.instanceId, notifications: c.events.notifications })));
      return kept;
    });
  }

  /** Ends a failed poll: the checkpoint stays, so the next poll asks for the same window again. */
  async failPoll(owner: string, poll: ClaimedPoll, error: string, nextRunAt: Date): Promise<boolean> {
    const count = await this.prisma.$executeRaw`
      UPDATE event_poll_states
         SET next_run_at = ${nextRunAt}, lease_owner = NULL, lease_until = NULL, last_run_at = ${poll.claimedAt},
             last_error = ${error.slice(0, 2000)}, consecutive_failures = consecutive_failures + 1, last_events_found = 0
       WHERE instance_id = ${poll.instanceId} AND lease_owner = ${owner}`;
    return count > 0;
  }

  /** Makes an instance's poll due now; false when it is not polled. */
  async pollNow(tenant: Tenant, instanceId: number): Promise<boolean> {
    const { count } = await this.prisma.eventPollState.updateMany({
      where: { instanceId, organizationId: tenant.organizationId },
      data: { nextRunAt: new Date() },
    });
    return count > 0;
  }

  /** Gives back claims without polling (a replica shutting down): they are due again at once. */
  async releasePolls(owner: string): Promise<void> {
    await this.prisma.$executeRaw`UPDATE event_poll_states SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = ${owner}`;
  }

  async pollStatus(tenant: Tenant, instanceId: number): Promise<PollStatus | null> {
    const row = await this.prisma.eventPollState.findFirst({ where: { instanceId, organizationId: tenant.organizationId } });
    if (!row) return null;
    return {
      intervalMs: row.intervalMs,
      checkpoint: row.checkpoint,
      nextRunAt: row.nextRunAt,
      running: row.leaseOwner !== null && row.leaseUntil !== null && row.leaseUntil.getTime() > Date.now(),
      lastRunAt: row.lastRunAt,
      lastSuccessAt: row.lastSuccessAt,
      lastError: row.lastError,
      lastEventsFound: row.lastEventsFound,
      eventsFound: Number(row.eventsFound),
      consecutiveFailures: row.consecutiveFailures,
    };
  }
}
