/**
 * npm run bench:hub — the hub's cost in front of a vendor call, measured against a bare proxy.
 *
 * Processes (each its own event loop): the Twilio double (its bin), a bare Node passthrough proxy
 * (http + keep-alive agent + Basic auth) in front of it, and the built hub (dist/apps/api/main.js)
 * on PostgreSQL (a fresh database on BENCH_DATABASE_URL or TEST_DATABASE_URL) and/or the embedded
 * store. autocannon (in this process) drives GET /hubs/messaging/messages/{sid} — and the same
 * fetch through the proxy — at 32 connections for a fixed time after a warm-up; the hub's RSS is
 * sampled from /proc during the run. Prints a table and writes reports/bench-hub.json.
 * A benchmark reports; it does not assert: it exits 0 whether or not the targets are met.
 *
 * With --rate-limit, the organization gets a hub-call limit far above the load (set through the
 * admin API), so every call takes a token from its bucket in the store and none is refused: the
 * difference to a run without it is what a limit costs per call.
 *
 *   npm run bench:hub -- [--store postgresql|embedded|both] [--duration 10] [--connections 32] [--rate-limit]
 */
import autocannon from 'autocannon';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from 'pg';

const ROOT = path.resolve(__dirname, '../..');
const { values } = parseArgs({
  options: {
    store: { type: 'string' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '32' },
    'rate-limit': { type: 'boolean', default: false },
  },
});
const rateLimited = values['rate-limit'] === true;
const OPERATOR = { email: 'bench@hub.example', password: randomBytes(18).toString('base64url') };
const duration = Number(values.duration);
const connections = Number(values.connections);
const serverUrl = process.env['BENCH_DATABASE_URL'] ?? process.env['TEST_DATABASE_URL'];
const stores = (values.store ?? (serverUrl ? 'both' : 'embedded')) === 'both' ? ['postgresql', 'embedded'] : [values.store ?? 'embedded'];

const children: ChildProcess[] = [];
const cleanups: (() => Promise<void> | void)[] = [];
async function cleanup() {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  for (const fn of cleanups.reverse()) await fn();
}
process.on('SIGINT', () => void cleanup().then(() => process.exit(130)));

