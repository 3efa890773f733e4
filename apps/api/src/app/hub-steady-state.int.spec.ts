/**
 * The hub call path reads no stored state per call in steady state (issue 15): credentials, the
 * instance's compiled settings, transformations and rate-limit membership come from memory, reloaded
 * off the request path. Every call of the store's repositories is counted (each is one statement or
 * more), and a configuration change is still seen by the very next call (the change feed).
 */
import { STORE } from '@hub/runtime';
import type { Store } from '@hub/store';
import { TwilioDouble } from '@hub/testing';
import { ApiHarness, type Organization, storesUnderTest } from '../testing/api-harness';

jest.setTimeout(90_000);

type Json = Record<string, unknown>;

/**
 * Wraps every method of the app's store repositories to count what reaches the database, but for the
 * claim loops of the events and formulas features that run beside the api on the embedded store
 * (they poll for work on their own timers, whatever the hub calls do).
 */
/** What the event and formula workers' own timers use (polls, deliveries, their upkeep), never a hub call. */
const WORKER_REPOSITORIES: ReadonlySet<keyof Store> = new Set<keyof Store>([
  'pollStates',
  'eventKeys',
  'outbox',
  'deliveries',
  'redelivery',
  'eventPruning',
  'circuits',
  'formulas',
]);

function countStoreCalls(store: Store): { count: number; names: string[] } {
  const counter = { count: 0, names: [] as string[] };
  for (const [repoName, repo] of Object.entries(store)) {
    if (repo === null || typeof repo !== 'object' || WORKER_REPOSITORIES.has(repoName as keyof Store)) continue;
    for (const name of Object.getOwnPropertyNames(Object.getPrototypeOf(repo))) {
      const original = (repo as Record<string, unknown>)[name];
      if (name === 'constructor' || typeof original !== 'function') continue;
      (repo as Record<string, unknown>)[name] = (...args: unknown[]) => {
        counter.count++;
        counter.names.push(`${repoName}.${name}`);
        return (original as (...a: unknown[]) => unknown).apply(repo, args);
      };
    }
  }
  return counter;
}

describe.each(storesUnderTest())('hub calls in steady state on the %s store', (_name, store) => {
  const harness = new ApiHarness(store);
  let double: TwilioDouble;
  let org: Organization;
  let instance: { id: number; token: string };
  let sid: string;

  const hub = (path: string, headers?: Record<string, string>) =>
    harness.call('GET', `/elements/api-v2/hubs/messaging${path}`, { auth: `${org.user}, Element ${instance.token}`, headers });

  beforeAll(async () => {
    double = await TwilioDouble.start({ clock: 'system' });
    const account = double.addAccount({ friendlyName: 'Main' });
    [org] = await harness.start(['Steady Org']);
    const res = await harness.call('POST', '/elements/api-v2/instances', {
      auth: org.platform,
      body: { element: { key: 'twiliov2' }, configuration: { username: account.sid, password: account.authToken, 'base.url': double.accountsUrl }, name: 'steady' },
    });
    expect(res.status).toBe(200);
    instance = res.body as { id: number; token: string };
    const sent = await harness.call('POST', '/elements/api-v2/hubs/messaging/messages', {
      auth: `${org.user}, Element ${instance.token}`,
      body: { To: '+15005550010', From: '+15005550006', Body: 'steady' },
    });
    expect(sent.status).toBe(200);
    sid = String((sent.body as Json)['sid']);
  });
  afterAll(async () => {
    await harness.dispose();
    await double?.stop();
  });

  it('makes no store call per hub call once warm (only reloads in the background, at most a few per second)', async () => {
    const counter = countStoreCalls(harness.app.get<Store>(STORE));
    expect((await hub(`/messages/${sid}`)).status).toBe(200); // warm: everything loaded
    await hub('/messages?pageSize=5');
    counter.count = 0;
    counter.names.length = 0;
    // Bursts of concurrent calls: per-call statements would be counted once per call, background reloads at most a few per second.
    const calls = 60;
    const started = Date.now();
    for (let burst = 0; burst < 3; burst++) {
      const replies = await Promise.all(Array.from({ length: calls / 3 }, (_, i) => hub(i % 2 ? `/messages/${sid}` : '/messages?pageSize=5')));
      expect(replies.map((r) => r.status)).toEqual(replies.map(() => 200));
    }
    const elapsed = Date.now() - started;
    // Within the first second nothing is even reloaded; a slower machine sees background reloads
    // (credentials: 2 statements, transformations: 1, rate-limit membership: 1) once a second at most.
    const allowed = Math.min(elapsed < 900 ? 0 : 4 * Math.ceil(elapsed / 1000), calls / 3);
    if (counter.count > allowed) throw new Error(`${counter.count} store calls during ${calls} hub calls in ${elapsed} ms: ${counter.names.join(', ')}`);
  });

  it('sees a configuration change on the very next call (the compiled settings are dropped by the change feed)', async () => {
    const withNulls = async () => Object.values((await hub(`/messages/${sid}`)).body as Json).some((v) => v === null);
    expect(await withNulls()).toBe(false); // filter.response.nulls defaults to true
    const patched = await harness.call('PATCH', `/elements/api-v2/instances/${instance.id}`, { auth: org.platform, body: { configuration: { 'filter.response.nulls': 'false' } } });
    expect(patched.status).toBe(200);
    expect(await withNulls()).toBe(true);
    await harness.call('PATCH', `/elements/api-v2/instances/${instance.id}`, { auth: org.platform, body: { configuration: { 'filter.response.nulls': 'true' } } });
    expect(await withNulls()).toBe(false);
  });

  it('answers Server-Timing per stage when asked with Elements-Server-Timing: true, and not otherwise', async () => {
    const timed = await hub('/messages?pageSize=5', { 'elements-server-timing': 'true' });
    expect(timed.status).toBe(200);
    const names = String(timed.headers['server-timing']).split(', ').map((s) => s.split(';')[0]);
    expect(names).toEqual(['before', 'resolve', 'parameters', 'plan', 'vendor', 'shape']);
    expect(String(timed.headers['server-timing'])).toMatch(/^before;dur=\d+\.\d\d, resolve;dur=\d+\.\d\d/);
    expect((await hub('/messages?pageSize=5')).headers['server-timing']).toBeUndefined();
  });
});
