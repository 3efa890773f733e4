/**
 * npm run bench:hub — the hub's cost in front of a vendor call, measured against a bare proxy.
 *
 * Processes (each its own event loop): the Twilio double (its bin), a bare Node passthrough proxy
 * (http + keep-alive agent + Basic auth) in front of it, and the built hub (dist/apps/api/main.js)
 * on PostgreSQL (a fresh database on BENCH_DATABASE_URL or TEST_DATABASE_URL) and/or the embedded
 * store. autocannon (in this process) drives GET /hubs/messaging/messages/{sid} — and the same
 * fetch through the proxy — at 32 connections for a fixed time after a warm-up; the hub's RSS is
 * sampled from /proc during its runs. Per store, in one run, side by side:
 *
 *   bare proxy        the floor
 *   hub               the same fetch through the hub (ratio ≥ 0.6, added p99 < 5 ms, RSS peak < 250 MB
 *                     on PostgreSQL / < 350 MB embedded)
 *   hub, cached HIT   an instance with cachingEnabled: every call a HIT; must beat the bare proxy and
 *                     reach the vendor not once (a second double, counting its requests, serves it)
 *   hub, rate-limited the organization given a limit far above the load: every call takes a token
 *                     (cost < 5 % of the hub's throughput)
 *
 * --floor adds two rows before the hub's: the same fetch through the official `twilio` library (undici
 * client) behind one NestJS-on-Fastify route and behind one bare Fastify route, with none of the hub's
 * work (floor-server.cjs) — what the design card's frameworks alone keep of the proxy in this layout.
 *
 * --hub-only measures the plain hub row alone (no cached-HIT or rate-limited rows): for a CPU profile
 * (BENCH_PROFILE_DIR) of the vendor-call path only.
 *
 * --dist DIR adds the same rows for a second build (DIR/dist/apps/api/main.js, run from DIR: e.g. a
 * worktree of an older commit, built), so old and new are measured in one run and compared (A/B).
 * Prints the tables with PASS/MISS per target and writes reports/bench-hub.json. A benchmark reports;
 * it does not assert: it exits 0 whether or not the targets are met.
 *
 *   npm run bench:hub -- [--store postgresql|embedded|both] [--duration 10] [--connections 32] [--floor] [--hub-only] [--dist DIR]
 */
import autocannon from 'autocannon';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BenchProcesses, freePort, rssOf } from './bench-support';

const ROOT = path.resolve(__dirname, '../..');
const { values } = parseArgs({
  options: {
    store: { type: 'string' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '32' },
    dist: { type: 'string' },
    floor: { type: 'boolean', default: false },
    'hub-only': { type: 'boolean', default: false },
  },
});
const OPERATOR = { email: 'bench@hub.example', password: randomBytes(18).toString('base64url') };
const duration = Number(values.duration);
const connections = Number(values.connections);
const serverUrl = process.env['BENCH_DATABASE_URL'] ?? process.env['TEST_DATABASE_URL'];
const stores = (values.store ?? (serverUrl ? 'both' : 'embedded')) === 'both' ? ['postgresql', 'embedded'] : [values.store ?? 'embedded'];
/** The builds measured: this worktree's, and --dist's if given. */
const builds: { label: string; root: string }[] = [
  { label: 'this build', root: ROOT },
  ...(values.dist ? [{ label: `--dist ${path.basename(path.resolve(values.dist))}`, root: path.resolve(values.dist) }] : []),
];
/** The targets of issue 15 (first bar). */
const TARGETS = { ratio: 0.6, addedP99Ms: 5, rssPeakMb: { postgresql: 250, embedded: 350 } as Record<string, number>, rateLimitCost: 0.05 };

const bench = new BenchProcesses();

async function load(url: string, headers: Record<string, string>, seconds: number) {
  const result = await autocannon({ url, connections, duration: seconds, headers });
  return {
    requestsPerSecond: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
  };
}

const PROXY = `
const http = require('node:http');
const [target, auth] = [process.env.TARGET, process.env.AUTH];
const agent = new http.Agent({ keepAlive: true, maxSockets: 128 });
const server = http.createServer((req, res) => {
  const up = http.request(target + req.url, { method: req.method, agent, headers: { authorization: auth, accept: 'application/json' } }, (r) => {
    res.writeHead(r.statusCode, { 'content-type': r.headers['content-type'] || 'application/json' });
    r.pipe(res);
  });
  up.on('error', () => { res.writeHead(502); res.end(); });
  req.pipe(up);
});
server.listen(0, '127.0.0.1', () => console.log('proxy listening on ' + server.address().port));
`;

type Load = Awaited<ReturnType<typeof load>>;

