/**
 * The notification a callback URL receives: the old platform's wire format
 * (shared/reference/cloud-elements-api.md, "Event delivery"), which its clients already parse.
 */

export const EVENT_TYPES = ['CREATED', 'UPDATED', 'DELETED', 'UNKNOWN'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** At most this many events per notification: 10 for polling, 20 for vendor webhooks (as the old platform). */
export const EVENTS_PER_NOTIFICATION = { polling: 10, webhook: 20 } as const;
export const MAX_EVENTS_PER_NOTIFICATION = Math.max(...Object.values(EVENTS_PER_NOTIFICATION));

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface NotificationEvent {
  readonly objectType: string;
  readonly objectId: string;
  readonly eventType: EventType;
  /** ISO 8601 (UTC). */
  readonly date: string;
  readonly elementKey: string;
  readonly hubKey: string;
}

export interface NotificationMessage {
  /** The notification's id: also sent as Elements-Webhook-Id, the same on every retry. */
  readonly eventId: string;
  readonly instanceId: number;
  readonly elementKey: string;
  readonly userId: number;
  readonly organizationId: number;
  readonly events: readonly NotificationEvent[];
  /** The vendor's own data behind the events (poll page records or the webhook's fields). */
  readonly raw: JsonValue;
}

export interface Notification {
  readonly message: NotificationMessage;
}

export interface EventInput {
  readonly objectType: string;
  readonly objectId: string;
  readonly eventType: EventType;
  /** When the change happened: a Date, or any date string `Date.parse` reads (ISO 8601, RFC 2822). */
  readonly date: Date | string;
}

export interface NotificationInput {
  readonly eventId: string;
  readonly instanceId: number;
  readonly elementKey: string;
  /** The hub the element belongs to ("messaging"): every event carries it. */
  readonly hubKey: string;
  readonly userId: number;
  readonly organizationId: number;
  /** 1 to MAX_EVENTS_PER_NOTIFICATION events, in order; use batchEvents to split a longer list. */
  readonly events: readonly EventInput[];
  /** JSON-serialisable vendor data; `{}` when left out. */
  readonly raw?: unknown;
}

function requireText(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim().length === 0) {
    throw new TypeError(`${field} must be a non-empty string (got ${describe(value)})`);
  }
  return value;
}

function requireId(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new TypeError(`${field} must be a positive integer (got ${describe(value)})`);
  }
  return value;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}

function isoDate(value: unknown, field: string): string {
  const time =
    value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(time))
    throw new TypeError(`${field} must be a Date or a date string (got ${describe(value)})`);
  return new Date(time).toISOString();
}

function jsonOf(value: unknown, field: string): JsonValue {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw new TypeError(
      `${field} must be JSON-serialisable: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (text === undefined) throw new TypeError(`${field} must be JSON-serialisable (got ${typeof value})`);
  return JSON.parse(text) as JsonValue; // a copy: later changes to the caller's object do not change the body
}

/** Builds (and checks) one notification. Serialise it once with JSON.stringify and keep those bytes for every retry. */
export function notificationBody(input: NotificationInput): Notification {
  const elementKey = requireText(input.elementKey, 'elementKey');
  const hubKey = requireText(input.hubKey, 'hubKey');
  if (!Array.isArray(input.events))
    throw new TypeError(`events must be an array (got ${describe(input.events)})`);
  const list: readonly EventInput[] = input.events;
  if (list.length === 0 || list.length > MAX_EVENTS_PER_NOTIFICATION) {
    throw new RangeError(
      `events must hold 1 to ${MAX_EVENTS_PER_NOTIFICATION} events (got ${list.length}); split them with batchEvents`,
    );
  }
  const events = list.map((event, i): NotificationEvent => {
    const at = `events[${i}]`;
    if (!event || typeof event !== 'object')
      throw new TypeError(`${at} must be an object (got ${describe(event)})`);
    if (!(EVENT_TYPES as readonly string[]).includes(event.eventType)) {
      throw new TypeError(
        `${at}.eventType must be one of ${EVENT_TYPES.join(', ')} (got ${describe(event.eventType)})`,
      );
    }
    return {
      objectType: requireText(event.objectType, `${at}.objectType`),
      objectId: requireText(event.objectId, `${at}.objectId`),
      eventType: event.eventType,
      date: isoDate(event.date, `${at}.date`),
      elementKey,
      hubKey,
    };
  });
  return {
    message: {
      eventId: requireText(input.eventId, 'eventId'),
      instanceId: requireId(input.instanceId, 'instanceId'),
      elementKey,
      userId: requireId(input.userId, 'userId'),
      organizationId: requireId(input.organizationId, 'organizationId'),
      events,
      raw: input.raw === undefined ? {} : jsonOf(input.raw, 'raw'),
    },
  };
}

/** Splits events, in order, into notifications of at most `max` (EVENTS_PER_NOTIFICATION.polling or .webhook). */
export function batchEvents<T>(events: readonly T[], max: number): T[][] {
  if (!Array.isArray(events)) throw new TypeError(`events must be an array (got ${describe(events)})`);
  if (!Number.isSafeInteger(max) || max < 1)
    throw new RangeError(`max must be a positive integer (got ${describe(max)})`);
  const batches: T[][] = [];
  for (let start = 0; start < events.length; start += max) batches.push(events.slice(start, start + max));
  return batches;
}
