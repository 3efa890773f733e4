import { Prisma, type PrismaClient } from '../generated/prisma/client';
import { FormulasRepository } from './formulas.repository';
import { mintTenant, type Tenant } from './tenant';

type Tx = Prisma.TransactionClient;

/** How an instance is polled; null when it is not (events off, or not by polling). */
export interface PollingPlan {
  readonly intervalMs: number;
}

/** A poll a replica holds: it alone polls this instance until `leaseUntil`. */
export interface ClaimedPoll {
  readonly tenant: Tenant;
  readonly instanceId: number;
  /** Everything changed before this was seen by an earlier poll. */
  readonly checkpoint: Date;
  readonly intervalMs: number;
  /** When the poll fell due (claimedAt − dueAt is how late it runs). */
  readonly dueAt: Date;
  /** The database's clock when the claim was made: the checkpoint a successful poll moves to. */
  readonly claimedAt: Date;
  /** The instance's updatedDate now: a copy of the instance read at that date is current. */
  readonly instanceUpdatedDate: Date;
}

/** A change that may become an event: identified by object and version, deduplicated across polls. */
export interface EventKeyInput {
  readonly objectType: string;
  readonly objectId: string;
  /** The object's updated date (ISO), or a hash of the record when the vendor tells none. */
  readonly version: string;
}

export interface NewNotification {
  readonly eventId: string;
  readonly elementKey: string;
  readonly source: 'polling' | 'webhook';
  readonly eventCount: number;
  /** The serialised notification: sent as is on every attempt. */
  readonly body: string;
}

/**
 * Builds the notifications for the changes that are new: `fresh` are the keys not seen before
 * (in input order), `knownObjects` the `objectType/objectId` pairs seen before under another version.
 */
export type NotificationBuilder = (fresh: readonly EventKeyInput[], knownObjects: ReadonlySet<string>) => NewNotification[];

export interface PollStatus {
  readonly intervalMs: number;
  readonly checkpoint: Date;
  readonly nextRunAt: Date;
  readonly running: boolean;
  readonly lastRunAt: Date | null;
  readonly lastSuccessAt: Date | null;
  readonly lastError: string | null;
  readonly lastEventsFound: number;
  readonly eventsFound: number;
  readonly consecutiveFailures: number;
}

export type NotificationStatus = 'created' | 'retry' | 'delivered' | 'failed';
export const NOTIFICATION_STATUSES: readonly NotificationStatus[] = ['created', 'retry', 'delivered', 'failed'];

export interface ClaimedDelivery {
  readonly id: bigint;
  readonly eventId: string;
  readonly tenant: Tenant;
  readonly instanceId: number;
  readonly body: string;
  /** This attempt's number (1 = the first). */
  readonly attempt: number;
  /** The instance's updatedDate now: a copy of the instance read at that date is current. */
  readonly instanceUpdatedDate: Date;
}

export interface AttemptResult {
  readonly startedDate: Date;
  readonly durationMs: number;
  readonly outcome: 'delivered' | 'retry' | 'failed';
  readonly statusCode?: number;
  readonly error?: string;
  /** The notification's status after this attempt, and when to try again (retry). */
  readonly status: 'delivered' | 'retry' | 'failed';
  readonly nextAttemptAt?: Date;
}

export interface NotificationRecord {
  readonly eventId: string;
  readonly instanceId: number;
  readonly elementKey: string;
  readonly source: string;
  readonly eventCount: number;
  readonly status: NotificationStatus;
  readonly attempts: number;
  readonly nextAttemptAt: Date | null;
  readonly lastStatusCode: number | null;
  readonly lastError: string | null;
  readonly createdDate: Date;
  readonly deliveredDate: Date | null;
  readonly body: string;
}

export interface AttemptRecord {
  readonly attempt: number;
  readonly startedDate: Date;
  readonly durationMs: number;
  readonly outcome: string;
  readonly statusCode: number | null;
  readonly error: string | null;
}

const PENDING = ['created', 'retry'];
/**
 * Where a finished notification's next_attempt_at is parked: past every claim's `next_attempt_at <=
 * now()` scan of the (next_attempt_at, id) index, so claims walk pending notifications only.
 */
