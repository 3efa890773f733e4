/**
 * npm run bench:events — how much polling and delivery one and two poller replicas sustain.
 *
 * Processes: the Twilio double (its bin), the built api (provisioning only, HUB_EVENT_WORKERS=false)
 * and the built poller (dist/apps/poller/main.js) replicas, on a fresh PostgreSQL database
 * (BENCH_DATABASE_URL or TEST_DATABASE_URL). A loopback receiver in this process counts deliveries.
 *
 * N twiliov2 instances (each its own Twilio account, polling every minute) are provisioned through
 * the API. Then, for each replica count: the replicas start and poll every instance once (warm-up),
 * every account gets new inbound messages, every instance's poll is made due at once, and the bench
 * measures until every message has reached the receiver:
 *   - polls/s: N polls / time until the last one committed; N / (polls/s) ≤ 60 s means one minute's
 *     interval is sustained for N instances;
 *   - events/s delivered: events / time from the first to the last receipt;
 *   - delay (p50/p99) from the message's creation at the double to its receipt, and from the moment
 *     the polls were due;
 *   - the replicas' peak RSS.
 * It ends with issue 16's table: each figure at 1 and 2 replicas against its target, PASS or MISS.
 * `--dist <dir>` runs another build too (e.g. an older commit's worktree's `dist`, built there), on
 * its own fresh database, in the same invocation: old and new side by side on the same machine state.
 * A benchmark reports; it does not assert: it exits 0 whether or not the targets are met.
 *
 * BENCH_PROFILE_DIR=<dir>: the pollers write CPU profiles there; BENCH_POLLER_METRICS_PORT=<port>: the
 * first replica serves /metrics there (its heap and external memory while the bench runs);
 * BENCH_POLLER_NODE_FLAGS='--flag …': node (V8) flags for the pollers only.
 *
 *   npm run bench:events -- [--instances 1000] [--messages 2] [--replicas 1,2] [--large (10,000 instances)] [--dist <other>/dist]
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { BenchProcesses, mb, percentile, rssOf } from './bench-support';

const ROOT = path.resolve(__dirname, '../..');
const { values } = parseArgs({
  options: {
    instances: { type: 'string' },
    large: { type: 'boolean', default: false },
    messages: { type: 'string', default: '2' },
    replicas: { type: 'string', default: '1,2' },
    'timeout-s': { type: 'string', default: '600' },
    dist: { type: 'string' },
  },
});
const instances = Number(values.instances ?? (values.large ? 10_000 : 1_000));
const messagesPerInstance = Number(values.messages);
const replicaCounts = String(values.replicas).split(',').map(Number);
const timeoutMs = Number(values['timeout-s']) * 1000;
const serverUrl = process.env['BENCH_DATABASE_URL'] ?? process.env['TEST_DATABASE_URL'];

const bench = new BenchProcesses();


async function eachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) await work(items[next++]);
  }));
}

async function json(url: string, init: RequestInit = {}) {
  let res = await fetch(url, { ...init, headers: { 'content-type': 'application/json', ...(init.headers ?? {}) } });
  // Provisioning is not what is measured: the api shedding load (503) is waited out, not fatal.
  for (let retry = 0; res.status === 503 && retry < 30; retry++) {
    await new Promise((r) => setTimeout(r, 1_000));
    res = await fetch(url, { ...init, headers: { 'content-type': 'application/json', ...(init.headers ?? {}) } });
  }
  const body = (await res.json()) as Record<string, unknown>;
  if (res.status >= 400) throw new Error(`${init.method ?? 'GET'} ${url}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

async function main(): Promise<number> {
  if (!serverUrl) {
    console.error('bench:events needs PostgreSQL (poller replicas share it): set BENCH_DATABASE_URL or TEST_DATABASE_URL, e.g. postgresql://postgres@127.0.0.1:5432/test');
    return 2;
  }
  const build = spawnSync(path.join(ROOT, 'node_modules/.bin/nx'), ['run-many', '-t', 'build', '-p', 'api', 'poller', '--outputStyle=static'], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, NX_DAEMON: 'false' },
  });
  if (build.status !== 0) return build.status ?? 1;

  const double = bench.start([path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), '--tsconfig', 'tsconfig.base.json', 'libs/testing/src/bin/twilio-double.ts', '--port', '0', '--quiet']);
  const doubleInfo = JSON.parse((await double.line(/^\{.*"accountSid".*\}$/m))[0]) as { baseUrl: string; accountsUrl: string };

  // The receiver: counts every event, by message sid, with the time it arrived.
  const receivedAt = new Map<string, number>();
  const counter = { notifications: 0 };
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const now = Date.now();
      counter.notifications++;
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { message: { events: { objectId: string }[] } };
      for (const e of body.message.events) if (!receivedAt.has(e.objectId)) receivedAt.set(e.objectId, now);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  bench.onStop(() => new Promise<void>((r) => receiver.close(() => r())));
  const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/events`;

  const builds = [{ label: 'this build', dist: path.join(ROOT, 'dist') }, ...(values.dist ? [{ label: `--dist ${values.dist}`, dist: path.resolve(values.dist) }] : [])];
  const results: { label: string; rows: Row[] }[] = [];
  for (const build of builds) {
    console.log(`\n=== ${build.label} (${build.dist}) ===`);
    results.push({ label: build.label, rows: await runBuild(build.dist, { doubleInfo, receiverUrl, receivedAt, counter }) });
  }

  console.log('\nbench:events (one machine, 2 cores: the double, PostgreSQL, the pollers and this receiver share them)');
  for (const r of results) {
    console.log(`\n${r.label}: ${instances} instances, ${messagesPerInstance} message(s) each`);
    console.table(r.rows);
    printTargets(r.rows);
  }
  mkdirSync(path.join(ROOT, 'reports'), { recursive: true });
  writeFileSync(path.join(ROOT, 'reports/bench-events.json'), JSON.stringify({ instances, messagesPerInstance, results }, null, 2));
  console.log('written to reports/bench-events.json');
  return 0;
}

type Row = Record<string, string | number>;

/** Issue 16's first bar: each figure at each replica count against its target. */
function printTargets(rows: readonly Row[]) {
  const at = (n: number) => rows.find((r) => r['replicas'] === n);
  const one = at(1);
  const two = at(2);
  const num = (r: Row | undefined, k: string) => (r ? Number(r[k]) : NaN);
  const verdict = (ok: boolean | undefined) => (ok === undefined ? '-' : ok ? 'PASS' : 'MISS');
  const cell = (r: Row | undefined, k: string, pass: (v: number) => boolean, unit = '') =>
    r && Number.isFinite(num(r, k)) ? `${num(r, k)}${unit} ${verdict(pass(num(r, k)))}` : '-';
  const ratio = one && two ? num(two, 'polls/s') / num(one, 'polls/s') : NaN;
  const table = [
    { figure: 'polls/s', '1 replica': cell(one, 'polls/s', (v) => v >= 167), '2 replicas': cell(two, 'polls/s', () => true).replace(' PASS', ''), target: '≥ 167 on one replica' },
    { figure: 'two replicas / one', '1 replica': '-', '2 replicas': Number.isFinite(ratio) ? `${ratio.toFixed(2)} ${verdict(ratio >= 1.0)}` : '-', target: '≥ 1.0' },
    { figure: 'events delivered/s', '1 replica': cell(one, 'events/s', (v) => v >= 1000), '2 replicas': cell(two, 'events/s', (v) => v >= 1000), target: '≥ 1,000' },
    { figure: 'delay from due p50 (s)', '1 replica': cell(one, 'p50 s', (v) => v < 2), '2 replicas': cell(two, 'p50 s', (v) => v < 2), target: '< 2 s' },
    { figure: 'delay from due p99 (s)', '1 replica': cell(one, 'p99 s', (v) => v < 5), '2 replicas': cell(two, 'p99 s', (v) => v < 5), target: '< 5 s' },
    { figure: 'RSS peak per replica (MB)', '1 replica': cell(one, 'MB per replica', (v) => v < 250), '2 replicas': cell(two, 'MB per replica', (v) => v < 250), target: '< 250 MB' },
  ];
  console.table(table);
}

