/**
 * npm run bench:formulas — how many executions of a three-step event formula one poller replica
 * runs per second, and what a script step costs.
 *
 * Processes: the Twilio double (its bin), the built api (provisioning and the API, HUB_EVENT_WORKERS=false:
 * it runs no formula) and one built poller replica (it runs every execution), on a fresh PostgreSQL
 * database (BENCH_DATABASE_URL or TEST_DATABASE_URL).
 *
 * The formula: event trigger on a twiliov2 instance → `build` (script) → `inbound-only` (filter) →
 * `reply` (elementRequest: POST /hubs/messaging/messages through the same instance, to the double).
 * The events come as one event envelope POSTed to the instance's executions (N event objects: N
 * executions, stored at once), so what is measured is the replica running executions, not polling.
 *   - executions/s: N / (time from the POST until the last execution finished), on one replica;
 *   - script step overhead, median: the replica's own histogram of script and filter steps in the
 *     sandbox (hub_formula_script_duration_seconds, read from its HUB_METRICS_PORT before and after
 *     the measured run; the median interpolated within buckets as Prometheus' histogram_quantile
 *     does): a fresh QuickJS runtime and context with their limits, the globals in, the result out;
 *   - and, for information, the median time from the trigger step to the script step as the replica
 *     recorded them, which adds the wait for the event loop among the replica's concurrent executions.
 * PASS/MISS against the first bar: ≥ 200 executions/s, < 2 ms per script step. A benchmark reports;
 * it exits 0 whether or not the bar is met.
 *
 * The events arrive in envelopes of --events-per-envelope (default 10) event objects, as a poll or a
 * webhook brings a few at a time: every execution's trigger carries its whole envelope as
 * `trigger.body` (the reference's shape), so larger envelopes cost each execution more (at most 200:
 * the API refuses bodies of more than 5,000 keys).
 *
 *   npm run bench:formulas -- [--executions 2000] [--warmup 100] [--events-per-envelope 10] [--dist dist/apps (skip the build)]
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { BenchProcesses, freePort, median, rssOf } from './bench-support';

const ROOT = path.resolve(__dirname, '../..');
const { values } = parseArgs({
  options: {
    executions: { type: 'string', default: '2000' },
    'events-per-envelope': { type: 'string', default: '10' },
    warmup: { type: 'string', default: '100' },
    dist: { type: 'string' },
    'timeout-s': { type: 'string', default: '600' },
  },
});
const executions = Number(values.executions);
const warmup = Number(values.warmup);
const timeoutMs = Number(values['timeout-s']) * 1000;
const dist = path.resolve(ROOT, values.dist ?? 'dist/apps');
const serverUrl = process.env['BENCH_DATABASE_URL'] ?? process.env['TEST_DATABASE_URL'];
const EVENTS_PER_ENVELOPE = Math.min(200, Math.max(1, Number(values['events-per-envelope'])));
const EXECUTIONS_PER_SECOND_BAR = 200;
const SCRIPT_MS_BAR = 2;
const SCRIPT_HISTOGRAM = 'hub_formula_script_duration_seconds';

const bench = new BenchProcesses();


async function json(url: string, init: RequestInit = {}) {
  const res = await fetch(url, { ...init, headers: { 'content-type': 'application/json', ...(init.headers ?? {}) } });
  const body = (await res.json()) as unknown;
  if (res.status >= 400) throw new Error(`${init.method ?? 'GET'} ${url}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

const BUILD_SCRIPT = 'done({ to: trigger.event.objectId.length > 0 ? "+15005550002" : null, text: "Thanks for " + trigger.event.objectId })';

const FORMULA = {
  name: 'bench auto-reply',
  configuration: [{ key: 'sms', name: 'SMS', type: 'elementInstance' }],
  triggers: [{ type: 'event', name: 'trigger', properties: { elementInstanceId: '${config.sms}' }, onSuccess: ['build'] }],
  steps: [
    { name: 'build', type: 'script', onSuccess: ['inbound-only'], properties: { body: BUILD_SCRIPT } },
    { name: 'inbound-only', type: 'filter', onSuccess: ['reply'], properties: { body: 'done(trigger.event.eventType === "CREATED")' } },
    {
      name: 'reply',
      type: 'elementRequest',
      properties: { elementInstanceId: '${config.sms}', method: 'POST', api: '/hubs/messaging/messages', body: { To: '${steps.build.to}', From: '+15005550006', Body: '${steps.build.text}' } },
    },
  ],
};

/** A histogram's cumulative bucket counts from a Prometheus text exposition: `le` → count. */
async function histogramOf(metricsUrl: string, name: string): Promise<Map<number, number>> {
  const text = await (await fetch(metricsUrl)).text();
  const buckets = new Map<number, number>();
  for (const m of text.matchAll(new RegExp(`^${name}_bucket\\{le="([^"]+)"\\} (\\d+)`, 'gm'))) buckets.set(m[1] === '+Inf' ? Infinity : Number(m[1]), Number(m[2]));
  return buckets;
}

