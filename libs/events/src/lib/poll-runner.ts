import { BadRequestError, type ElementDefinition, type Transformation } from '@hub/element-sdk';
import { valueAt } from '@hub/transformations';
import { batchEvents, EVENTS_PER_NOTIFICATION, type EventType, notificationBody } from '@hub/delivery';
import type { HubCaller, HubCalls } from '@hub/runtime';
import { expandUrlMacros, type PollerResourceConfiguration } from '@hub/instance-config';
import type { EventKeyInput, NewNotification } from '@hub/store';
import { createHash, randomUUID } from 'node:crypto';

/** A poll follows at most this many pages of one resource: a vendor that never stops paging is an error, not a hang. */
export const MAX_POLL_PAGES = 1_000;

/** One record a poll found changed, before deduplication. */
export interface PolledChange {
  readonly key: EventKeyInput;
  /** Decided from the dates when the configuration has them; otherwise by whether the object was seen before. */
  readonly eventType: EventType | 'NEW_OR_CHANGED';
  readonly date: Date;
  readonly record: Record<string, unknown>;
}

export interface PollOutcome {
  readonly changes: PolledChange[];
  readonly pages: number;
  readonly records: number;
  /** Records without a value at their resource's idField: they cannot be events (a misconfigured idField). */
  readonly withoutId: number;
}

/**
 * A vendor date: ISO 8601, RFC 2822 (Twilio's `Mon, 01 Dec 2026 08:00:00 +0000`), or epoch
 * milliseconds/seconds. The configured SimpleDateFormat only documents the vendor's format:
 * every format the old platform's pollers name for Twilio-like vendors is one of these.
 */
export function parseVendorDate(value: unknown): Date | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return new Date(value < 1e11 ? value * 1000 : value);
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return parseVendorDate(Number(value.trim()));
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}

/**
 * Polls the resources of an instance's event.poller.configuration through the hub pipeline (the
 * same path as a client's call: validation, CEQL, paging, null filtering), following every page,
 * and returns the records that changed since `since`.
 */
export async function pollResources(
  hub: HubCalls,
  caller: HubCaller,
  element: ElementDefinition,
  configuration: Readonly<Record<string, PollerResourceConfiguration>>,
  since: Date,
  renewLease: () => Promise<void>,
): Promise<PollOutcome> {
  const changes: PolledChange[] = [];
  let pages = 0;
  let records = 0;
  let withoutId = 0;
  for (const [objectType, resource] of Object.entries(configuration)) {
    const from = new Date(since.getTime() - (resource.pollDelay ?? 0) * 1000);
    const url = new URL(expandUrlMacros(resource.url, from), 'http://hub.invalid');
    const prefix = `/hubs/${element.metadata.hub}/`;
    if (!url.pathname.startsWith(prefix)) {
      throw new BadRequestError(`event.poller.configuration.${objectType}.url must start with ${prefix} (got '${resource.url}')`);
    }
    const segments = url.pathname.slice(prefix.length).split('/').filter(Boolean).map(decodeURIComponent);
    // A transformed object's records come back in the common shape: a configuration written for
    // the vendor's records (idField sid, date_updated) reads the common fields they map to.
    const mapping = segments.length === 1 ? await hub.transformationOf(caller, segments[0]) : undefined;
    const fields = mapping ? inCommonFields(resource, mapping.transformation) : resource;
    const query: Record<string, string> = Object.fromEntries(url.searchParams);
    if (resource.pageSize && query['pageSize'] === undefined) query['pageSize'] = String(resource.pageSize);
    for (let page = 1; ; page++) {
      if (page > MAX_POLL_PAGES) throw new Error(`${objectType}: more than ${MAX_POLL_PAGES} pages in one poll`);
      const response = await hub.call(caller, { method: 'GET', segments, query, body: undefined });
      pages++;
      const body = Array.isArray(response.body) ? (response.body as Record<string, unknown>[]) : [];
      records += body.length;
      for (const record of body) {
        const id = valueAt(record, fields.idField);
        if (id === undefined || id === null || id === '') {
          withoutId++;
          continue;
        }
        const change = changeOf(objectType, fields, record, from);
        if (change) changes.push(change);
      }
      const next = response.headers['elements-next-page-token'];
      if (!next) break;
      query['nextPage'] = next;
      await renewLease();
    }
  }
  return { changes, pages, records, withoutId };
}

/** The poller configuration's record fields as the common fields they map to (those it already names stay). */
export function inCommonFields(resource: PollerResourceConfiguration, t: Transformation): PollerResourceConfiguration {
  const paths = new Set(t.fields.map((f) => f.path));
  const common = (name: string | undefined) => (name === undefined || paths.has(name) ? name : (t.fields.find((f) => f.vendorPath === name)?.path ?? name));
  const dates = resource.datesConfiguration;
  return {
    ...resource,
    idField: common(resource.idField) ?? resource.idField,
    ...(dates
      ? {
          datesConfiguration: {
            ...dates,
            ...(dates.updatedDateField ? { updatedDateField: common(dates.updatedDateField) } : {}),
            ...(dates.createdDateField ? { createdDateField: common(dates.createdDateField) } : {}),
          },
        }
      : {}),
  };
}

