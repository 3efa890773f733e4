/**
 * Event processing as it runs in production: the built api and two built poller replicas as
 * processes on one PostgreSQL (TEST_DATABASE_URL), the Twilio double, a real HTTP receiver.
 * A replica is killed with SIGKILL while it holds polls, another while it holds deliveries; the
 * receiver is down for a while. Every event the double produced must arrive; a notification received twice carries the
 * same Elements-Webhook-Id; no instance is polled by two replicas at once; both replicas work.
 */
import { CallbackReceiver, pollingEvents, TwilioDouble, twiliov2Configuration } from '@hub/testing';
import { randomBytes } from 'node:crypto';
import { SuiteDatabase } from './support/databases';
import { apiCall, type RunningProcess, startHub, startPoller } from './support/processes';

jest.setTimeout(180_000);

const serverUrl = process.env['TEST_DATABASE_URL']?.trim();
const INSTANCES = 8;
const MESSAGES_PER_INSTANCE = 15;

type Json = Record<string, unknown>;
type Delivered = { message: { eventId: string; instanceId: number; events: { objectId: string }[] } };

(serverUrl ? describe : describe.skip)('events with two poller replicas on PostgreSQL', () => {
  let database: SuiteDatabase;
  let double: TwilioDouble;
  let receiver: CallbackReceiver;
  let hub: RunningProcess;
  let baseUrl: string;
  let platform: string;
  const replicas: RunningProcess[] = [];
  let env: Record<string, string>;

  const startReplica = async () => {
    const replica = await startPoller(env);
    replicas.push(replica);
    return replica;
  };
  const http = (method: string, url: string, body?: unknown) => apiCall(baseUrl, method, url, platform, body);

  beforeAll(async () => {
    database = await SuiteDatabase.create(serverUrl ?? '', 'hub_e2e_events');
    double = await TwilioDouble.start({ clock: 'system' });
    receiver = await CallbackReceiver.start();
    env = {
      DATABASE_URL: database.url,
      HUB_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      HUB_ALLOW_PRIVATE_CALLBACK_URLS: 'true',
      // A poll's vendor call ends within the lease (the hub refuses a lease shorter than twice the
      // vendor timeout), so only a dead replica's lease ever runs out.
      HUB_VENDOR_TIMEOUT_MS: '3000',
      HUB_EVENT_LEASE_MS: '6000',
      HUB_EVENT_IDLE_MS: '100',
      HUB_EVENT_POLL_CONCURRENCY: '2',
      HUB_EVENT_DELIVERY_CONCURRENCY: '4',
      HUB_EVENT_RETRY_SCHEDULE: '200ms,400ms,800ms,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s',
      HUB_EVENT_CIRCUIT_COOLDOWN_MS: '500',
    };
    ({ hub, baseUrl } = await startHub({ ...env, HUB_MIGRATE_ON_START: 'true', HUB_EVENT_WORKERS: 'false' }));
    platform = (await hub.waitFor(/Authorization: (User \S+, Organization \S+)/))[1];
  });
  afterAll(async () => {
    for (const replica of replicas) await replica.stop('SIGKILL');
    await hub?.stop();
    await receiver?.stop();
    await double?.stop();
    await database?.drop();
  });

  it('delivers every event through replicas killed mid-poll and mid-delivery and a receiver that was down, in order per instance', async () => {
    const instances: { id: number; account: string; sids: string[] }[] = [];
    for (let i = 0; i < INSTANCES; i++) {
      const account = double.addAccount({ friendlyName: `tenant ${i}` });
      const created = await http('POST', '/instances', {
        element: { key: 'twiliov2' },
        name: `polled ${i}`,
        configuration: twiliov2Configuration(double, account, pollingEvents(receiver.url, 1)),
      });
      expect(created.status).toBe(200);
      instances.push({ id: Number((created.body as Json)['id']), account: account.sid, sids: [] });
    }
    const produce = () => {
      for (const instance of instances) {
        for (let m = 0; m < MESSAGES_PER_INSTANCE; m++) {
          instance.sids.push(double.addInboundMessage({ accountSid: instance.account, from: '+15005550006', to: '+15005550001', body: `m${m}` }).sid);
        }
      }
    };
    const pollAll = async () => {
      for (const instance of instances) expect((await http('POST', `/instances/${instance.id}/events/poller/run`)).status).toBe(200);
    };

    /** How many polls or deliveries a replica holds right now (its lease owner is host:pid:random). */
    const held = async (replica: RunningProcess, table: 'event_poll_states' | 'event_notifications') => {
      const [row] = await database.query(`SELECT count(*)::int AS n FROM ${table} WHERE lease_owner LIKE '%:${replica.child.pid}:%'`);
      return Number(row['n']);
    };
    const waitHeld = async (replica: RunningProcess, table: 'event_poll_states' | 'event_notifications') => {
      const until = Date.now() + 30_000;
      while ((await held(replica, table)) === 0) {
        if (Date.now() > until) throw new Error(`replica ${replica.child.pid} never held work in ${table}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };

    // Round 0: the double answers polls slowly; replica A is killed while it holds polls.
    double.faults.next({ method: 'GET', path: /\/Messages\.json$/, delayMs: 2_500, times: 6 });
    const [a] = [await startReplica(), await startReplica()];
    produce();
    await pollAll();
    await waitHeld(a, 'event_poll_states');
    await a.stop('SIGKILL');
    const a2 = await startReplica(); // A comes back as a new process

    // Round 1: a slow receiver keeps deliveries in flight; the new A is killed while it holds some.
    receiver.delayMs = 400;
    produce();
    await pollAll();
    await waitHeld(a2, 'event_notifications');
    await a2.stop('SIGKILL');
    receiver.delayMs = 0;
    await startReplica();

    // Round 2: the receiver is down for a while, then back.
    receiver.respondWith = () => 503;
    // Polls that take a while: one replica's slots fill up and the other takes the rest (the work is split).
    double.faults.next({ method: 'GET', path: /\/Messages\.json$/, delayMs: 500, times: INSTANCES });
    produce();
    await pollAll();
    await waitUntil('the receiver to be tried while down', () => receiver.received.some((r) => r.answered === 503));
    await new Promise((r) => setTimeout(r, 1_500));
    receiver.respondWith = () => 200;

    const expected = instances.flatMap((i) => i.sids).sort();
    const deliveredIds = () => new Set(receiver.delivered<Delivered>().flatMap((d) => d.message.events.map((e) => e.objectId)));
    await waitUntil(`all ${expected.length} events to arrive`, () => deliveredIds().size >= expected.length, 90_000);
    expect([...deliveredIds()].sort()).toEqual(expected);

    // A notification received more than once is the same notification (same id, same bytes).
    const bodiesById = new Map<string, Set<string>>();
    for (const r of receiver.received.filter((x) => x.answered < 300)) {
      const id = String(r.headers['elements-webhook-id']);
      (bodiesById.get(id) ?? bodiesById.set(id, new Set()).get(id))?.add(r.body);
    }
    for (const bodies of bodiesById.values()) expect(bodies.size).toBe(1);

    // In order per instance: the first receipt of each notification follows the order the hub stored them in.
    for (const instance of instances) {
      const log = await http('GET', `/instances/${instance.id}/events?pageSize=100`);
      const stored = (log.body as Json[]).map((e) => String(e['eventId'])).reverse();
      expect((log.body as Json[]).every((e) => e['status'] === 'delivered')).toBe(true);
      const firstReceipt = [...new Set(receiver.delivered<Delivered>().filter((d) => d.message.instanceId === instance.id).map((d) => d.message.eventId))];
      expect(firstReceipt).toEqual(stored);
    }

    // No instance was polled by two replicas at once: its list requests never overlap in time.
    for (const instance of instances) {
      const lists = double.requests
        .filter((r) => r.accountSid === instance.account && r.method === 'GET' && r.path.endsWith('/Messages.json'))
        .map((r) => [r.time.getTime(), r.time.getTime() + r.durationMs] as const)
        .sort((x, y) => x[0] - y[0]);
      for (let i = 1; i < lists.length; i++) expect(lists[i][0]).toBeGreaterThanOrEqual(lists[i - 1][1]);
    }

    // Both live replicas did work.
    const polledBy = replicas.map((r) => (r.stdout.match(/polled instance \d+/g) ?? []).length);
    expect(polledBy.filter((n) => n > 0).length).toBeGreaterThanOrEqual(2);
  });
});

async function waitUntil(what: string, condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
