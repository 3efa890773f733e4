import twilio from 'twilio';
import { globToRegExp } from './faults';
import { TwilioDouble } from './twilio-double';
import { type TwilioClient, clientFor, raw, rejectionOf, restError } from './spec-helpers';
import type { AccountCredentials } from './types';

describe('TwilioDouble: faults and the request log', () => {
  let double: TwilioDouble;
  let account: AccountCredentials;
  let client: TwilioClient;
  let accountPath: string;

  beforeEach(async () => {
    double = await TwilioDouble.start();
    account = double.addAccount();
    client = clientFor(double, account);
    accountPath = `/2010-04-01/Accounts/${account.sid}.json`;
  });

  afterEach(() => double.stop());

  const fetchAccount = () => client.api.v2010.accounts(account.sid).fetch();

  it('answers 429 / 20429 with Retry-After, once, then normally', async () => {
    double.faults.next({ status: 429, retryAfter: 7 });
    const response = await raw(double, 'GET', accountPath, { auth: account });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('7');
    expect(response.json).toEqual({
      code: 20429,
      message: 'Too Many Requests',
      more_info: 'https://www.twilio.com/docs/errors/20429',
      status: 429,
    });
    expect((await raw(double, 'GET', accountPath, { auth: account })).status).toBe(200);
    expect(double.faults.pending).toBe(0);
  });

  it('surfaces a 429 through the library as RestException (which does not expose Retry-After)', async () => {
    double.faults.next({ status: 429, retryAfter: 1, code: 20429 });
    const error = await restError(fetchAccount());
    expect(error).toMatchObject({ status: 429, code: 20429, message: 'Too Many Requests' });
    expect((await fetchAccount()).sid).toBe(account.sid);
  });

  it('is retried by the library’s own autoRetry (429 only)', async () => {
    const retrying = twilio(account.sid, account.authToken, {
      autoRetry: true,
      maxRetries: 3,
      maxRetryDelay: 20,
    });
    retrying.api.baseUrl = double.baseUrl;
    double.faults.next({ status: 429, times: 2 });
    double.resetRequests();
    expect((await retrying.api.v2010.accounts(account.sid).fetch()).sid).toBe(account.sid);
    expect(double.requests.map((r) => r.status)).toEqual([429, 429, 200]);

    double.faults.next({ status: 500 });
    expect((await restError(retrying.api.v2010.accounts(account.sid).fetch())).status).toBe(500);
  });

  it('answers 500 / 20500', async () => {
    double.faults.next({ status: 500 });
    const error = await restError(fetchAccount());
    expect(error).toEqual({
      status: 500,
      code: 20500,
      message: 'Internal Server Error',
      moreInfo: 'https://www.twilio.com/docs/errors/20500',
    });
  });

  it('delays a request and then answers it normally', async () => {
    double.faults.next({ delayMs: 150 });
    const started = Date.now();
    const fetched = await fetchAccount();
    expect(fetched.sid).toBe(account.sid);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    const entry = double.requests[double.requests.length - 1];
    expect(entry.fault).toBe('delay');
    expect(entry.durationMs).toBeGreaterThanOrEqual(140);
  });

  it('delays past a client timeout', async () => {
    const impatient = twilio(account.sid, account.authToken, { timeout: 50 });
    impatient.api.baseUrl = double.baseUrl;
    double.faults.next({ delayMs: 300 });
    const error = await rejectionOf(impatient.api.v2010.accounts(account.sid).fetch());
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(twilio.RestException);
    expect((error as { code?: string }).code).toBe('ECONNABORTED');
  });

  it('resets the connection', async () => {
    double.faults.next({ reset: true });
    const error = await rejectionOf(fetchAccount());
    expect(error).not.toBeInstanceOf(twilio.RestException);
    expect((error as { code?: string }).code).toBe('ECONNRESET');
    expect(double.requests[double.requests.length - 1]).toMatchObject({ status: 0, fault: 'reset' });
    expect((await fetchAccount()).sid).toBe(account.sid);
  });

  it('can fail after a delay', async () => {
    double.faults.next({ delayMs: 50, status: 503 });
    const error = await restError(fetchAccount());
    expect(error).toMatchObject({ status: 503, code: 20503 });
  });

  it('scopes faults to a path glob and a method, consumes them in order, and counts times', async () => {
    double.faults
      .next({ status: 500, path: '/2010-04-01/Accounts/*/Messages.json', method: 'POST', times: 2 })
      .next({ status: 429 })
      .next({ status: 503, path: /Messages/ });
    // A fetch of the account skips the POST-only fault and takes the 429.
    expect((await restError(fetchAccount())).status).toBe(429);
    // The messages list is a GET: it skips the first fault and takes the 503.
    expect((await restError(client.messages.list())).status).toBe(503);
    const send = () => client.messages.create({ to: '+15550000001', from: '+15550000002', body: 'x' });
    expect((await restError(send())).status).toBe(500);
    expect((await restError(send())).status).toBe(500);
    expect((await send()).status).toBe('queued');
    expect(double.faults.pending).toBe(0);
  });

  it('applies faults before authentication, like an overloaded edge', async () => {
    double.faults.next({ status: 429 });
    expect((await raw(double, 'GET', accountPath)).status).toBe(429);
    expect((await raw(double, 'GET', accountPath)).status).toBe(401);
  });

  it('rejects a fault with no effect and clears the queue', () => {
    expect(() => double.faults.next({ path: '/x' })).toThrow(/status, delayMs or reset/);
    expect(() => double.faults.next({ status: 42 })).toThrow(/status/);
    double.faults.next({ status: 500, times: Infinity });
    double.faults.clear();
    expect(double.faults.pending).toBe(0);
  });

  it('logs every request with method, path, query, params, account, status and time', async () => {
    double.advance(5_000);
    await client.messages.create({
      to: '+15550000001',
      from: '+15550000002',
      body: 'logged',
      mediaUrl: ['https://e.test/a.png', 'https://e.test/b.png'],
    });
    await client.messages.list({ to: '+15550000001', pageSize: 5 });
    await raw(double, 'GET', accountPath);
    expect(
      double.requests.map(({ method, path, status, accountSid }) => ({ method, path, status, accountSid })),
    ).toEqual([
      {
        method: 'POST',
        path: `/2010-04-01/Accounts/${account.sid}/Messages.json`,
        status: 201,
        accountSid: account.sid,
      },
      {
        method: 'GET',
        path: `/2010-04-01/Accounts/${account.sid}/Messages.json`,
        status: 200,
        accountSid: account.sid,
      },
      { method: 'GET', path: accountPath, status: 401, accountSid: account.sid },
    ]);
    const [create, list, unauthenticated] = double.requests;
    expect(create.params).toEqual({
      To: '+15550000001',
      From: '+15550000002',
      Body: 'logged',
      MediaUrl: ['https://e.test/a.png', 'https://e.test/b.png'],
    });
    expect(create.time).toEqual(new Date('2024-01-01T00:00:05Z'));
    expect(list.query).toEqual({ To: '+15550000001', PageSize: '5' });
    expect(unauthenticated.errorCode).toBe(20003);
    expect(double.requestCount).toBe(3);
    double.resetRequests();
    expect(double.requests).toEqual([]);
    expect(double.requestCount).toBe(3);
    await fetchAccount();
    expect(double.requests[0].seq).toBe(4);
  });

  it('keeps at most maxRequestLog entries', async () => {
    const small = await TwilioDouble.start({ maxRequestLog: 2 });
    try {
      const creds = small.addAccount();
      const c = clientFor(small, creds);
      for (let i = 0; i < 4; i++) {
        await c.api.v2010.accounts(creds.sid).fetch();
      }
      expect(small.requests.map((r) => r.seq)).toEqual([3, 4]);
    } finally {
      await small.stop();
    }
  });

  it('stop() ends pending delays and closes keep-alive connections', async () => {
    double.faults.next({ delayMs: 10_000 });
    const pending = rejectionOf(fetchAccount());
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await double.stop();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await pending).toBeInstanceOf(Error);
  });
});

describe('globToRegExp', () => {
  it('matches one segment with * and many with **', () => {
    expect(globToRegExp('/a/*/c.json').test('/a/b/c.json')).toBe(true);
    expect(globToRegExp('/a/*/c.json').test('/a/b/x/c.json')).toBe(false);
    expect(globToRegExp('/a/**').test('/a/b/x/c.json')).toBe(true);
    expect(globToRegExp('/a/b.json').test('/a/bxjson')).toBe(false);
  });
});