export const FINISHED_AT = new Date('9999-12-31T00:00:00Z');

/**
 * Events: poll checkpoints, notifications and their delivery log. Coordination between poller
 * replicas lives here, in PostgreSQL: due work is claimed with FOR UPDATE SKIP LOCKED and leased;
 * every write that ends a piece of work checks that the lease is still this replica's.
 *
 * Claims are the one place that reads across tenants (a poller works for all of them); what they
 * return carries the owning tenant, and every read a client makes is tenant-scoped.
 */
export class EventsRepository {
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
   * Ends a successful poll: the new events and the new checkpoint are committed together, or
   * neither is (when the lease was lost to another replica, nothing is written and false is returned).
   */
  async completePoll(
    owner: string,
    poll: ClaimedPoll,
    result: { keys: readonly EventKeyInput[]; build: NotificationBuilder; checkpoint: Date; nextRunAt: Date },
  ): Promise<{ committed: boolean; events: number }> {
    const finish = (tx: Tx | PrismaClient, events: number) => tx.$executeRaw`
      UPDATE event_poll_states
         SET checkpoint = ${result.checkpoint}, next_run_at = ${result.nextRunAt}, lease_owner = NULL, lease_until = NULL,
             last_run_at = ${poll.claimedAt}, last_success_at = now(), last_error = NULL, consecutive_failures = 0,
             last_events_found = ${events}, events_found = events_found + ${events}
       WHERE instance_id = ${poll.instanceId} AND lease_owner = ${owner}`;
    // Nothing new (no change found, or only changes already seen: an overlapping window): one
    // statement, no transaction. Keys are only ever added, so "all seen" cannot become false meanwhile.
    if (result.keys.length === 0 || (await this.allSeen(poll.instanceId, result.keys))) {
      return { committed: (await finish(this.prisma, 0)) > 0, events: 0 };
    }
    try {
      return await this.prisma.$transaction(async (tx) => {
        const notifications = await this.insertFresh(tx, poll.tenant, poll.instanceId, result.keys, result.build);
        const events = notifications.reduce((n, x) => n + x.eventCount, 0);
        // The lease is checked last, in the same transaction: a replica that lost it writes nothing.
        if ((await finish(tx, events)) === 0) throw new LeaseLost();
        return { committed: true, events };
      });
    } catch (error) {
      if (error instanceof LeaseLost) return { committed: false, events: 0 };
      throw error;
    }
  }

