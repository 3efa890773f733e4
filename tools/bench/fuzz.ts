/**
 * npm run fuzz — the hostile-input battery (libs/testing hostile-requests.ts, issue 13) against the
 * built api on PostgreSQL: a fresh database on FUZZ_DATABASE_URL or TEST_DATABASE_URL, the Twilio
 * double (its bin) as the vendor, every route the api documents plus the hub-call routes, the
 * probe's findings first. Requests go one at a time over HTTP; it prints how many were tried, the
 * statuses, the 5xx count, the slowest answer and whether any row of the tenant-owned tables
 * changed, and exits 1 if a request answered 5xx, took longer than the bound, or changed a row.
 *
 *   npm run fuzz -- [--runs 400] [--seed 13] [--bound-ms 5000] [--max-seconds 300]
 */
import { documentedRoutes, HOSTILE_INPUT_UNCHANGED_TABLES, type HostileRequest, hostileRequest, regressionRequests, runBattery } from '@hub/testing';
import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { BenchProcesses } from './bench-support';

const ROOT = path.resolve(__dirname, '../..');
const { values } = parseArgs({
  options: {
    runs: { type: 'string' },
    seed: { type: 'string' },
    'bound-ms': { type: 'string' },
    'max-seconds': { type: 'string' },
  },
});
const runs = Math.min(Number(values.runs ?? 400), 5_000);
const seed = Number(values.seed ?? 13);
const boundMs = Number(values['bound-ms'] ?? 5_000);
const maxSeconds = Math.min(Number(values['max-seconds'] ?? 300), 1_800);
const serverUrl = process.env['FUZZ_DATABASE_URL'] ?? process.env['TEST_DATABASE_URL'];


const bench = new BenchProcesses();

async function snapshot(databaseUrl: string): Promise<string> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const parts: string[] = [];
    for (const table of HOSTILE_INPUT_UNCHANGED_TABLES) parts.push(JSON.stringify((await db.query(`SELECT * FROM ${table} ORDER BY 1`)).rows));
    return parts.join('\n');
  } finally {
    await db.end();
  }
}

async function main(): Promise<number> {
  if (!serverUrl) {
    console.error('npm run fuzz needs PostgreSQL: set FUZZ_DATABASE_URL or TEST_DATABASE_URL, e.g. postgresql://postgres@127.0.0.1:5432/test');
    return 2;
  }
  if (!existsSync(path.join(ROOT, 'dist/apps/api/main.js'))) {
    console.log('building the hub (npx nx build api)…');
    const build = spawnSync('npx', ['nx', 'build', 'api'], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, NX_DAEMON: 'false' } });
    if (build.status !== 0) throw new Error('the build failed');
  }
  const databaseUrl = await bench.freshDatabase(serverUrl, 'hub_fuzz');

  const double = bench.start([path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), '--tsconfig', 'tsconfig.base.json', 'libs/testing/src/bin/twilio-double.ts', '--port', '0', '--quiet']);
  const vendor = JSON.parse((await double.line(/^\{.*"accountSid".*\}$/m))[0]) as { accountsUrl: string; accountSid: string; authToken: string };
  const hub = bench.start([path.join(ROOT, 'dist/apps/api/main.js')], {
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    DATABASE_URL: databaseUrl,
    HUB_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    HUB_MIGRATE_ON_START: 'true',
    // The Twilio double listens on loopback.
    HUB_ALLOW_PRIVATE_VENDOR_URLS: 'true',
  });
  const base = (await hub.line(/listening on (http:\/\/127\.0\.0\.1:\d+)/))[1];
  const platform = (await hub.line(/Authorization: (User \S+, Organization \S+)/))[1];

  const provisioned = await fetch(`${base}/elements/api-v2/instances`, {
    method: 'POST',
    headers: { authorization: platform, 'content-type': 'application/json' },
    body: JSON.stringify({
      element: { key: 'twiliov2' },
      configuration: { username: vendor.accountSid, password: vendor.authToken, 'base.url': vendor.accountsUrl },
      name: 'fuzz target',
    }),
  });
  if (provisioned.status !== 200) throw new Error(`provisioning: ${provisioned.status} ${await provisioned.text()}`);
  const instance = (await provisioned.json()) as { id: number; token: string };
  const hubAuth = `${platform.split(',')[0]}, Element ${instance.token}`;
  for (let i = 0; i < 5; i++) {
    await fetch(`${base}/elements/api-v2/hubs/messaging/messages`, {
      method: 'POST',
      headers: { authorization: hubAuth, 'content-type': 'application/json' },
      body: JSON.stringify({ To: `+1500555001${i}`, From: '+15005550006', Body: `fuzz ${i}` }),
    });
  }
  const docs = (await (await fetch(`${base}/elements/api-v2/docs`)).json()) as Parameters<typeof documentedRoutes>[0];
  const context = {
    routes: documentedRoutes(docs),
    authorizations: [platform, hubAuth, '', 'User x, Organization y', `${platform.split(',')[0]}, Element nope`],
    ownIds: { id: String(instance.id) },
    platform,
    hub: hubAuth,
    instanceId: String(instance.id),
  };
  const before = await snapshot(databaseUrl);

  const requests: HostileRequest[] = [...regressionRequests(context), ...fc.sample(hostileRequest(context), { numRuns: runs, seed })];
  const deadline = Date.now() + maxSeconds * 1000;
  const bounded = function* () {
    for (const request of requests) {
      if (Date.now() > deadline) return;
      yield request;
    }
  };
  console.log(`fuzzing ${base} on PostgreSQL (${name}): ${context.routes.length} routes, ${requests.length} requests (seed ${seed}), bound ${boundMs} ms`);
  const report = await runBattery(bounded(), async (request) => {
    const res = await fetch(`${base}${request.url}`, {
      method: request.method,
      headers: request.headers,
      ...(request.body !== undefined ? { body: request.body } : {}),
      signal: AbortSignal.timeout(boundMs * 4),
    });
    await res.arrayBuffer();
    return { status: res.status };
  }, boundMs);

  const health = await fetch(`${base}/health`);
  const after = await snapshot(databaseUrl);
  const fiveXx = Object.entries(report.statuses).filter(([status]) => Number(status) >= 500).reduce((sum, [, n]) => sum + n, 0);
  const statuses = Object.entries(report.statuses).map(([status, n]) => `${status}: ${n}`).join(', ');
  console.log(`requests tried: ${report.tried}${report.tried < requests.length ? ` (stopped at --max-seconds ${maxSeconds})` : ''}`);
  console.log(`status counts:  ${statuses}`);
  console.log(`5xx = ${fiveXx}`);
  console.log(`slowest answer: ${report.slowest.ms} ms (${report.slowest.label})`);
  console.log(`rows changed:   ${after === before ? 'none' : 'YES'}`);
  console.log(`/health after:  ${health.status}`);
  for (const failure of report.failures.slice(0, 20)) console.log(`FAILED ${failure.status} in ${failure.ms} ms: ${failure.label} ${failure.url}`);
  return fiveXx === 0 && report.failures.length === 0 && after === before && health.status === 200 ? 0 : 1;
}

bench.run(main);
