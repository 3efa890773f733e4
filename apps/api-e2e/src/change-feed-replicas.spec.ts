/**
 * One truth across replicas (issue 16): two built api replicas (A and B) and two built pollers as
 * processes on one PostgreSQL (TEST_DATABASE_URL). A change made through A (a configuration change,
 * a disable, a secret rotation) is in force on B's next call within 1 s, although B had just
 * cached the caller's credentials and instance (its cache would keep them for 2 s without the
 * change feed). Then the events flow of events-replicas.spec.ts with both api replicas taking the
 * calls: a poller killed mid-poll and mid-delivery, a receiver down for a while, 0 events lost and
 * a notification received twice carries one Elements-Webhook-Id.
 */
import { CallbackReceiver, pollingEvents, TwilioDouble, twiliov2Configuration } from '@hub/testing';
import { randomBytes } from 'node:crypto';
import { SuiteDatabase } from './support/databases';
import { apiCall, type RunningProcess, startHub, startPoller } from './support/processes';
import { millisecondsUntil, waitUntil } from './support/replicas';

jest.setTimeout(300_000);

const serverUrl = process.env['TEST_DATABASE_URL']?.trim();
/** What the issue asks; each figure is measured from A's answer to the end of B's first call that shows the change. */
const BOUND_MS = 1_000;

type Json = Record<string, unknown>;
/** The figures, for whoever reads the run (they come from a shared machine: a bound, not a benchmark). */
const report = (what: string, seen: { ms: number; probes: number }) => console.info(`${what}: in force on B after ${seen.ms} ms (${seen.probes} calls)`);
type Delivered = { message: { eventId: string; instanceId: number; events: { objectId: string }[] } };

