import type { ElementDefinition, Transformation } from '@hub/element-sdk';
import { toCommon } from '@hub/transformations';
import type { HubCall, HubCaller, HubCalls, HubResponse } from '@hub/runtime';
import type { PollerResourceConfiguration } from '@hub/instance-config';
import { notificationBuilder, parseVendorDate, pendingFromPoll, pollResources } from './poll-runner';

const element = { metadata: { key: 'twiliov2', hub: 'messaging' } } as unknown as ElementDefinition;
const caller = {} as HubCaller;
const noRenew = async () => undefined;

/** A hub that answers list calls from pages of records, naming the next page like the real pipeline. */
function fakeHub(pages: Record<string, unknown>[][], transformation?: Transformation) {
  const calls: HubCall[] = [];
  const hub = {
    transformationOf: async (_caller: HubCaller, objectName: string) => (transformation ? { objectName, transformation } : undefined),
    call: async (_caller: HubCaller, call: HubCall): Promise<HubResponse> => {
      calls.push(JSON.parse(JSON.stringify(call)) as HubCall);
      const index = call.query['nextPage'] === undefined ? 0 : Number(String(call.query['nextPage']).slice(1));
      return { status: 200, body: pages[index] ?? [], headers: index + 1 < pages.length ? { 'elements-next-page-token': `p${index + 1}` } : {} };
    },
  } as unknown as HubCalls;
  return { hub, calls };
}

const TWILIO_DATES: PollerResourceConfiguration = {
  url: "/hubs/messaging/messages?where=DateSent>='${gmtDate:yyyy-MM-dd'T'HH:mm:ss'Z'}'",
  idField: 'sid',
  datesConfiguration: { updatedDateField: 'date_updated', createdDateField: 'date_created' },
  createdCheckTolerance: 60,
  pageSize: 2,
  pollDelay: 30,
};

/** Twilio's messages as a common object (as twilio-common ships it, cut to what a poll reads). */
const MESSAGES: Transformation = {
  vendorName: 'messages',
  fields: [
    { path: 'id', vendorPath: 'sid', type: 'string' },
    { path: 'status', vendorPath: 'status', type: 'string', values: { accepted: 'queued' } },
    { path: 'createdDate', vendorPath: 'date_created', type: 'date' },
    { path: 'updatedDate', vendorPath: 'date_updated', type: 'date' },
  ],
};

const since = new Date('2026-12-01T10:00:00Z');
const rfc = (iso: string) => new Date(iso).toUTCString().replace('GMT', '+0000');

describe('pollResources', () => {
  it('expands the URL from the checkpoint minus pollDelay, follows every page, and keeps the changes since then', async () => {
    const { hub, calls } = fakeHub([
      [
        { sid: 'SM1', date_created: rfc('2026-12-01T10:00:10Z'), date_updated: rfc('2026-12-01T10:00:20Z') }, // new
        { sid: 'SM2', date_created: rfc('2026-11-30T08:00:00Z'), date_updated: rfc('2026-12-01T09:59:45Z') }, // changed within pollDelay
      ],
      [
        { sid: 'SM3', date_created: rfc('2026-11-30T08:00:00Z'), date_updated: rfc('2026-12-01T09:00:00Z') }, // not changed since
        { sid: null, date_updated: rfc('2026-12-01T10:00:00Z') }, // no id: not an event
      ],
    ]);
    const outcome = await pollResources(hub, caller, element, { messages: TWILIO_DATES }, since, noRenew);
    expect(calls.map((c) => c.query)).toEqual([
      { where: "DateSent>='2026-12-01T09:59:30Z'", pageSize: '2' },
      { where: "DateSent>='2026-12-01T09:59:30Z'", pageSize: '2', nextPage: 'p1' },
    ]);
    expect(calls[0]).toMatchObject({ method: 'GET', segments: ['messages'] });
    expect(outcome).toMatchObject({ pages: 2, records: 4, withoutId: 1 });
    expect(outcome.changes.map((c) => [c.key.objectId, c.eventType, c.key.version])).toEqual([
      ['SM1', 'CREATED', 'updated:2026-12-01T10:00:20.000Z'],
      ['SM2', 'UPDATED', 'updated:2026-12-01T09:59:45.000Z'],
    ]);
  });

  it('reads a transformed object’s records by the common fields its vendor-field configuration maps to', async () => {
    const vendor = [
      { sid: 'SM1', date_created: rfc('2026-12-01T10:00:10Z'), date_updated: rfc('2026-12-01T10:00:20Z'), status: 'accepted' },
      { sid: 'SM2', date_created: rfc('2026-11-30T08:00:00Z'), date_updated: rfc('2026-12-01T09:00:00Z') },
    ];
    const { hub } = fakeHub([vendor.map((r) => toCommon(r, MESSAGES))], MESSAGES);
    const outcome = await pollResources(hub, caller, element, { messages: TWILIO_DATES }, since, noRenew);
    expect(outcome.withoutId).toBe(0);
    expect(outcome.changes.map((c) => [c.key.objectType, c.key.objectId, c.eventType, c.key.version])).toEqual([
      ['messages', 'SM1', 'CREATED', 'updated:2026-12-01T10:00:20.000Z'],
    ]);
    expect(outcome.changes[0].record).toMatchObject({ id: 'SM1', status: 'queued', createdDate: '2026-12-01T10:00:10.000Z' });
    expect(outcome.changes[0].record).not.toHaveProperty('sid');
  });

  it('without dates, versions records by their content and leaves CREATED/UPDATED to what was seen before', async () => {
    const { hub } = fakeHub([[{ sid: 'SM1', status: 'sent' }, { sid: 'SM2', status: 'sent' }]]);
    const plain = { url: '/hubs/messaging/messages', idField: 'sid' };
    const first = await pollResources(hub, caller, element, { messages: plain }, since, noRenew);
    expect(first.changes.map((c) => c.eventType)).toEqual(['NEW_OR_CHANGED', 'NEW_OR_CHANGED']);
    expect(first.changes[0].key.version).toMatch(/^sha256:/);
    const again = await pollResources(hub, caller, element, { messages: plain }, since, noRenew);
    expect(again.changes.map((c) => c.key.version)).toEqual(first.changes.map((c) => c.key.version));

    const build = notificationBuilder({ instanceId: 1, userId: 2, organizationId: 3, elementKey: 'twiliov2', hubKey: 'messaging' }, 'polling', pendingFromPoll(first.changes));
    const [notification] = build(first.changes.map((c) => c.key), new Set(['messages/SM2']));
    expect(JSON.parse(notification.body).message.events.map((e: { eventType: string }) => e.eventType)).toEqual(['CREATED', 'UPDATED']);
  });

  it('refuses a URL outside the element’s hub, and renews its lease between pages', async () => {
    const { hub } = fakeHub([[{ sid: 'a' }], [{ sid: 'b' }], [{ sid: 'c' }]]);
    await expect(pollResources(hub, caller, element, { messages: { url: '/hubs/crm/contacts', idField: 'id' } }, since, noRenew)).rejects.toThrow(
      'must start with /hubs/messaging/',
    );
    const renew = jest.fn(async () => undefined);
    await pollResources(hub, caller, element, { messages: { url: '/hubs/messaging/messages', idField: 'sid' } }, since, renew);
    expect(renew).toHaveBeenCalledTimes(2);
  });
});

