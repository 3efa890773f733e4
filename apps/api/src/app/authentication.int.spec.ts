/**
 * The old platform's login flow, the login throttle and secret rotation, in-process on each store
 * the hub supports (embedded always, PostgreSQL when TEST_DATABASE_URL is set). Short token TTL and
 * grace period so that expiry is seen in seconds.
 */
import { STORE } from '@hub/runtime';
import type { Store } from '@hub/store';
import { ApiHarness, type Organization, type Reply, storesUnderTest } from '../testing/api-harness';

jest.setTimeout(120_000);

const PASSWORD = 'the user password 1';
const ADMIN_PASSWORD = 'the admin password 1';
const TTL_SECONDS = 3;
const GRACE_SECONDS = 3;
const MAX_PER_USERNAME = 3;
const MAX_PER_ADDRESS = 6;
const WINDOW_SECONDS = 900;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(storesUnderTest())('logging in and rotating secrets on the %s store', (_name, store) => {
  const harness = new ApiHarness(store, {
    HUB_LOGIN_TOKEN_TTL_SECONDS: String(TTL_SECONDS),
    HUB_SECRET_GRACE_SECONDS: String(GRACE_SECONDS),
    HUB_LOGIN_MAX_FAILURES: String(MAX_PER_USERNAME),
    HUB_LOGIN_MAX_FAILURES_PER_IP: String(MAX_PER_ADDRESS),
    HUB_LOGIN_WINDOW_SECONDS: String(WINDOW_SECONDS),
    HUB_ADMIN_EMAIL: 'Root@Hub.Example',
    HUB_ADMIN_PASSWORD: ADMIN_PASSWORD,
  });
  let main: Organization;
  let sameAnswer: Organization;
  let sequential: Organization;
  let burst: Organization;
  let rotating: Organization;
  let address = 0;
  /** Each test logs in from addresses of its own, so per-address counts do not leak between tests. */
  const newAddress = () => `198.51.100.${++address}`;
  const issued: string[] = [];

  const login = async (username: string, password: string, remoteAddress: string): Promise<Reply> => {
    const reply = await harness.call('POST', '/elements/api-v2/authentication', { body: { username, password }, remoteAddress });
    if (reply.status === 200) issued.push((reply.body as { token: string }).token);
    return reply;
  };
  const secrets = (token: string) => harness.call('GET', '/elements/api-v2/authentication/secrets', { auth: `Bearer ${token}` });
  const platform = (user: string, organization: string) =>
    harness.call('GET', '/elements/api-v2/instances', { auth: `User ${user}, Organization ${organization}` });
  const withoutRequestId = (reply: Reply) => ({ status: reply.status, message: (reply.body as { message: string }).message });

  beforeAll(async () => {
    [main, sameAnswer, sequential, burst, rotating] = await harness.start(['Main', 'Same Answer', 'Sequential', 'Burst', 'Rotating'], {
      password: PASSWORD,
    });
  });

  afterAll(async () => {
    await harness.dispose();
  });

  it('login → token → secrets: the same secrets that authenticate platform calls', async () => {
    const res = await login(main.emailAddress.toUpperCase(), PASSWORD, newAddress());
    expect(res.status).toBe(200);
    expect(Object.keys(res.body as object)).toEqual(['token']);
    expect(res.headers['cache-control']).toBe('no-store');
    const { token } = res.body as { token: string };
    const got = await secrets(token);
    expect(got.status).toBe(200);
    expect(got.body).toEqual({ userSecret: main.secrets.user, organizationSecret: main.secrets.organization });
    const { userSecret, organizationSecret } = got.body as { userSecret: string; organizationSecret: string };
    expect((await platform(userSecret, organizationSecret)).status).toBe(200);
    // The token is a login token, not a platform credential.
    expect((await harness.call('GET', '/elements/api-v2/instances', { auth: `Bearer ${token}` })).status).toBe(401);
  });

  it('a wrong password and an unknown user answer the same 401, in similar time', async () => {
    const remoteAddress = newAddress();
    const wrong = await login(sameAnswer.emailAddress, 'not the password', remoteAddress);
    const unknown = await login('nobody@example.test', PASSWORD, remoteAddress);
    expect(wrong.status).toBe(401);
    expect(withoutRequestId(unknown)).toEqual(withoutRequestId(wrong));
    expect(withoutRequestId(wrong)).toEqual({ status: 401, message: 'The username or password is not valid' });
    expect(Object.keys(unknown.body as object).sort()).toEqual(Object.keys(wrong.body as object).sort());
    expect(Object.keys(unknown.headers).sort()).toEqual(Object.keys(wrong.headers).sort());

    // Both pay for one scrypt check: without the dummy check an unknown user answers in a fraction of the time.
    const timed = async (username: string) => {
      const started = process.hrtime.bigint();
      const reply = await login(username, 'not the password', newAddress());
      expect(reply.status).toBe(401);
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
    const known: number[] = [];
    const unknowns: number[] = [];
    for (let i = 0; i < 2; i++) {
      known.push(await timed(sameAnswer.emailAddress));
      unknowns.push(await timed(`nobody-${i}@example.test`));
    }
    expect(Math.min(...unknowns)).toBeGreaterThan(Math.min(...known) * 0.4);
  });

  it('the 4th attempt on a username answers 429 with Retry-After, the right password included; other usernames and addresses go on', async () => {
    const remoteAddress = newAddress();
    for (let i = 1; i <= MAX_PER_USERNAME; i++) {
      expect((await login(sequential.emailAddress, `wrong ${i}`, remoteAddress)).status).toBe(401);
    }
    for (const password of ['wrong again', PASSWORD]) {
      const blocked = await login(sequential.emailAddress, password, newAddress());
      expect(blocked.status).toBe(429);
      expect(blocked.body).toEqual({ requestId: blocked.headers['elements-request-id'], message: expect.stringMatching(/^Too many login attempts: try again in \d+ s$/) });
      const retryAfter = Number(blocked.headers['retry-after']);
      expect(Number.isInteger(retryAfter)).toBe(true);
      expect(retryAfter).toBeGreaterThan(WINDOW_SECONDS - 60);
      expect(retryAfter).toBeLessThanOrEqual(WINDOW_SECONDS);
    }
    expect((await login(main.emailAddress, PASSWORD, remoteAddress)).status).toBe(200);
  });

  it('a success starts the username over', async () => {
    const remoteAddress = newAddress();
    for (let round = 0; round < 2; round++) {
      for (let i = 1; i < MAX_PER_USERNAME; i++) expect((await login(main.emailAddress, 'wrong', remoteAddress)).status).toBe(401);
      expect((await login(main.emailAddress, PASSWORD, remoteAddress)).status).toBe(200);
    }
  });

  it('a concurrent burst of 10 wrong passwords gets exactly 3 answers of 401 and 7 of 429', async () => {
    const remoteAddress = newAddress();
    const replies = await Promise.all(Array.from({ length: 10 }, (_, i) => login(burst.emailAddress, `wrong ${i}`, remoteAddress)));
    const statuses = replies.map((r) => r.status).sort();
    expect(statuses).toEqual([...Array(MAX_PER_USERNAME).fill(401), ...Array(10 - MAX_PER_USERNAME).fill(429)]);
    for (const r of replies.filter((x) => x.status === 429)) expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('one address trying many usernames is stopped after its own limit', async () => {
    const remoteAddress = newAddress();
    for (let i = 1; i <= MAX_PER_ADDRESS; i++) {
      expect((await login(`spray-${i}@example.test`, 'guess', remoteAddress)).status).toBe(401);
    }
    const blocked = await login(`spray-${MAX_PER_ADDRESS + 1}@example.test`, 'guess', remoteAddress);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect((await login(`spray-${MAX_PER_ADDRESS + 1}@example.test`, 'guess', newAddress())).status).toBe(401);
  });

  it('the token works until its TTL, then answers 401; unknown tokens and other credentials answer 401', async () => {
    const { token } = (await login(main.emailAddress, PASSWORD, newAddress())).body as { token: string };
    expect((await secrets(token)).status).toBe(200);
    await sleep(TTL_SECONDS * 1000 + 300);
    const expired = await secrets(token);
    expect(expired.status).toBe(401);
    expect(expired.body).toEqual({
      requestId: expired.headers['elements-request-id'],
      message: 'The login token is not valid or has expired: log in again with POST /authentication',
    });
    expect((await secrets('not-a-token')).status).toBe(401);
    const none = await harness.call('GET', '/elements/api-v2/authentication/secrets');
    expect(none.status).toBe(401);
    expect((none.body as { message: string }).message).toContain('Bearer');
    expect((await harness.call('GET', '/elements/api-v2/authentication/secrets', { auth: main.platform })).status).toBe(401);
  });

  it('rotation: the new secrets work at once, the old ones during the grace period, then answer 401', async () => {
    const old = rotating.secrets;
    const before = Date.now();
    const user = await harness.call('POST', '/elements/api-v2/users/me/secret/rotate', { auth: rotating.platform });
    expect(user.status).toBe(200);
    const { userSecret, previousSecretExpiresAt } = user.body as { userSecret: string; previousSecretExpiresAt: string };
    expect(userSecret).not.toBe(old.user);
    expect(Date.parse(previousSecretExpiresAt) - before).toBeGreaterThanOrEqual(GRACE_SECONDS * 1000 - 50);
    expect(Date.parse(previousSecretExpiresAt) - before).toBeLessThan(GRACE_SECONDS * 1000 + 2000);
    const org = await harness.call('POST', '/elements/api-v2/organizations/secret/rotate', { auth: `User ${userSecret}, Organization ${old.organization}` });
    expect(org.status).toBe(200);
    const { organizationSecret } = org.body as { organizationSecret: string };
    expect(organizationSecret).not.toBe(old.organization);
    expect(user.headers['cache-control']).toBe('no-store');

    expect((await platform(userSecret, organizationSecret)).status).toBe(200);
    expect((await platform(old.user, old.organization)).status).toBe(200);
    expect((await platform(old.user, organizationSecret)).status).toBe(200);

    // Logging in now hands out the new secrets.
    const { token } = (await login(rotating.emailAddress, PASSWORD, newAddress())).body as { token: string };
    expect((await secrets(token)).body).toEqual({ userSecret, organizationSecret });

    await sleep(Math.max(0, Date.parse(previousSecretExpiresAt) + 300 - Date.now()));
    const refused = await platform(old.user, organizationSecret);
    expect(refused.status).toBe(401);
    expect((refused.body as { message: string }).message).toBe('The User or Organization secret is not valid');
    expect((await platform(userSecret, old.organization)).status).toBe(401);
    expect((await platform(userSecret, organizationSecret)).status).toBe(200);
    // Rotation needs platform credentials: the old ones no longer are.
    expect((await harness.call('POST', '/elements/api-v2/users/me/secret/rotate', { auth: `User ${old.user}, Organization ${old.organization}` })).status).toBe(401);
  });

  it('bad input answers 400 {requestId, message} naming the field', async () => {
    const cases: [unknown, string][] = [
      [{ password: PASSWORD }, "'username' should not be empty"],
      [{ username: main.emailAddress }, "'password' should not be empty"],
      [{ username: 5, password: PASSWORD }, "'username' must be a string"],
      [{ username: main.emailAddress, password: PASSWORD, remember: true }, "unknown field 'remember'"],
      [{ username: main.emailAddress, password: 'x'.repeat(1025) }, "'password' must be shorter than or equal to 1024 characters"],
    ];
    for (const [body, message] of cases) {
      const res = await harness.call('POST', '/elements/api-v2/authentication', { body, remoteAddress: newAddress() });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ requestId: res.headers['elements-request-id'], message: expect.stringContaining(message) });
    }
    const malformed = await harness.call('POST', '/elements/api-v2/authentication', { raw: '{"username":', remoteAddress: newAddress() });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toEqual({ requestId: malformed.headers['elements-request-id'], message: 'Malformed JSON: the request body is not valid JSON' });
  });

  it('the OpenAPI description names the login calls and their Bearer scheme', async () => {
    const doc = (await harness.call('GET', '/elements/api-v2/docs')).body as {
      paths: Record<string, Record<string, { security?: Record<string, string[]>[] }>>;
      components: { securitySchemes: Record<string, { scheme?: string }> };
    };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/elements/api-v2/authentication',
        '/elements/api-v2/authentication/secrets',
        '/elements/api-v2/users/me/secret/rotate',
        '/elements/api-v2/organizations/secret/rotate',
      ]),
    );
    expect(doc.paths['/elements/api-v2/authentication/secrets']['get'].security).toEqual([{ bearer: [] }]);
    expect(doc.components.securitySchemes['bearer']).toMatchObject({ scheme: 'bearer' });
  });

  it('never logs passwords, tokens or secrets', () => {
    const logs = harness.logs.join('');
    for (const value of [PASSWORD, ADMIN_PASSWORD, ...issued, main.secrets.user, main.secrets.organization]) {
      expect(logs).not.toContain(value);
    }
  });
  it('HUB_ADMIN_EMAIL/HUB_ADMIN_PASSWORD made the first operator, an admin, at start', async () => {
    const hubStore = harness.app.get<Store>(STORE);
    expect(await hubStore.operators.verifyPassword('root@hub.example', ADMIN_PASSWORD)).toMatchObject({ email: 'root@hub.example', role: 'admin' });
    expect(await hubStore.operators.verifyPassword('root@hub.example', PASSWORD)).toBeNull();
    // A restart leaves it alone.
    await harness.close();
    await harness.restart();
    expect(await harness.app.get<Store>(STORE).operators.count()).toBe(1);
  });

});
