/**
 * Per-organization limits on hub calls on each store: a token bucket in the store, so that every
 * api replica draws from the same one. A bounded burst gets exactly the bucket's worth through and
 * a 429 with Retry-After and RateLimit-* headers for every call over it; other organizations are
 * not touched; removing the limit lifts it.
 */
import { RateLimiter } from '@hub/runtime';
import { STORE } from '@hub/runtime';
import type { Store } from '@hub/store';
import { TwilioDouble } from '@hub/testing';
import { ApiHarness, type Organization, storesUnderTest } from '../testing/api-harness';

jest.setTimeout(90_000);

describe.each(storesUnderTest())('hub-call rate limits on the %s store', (_name, storeUnderTest) => {
  const harness = new ApiHarness(storeUnderTest);
  let double: TwilioDouble;
  let limited: Organization;
  let free: Organization;
  let tokens: Map<Organization, string>;
  let store: Store;

  const provision = async (org: Organization) => {
    const account = double.addAccount();
    const created = await harness.call('POST', '/elements/api-v2/instances', {
      auth: org.platform,
      body: { element: { key: 'twiliov2' }, name: 'limited', configuration: { username: account.sid, password: account.authToken, 'base.url': double.accountsUrl } },
    });
    expect(created.status).toBe(200);
    return (created.body as { token: string }).token;
  };
  const hub = (org: Organization) => harness.call('GET', '/elements/api-v2/hubs/messaging/messages?pageSize=1', { auth: `${org.user}, Element ${tokens.get(org)}` });
  const organizationIdOf = async (org: Organization) => {
    const tenant = await store.tenants.authenticate(org.secrets.user, org.secrets.organization);
    if (!tenant) throw new Error('the harness organization does not authenticate');
    return tenant.organizationId;
  };
  const setLimit = async (org: Organization, limit: { requestsPerSecond: number; burst: number } | null) => {
    await store.rateLimits.set(await organizationIdOf(org), limit);
    harness.app.get(RateLimiter).forget(); // as the admin API does after a change
  };

  beforeAll(async () => {
    double = await TwilioDouble.start({ clock: 'system' });
    [limited, free] = await harness.start(['Limited Org', 'Free Org']);
    store = harness.app.get<Store>(STORE);
    tokens = new Map([
      [limited, await provision(limited)],
      [free, await provision(free)],
    ]);
  });
  afterAll(async () => {
    await harness.dispose();
    await double?.stop();
  });

  it('lets a burst of 20 through 5 at a time: exactly 15 answers are 429 with Retry-After and RateLimit-* headers', async () => {
    // One token every 100 s: nothing refills during the burst, so the count is exact.
    await setLimit(limited, { requestsPerSecond: 0.01, burst: 5 });
    const before = double.requestCount;
    const replies = await Promise.all(Array.from({ length: 20 }, () => hub(limited)));
    const ok = replies.filter((r) => r.status === 200);
    const refused = replies.filter((r) => r.status === 429);
    expect({ ok: ok.length, refused: refused.length }).toEqual({ ok: 5, refused: 15 });
    expect(double.requestCount - before).toBe(5); // refused calls never reach the vendor
    expect(ok.map((r) => r.headers['ratelimit-remaining']).sort()).toEqual(['0', '1', '2', '3', '4']);
    for (const r of ok) expect(r.headers).toMatchObject({ 'ratelimit-limit': '5', 'ratelimit-policy': '5;w=500' });
    for (const r of refused) {
      expect(r.body).toMatchObject({ requestId: expect.any(String), message: expect.stringContaining('Too many requests: this organization may make 0.01 hub calls per second') });
      expect(r.headers).toMatchObject({ 'ratelimit-limit': '5', 'ratelimit-remaining': '0' });
      expect(Number(r.headers['retry-after'])).toBeGreaterThan(90);
      expect(Number(r.headers['retry-after'])).toBeLessThanOrEqual(100);
    }
  });

  it('leaves other organizations alone, and lifts the limit when it is removed', async () => {
    const other = await hub(free);
    expect(other.status).toBe(200);
    expect(other.headers).not.toHaveProperty('ratelimit-limit');
    expect((await hub(limited)).status).toBe(429);
    await setLimit(limited, null);
    const lifted = await hub(limited);
    expect(lifted.status).toBe(200);
    expect(lifted.headers).not.toHaveProperty('ratelimit-limit');
  });
});
