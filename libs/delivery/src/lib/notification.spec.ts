import {
  batchEvents,
  EVENTS_PER_NOTIFICATION,
  type NotificationInput,
  notificationBody,
} from './notification';

const input = (overrides: Partial<NotificationInput> = {}): NotificationInput => ({
  eventId: 'evt_1',
  instanceId: 42,
  elementKey: 'twiliov2',
  hubKey: 'messaging',
  userId: 7,
  organizationId: 3,
  events: [{ objectType: 'messages', objectId: 'SM1', eventType: 'CREATED', date: '2026-01-02T03:04:05Z' }],
  raw: { messages: [{ sid: 'SM1', body: 'hi' }] },
  ...overrides,
});

describe('notificationBody', () => {
  it('builds the old platform’s wire format, byte for byte', () => {
    expect(JSON.stringify(notificationBody(input()))).toBe(
      '{"message":{"eventId":"evt_1","instanceId":42,"elementKey":"twiliov2","userId":7,"organizationId":3,' +
        '"events":[{"objectType":"messages","objectId":"SM1","eventType":"CREATED","date":"2026-01-02T03:04:05.000Z",' +
        '"elementKey":"twiliov2","hubKey":"messaging"}],"raw":{"messages":[{"sid":"SM1","body":"hi"}]}}}',
    );
  });

  it('normalises dates to ISO 8601 UTC (Twilio’s RFC 2822 dates included) and keeps the events’ order', () => {
    const body = notificationBody(
      input({
        events: [
          {
            objectType: 'messages',
            objectId: 'SM2',
            eventType: 'UPDATED',
            date: 'Fri, 02 Jan 2026 03:04:05 +0000',
          },
          {
            objectType: 'messages',
            objectId: 'SM3',
            eventType: 'DELETED',
            date: new Date(Date.UTC(2026, 0, 3)),
          },
        ],
      }),
    );
    expect(body.message.events.map((e) => [e.objectId, e.date])).toEqual([
      ['SM2', '2026-01-02T03:04:05.000Z'],
      ['SM3', '2026-01-03T00:00:00.000Z'],
    ]);
  });

  it('copies raw (later changes to the caller’s object do not reach the body) and defaults it to {}', () => {
    const raw = { sid: 'SM1' };
    const body = notificationBody(input({ raw }));
    raw.sid = 'changed';
    expect(body.message.raw).toEqual({ sid: 'SM1' });
    expect(notificationBody(input({ raw: undefined })).message.raw).toEqual({});
  });

  it('names the field of bad input', () => {
    const bad: [Partial<NotificationInput>, RegExp][] = [
      [{ eventId: '' }, /^eventId must be a non-empty string/],
      [{ instanceId: 0 }, /^instanceId must be a positive integer \(got 0\)/],
      [{ userId: 1.5 }, /^userId must be a positive integer/],
      [{ organizationId: Number.NaN }, /^organizationId must be a positive integer/],
      [{ elementKey: ' ' }, /^elementKey must be a non-empty string/],
      [{ hubKey: undefined as unknown as string }, /^hubKey must be a non-empty string \(got undefined\)/],
      [{ events: [] }, /^events must hold 1 to 20 events \(got 0\)/],
      [{ events: Array(21).fill(input().events[0]) }, /got 21\); split them with batchEvents/],
      [
        { events: [{ ...input().events[0], eventType: 'CHANGED' as 'CREATED' }] },
        /^events\[0\]\.eventType must be one of CREATED, UPDATED, DELETED, UNKNOWN \(got "CHANGED"\)/,
      ],
      [
        { events: [input().events[0], { ...input().events[0], objectId: '' }] },
        /^events\[1\]\.objectId must be a non-empty string/,
      ],
      [
        { events: [{ ...input().events[0], date: 'yesterday' }] },
        /^events\[0\]\.date must be a Date or a date string \(got "yesterday"\)/,
      ],
      [{ raw: { n: BigInt(1) } }, /^raw must be JSON-serialisable/],
      [{ raw: () => 1 }, /^raw must be JSON-serialisable \(got function\)/],
    ];
    for (const [overrides, message] of bad) expect(() => notificationBody(input(overrides))).toThrow(message);
  });
});

describe('batchEvents', () => {
  const ids = Array.from({ length: 45 }, (_, i) => i);

  it('splits in order: 10 per notification for polling, 20 for webhooks', () => {
    expect(batchEvents(ids, EVENTS_PER_NOTIFICATION.polling).map((b) => b.length)).toEqual([
      10, 10, 10, 10, 5,
    ]);
    expect(batchEvents(ids, EVENTS_PER_NOTIFICATION.webhook).map((b) => b.length)).toEqual([20, 20, 5]);
    expect(batchEvents(ids, 10).flat()).toEqual(ids);
    expect(batchEvents([], 10)).toEqual([]);
    expect(batchEvents([1, 2], 10)).toEqual([[1, 2]]);
  });

  it('names a bad max', () => {
    expect(() => batchEvents(ids, 0)).toThrow('max must be a positive integer (got 0)');
    expect(() => batchEvents(ids, 2.5)).toThrow(/^max must be a positive integer/);
  });
});
