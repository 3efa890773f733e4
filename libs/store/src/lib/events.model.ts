import type { Tenant } from './tenant';

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

/** What deduplication found for one instance's keys: the keys not seen before, and the objects seen before. */
export interface UnseenKeys {
  /** The keys not stored yet, in input order, each once. */
  readonly fresh: EventKeyInput[];
  /** `objectType/objectId` of the objects seen before under some version (CREATED or UPDATED). */
  readonly knownObjects: ReadonlySet<string>;
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
 * New events of one instance, as data: the keys that were unseen when they were read (`fresh`,
 * from `EventKeysRepository.unseen`) and the notifications built from them. Storing them fails
 * with a conflict when any of these keys was stored meanwhile (read again, build again).
 */
export interface NewEvents {
  readonly keys: readonly EventKeyInput[];
  readonly notifications: readonly NewNotification[];
}

/** A successful poll's result to commit: its events and the checkpoint it moves to. */
export interface PollCommit {
  readonly poll: ClaimedPoll;
  readonly events: NewEvents;
  readonly checkpoint: Date;
  readonly nextRunAt: Date;
}

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
/**
 * A pending notification that is not attempted because its instance is disabled or its organization
 * suspended: it goes out when that ends, or expires after the retention window. A filter and a view, not
 * a stored status (enabling the instance or lifting the suspension changes nothing stored).
 */
export const HELD = 'held';
export type NotificationFilter = NotificationStatus | typeof HELD;

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
  /** Pending, and not attempted while its instance is disabled or its organization suspended. */
  readonly held: boolean;
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

export const PENDING: readonly string[] = ['created', 'retry'];
/**
 * Where a finished notification's next_attempt_at is parked: past every claim's `next_attempt_at <=
 * now()` scan of the (next_attempt_at, id) index, so claims walk pending notifications only.
 */
export const FINISHED_AT = new Date('9999-12-31T00:00:00Z');

/** Some of the keys to store were stored meanwhile (a concurrent webhook): read the unseen keys again. */
export class EventKeyConflict extends Error {
  constructor(readonly instanceIds: readonly number[]) {
    super(`event keys of instance(s) ${instanceIds.join(', ')} were stored meanwhile`);
  }
}

export const isUuid = (text: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(text);