/** The median of the observations between two scrapes, interpolated within its bucket (as histogram_quantile). */
function medianBetween(before: Map<number, number>, after: Map<number, number>): number {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const counts = bounds.map((le) => (after.get(le) ?? 0) - (before.get(le) ?? 0));
  const total = counts[counts.length - 1] ?? 0;
  if (total === 0) return NaN;
  const rank = total / 2;
  for (let i = 0; i < bounds.length; i++) {
    if (counts[i] < rank) continue;
    const lower = i === 0 ? 0 : bounds[i - 1];
    const below = i === 0 ? 0 : counts[i - 1];
    if (bounds[i] === Infinity) return lower;
    return lower + ((bounds[i] - lower) * (rank - below)) / Math.max(counts[i] - below, 1);
  }
  return NaN;
}

const envelope = (instanceId: number, count: number, prefix: string) => ({
  message: {
    instance_id: instanceId,
    events: Array.from({ length: count }, (_, i) => ({ objectType: 'messages', objectId: `SM${prefix}${String(i).padStart(8, '0')}`, eventType: 'CREATED', hubKey: 'messaging', elementKey: 'twiliov2' })),
  },
});

async function main(): Promise<number> {
  if (!serverUrl) {
    console.error('bench:formulas needs PostgreSQL (the api and the poller share it): set BENCH_DATABASE_URL or TEST_DATABASE_URL, e.g. postgresql://postgres@127.0.0.1:5432/test');
    return 2;
  }
  if (values.dist === undefined) {
    const build = spawnSync(path.join(ROOT, 'node_modules/.bin/nx'), ['run-many', '-t', 'build', '-p', 'api', 'poller', '--outputStyle=static'], {
      cwd: ROOT,
      stdio: 'inherit',
      env: { ...process.env, NX_DAEMON: 'false' },
    });
    if (build.status !== 0) return build.status ?? 1;
  }

  const dbUrl = new URL(await bench.freshDatabase(serverUrl, 'hub_bench_formulas'));
  const env = {
    DATABASE_URL: dbUrl.toString(),
    HUB_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    HUB_ALLOW_PRIVATE_VENDOR_URLS: 'true', // the Twilio double on loopback
    HUB_EVENT_IDLE_MS: '50',
    LOG_LEVEL: 'warn',
  };
  const profileDir = process.env['BENCH_PROFILE_DIR'];

  const double = bench.start([path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), '--tsconfig', 'tsconfig.base.json', 'libs/testing/src/bin/twilio-double.ts', '--port', '0', '--quiet']);
  const doubleInfo = JSON.parse((await double.line(/^\{.*"accountSid".*\}$/m))[0]) as { baseUrl: string; accountsUrl: string };
  const api = bench.start([path.join(dist, 'api/main.js')], { ...env, PORT: '0', HOST: '127.0.0.1', HUB_MIGRATE_ON_START: 'true', HUB_EVENT_WORKERS: 'false' });
  const baseUrl = (await api.line(/Messaging hub listening on (http:\/\/127\.0\.0\.1:\d+)/))[1];
  const auth = (await api.line(/Authorization: (User \S+, Organization \S+)/))[1];
  const platform = (p: string, init: RequestInit = {}) => json(`${baseUrl}/elements/api-v2${p}`, { ...init, headers: { authorization: auth } });

  const account = (await json(`${doubleInfo.baseUrl}/__double/accounts`, { method: 'POST', body: JSON.stringify({ friendlyName: 'bench' }) })) as { sid: string; authToken: string };
  const instance = (await platform('/instances', {
    method: 'POST',
    body: JSON.stringify({ element: { key: 'twiliov2' }, name: 'bench', configuration: { username: account.sid, password: account.authToken, 'base.url': doubleInfo.accountsUrl } }),
  })) as { id: number };
  const formula = (await platform('/formulas', { method: 'POST', body: JSON.stringify(FORMULA) })) as { id: number };
  const formulaInstance = (await platform(`/formulas/${formula.id}/instances`, { method: 'POST', body: JSON.stringify({ name: 'bench', configuration: { sms: instance.id } }) })) as { id: number };

  const metricsPort = await freePort();
  const metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  const poller = bench.start([...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), path.join(dist, 'poller/main.js')], { ...env, HUB_METRICS_PORT: String(metricsPort) });
  await poller.line(/poller running/);
  const db = new Client({ connectionString: env.DATABASE_URL });
  await db.connect();
  bench.onStop(() => db.end());
  const unfinished = async () =>
    Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM formula_executions WHERE formula_instance_id = $1 AND status IN ('queued', 'pending')`, [formulaInstance.id])).rows[0].n);
  const waitAll = async (since: number) => {
    let peakRss = 0;
    while ((await unfinished()) > 0) {
      if (Date.now() - since > timeoutMs) throw new Error(`timed out with ${await unfinished()} executions unfinished`);
      if (poller.child.pid) peakRss = Math.max(peakRss, rssOf(poller.child.pid));
      await new Promise((r) => setTimeout(r, 100));
    }
    return peakRss;
  };

  // Warm-up: the replica's connections, the instance's client, the QuickJS module.
  console.log(`\nwarm-up: ${warmup} executions…`);
  await platform(`/formulas/${formula.id}/instances/${formulaInstance.id}/executions`, { method: 'POST', body: JSON.stringify(envelope(instance.id, warmup, 'W')) });
  await waitAll(Date.now());
  const { rows: [{ last: warmLast }] } = await db.query<{ last: number }>(`SELECT coalesce(max(id), 0) AS last FROM formula_executions`);

  const scriptsBefore = await histogramOf(metricsUrl, SCRIPT_HISTOGRAM);
  console.log(`measuring: ${executions} executions on one poller replica…`);
  const began = Date.now();
  for (let start = 0; start < executions; start += EVENTS_PER_ENVELOPE) {
    const count = Math.min(EVENTS_PER_ENVELOPE, executions - start);
    await platform(`/formulas/${formula.id}/instances/${formulaInstance.id}/executions`, { method: 'POST', body: JSON.stringify(envelope(instance.id, count, `M${start}-`)) });
  }
  const peakRss = await waitAll(began);
  const { rows: [stats] } = await db.query<{ done: string; failed: string; first: Date; last: Date }>(
    `SELECT count(*) AS done, count(*) FILTER (WHERE status <> 'success') AS failed, min(created_date) AS first, max(finished_date) AS last
       FROM formula_executions WHERE formula_instance_id = $1 AND id > $2`,
    [formulaInstance.id, warmLast],
  );
  const seconds = (stats.last.getTime() - began) / 1000;
  const perSecond = Number(stats.done) / seconds;
  const { rows: gaps } = await db.query<{ ms: number }>(
    `SELECT extract(epoch FROM (b.created_date - t.created_date)) * 1000 AS ms
       FROM formula_step_executions t JOIN formula_step_executions b ON b.execution_id = t.execution_id AND b.step_name = 'build'
       JOIN formula_executions e ON e.id = t.execution_id
      WHERE t.step_name = 'trigger' AND e.formula_instance_id = $1 AND e.id > $2`,
    [formulaInstance.id, warmLast],
  );
  const replicaGapMs = median(gaps.map((g) => Number(g.ms)));
  // An older build without the histogram: NaN, printed as such.
  const scriptStepMs = medianBetween(scriptsBefore, await histogramOf(metricsUrl, SCRIPT_HISTOGRAM)) * 1000;
  const log = (await json(`${doubleInfo.baseUrl}/__double/requests`)) as { requests: { method: string; path: string }[] };
  const replies = log.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/Messages.json')).length;

  const row = {
    executions: Number(stats.done),
    failed: Number(stats.failed),
    'executions/s (1 replica)': Math.round(perSecond),
    'script step median (sandbox, on the replica)': `${scriptStepMs.toFixed(2)} ms`,
    'trigger → script step record, median': `${replicaGapMs.toFixed(1)} ms`,
    'poller peak RSS': `${Math.round(peakRss / 1e6)} MB`,
    'replies the double received': replies,
  };
  console.log(`\nbench:formulas, events in envelopes of ${EVENTS_PER_ENVELOPE} (one machine, 2 cores: the double, PostgreSQL, the api, the poller and this process share them)`);
  console.table([row]);
  console.log(`${perSecond >= EXECUTIONS_PER_SECOND_BAR ? 'PASS' : 'MISS'} executions/s: ${Math.round(perSecond)} (bar ≥ ${EXECUTIONS_PER_SECOND_BAR})`);
  console.log(`${scriptStepMs < SCRIPT_MS_BAR ? 'PASS' : 'MISS'} script step: ${scriptStepMs.toFixed(2)} ms median (bar < ${SCRIPT_MS_BAR} ms)`);
  mkdirSync(path.join(ROOT, 'reports'), { recursive: true });
  writeFileSync(path.join(ROOT, 'reports/bench-formulas.json'), JSON.stringify({ executions, warmup, eventsPerEnvelope: EVENTS_PER_ENVELOPE, row }, null, 2));
  console.log('written to reports/bench-formulas.json');
  return 0;
}

bench.run(main);