(serverUrl ? describe : describe.skip)('two api replicas and two pollers on one PostgreSQL', () => {
  let database: SuiteDatabase;
  let double: TwilioDouble;
  let receiver: CallbackReceiver;
  let env: Record<string, string>;
  const processes: RunningProcess[] = [];
  const api: { a: string; b: string } = { a: '', b: '' };
  let platform: string;
  let user: string;
  const pollers: RunningProcess[] = [];

  const call = (replica: 'a' | 'b', method: string, url: string, authorization = platform, body?: unknown) => apiCall(api[replica], method, url, authorization, body);
  const hubCall = (replica: 'a' | 'b', token: string, url: string, who = user) => call(replica, 'GET', `/hubs/messaging${url}`, `${who}, Element ${token}`);
  const startReplicaPoller = async () => {
    const poller = await startPoller(env);
    processes.push(poller);
    pollers.push(poller);
    return poller;
  };

  beforeAll(async () => {
    database = await SuiteDatabase.create(serverUrl ?? '', 'hub_e2e_feed');
    double = await TwilioDouble.start({ clock: 'system' });
    receiver = await CallbackReceiver.start();
    env = {
      DATABASE_URL: database.url,
      HUB_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      HUB_ALLOW_PRIVATE_CALLBACK_URLS: 'true',
      // A rotated secret stops at once (the grace period is what the test would otherwise wait out).
      HUB_SECRET_GRACE_SECONDS: '0',
      HUB_VENDOR_TIMEOUT_MS: '3000',
      HUB_EVENT_LEASE_MS: '6000',
      HUB_EVENT_IDLE_MS: '100',
      HUB_EVENT_POLL_CONCURRENCY: '2',
      HUB_EVENT_DELIVERY_CONCURRENCY: '4',
      HUB_EVENT_RETRY_SCHEDULE: '200ms,400ms,800ms,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s',
      HUB_EVENT_CIRCUIT_COOLDOWN_MS: '500',
    };
    const first = await startHub({ ...env, HUB_MIGRATE_ON_START: 'true', HUB_EVENT_WORKERS: 'false' });
    processes.push(first.hub);
    api.a = first.baseUrl;
    platform = (await first.hub.waitFor(/Authorization: (User \S+, Organization \S+)/))[1];
    user = platform.split(',')[0];
    const second = await startHub({ ...env, HUB_EVENT_WORKERS: 'false' });
    processes.push(second.hub);
    api.b = second.baseUrl;
    await second.hub.waitFor(/Messaging hub listening/);
    await Promise.all([startReplicaPoller(), startReplicaPoller()]);
  });
  afterAll(async () => {
    for (const p of processes) await p.stop('SIGKILL');
    await receiver?.stop();
    await double?.stop();
    await database?.drop();
  });

  const provision = async (name: string, configuration: Record<string, unknown>) => {
    const created = await call('a', 'POST', '/instances', platform, { element: { key: 'twiliov2' }, name, configuration });
    expect(created.status).toBe(200);
    return { id: Number((created.body as Json)['id']), token: String((created.body as Json)['token']) };
  };

  it('has every replica and poller listening on the change feed', async () => {
    // Each process LISTENs once its app has bootstrapped (a moment after it says it runs).
    const listening = async () => Number((await database.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'hub change feed'`))[0]['n']);
    await waitUntil('four listeners', async () => (await listening()) >= 4, 10_000);
    expect(await listening()).toBe(4);
  });

  it('applies a configuration change made on A to B’s next call within 1 s', async () => {
    const account = double.addAccount();
    const instance = await provision('config', twiliov2Configuration(double, account));
    // B resolves and caches the caller and the instance: unknown parameters are passed on or dropped, with a warning.
    const before = await hubCall('b', instance.token, '/messages?Colour=red');
    expect(before.status).toBe(200);
    expect(before.headers.get('elements-warning')).toContain('Colour');
    expect((await call('a', 'PATCH', `/instances/${instance.id}`, platform, { configuration: { 'request.parameters.strict': 'true' } })).status).toBe(200);
    const changed = Date.now();
    const seen = await millisecondsUntil(changed, () => hubCall('b', instance.token, '/messages?Colour=red'), (r) => r.status === 400);
    expect((seen.answer.body as Json)['message']).toMatch(/strict mode/);
    report('configuration change', seen);
    expect(seen.ms).toBeLessThan(BOUND_MS);
  });

  it('refuses a call on B within 1 s of the instance being disabled on A, and takes it again once enabled', async () => {
    const account = double.addAccount();
    const instance = await provision('disable', twiliov2Configuration(double, account));
    expect((await hubCall('b', instance.token, '/messages')).status).toBe(200);
    expect((await call('a', 'DELETE', `/instances/${instance.id}/enabled`)).status).toBe(200);
    const disabled = await millisecondsUntil(Date.now(), () => hubCall('b', instance.token, '/messages'), (r) => r.status === 403);
    report('disable', disabled);
    expect(disabled.ms).toBeLessThan(BOUND_MS);
    expect((await call('a', 'PUT', `/instances/${instance.id}/enabled`)).status).toBe(200);
    const enabled = await millisecondsUntil(Date.now(), () => hubCall('b', instance.token, '/messages'), (r) => r.status === 200);
    report('enable', enabled);
    expect(enabled.ms).toBeLessThan(BOUND_MS);
  });

  it('stops the old user secret on B within 1 s of its rotation on A; the new one works there', async () => {
    const account = double.addAccount();
    const instance = await provision('rotation', twiliov2Configuration(double, account));
    expect((await hubCall('b', instance.token, '/messages')).status).toBe(200);
    const rotated = await call('a', 'POST', '/users/me/secret/rotate');
    expect(rotated.status).toBe(200);
    const since = Date.now();
    const newUser = `User ${String((rotated.body as Json)['userSecret'])}`;
    const refused = await millisecondsUntil(since, () => hubCall('b', instance.token, '/messages'), (r) => r.status === 401);
    report('user secret rotation', refused);
    expect(refused.ms).toBeLessThan(BOUND_MS);
    const oldUser = user;
    user = newUser;
    platform = platform.replace(oldUser, newUser);
    expect((await hubCall('b', instance.token, '/messages')).status).toBe(200);
    expect((await call('b', 'GET', '/instances')).status).toBe(200);
    // The organization's secret too: the platform API on B refuses the old one (it caches nothing), the hub call the old pair.
    const org = await call('b', 'POST', '/organizations/secret/rotate');
    expect(org.status).toBe(200);
    expect((await call('a', 'GET', '/instances')).status).toBe(401);
    platform = `${user}, Organization ${String((org.body as Json)['organizationSecret'])}`;
    expect((await call('a', 'GET', '/instances')).status).toBe(200);
  });

  it('delivers every event through pollers killed mid-poll and mid-delivery and a receiver that was down, with calls on both api replicas', async () => {
    const INSTANCES = 6;
    const MESSAGES = 10;
    const instances: { id: number; account: string; sids: string[] }[] = [];
    for (let i = 0; i < INSTANCES; i++) {
      const account = double.addAccount({ friendlyName: `tenant ${i}` });
      const created = await call(i % 2 === 0 ? 'a' : 'b', 'POST', '/instances', platform, {
        element: { key: 'twiliov2' },
        name: `polled ${i}`,
        configuration: twiliov2Configuration(double, account, pollingEvents(receiver.url, 1)),
      });
      expect(created.status).toBe(200);
      instances.push({ id: Number((created.body as Json)['id']), account: account.sid, sids: [] });
    }
    const produce = () => {
      for (const instance of instances) {
        for (let m = 0; m < MESSAGES; m++) {
          instance.sids.push(double.addInboundMessage({ accountSid: instance.account, from: '+15005550006', to: '+15005550001', body: `m${m}` }).sid);
        }
      }
    };
    const pollAll = async () => {
      for (const [i, instance] of instances.entries()) expect((await call(i % 2 === 0 ? 'b' : 'a', 'POST', `/instances/${instance.id}/events/poller/run`)).status).toBe(200);
    };
    const held = async (poller: RunningProcess, table: 'event_poll_states' | 'event_notifications') => {
      const [row] = await database.query(`SELECT count(*)::int AS n FROM ${table} WHERE lease_owner LIKE '%:${poller.child.pid}:%'`);
      return Number(row['n']) > 0;
    };

    // A poller is killed while it holds polls (the double answers slowly).
    double.faults.next({ method: 'GET', path: /\/Messages\.json$/, delayMs: 2_500, times: 4 });
    produce();
    await pollAll();
    let first: RunningProcess | undefined;
    await waitUntil('a poller to hold polls', async () => {
      for (const p of pollers) if (await held(p, 'event_poll_states')) first = p;
      return first !== undefined;
    });
    await first?.stop('SIGKILL');
    const second = await startReplicaPoller();

    // A poller is killed while it holds deliveries (a slow receiver).
    receiver.delayMs = 400;
    produce();
    await pollAll();
    await waitUntil('the new poller to hold deliveries', () => held(second, 'event_notifications'));
    await second.stop('SIGKILL');
    receiver.delayMs = 0;
    await startReplicaPoller();

    // The receiver is down for a while, then back.
    receiver.respondWith = () => 503;
    produce();
    await pollAll();
    await waitUntil('the receiver to be tried while down', () => receiver.received.some((r) => r.answered === 503));
    await new Promise((r) => setTimeout(r, 1_500));
    receiver.respondWith = () => 200;

    const expected = instances.flatMap((i) => i.sids).sort();
    const deliveredIds = () => new Set(receiver.delivered<Delivered>().flatMap((d) => d.message.events.map((e) => e.objectId)));
    await waitUntil(`all ${expected.length} events to arrive`, () => deliveredIds().size >= expected.length, 180_000); // a loaded CI machine (two Jest workers, four hub processes) needs more than 90 s; a lost event still never arrives
    expect([...deliveredIds()].sort()).toEqual(expected);

    // A notification received more than once is the same notification (one Elements-Webhook-Id, the same bytes).
    const bodiesById = new Map<string, Set<string>>();
    for (const r of receiver.received.filter((x) => x.answered < 300)) {
      const id = String(r.headers['elements-webhook-id']);
      (bodiesById.get(id) ?? bodiesById.set(id, new Set()).get(id))?.add(r.body);
    }
    for (const bodies of bodiesById.values()) expect(bodies.size).toBe(1);
    // Every delivered event is in exactly one notification id's body.
    const idsByEvent = new Map<string, Set<string>>();
    for (const d of receiver.delivered<Delivered>()) for (const e of d.message.events) (idsByEvent.get(e.objectId) ?? idsByEvent.set(e.objectId, new Set()).get(e.objectId))?.add(d.message.eventId);
    for (const ids of idsByEvent.values()) expect(ids.size).toBe(1);

    // Both api replicas show the same log: every event delivered.
    for (const instance of instances) {
      for (const replica of ['a', 'b'] as const) {
        const log = await call(replica, 'GET', `/instances/${instance.id}/events?pageSize=100`);
        expect((log.body as Json[]).every((e) => e['status'] === 'delivered')).toBe(true);
      }
    }
  });
});