async function runBuild(
  dist: string,
  shared: { doubleInfo: { baseUrl: string; accountsUrl: string }; receiverUrl: string; receivedAt: Map<string, number>; counter: { notifications: number } },
): Promise<Row[]> {
  const { doubleInfo, receiverUrl, receivedAt, counter } = shared;
  const dbUrl = new URL(await bench.freshDatabase(serverUrl as string, 'hub_bench_events'));
  const env = {
    DATABASE_URL: dbUrl.toString(),
    HUB_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    HUB_ALLOW_PRIVATE_CALLBACK_URLS: 'true',
    HUB_ALLOW_PRIVATE_VENDOR_URLS: 'true', // the Twilio double on loopback
    LOG_LEVEL: 'warn',
  };
  // BENCH_PROFILE_DIR: the pollers write V8 CPU profiles there (node --cpu-prof) to see where the time goes.
  const profileDir = process.env['BENCH_PROFILE_DIR'];
  // BENCH_POLLER_NODE_FLAGS: node (V8) flags for the pollers only, e.g. to try a GC setting.
  const nodeFlags = (process.env['BENCH_POLLER_NODE_FLAGS'] ?? '').split(/\s+/).filter(Boolean);
  const pollerArgs = [...nodeFlags, ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), path.join(dist, 'apps/poller/main.js')];

  const api = bench.start([path.join(dist, 'apps/api/main.js')], { ...env, PORT: '0', HOST: '127.0.0.1', HUB_MIGRATE_ON_START: 'true', HUB_EVENT_WORKERS: 'false' });
  const baseUrl = (await api.line(/Messaging hub listening on (http:\/\/127\.0\.0\.1:\d+)/))[1];
  const auth = (await api.line(/Authorization: (User \S+, Organization \S+)/))[1];

  console.log(`\nprovisioning ${instances} twiliov2 instances (one Twilio account each, polling every minute)…`);
  const accounts: { sid: string }[] = [];
  const provisionStart = Date.now();
  await eachLimited(Array.from({ length: instances }, (_, i) => i), 32, async (i) => {
    const account = (await json(`${doubleInfo.baseUrl}/__double/accounts`, { method: 'POST', body: JSON.stringify({ friendlyName: `bench ${i}` }) })) as { sid: string; authToken: string };
    accounts.push(account);
    await json(`${baseUrl}/elements/api-v2/instances`, {
      method: 'POST',
      headers: { authorization: auth },
      body: JSON.stringify({
        element: { key: 'twiliov2' },
        name: `bench ${i}`,
        configuration: {
          username: account.sid,
          password: account.authToken,
          'base.url': doubleInfo.accountsUrl,
          'event.notification.enabled': 'true',
          'event.vendor.type': 'polling',
          'event.poller.refresh_interval': '1',
          'event.notification.callback.url': receiverUrl,
        },
      }),
    });
  });
  const provisionSeconds = (Date.now() - provisionStart) / 1000;
  console.log(`provisioned in ${provisionSeconds.toFixed(1)} s (${Math.round(instances / provisionSeconds)} instances/s, each with a credential check)`);
  const db = new Client({ connectionString: env.DATABASE_URL });
  await db.connect();
  bench.onStop(() => db.end());
  await db.query(`UPDATE event_poll_states SET next_run_at = now() + interval '1 hour'`);

  const rows: Row[] = [];
  for (const replicas of replicaCounts) {
    const metricsPort = process.env['BENCH_POLLER_METRICS_PORT']; // the first replica's /metrics, to see its memory
    const pollers = Array.from({ length: replicas }, (_, i) => bench.start(pollerArgs, i === 0 && metricsPort ? { ...env, HUB_METRICS_PORT: metricsPort } : env));
    await Promise.all(pollers.map((p) => p.line(/poller running/)));

    // Warm-up: every instance polled once by these replicas (connections, the instances' clients and
    // configuration are then in place, as in a poller that has been running).
    const warm = Date.now();
    await db.query(`UPDATE event_poll_states SET next_run_at = now()`);
    for (;;) {
      const { rows: [w] } = await db.query<{ left: string }>(
        `SELECT count(*) AS left FROM event_poll_states WHERE last_success_at IS NULL OR last_success_at < to_timestamp($1 / 1000.0)`,
        [warm],
      );
      if (Number(w.left) === 0) break;
      if (Date.now() - warm > timeoutMs) throw new Error(`warm-up timed out: ${w.left} instances not polled`);
      await new Promise((r) => setTimeout(r, 200));
    }
    await db.query(`UPDATE event_poll_states SET next_run_at = now() + interval '1 hour'`);
    await new Promise((r) => setTimeout(r, 1_000)); // the deliveries of the warm-up, if any, are done

    // New messages at every account, then every poll due at once.
    const createdAt = new Map<string, number>();
    await eachLimited(accounts, 64, async (account) => {
      for (let m = 0; m < messagesPerInstance; m++) {
        const message = (await json(`${doubleInfo.baseUrl}/__double/messages/inbound`, {
          method: 'POST',
          body: JSON.stringify({ accountSid: account.sid, from: '+15005550006', to: '+15005550001', body: `bench ${m}` }),
        })) as { sid: string };
        createdAt.set(message.sid, Date.now());
      }
    });
    const expected = createdAt.size;
    const startNotifications = counter.notifications;
    const due = Date.now();
    await db.query(`UPDATE event_poll_states SET next_run_at = now()`);
    let peakRss = 0;
    const notPolled = async () =>
      Number(
        (await db.query<{ left: string }>(`SELECT count(*) AS left FROM event_poll_states WHERE last_success_at IS NULL OR last_success_at < to_timestamp($1 / 1000.0)`, [due]))
          .rows[0].left,
      );
    // Until every instance was polled and every event has arrived.
    while ([...createdAt.keys()].some((sid) => !receivedAt.has(sid)) || (await notPolled()) > 0) {
      if (Date.now() - due > timeoutMs) throw new Error(`timed out: ${[...createdAt.keys()].filter((s) => receivedAt.has(s)).length}/${expected} events arrived`);
      peakRss = Math.max(peakRss, pollers.reduce((sum, p) => sum + (p.child.pid ? rssOf(p.child.pid) : 0), 0));
      await new Promise((r) => setTimeout(r, 200));
    }
    const { rows: [poll] } = await db.query<{ done: string; last: Date }>(
      `SELECT count(*) FILTER (WHERE last_success_at >= to_timestamp($1 / 1000.0)) AS done, max(last_success_at) AS last FROM event_poll_states`,
      [due],
    );
    const receipts = [...createdAt.keys()].map((sid) => receivedAt.get(sid) ?? 0);
    const firstReceipt = receipts.length ? Math.min(...receipts) : NaN;
    const lastReceipt = receipts.length ? Math.max(...receipts) : NaN;
    const pollSeconds = (poll.last.getTime() - due) / 1000;
    const fromCreation = [...createdAt].map(([sid, at]) => (receivedAt.get(sid) ?? 0) - at).sort((a, b) => a - b);
    const fromDue = receipts.map((r) => r - due).sort((a, b) => a - b);
    const pollsPerSecond = Number(poll.done) / pollSeconds;
    rows.push({
      replicas,
      instances,
      'polls/s': Math.round(pollsPerSecond),
      'all polled in': `${pollSeconds.toFixed(1)} s`,
      'sustains 1-min interval for': `${Math.floor(pollsPerSecond * 60)} instances`,
      events: expected,
      notifications: counter.notifications - startNotifications,
      'events/s': expected ? Math.round(expected / Math.max(0.001, (lastReceipt - firstReceipt) / 1000)) : '-',
      'p50 s': Number((percentile(fromDue, 50) / 1000).toFixed(2)),
      'p99 s': Number((percentile(fromDue, 99) / 1000).toFixed(2)),
      'from creation p50/p99': `${percentile(fromCreation, 50)}/${percentile(fromCreation, 99)} ms`,
      'pollers peak RSS': mb(peakRss),
      'MB per replica': Math.round(peakRss / replicas / 1e6),
    });
    console.log(JSON.stringify(rows.at(-1)));
    for (const p of pollers) p.child.kill('SIGTERM');
    await Promise.all(pollers.map((p) => new Promise((r) => (p.child.exitCode !== null ? r(null) : p.child.once('exit', r)))));
    await db.query(`UPDATE event_poll_states SET next_run_at = now() + interval '1 hour'`);
  }
  // This build's api goes; its database is dropped at the end (cleanups).
  api.child.kill('SIGTERM');
  await new Promise((r) => (api.child.exitCode !== null ? r(null) : api.child.once('exit', r)));
  return rows;
}

bench.run(main);