interface Double {
  baseUrl: string;
  accountsUrl: string;
  accountSid: string;
  authToken: string;
  requests: () => number;
}

const startDouble = (quiet: boolean): Promise<Double> => bench.twilioDouble<Omit<Double, 'requests'>>(quiet);

/** One build's hub on one store: the plain row, the cached-HIT row and the rate-limited row. */
async function measureHub(build: { label: string; root: string }, store: string, doubles: { plain: Double; counting: Double }) {
  const main = path.join(build.root, 'dist/apps/api/main.js');
  if (!existsSync(main)) throw new Error(`${main} does not exist: build it first (npx nx build api in ${build.root})`);
  const metricsPort = await freePort();
  const env: Record<string, string> = {
    PORT: '0',
    // The hub's own gauges tell what its RSS is made of (the V8 heap, the rest native).
    HUB_METRICS_PORT: String(metricsPort),
    LOG_LEVEL: 'warn',
    HUB_VENDOR_TIMEOUT_MS: '15000',
    HUB_ADMIN_EMAIL: OPERATOR.email,
    HUB_ADMIN_PASSWORD: OPERATOR.password,
  };
  if (store === 'postgresql') {
    if (!serverUrl) throw new Error('--store postgresql needs BENCH_DATABASE_URL or TEST_DATABASE_URL');
    const url = await bench.freshDatabase(serverUrl, 'hub_bench');
    // The Twilio double is on loopback: allow it as a vendor URL on PostgreSQL too.
    Object.assign(env, { DATABASE_URL: url.toString(), HUB_ENCRYPTION_KEY: randomBytes(32).toString('base64'), HUB_MIGRATE_ON_START: 'true', HUB_ALLOW_PRIVATE_VENDOR_URLS: 'true' });
  } else {
    const dir = mkdtempSync(path.join(tmpdir(), 'hub-bench-'));
    bench.onStop(() => rmSync(dir, { recursive: true, force: true }));
    env['HUB_DATA_DIR'] = dir;
  }
  // BENCH_PROFILE_DIR: the hub writes a V8 CPU profile there (node --cpu-prof) when it stops.
  const profileDir = process.env['BENCH_PROFILE_DIR'];
  const hub = bench.start([...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), main], env, build.root);
  const base = (await hub.line(/listening on (http:\/\/127\.0\.0\.1:\d+)/))[1];
  const platform = (await hub.line(/Authorization: (User \S+, Organization \S+)/))[1];
  const post = async (url: string, authorization: string, body: unknown) => {
    const res = await fetch(`${base}/elements/api-v2${url}`, { method: 'POST', headers: { authorization, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (res.status !== 200) throw new Error(`${url}: ${res.status} ${await res.text()}`);
    return (await res.json()) as Record<string, unknown>;
  };
  const provision = async (double: Double, name: string, extra: Record<string, unknown> = {}) => {
    const instance = await post('/instances', platform, {
      element: { key: 'twiliov2' },
      configuration: { username: double.accountSid, password: double.authToken, 'base.url': double.accountsUrl },
      name,
      ...extra,
    });
    const auth = `${platform.split(',')[0]}, Element ${instance['token']}`;
    const message = await post('/hubs/messaging/messages', auth, { To: '+15005550010', From: '+15005550006', Body: 'bench' });
    return { auth, url: `${base}/elements/api-v2/hubs/messaging/messages/${String(message['sid'])}` };
  };
  const plain = await provision(doubles.plain, 'bench');
  const cached = await provision(doubles.counting, 'bench cached', { cachingEnabled: true, cacheTimeToLive: 3600 });

  const samples: number[] = [];
  const pid = hub.child.pid ?? 0;
  const sampled = async <T>(work: () => Promise<T>): Promise<T> => {
    const sampler = setInterval(() => samples.push(rssOf(pid)), 250);
    try {
      return await work();
    } finally {
      clearInterval(sampler);
    }
  };
  await load(plain.url, { authorization: plain.auth }, 3);
  const viaHub = await sampled(() => load(plain.url, { authorization: plain.auth }, duration));
  const composition = await memoryOf(metricsPort, pid);
  if (values['hub-only']) {
    hub.child.kill('SIGTERM');
    return { build: build.label, hub: viaHub, composition, rssPeakMb: Math.round(Math.max(...samples) / 1048576), rssMeanMb: Math.round(samples.reduce((a, b) => a + b, 0) / samples.length / 1048576) };
  }
  await load(cached.url, { authorization: cached.auth }, 1); // the one MISS, then HITs
  const vendorBefore = doubles.counting.requests();
  const hit = await sampled(() => load(cached.url, { authorization: cached.auth }, duration));
  const hitVendorCalls = doubles.counting.requests() - vendorBefore;
  await limitEveryOrganization(base);
  await load(plain.url, { authorization: plain.auth }, 2);
  const limited = await sampled(() => load(plain.url, { authorization: plain.auth }, duration));
  hub.child.kill('SIGTERM');
  return { build: build.label, hub: viaHub, composition, hit, hitVendorCalls, limited, rssPeakMb: Math.round(Math.max(...samples) / 1048576), rssMeanMb: Math.round(samples.reduce((a, b) => a + b, 0) / samples.length / 1048576) };
}

const mark = (ok: boolean) => (ok ? 'PASS' : 'MISS');
const row = (label: string, r: Load, note = '') =>
  `${label.padEnd(30)} ${String(r.requestsPerSecond).padStart(7)} ${String(r.p50).padStart(7)} ${String(r.p99).padStart(7)} ${String(r.errors).padStart(7)}  ${note}`;

async function main() {
  if (!existsSync(path.join(ROOT, 'dist/apps/api/main.js'))) {
    console.log('building the hub (npx nx build api)…');
    const build = spawnSync('npx', ['nx', 'build', 'api'], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, NX_DAEMON: 'false' } });
    if (build.status !== 0) throw new Error('the build failed');
  }
  const plainDouble = await startDouble(true);
  // The cached instance's vendor: a double of its own that writes a line per request, to count them.
  const countingDouble = await startDouble(false);
  const basic = 'Basic ' + Buffer.from(`${plainDouble.accountSid}:${plainDouble.authToken}`).toString('base64');
  const proxy = bench.start(['-e', PROXY], { TARGET: plainDouble.baseUrl, AUTH: basic });
  const proxyPort = (await proxy.line(/proxy listening on (\d+)/))[1];
  const proxyUrl = (sid: string) => `http://127.0.0.1:${proxyPort}/2010-04-01/Accounts/${plainDouble.accountSid}/Messages/${sid}.json`;
  // Any message of the double's account: the proxy fetches the first one the double lists.
  const listing = (await (await fetch(`${plainDouble.accountsUrl}/${plainDouble.accountSid}/Messages.json`, { method: 'POST', headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' }, body: 'To=%2B15005550010&From=%2B15005550006&Body=proxy' })).json()) as { sid: string };

  // --floor: the frameworks alone (floor-server.cjs), each in its own process like the hub.
  const floors: { label: string; url: string }[] = [];
  if (values.floor) {
    for (const [framework, label] of [['nest', 'floor: NestJS + twilio'], ['fastify', 'floor: Fastify + twilio']]) {
      const profileDir = process.env['BENCH_PROFILE_DIR'];
      const server = bench.start([...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=floor-${framework}.cpuprofile`] : []), path.join(__dirname, 'floor-server.cjs')], { FRAMEWORK: framework, TARGET: plainDouble.baseUrl, ACCOUNT_SID: plainDouble.accountSid, AUTH_TOKEN: plainDouble.authToken });
      floors.push({ label, url: `http://127.0.0.1:${(await server.line(/floor listening on (\d+)/))[1]}/messages/${listing.sid}` });
    }
  }
  const report: Record<string, unknown> = { date: new Date().toISOString(), connections, durationSeconds: duration, targets: TARGETS, runs: [] };
  for (const store of stores) {
    await load(proxyUrl(listing.sid), {}, 3);
    const bare = await load(proxyUrl(listing.sid), {}, duration);
    const floorLoads: { label: string; load: Load }[] = [];
    for (const floor of floors) {
      await load(floor.url, {}, 2);
      floorLoads.push({ label: floor.label, load: await load(floor.url, {}, duration) });
    }
    const measured = [];
    for (const build of builds) measured.push(await measureHub(build, store, { plain: plainDouble, counting: countingDouble }));
    // The proxy again after the hubs: a drift between the two says the machine was not quiet.
    const bareAfter = await load(proxyUrl(listing.sid), {}, duration);

    console.log(`\n${store} store — ${connections} connections, ${duration} s each`);
    console.log(`${'row'.padEnd(30)} ${'req/s'.padStart(7)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'errors'.padStart(7)}`);
    console.log(row('bare proxy', bare));
    for (const f of floorLoads) console.log(row(f.label, f.load, `ratio ${(f.load.requestsPerSecond / bare.requestsPerSecond).toFixed(2)} (no hub work)`));
    const rssTarget = TARGETS.rssPeakMb[store];
    const runs = [];
    for (const m of measured) {
      const ratio = Number((m.hub.requestsPerSecond / bare.requestsPerSecond).toFixed(2));
      const addedP99 = m.hub.p99 - bare.p99;
      const tag = builds.length > 1 ? ` (${m.build})` : '';
      console.log(row(`hub${tag}`, m.hub, `ratio ${ratio} (≥ ${TARGETS.ratio}: ${mark(ratio >= TARGETS.ratio)}); added p99 ${addedP99} ms (< ${TARGETS.addedP99Ms}: ${mark(addedP99 < TARGETS.addedP99Ms)})`));
      let hitBeatsProxy: boolean | undefined;
      let limitCost: number | undefined;
      if (m.hit && m.limited) {
        hitBeatsProxy = m.hit.requestsPerSecond > bare.requestsPerSecond && m.hitVendorCalls === 0;
        limitCost = Number((1 - m.limited.requestsPerSecond / m.hub.requestsPerSecond).toFixed(3));
        console.log(row(`hub, cached HIT${tag}`, m.hit, `vendor calls ${m.hitVendorCalls}; beats the proxy with none: ${mark(hitBeatsProxy)}`));
        console.log(row(`hub, rate-limited${tag}`, m.limited, `cost ${(limitCost * 100).toFixed(1)} % (< ${TARGETS.rateLimitCost * 100} %: ${mark(limitCost < TARGETS.rateLimitCost)})`));
      }
      console.log(`${''.padEnd(30)} RSS peak ${m.rssPeakMb} MB, mean ${m.rssMeanMb} MB (< ${rssTarget} MB: ${mark(m.rssPeakMb < rssTarget)})`);
      console.log(`${''.padEnd(30)} after the hub row: ${m.composition}`);
      runs.push({ store, ...m, proxy: bare, proxyAfter: bareAfter, ratio, addedP99Ms: addedP99, hitBeatsProxy, rateLimitCost: limitCost });
    }
    console.log(row('bare proxy, again', bareAfter, 'a drift from the first says the machine was busy'));
    if (runs.length === 2) {
      console.log(`A/B: this build / ${runs[1].build} throughput ${(runs[0].hub.requestsPerSecond / runs[1].hub.requestsPerSecond).toFixed(2)}, p99 ${runs[0].hub.p99} vs ${runs[1].hub.p99} ms, RSS peak ${runs[0].rssPeakMb} vs ${runs[1].rssPeakMb} MB`);
    }
    (report['runs'] as unknown[]).push(...runs);
    if (floorLoads.length > 0) report['floors'] = [...((report['floors'] as unknown[] | undefined) ?? []), ...floorLoads.map((f) => ({ store, ...f, ratio: f.load.requestsPerSecond / bare.requestsPerSecond }))];
  }
  mkdirSync(path.join(ROOT, 'reports'), { recursive: true });
  writeFileSync(path.join(ROOT, 'reports/bench-hub.json'), JSON.stringify(report, null, 2));
  console.log('\nfigures written to reports/bench-hub.json');
}

/** What a hub's RSS is made of right now: its V8 heap (from its own gauges) and the rest (native: WebAssembly memories, malloc, code). */
async function memoryOf(metricsPort: number, pid: number): Promise<string> {
  const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  const gauge = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN) / 1048576;
  const rss = rssOf(pid) / 1048576;
  const heap = gauge('nodejs_heap_size_total_bytes');
  return `RSS ${rss.toFixed(0)} MB = V8 heap ${heap.toFixed(0)} MB (${gauge('nodejs_heap_size_used_bytes').toFixed(0)} used) + the rest ${(rss - heap).toFixed(0)} MB (of which ArrayBuffers and other external memory V8 knows of ${gauge('nodejs_external_memory_bytes').toFixed(0)} MB)`;
}

/** Through the admin API: a limit no bench reaches on every organization (one: the first-start one). */
async function limitEveryOrganization(base: string): Promise<void> {
  const signIn = await fetch(`${base}/elements/api-v2/admin/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(OPERATOR) });
  if (signIn.status !== 200) throw new Error(`admin sign-in: ${signIn.status} ${await signIn.text()}`);
  const { csrfToken } = (await signIn.json()) as { csrfToken: string };
  const headers = { cookie: String(signIn.headers.get('set-cookie')).split(';')[0], 'x-csrf-token': csrfToken, 'content-type': 'application/json' };
  const organizations = (await (await fetch(`${base}/elements/api-v2/admin/organizations`, { headers })).json()) as { id: number }[];
  for (const { id } of organizations) {
    const res = await fetch(`${base}/elements/api-v2/admin/organizations/${id}/rate-limit`, { method: 'PUT', headers, body: JSON.stringify({ requestsPerSecond: 100_000, burst: 100_000 }) });
    if (res.status !== 200) throw new Error(`rate limit: ${res.status} ${await res.text()}`);
  }
}

main()
  .then(() => bench.stopAll())
  .catch(async (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    await bench.stopAll();
    process.exit(1);
  });