function changeOf(
  objectType: string,
  resource: PollerResourceConfiguration,
  record: Record<string, unknown>,
  from: Date,
): PolledChange | undefined {
  const id = valueAt(record, resource.idField);
  if (id === undefined || id === null || id === '') return undefined;
  const dates = resource.datesConfiguration ?? {};
  const updated = dates.updatedDateField ? parseVendorDate(valueAt(record, dates.updatedDateField)) : undefined;
  const created = dates.createdDateField ? parseVendorDate(valueAt(record, dates.createdDateField)) : undefined;
  // Records not changed since the last poll (minus pollDelay) are not events.
  if (resource.filterByUpdatedDate !== false && updated && updated.getTime() < from.getTime()) return undefined;
  const toleranceMs = (resource.createdCheckTolerance ?? 0) * 1000;
  let eventType: PolledChange['eventType'] = 'NEW_OR_CHANGED';
  if (created && updated) eventType = updated.getTime() - created.getTime() <= toleranceMs ? 'CREATED' : 'UPDATED';
  else if (created) eventType = created.getTime() >= from.getTime() ? 'CREATED' : 'UPDATED';
  const version = updated
    ? `updated:${updated.toISOString()}`
    : `sha256:${createHash('sha256').update(JSON.stringify(record)).digest('base64url')}`;
  return {
    key: { objectType, objectId: String(id), version },
    eventType,
    date: updated ?? created ?? new Date(),
    record,
  };
}

export interface NotificationContext {
  readonly instanceId: number;
  readonly userId: number;
  readonly organizationId: number;
  readonly elementKey: string;
  readonly hubKey: string;
}

/** Who a notification is from: the instance and its element. */
export function notificationContext(
  instance: { readonly id: number; readonly userId: number; readonly organizationId: number },
  element: ElementDefinition,
): NotificationContext {
  return { instanceId: instance.id, userId: instance.userId, organizationId: instance.organizationId, elementKey: element.metadata.key, hubKey: element.metadata.hub };
}

/**
 * Builds the notifications for the changes that are new: `fresh` are the keys not seen before
 * (in input order), `knownObjects` the `objectType/objectId` pairs seen before under another version.
 */
export type NotificationBuilder = (fresh: readonly EventKeyInput[], knownObjects: ReadonlySet<string>) => NewNotification[];

export interface PendingEvent {
  readonly key: EventKeyInput;
  readonly eventType: EventType | 'NEW_OR_CHANGED';
  readonly date: Date | string;
  readonly raw: unknown;
}

const keyId = (k: EventKeyInput) => `${k.objectType}\u0000${k.objectId}\u0000${k.version}`;

/**
 * Builds, from the changes that survived deduplication (EventKeysRepository.unseen), the notifications to store: events in order,
 * batched (10 per notification for polling, 20 for webhooks), each notification with a new eventId
 * and its body serialised once. `raw` holds the records behind the events, by object type.
 */
export function notificationBuilder(
  context: NotificationContext,
  source: 'polling' | 'webhook',
  pending: readonly PendingEvent[],
): NotificationBuilder {
  const byKey = new Map(pending.map((p) => [keyId(p.key), p]));
  return (fresh, knownObjects) => {
    const events = fresh.flatMap((key) => {
      const p = byKey.get(keyId(key));
      if (!p) return [];
      const eventType: EventType =
        p.eventType === 'NEW_OR_CHANGED' ? (knownObjects.has(`${key.objectType}/${key.objectId}`) ? 'UPDATED' : 'CREATED') : p.eventType;
      return [{ ...p, eventType }];
    });
    return batchEvents(events, EVENTS_PER_NOTIFICATION[source]).map((batch): NewNotification => {
      const eventId = randomUUID();
      const raw: Record<string, unknown[]> = {};
      for (const e of batch) (raw[e.key.objectType] ??= []).push(e.raw);
      const body = notificationBody({
        ...context,
        eventId,
        events: batch.map((e) => ({ objectType: e.key.objectType, objectId: e.key.objectId, eventType: e.eventType, date: e.date })),
        raw: source === 'webhook' && batch.length === 1 ? batch[0].raw : raw,
      });
      return { eventId, elementKey: context.elementKey, source, eventCount: batch.length, body: JSON.stringify(body) };
    });
  };
}

export function pendingFromPoll(changes: readonly PolledChange[]): PendingEvent[] {
  return changes.map((c) => ({ key: c.key, eventType: c.eventType, date: c.date, raw: c.record }));
}