function start(args: string[], env: Record<string, string> = {}): { child: ChildProcess; line: (re: RegExp) => Promise<RegExpMatchArray> } {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', () => undefined);
  const line = async (re: RegExp) => {
    for (let i = 0; i < 1200; i++) {
      const m = out.match(re);
      if (m) return m;
      if (child.exitCode !== null) throw new Error(`${args.join(' ')} exited: ${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`timed out waiting for ${re} from ${args.join(' ')}`);
  };
  return { child, line };
}

function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}

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

async function main() {
  if (!existsSync(path.join(ROOT, 'dist/apps/api/main.js'))) {
    console.log('building the hub (npx nx build api)…');
    const build = spawnSync('npx', ['nx', 'build', 'api'], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, NX_DAEMON: 'false' } });
    if (build.status !== 0) throw new Error('the build failed');
  }
  const double = start([path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), '--tsconfig', 'tsconfig.base.json', 'libs/testing/src/bin/twilio-double.ts', '--port', '0', '--quiet']);
  const doubleInfo = JSON.parse((await double.line(/^\{.*"accountSid".*\}$/m))[0]) as { baseUrl: string; accountsUrl: string; accountSid: string; authToken: string };
  const basic = 'Basic ' + Buffer.from(`${doubleInfo.accountSid}:${doubleInfo.authToken}`).toString('base64');
  const proxy = start(['-e', PROXY], { TARGET: doubleInfo.baseUrl, AUTH: basic });
  const proxyPort = (await proxy.line(/proxy listening on (\d+)/))[1];

  const report: Record<string, unknown> = { date: new Date().toISOString(), connections, durationSeconds: duration, runs: [] };
  for (const store of stores) {
    const env: Record<string, string> = {
      PORT: '0',
      LOG_LEVEL: 'warn',
      HUB_VENDOR_TIMEOUT_MS: '15000',
      ...(rateLimited ? { HUB_ADMIN_EMAIL: OPERATOR.email, HUB_ADMIN_PASSWORD: OPERATOR.password } : {}),
    };
    if (store === 'postgresql') {
      if (!serverUrl) throw new Error('--store postgresql needs BENCH_DATABASE_URL or TEST_DATABASE_URL');
      const name = `hub_bench_${randomBytes(4).toString('hex')}`;
      const admin = new Client({ connectionString: serverUrl });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      cleanups.push(async () => {
        const c = new Client({ connectionString: serverUrl });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.end();
      });
      const url = new URL(serverUrl);
      url.pathname = `/${name}`;
      // The Twilio double is on loopback: allow it as a vendor URL on PostgreSQL too.
      Object.assign(env, { DATABASE_URL: url.toString(), HUB_ENCRYPTION_KEY: randomBytes(32).toString('base64'), HUB_MIGRATE_ON_START: 'true', HUB_ALLOW_PRIVATE_VENDOR_URLS: 'true' });
    } else {
      const dir = mkdtempSync(path.join(tmpdir(), 'hub-bench-'));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      env['HUB_DATA_DIR'] = dir;
    }
    // BENCH_PROFILE_DIR: the hub writes a V8 CPU profile there (node --cpu-prof) when it stops.
    const profileDir = process.env['BENCH_PROFILE_DIR'];
    const hub = start([...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), path.join(ROOT, 'dist/apps/api/main.js')], env);
    const base = (await hub.line(/listening on (http:\/\/127\.0\.0\.1:\d+)/))[1];
    const platform = (await hub.line(/Authorization: (User \S+, Organization \S+)/))[1];
    const post = async (url: string, authorization: string, body: unknown) => {
      const res = await fetch(`${base}/elements/api-v2${url}`, { method: 'POST', headers: { authorization, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      if (res.status !== 200) throw new Error(`${url}: ${res.status} ${await res.text()}`);
      return (await res.json()) as Record<string, unknown>;
    };
    const instance = await post('/instances', platform, {
      element: { key: 'twiliov2' },
      configuration: { username: doubleInfo.accountSid, password: doubleInfo.authToken, 'base.url': doubleInfo.accountsUrl },
      name: 'bench',
    });
    const hubAuth = `${platform.split(',')[0]}, Element ${instance['token']}`;
    if (rateLimited) await limitEveryOrganization(base);
    const message = await post('/hubs/messaging/messages', hubAuth, { To: '+15005550010', From: '+15005550006', Body: 'bench' });
    const sid = String(message['sid']);
    const hubUrl = `${base}/elements/api-v2/hubs/messaging/messages/${sid}`;
    const proxyUrl = `http://127.0.0.1:${proxyPort}/2010-04-01/Accounts/${doubleInfo.accountSid}/Messages/${sid}.json`;

    await load(proxyUrl, {}, 3);
    await load(hubUrl, { authorization: hubAuth }, 3);
    const bare = await load(proxyUrl, {}, duration);
    const samples: number[] = [];
    const pid = hub.child.pid ?? 0;
    const sampler = setInterval(() => samples.push(rssOf(pid)), 250);
    const viaHub = await load(hubUrl, { authorization: hubAuth }, duration);
    clearInterval(sampler);
    hub.child.kill('SIGTERM');
    const run = {
      store,
      rateLimited,
      proxy: bare,
      hub: viaHub,
      ratio: Number((viaHub.requestsPerSecond / bare.requestsPerSecond).toFixed(2)),
      addedP50Ms: viaHub.p50 - bare.p50,
      addedP99Ms: viaHub.p99 - bare.p99,
      hubRssPeakMb: Math.round(Math.max(...samples) / 1048576),
      hubRssMeanMb: Math.round(samples.reduce((a, b) => a + b, 0) / samples.length / 1048576),
    };
    (report['runs'] as unknown[]).push(run);
    const mark = (ok: boolean) => (ok ? 'PASS' : 'MISS');
    console.log(`\n${store} store — ${connections} connections, ${duration} s each${rateLimited ? ', every hub call taking a rate-limit token' : ''}`);
    console.log('               req/s    p50 ms   p99 ms   errors');
    for (const [label, r] of [['bare proxy', bare], ['hub', viaHub]] as const) {
      console.log(`${label.padEnd(12)} ${String(r.requestsPerSecond).padStart(7)} ${String(r.p50).padStart(9)} ${String(r.p99).padStart(8)} ${String(r.errors).padStart(8)}`);
    }
    console.log(`hub/proxy throughput ${run.ratio} (target ≥ 0.5: ${mark(run.ratio >= 0.5)})`);
    console.log(`added latency p50 ${run.addedP50Ms} ms, p99 ${run.addedP99Ms} ms (target p99 < 5 ms: ${mark(run.addedP99Ms < 5)})`);
    console.log(`hub RSS peak ${run.hubRssPeakMb} MB, mean ${run.hubRssMeanMb} MB (target < 250 MB${store === 'embedded' ? ', not applicable to the embedded store' : ''}: ${store === 'embedded' ? 'n/a' : mark(run.hubRssPeakMb < 250)})`);
  }
  mkdirSync(path.join(ROOT, 'reports'), { recursive: true });
  writeFileSync(path.join(ROOT, 'reports/bench-hub.json'), JSON.stringify(report, null, 2));
  console.log('\nfigures written to reports/bench-hub.json');
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
  .then(cleanup)
  .catch(async (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    await cleanup();
    process.exit(1);
  });