  private async allSeen(instanceId: number, keys: readonly EventKeyInput[]): Promise<boolean> {
    const [row] = await this.prisma.$queryRaw<{ unseen: bigint }[]>`
      SELECT count(*) AS unseen
        FROM unnest(${keys.map((k) => k.objectType)}::text[], ${keys.map((k) => k.objectId)}::text[], ${keys.map((k) => k.version)}::text[]) AS x(t, o, v)
       WHERE NOT EXISTS (SELECT 1 FROM event_keys k WHERE k.instance_id = ${instanceId} AND k.object_type = x.t AND k.object_id = x.o AND k.version = x.v)`;
    return Number(row?.unseen ?? 1) === 0;
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

  /** Stores the events a vendor webhook brought (deduplicated like polled ones); returns how many were new. */
  async recordEvents(tenant: Tenant, instanceId: number, keys: readonly EventKeyInput[], build: NotificationBuilder): Promise<number> {
    return this.prisma.$transaction(async (tx) => {
      const notifications = await this.insertFresh(tx, tenant, instanceId, keys, build);
      return notifications.reduce((n, x) => n + x.eventCount, 0);
    });
  }

  private async insertFresh(
    tx: Tx,
    tenant: Tenant,
    instanceId: number,
    keys: readonly EventKeyInput[],
    build: NotificationBuilder,
  ): Promise<NewNotification[]> {
    if (keys.length === 0) return [];
    // One statement: which objects were seen before (the snapshot before the insert), and which keys are new.
    const rows = await tx.$queryRaw<{ kind: 'new' | 'known'; object_type: string; object_id: string; version: string | null }[]>`
      WITH input AS (
        SELECT * FROM unnest(${keys.map((k) => k.objectType)}::text[], ${keys.map((k) => k.objectId)}::text[], ${keys.map((k) => k.version)}::text[]) AS x(t, o, v)
      ), known AS (
        SELECT DISTINCT k.object_type, k.object_id FROM event_keys k JOIN input i ON k.object_type = i.t AND k.object_id = i.o
         WHERE k.instance_id = ${instanceId}
      ), inserted AS (
        INSERT INTO event_keys (instance_id, object_type, object_id, version)
        SELECT DISTINCT ${instanceId}::int, t, o, v FROM input
        ON CONFLICT DO NOTHING
        RETURNING object_type, object_id, version
      )
      SELECT 'new' AS kind, object_type, object_id, version FROM inserted
      UNION ALL
      SELECT 'known' AS kind, object_type, object_id, NULL FROM known`;
    const inserted = rows.filter((r) => r.kind === 'new');
    const known = rows.filter((r) => r.kind === 'known');
    const isNew = new Set(inserted.map((r) => `${r.object_type}\u0000${r.object_id}\u0000${r.version ?? ''}`));
    const fresh: EventKeyInput[] = [];
    for (const key of keys) {
      const id = `${key.objectType}\u0000${key.objectId}\u0000${key.version}`;
      if (isNew.delete(id)) fresh.push(key); // delete: a key given twice in one batch is one event
    }
    if (fresh.length === 0) return [];
    const notifications = build(fresh, new Set(known.map((r) => `${r.object_type}/${r.object_id}`)));
    if (notifications.length > 0) {
      await tx.eventNotification.createMany({
        data: notifications.map((n) => ({ ...n, instanceId, organizationId: tenant.organizationId })),
      });
      // Formula instances listening to this instance's events start with them (same transaction).
      await FormulasRepository.startEventExecutions(tx, tenant, instanceId, notifications);
    }
    return notifications;
  }

  /**
   * Claims up to `limit` deliveries that are due, for `owner`, leased for `leaseMs`. Only the oldest
   * pending notification of an instance is ever claimed, so an instance's notifications arrive in
   * order (a notification waiting for a retry holds back the ones after it). The claim counts as
   * an attempt: a replica that dies mid-delivery has used one. Notifications of a suspended
   * organization are not claimed: they stay pending, with their attempts and schedule, until it is lifted.
   */
  async claimDeliveries(owner: string, limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
    const rows = await this.prisma.$queryRaw<
      { id: bigint; event_id: string; instance_id: number; organization_id: number; user_id: number; body: string; attempts: number; updated_date: Date }[]
    >`
      UPDATE event_notifications n
         SET lease_owner = ${owner}, lease_until = now() + make_interval(secs => ${leaseMs / 1000}::float8), attempts = n.attempts + 1
        FROM (SELECT c.id, i.user_id, i.updated_date
                FROM event_notifications c JOIN instances i ON i.id = c.instance_id JOIN organizations o ON o.id = i.organization_id
               WHERE c.status IN ('created', 'retry') AND c.next_attempt_at <= now() AND NOT o.suspended
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
    const error = result.error?.slice(0, 2000) ?? null;
    const statusCode = result.statusCode ?? null;
    // One statement (atomic on its own): the attempt is logged whatever happens to the lease.
    const rows = await this.prisma.$queryRaw<{ updated: bigint }[]>`
      WITH logged AS (
        INSERT INTO event_delivery_attempts (notification_id, attempt, started_date, duration_ms, outcome, status_code, error)
        VALUES (${delivery.id}, ${delivery.attempt}, ${result.startedDate}, ${result.durationMs}, ${result.outcome}, ${statusCode}, ${error})
      ), moved AS (
        UPDATE event_notifications
           SET status = ${result.status}, lease_owner = NULL, lease_until = NULL, last_status_code = ${statusCode}, last_error = ${error},
               delivered_date = CASE WHEN ${result.status} = 'delivered' THEN now() ELSE delivered_date END,
               next_attempt_at = ${result.status === 'retry' ? (result.nextAttemptAt ?? new Date()) : FINISHED_AT},
               updated_date = now()
         WHERE id = ${delivery.id} AND lease_owner = ${owner}
     RETURNING 1
      )
      SELECT count(*) AS updated FROM moved`;
    return Number(rows[0]?.updated ?? 0) > 0;
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

  async releaseDeliveries(owner: string): Promise<void> {
    await this.prisma.$executeRaw`
      UPDATE event_notifications SET lease_owner = NULL, lease_until = NULL, attempts = GREATEST(attempts - 1, 0)
       WHERE lease_owner = ${owner} AND status IN ('created', 'retry')`;
  }

  /** An instance's notifications, newest first. */
  async listNotifications(
    tenant: Tenant,
    instanceId: number,
    query: { status?: NotificationStatus; skip: number; take: number },
  ): Promise<{ items: NotificationRecord[]; total: number }> {
    const where: Prisma.EventNotificationWhereInput = {
      instanceId,
      organizationId: tenant.organizationId,
      ...(query.status ? { status: query.status } : {}),
    };
    const [rows, total] = await this.prisma.$transaction([
      this.prisma.eventNotification.findMany({ where, orderBy: { id: 'desc' }, skip: query.skip, take: query.take }),
      this.prisma.eventNotification.count({ where }),
    ]);
    return { items: rows.map(toNotification), total };
  }

  async findNotification(tenant: Tenant, eventId: string): Promise<(NotificationRecord & { deliveryLog: AttemptRecord[] }) | null> {
    if (!isUuid(eventId)) return null;
    const row = await this.prisma.eventNotification.findFirst({
      where: { eventId, organizationId: tenant.organizationId },
      include: { deliveryLog: { orderBy: { id: 'asc' } } },
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

  /** Queues one notification again (delivered or failed ones too), with a fresh retry schedule. */
  async redeliver(tenant: Tenant, eventId: string): Promise<NotificationRecord | null> {
    if (!isUuid(eventId)) return null;
    const { count } = await this.prisma.eventNotification.updateMany({
      where: { eventId, organizationId: tenant.organizationId, status: { notIn: PENDING } },
      data: { status: 'retry', attempts: 0, nextAttemptAt: new Date(), leaseOwner: null, leaseUntil: null },
    });
    const row = await this.prisma.eventNotification.findFirst({ where: { eventId, organizationId: tenant.organizationId } });
    return row && (count > 0 || PENDING.includes(row.status)) ? toNotification(row) : null;
  }

  /** Queues every failed notification of an instance again; returns how many. */
  async redeliverFailed(tenant: Tenant, instanceId: number): Promise<number> {
    const { count } = await this.prisma.eventNotification.updateMany({
      where: { instanceId, organizationId: tenant.organizationId, status: 'failed' },
      data: { status: 'retry', attempts: 0, nextAttemptAt: new Date(), leaseOwner: null, leaseUntil: null },
    });
    return count;
  }

  /** Forgets delivered and failed notifications (and their attempts) created more than `maxAgeMs` ago. */
  async pruneNotifications(maxAgeMs: number): Promise<number> {
    const { count } = await this.prisma.eventNotification.deleteMany({
      where: { status: { in: ['delivered', 'failed'] }, createdDate: { lt: new Date(Date.now() - maxAgeMs) } },
    });
    return count;
  }

  /** Forgets deduplication keys older than `maxAgeMs` (far older than any poll window). */
  async pruneEventKeys(maxAgeMs: number): Promise<number> {
    const { count } = await this.prisma.eventKey.deleteMany({ where: { createdDate: { lt: new Date(Date.now() - maxAgeMs) } } });
    return count;
  }
}

const isUuid = (text: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(text);

function toNotification(row: {
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
}): NotificationRecord {
  const pending = PENDING.includes(row.status);
  return {
    eventId: row.eventId,
    instanceId: row.instanceId,
    elementKey: row.elementKey,
    source: row.source,
    eventCount: row.eventCount,
    status: row.status as NotificationStatus,
    attempts: row.attempts,
    nextAttemptAt: pending ? row.nextAttemptAt : null,
    lastStatusCode: row.lastStatusCode,
    lastError: row.lastError,
    createdDate: row.createdDate,
    deliveredDate: row.deliveredDate,
    body: row.body,
  };
}

class LeaseLost extends Error {}
