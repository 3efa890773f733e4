/**
 * The built apps run as a service would be: the start-up block, GET /metrics behind its token,
 * readiness turning false on SIGTERM, no accepted request lost when the api is stopped under a
 * steady load; and on PostgreSQL (TEST_DATABASE_URL) a poller stopped with SIGTERM while it holds
 * polls gives them back, so the other replica polls them within seconds, not after the lease.
 */
import { pollingEvents, TwilioDouble, twiliov2Configuration } from '@hub/testing';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SuiteDatabase } from './support/databases';
import { apiCall, type RunningProcess, startHub, startPoller } from './support/processes';

jest.setTimeout(180_000);

const TOKEN = 'e2e-metrics-token-0123456789abcdef';
type Json = Record<string, unknown>;

/** The structured log lines a process wrote (its JSON lines; the start-up block is not one). */
const logLines = (proc: RunningProcess) =>
  proc.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Json);

async function waitUntil<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('the api as a service, on its embedded store', () => {
  let double: TwilioDouble;
  let dataDir: string;
  let hub: RunningProcess;
  let baseUrl: string;
  let platform: string;

  beforeAll(async () => {
    double = await TwilioDouble.start({ clock: 'system' });
    dataDir = await mkdtemp(path.join(tmpdir(), 'hub-e2e-ops-'));
    ({ hub, baseUrl } = await startHub({ HUB_DATA_DIR: dataDir, HUB_METRICS_TOKEN: TOKEN, HUB_SHUTDOWN_DRAIN_MS: '1500' }));
    platform = (await hub.waitFor(/Authorization: (User \S+, Organization \S+)/))[1];
  });
  afterAll(async () => {
    await hub?.stop('SIGKILL');
    await double?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('prints the start-up block once, after "listening", with the new secrets, which no log line carries', async () => {
    const listening = hub.stdout.indexOf('"msg":"messaging hub listening"');
    const block = hub.stdout.indexOf('Messaging hub listening on');
    expect(listening).toBeGreaterThan(-1);
    expect(block).toBeGreaterThan(listening);
    expect(hub.stdout.match(/First start: created organization/g)).toHaveLength(1);
    expect(hub.stdout).toContain(`${baseUrl}/admin/`);
    const secrets = platform.match(/User (\S+), Organization (\S+)/)?.slice(1) ?? [];
    for (const line of hub.stdout.split('\n').filter((l) => l.startsWith('{'))) {
      for (const secret of secrets) expect(line).not.toContain(secret);
    }
    // Route mapping and module loading are start-up detail: not at info.
    expect(hub.stdout).not.toMatch(/Mapped \{/);
  });

  it('serves GET /metrics for the bearer token only', async () => {
    expect((await fetch(`${baseUrl}/metrics`)).status).toBe(401);
    const res = await fetch(`${baseUrl}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('# TYPE hub_calls_total counter');
    expect(text).toContain('# TYPE hub_poll_lag_seconds histogram');
    expect(text).toMatch(/^process_cpu_user_seconds_total /m);
  });

  it('on SIGTERM under a steady load: not ready at once, every request it accepted answered in full, exit code 0', async () => {
    const account = double.addAccount();
    const created = await apiCall(baseUrl, 'POST', '/instances', platform, { element: { key: 'twiliov2' }, name: 'load', configuration: twiliov2Configuration(double, account) });
    expect(created.status).toBe(200);
    const element = `${platform.split(',')[0]}, Element ${(created.body as Json)['token']}`;
    // Each hub call waits 250 ms for Twilio: there are always calls in flight.
    double.faults.next({ method: 'GET', path: /\/Messages\.json$/, delayMs: 250, times: Infinity });

    type Outcome = { n: number; sentAt: number; status?: number; body?: unknown; error?: string };
    const outcomes: Outcome[] = [];
    let n = 0;
    let signalledAt = Infinity;
    const deadline = Date.now() + 20_000;
    // 6 clients, each sending one call after the other, at most 60 each, until the hub stops answering.
    const client = async () => {
      for (let i = 0; i < 60 && Date.now() < deadline; i++) {
        const outcome: Outcome = { n: ++n, sentAt: Date.now() };
        outcomes.push(outcome);
        try {
          // The call's number rides in a filter the hub accepts (To), so the hub's request log names it.
          const res = await fetch(`${baseUrl}/elements/api-v2/hubs/messaging/messages?pageSize=1&To=%2B1999${String(outcome.n).padStart(7, '0')}`, {
            headers: { authorization: element },
          });
          outcome.body = await res.json();
          outcome.status = res.status;
        } catch (error) {
          outcome.error = String((error as { cause?: unknown }).cause ?? error);
          return; // the listener is closed: this client is done
        }
      }
    };
    const load = Promise.all(Array.from({ length: 6 }, client));

    await waitUntil('calls to be answered', () => {
      if (outcomes.some((o) => o.error !== undefined || (o.status ?? 200) !== 200)) throw new Error(`a call failed before SIGTERM: ${JSON.stringify(outcomes)}`);
      return outcomes.filter((o) => o.status === 200).length >= 12 ? true : undefined;
    });
    signalledAt = Date.now();
    hub.child.kill('SIGTERM');
    // Readiness turns false at once; liveness stays; calls go on being served while draining.
    const ready = await waitUntil('readiness to turn false', async () => {
      const res = await fetch(`${baseUrl}/health/ready`);
      return res.status === 503 ? ((await res.json()) as Json) : undefined;
    });
    expect(ready).toMatchObject({ ready: false, phase: 'draining' });
    expect((await fetch(`${baseUrl}/health/live`)).status).toBe(200);

    await load;
    const code = await hub.exited;
    if (code !== 0) throw new Error(`the hub exited with ${code}:\n${hub.stdout.split('\n').slice(-12).join('\n')}\n${hub.stderr}`);

    // What the hub answered, it logged in its one access-log line per request; every one of those reached the client.
    const accepted = logLines(hub)
      .filter((l) => l['msg'] === 'request completed')
      .map((l) => /[?&]To=%2B1999(\d{7})/.exec(String((l['req'] as Json)?.['url']))?.[1])
      .filter((x): x is string => x !== undefined)
      .map(Number);
    const byN = new Map(outcomes.map((o) => [o.n, o]));
    const lost = accepted.filter((a) => byN.get(a)?.status === undefined);
    expect(lost).toEqual([]);
    for (const a of accepted) expect(byN.get(a)?.body).toBeDefined();
    // Calls were accepted and answered 200 after the signal (the drain), and the load was real.
    expect(outcomes.filter((o) => o.sentAt > signalledAt && o.status === 200).length).toBeGreaterThan(0);
    expect(accepted.length).toBeGreaterThanOrEqual(20);
    // Nothing else but full answers (200, or 503 "closing" on a kept-alive connection) or a refused connection.
    for (const o of outcomes) {
      if (o.status !== undefined) expect([200, 503]).toContain(o.status);
      else expect(accepted).not.toContain(o.n);
    }
    expect(hub.stdout).toContain('"msg":"the hub stopped"');
  });
});

const serverUrl = process.env['TEST_DATABASE_URL']?.trim();

(serverUrl ? describe : describe.skip)('a poller stopped with SIGTERM, on PostgreSQL', () => {
  let database: SuiteDatabase;
  let double: TwilioDouble;
  let hub: RunningProcess;
  let baseUrl: string;
  let platform: string;
  const replicas: RunningProcess[] = [];
  let env: Record<string, string>;

  const leases = async () => {
    return database.query<{ instance_id: number; lease_owner: string | null }>('SELECT instance_id, lease_owner FROM event_poll_states');
  };
  const startReplica = async () => {
    const replica = await startPoller(env);
    const url = (await replica.waitFor(/poller running \(pid \d+, metrics and probes on (http:\/\/127\.0\.0\.1:\d+)\)/, 60_000))[1];
    replicas.push(replica);
    return { replica, url };
  };
  const scrape = async (url: string) => {
    const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    return res.text();
  };

  beforeAll(async () => {
    database = await SuiteDatabase.create(serverUrl ?? '', 'hub_e2e_ops');
    double = await TwilioDouble.start({ clock: 'system' });
    env = {
      DATABASE_URL: database.url,
      HUB_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      HUB_ALLOW_PRIVATE_CALLBACK_URLS: 'true',
      HUB_METRICS_TOKEN: TOKEN,
      HUB_VENDOR_TIMEOUT_MS: '60000',
      // A lease far longer than the takeover the test allows: only a given-back claim is taken in time.
      HUB_EVENT_LEASE_MS: '120000',
      HUB_EVENT_IDLE_MS: '100',
      HUB_SHUTDOWN_TIMEOUT_MS: '1000',
      HUB_METRICS_PORT: '0',
    };
    ({ hub, baseUrl } = await startHub({ ...env, HUB_METRICS_PORT: '', HUB_MIGRATE_ON_START: 'true', HUB_EVENT_WORKERS: 'false' }));
    platform = (await hub.waitFor(/Authorization: (User \S+, Organization \S+)/))[1];
  });
  afterAll(async () => {
    for (const replica of replicas) await replica.stop('SIGKILL');
    await hub?.stop();
    await double?.stop();
    await database?.drop();
  });

  it("gives back the polls it holds: the other replica polls them within seconds, and each serves its own metrics and probes", async () => {
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) {
      const account = double.addAccount({ friendlyName: `tenant ${i}` });
      const created = await apiCall(baseUrl, 'POST', '/instances', platform, {
        element: { key: 'twiliov2' },
        name: `polled ${i}`,
        configuration: twiliov2Configuration(double, account, pollingEvents('http://127.0.0.1:9/unused', 1)),
      });
      expect(created.status).toBe(200);
      ids.push(Number((created.body as Json)['id']));
    }
    // A's polls hang at Twilio far longer than its shutdown budget (1 s), and than B takes to start.
    double.faults.next({ method: 'GET', path: /\/Messages\.json$/, delayMs: 45_000, times: ids.length });
    const a = await startReplica();
    expect((await fetch(`${a.url}/health/ready`)).status).toBe(200);
    for (const id of ids) expect((await apiCall(baseUrl, 'POST', `/instances/${id}/events/poller/run`, platform)).status).toBe(200);
    const pidOf = (r: RunningProcess) => `:${r.child.pid}:`;
    await waitUntil('replica A to hold every poll', async () =>
      (await leases()).filter((l) => l.lease_owner?.includes(pidOf(a.replica))).length === ids.length ? true : undefined,
    );
    const b = await startReplica();
    expect(b.replica.stdout).not.toMatch(/polled instance/);
    expect(a.replica.stdout).not.toMatch(/polled instance/); // still hanging at Twilio

    const stoppedAt = Date.now();
    a.replica.child.kill('SIGTERM');
    // The signal is handled on the replica's next turn: ready (200) until then, never after.
    let notReady: number | string = 200;
    for (const deadline = Date.now() + 3_000; notReady === 200 && Date.now() < deadline; ) {
      notReady = await fetch(`${a.url}/health/ready`).then((r) => r.status, () => 'closed');
      if (notReady === 200) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect([503, 'closed']).toContain(notReady);
    expect(await a.replica.exited).toBe(0);
    expect((await leases()).filter((l) => l.lease_owner?.includes(pidOf(a.replica)))).toEqual([]);

    // B polls all three within seconds (their lease had two minutes to run).
    await waitUntil(
      'replica B to poll the instances A gave back',
      () => (ids.every((id) => new RegExp(`polled instance ${id}:`).test(b.replica.stdout)) ? true : undefined),
      10_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\nA:\n${a.replica.stdout}\nB:\n${b.replica.stdout}`);
    });
    expect(Date.now() - stoppedAt).toBeLessThan(10_000);
    expect(a.replica.stdout).toMatch(/still running after \d+ ms; giving their claims back/);

    // B's own metrics moved with those polls.
    const metrics = await scrape(b.url);
    expect(Number(/^hub_poll_duration_seconds_count\{outcome="success"\} (\d+)/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(ids.length);
    expect(metrics).toMatch(/^hub_db_pool_connections\{state="total"\} [1-9]/m);
    expect((await fetch(`${b.url}/metrics`)).status).toBe(401);
  });
});