describe('notificationBuilder', () => {
  const context = { instanceId: 7, userId: 8, organizationId: 9, elementKey: 'twiliov2', hubKey: 'messaging' };
  const pending = Array.from({ length: 23 }, (_, i) => ({
    key: { objectType: 'messages', objectId: `SM${i}`, version: 'v' },
    eventType: 'CREATED' as const,
    date: '2026-12-01T10:00:00Z',
    raw: { sid: `SM${i}` },
  }));

  it('batches ten events per polling notification and twenty per webhook one, each with its own eventId', () => {
    const keys = pending.map((p) => p.key);
    const polling = notificationBuilder(context, 'polling', pending)(keys, new Set());
    expect(polling.map((n) => n.eventCount)).toEqual([10, 10, 3]);
    expect(new Set(polling.map((n) => n.eventId)).size).toBe(3);
    const body = JSON.parse(polling[2].body);
    expect(body.message).toMatchObject({ eventId: polling[2].eventId, instanceId: 7, userId: 8, organizationId: 9, elementKey: 'twiliov2' });
    expect(body.message.events[0]).toEqual({ objectType: 'messages', objectId: 'SM20', eventType: 'CREATED', date: '2026-12-01T10:00:00.000Z', elementKey: 'twiliov2', hubKey: 'messaging' });
    expect(body.message.raw).toEqual({ messages: [{ sid: 'SM20' }, { sid: 'SM21' }, { sid: 'SM22' }] });
    expect(notificationBuilder(context, 'webhook', pending)(keys, new Set()).map((n) => n.eventCount)).toEqual([20, 3]);
  });

  it('builds only what survived deduplication', () => {
    const built = notificationBuilder(context, 'polling', pending)([pending[4].key], new Set());
    expect(built).toHaveLength(1);
    expect(JSON.parse(built[0].body).message.events.map((e: { objectId: string }) => e.objectId)).toEqual(['SM4']);
  });
});

describe('parseVendorDate', () => {
  it.each([
    ['Tue, 01 Dec 2026 10:00:00 +0000', '2026-12-01T10:00:00.000Z'],
    ['2026-12-01T11:00:00+01:00', '2026-12-01T10:00:00.000Z'],
    [1_796_119_200, '2026-12-01T10:00:00.000Z'],
    [1_796_119_200_000, '2026-12-01T10:00:00.000Z'],
    ['1796119200', '2026-12-01T10:00:00.000Z'],
  ])('reads %p', (input, iso) => {
    expect(parseVendorDate(input)?.toISOString()).toBe(iso);
  });

  it.each([[null], [''], ['not a date'], [{}]])('reads nothing from %p', (input) => {
    expect(parseVendorDate(input)).toBeUndefined();
  });
});
