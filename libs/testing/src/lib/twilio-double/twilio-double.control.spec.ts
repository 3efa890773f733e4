import { TwilioDouble } from './twilio-double';
import { clientFor } from './spec-helpers';
import type { AccountCredentials, TwilioMessageJson } from './types';

/** The /__double/* endpoints let a test that runs the double as a process steer it. */
describe('TwilioDouble: control endpoints', () => {
  let double: TwilioDouble;
  let account: AccountCredentials;

  beforeEach(async () => {
    double = await TwilioDouble.start();
    account = double.addAccount();
  });

  afterEach(() => double.stop());

  async function control(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: unknown }> {
    const response = await fetch(`${double.baseUrl}/__double${path}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, json: (await response.json()) as unknown };
  }

  it('moves the clock and drives message status', async () => {
    const client = clientFor(double, account);
    const sent = await client.messages.create({ to: '+15550000001', from: '+15550000002', body: 'x' });
    expect(await control('POST', '/clock', { advanceMs: 5_000 })).toEqual({
      status: 200,
      json: { now: '2024-01-01T00:00:05.000Z', mode: 'manual' },
    });
    expect((await client.messages(sent.sid).fetch()).status).toBe('delivered');
    await control('POST', '/clock', { now: '2025-01-01T00:00:00Z' });
    expect(double.now()).toEqual(new Date('2025-01-01T00:00:00Z'));
    const forced = await control('POST', `/messages/${sent.sid}/status`, {
      status: 'undelivered',
      errorCode: 30003,
    });
    expect(forced.json).toMatchObject({ status: 'undelivered', error_code: 30003 });
  });

  it('queues faults, seeds data and reads the request log', async () => {
    expect(
      (await control('POST', '/faults', { status: 429, retryAfter: 2, path: '/2010-04-01/**' })).json,
    ).toEqual({
      pending: 1,
    });
    const client = clientFor(double, account);
    const error = await client.api.v2010
      .accounts(account.sid)
      .fetch()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 429 });

    const created = (await control('POST', '/accounts', { friendlyName: 'From control' }))
      .json as AccountCredentials;
    expect(double.getAccount(created.sid)?.friendly_name).toBe('From control');

    const seeded = await control('POST', '/messages/seed', { accountSid: account.sid, count: 3 });
    expect(seeded.json).toMatchObject({ count: 3 });
    const inbound = (
      await control('POST', '/messages/inbound', {
        accountSid: account.sid,
        from: '+15550000009',
        to: '+15550000002',
        body: 'hi',
      })
    ).json as TwilioMessageJson;
    expect(inbound.direction).toBe('inbound');
    const listed = (await control('GET', `/messages?accountSid=${account.sid}`)).json as {
      messages: TwilioMessageJson[];
    };
    expect(listed.messages).toHaveLength(4);

    const log = (await control('GET', '/requests')).json as {
      requestCount: number;
      requests: { status: number }[];
    };
    expect(log.requestCount).toBe(1);
    expect(log.requests.map((r) => r.status)).toEqual([429]);

    await control('POST', '/opt-outs', { accountSid: account.sid, to: '+15550000001' });
    const refused = await client.messages
      .create({ to: '+15550000001', from: '+15550000002', body: 'x' })
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 21610 });

    expect((await control('POST', '/reset')).status).toBe(200);
    expect(double.listMessages()).toEqual([]);
    expect(double.requests).toEqual([]);
  });

  it('answers 400 for a bad body and 404 for an unknown endpoint', async () => {
    expect((await control('POST', '/clock', { advanceMs: 'soon' })).status).toBe(400);
    expect((await control('POST', '/faults', {})).status).toBe(400);
    expect((await control('POST', '/messages/seed', { accountSid: account.sid })).status).toBe(400);
    expect((await control('GET', '/nope')).status).toBe(404);
  });

  it('can be switched off', async () => {
    const closed = await TwilioDouble.start({ controlApi: false });
    try {
      const response = await fetch(`${closed.baseUrl}/__double/health`);
      expect(response.status).toBe(401);
    } finally {
      await closed.stop();
    }
  });
});
