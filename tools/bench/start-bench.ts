/**
 * npm run bench:start [-- --runs 3] [-- --dist <other worktree or dist/apps/api folder>] [-- --idle-seconds 3]
 *
 * The built api's start (issue 15): node dist/apps/api/main.js until GET /health answers 200, on
 * - the embedded store, first start (a fresh HUB_DATA_DIR: initdb, every migration),
 * - the embedded store, later start (the same folder again; median of --runs),
 * - PostgreSQL (a fresh database, HUB_MIGRATE_ON_START, then a later start) when BENCH_DATABASE_URL
 *   or TEST_DATABASE_URL is set,
 * with the process's CPU time to /health (user+system, all its threads: less sensitive to other
 * load on the machine than wall time) and its resident memory (VmRSS) after --idle-seconds idle.
 * PASS/MISS per target of issue 15. `--dist` measures another build (e.g. an older commit's
 * worktree, built there) in the same run, alternating with this one, and prints old/new ratios.
 * Linux only (/proc). Wall-clock figures mean something only on an otherwise quiet machine.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BenchProcesses, freePort } from './bench-support';

const ROOT = path.resolve(__dirname, '../..');
const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    dist: { type: 'string' },
    'idle-seconds': { type: 'string', default: '3' },
    timeout: { type: 'string', default: '120' },
  },
});
const runs = Math.max(1, Number(values.runs));
const idleMs = Number(values['idle-seconds']) * 1000;
const timeoutMs = Number(values.timeout) * 1000;
const serverUrl = process.env['BENCH_DATABASE_URL'] ?? process.env['TEST_DATABASE_URL'];

/** The targets of issue 15 (first bar; the goal in the note). */
const TARGETS = {
  embeddedFirstMs: 4_000,
  embeddedLaterMs: 1_500,
  idleRssEmbeddedMb: 300,
  idleRssPostgresMb: 150,
};

/** A build's main.js: `<dir>/main.js`, `<dir>/dist/apps/api/main.js` (a worktree) or `<dir>/apps/api/main.js` (a dist folder). */
function mainOf(dir: string): string {
  const found = ['main.js', 'dist/apps/api/main.js', 'apps/api/main.js'].map((p) => path.resolve(dir, p)).find((p) => existsSync(p));
  if (!found) throw new Error(`No built api in ${dir} (looked for main.js, dist/apps/api/main.js, apps/api/main.js): build it there with npx nx build api`);
  return found;
}

// The starts it times are its own children (it reads their CPU time); the databases and folders are the bench's.
const children = new Set<ChildProcess>();
const bench = new BenchProcesses();
bench.onStop(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

function procStat(pid: number): { cpuMs: number; rssMb: number } {
  // /proc/<pid>/stat: fields 14 and 15 (utime, stime) in clock ticks (100 per second on Linux).
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpuMs = (Number(fields[11]) + Number(fields[12])) * 10;
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssMb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
  return { cpuMs, rssMb };
}

interface StartResult {
  /** Wall time from spawn to the first GET /health 200. */
  readonly ms: number;
  /** CPU time (user + system, all threads) the process used until then. */
  readonly cpuMs: number;
  /** VmRSS after the idle wait. */
  readonly idleRssMb: number;
}

/** Starts main.js, waits for /health 200, idles, reads its RSS, stops it (SIGTERM) and waits for its exit. */
async function startOnce(main: string, env: Record<string, string>): Promise<StartResult> {
  const port = await freePort();
  const started = performance.now();
  const childEnv: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn', HOST: '127.0.0.1', PORT: String(port), ...env };
  // Only the hub's own listener: no operations port, no store chosen by the calling shell.
  delete childEnv['HUB_METRICS_PORT'];
  if (!env['DATABASE_URL']) delete childEnv['DATABASE_URL'];
  const child = spawn(process.execPath, [main], {
    cwd: path.dirname(main),
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    let ms: number | undefined;
    let cpuMs = 0;
    while (ms === undefined) {
      if (child.exitCode !== null) throw new Error(`${main} exited with ${child.exitCode}:\n${output.slice(-2000)}`);
      if (performance.now() - started > timeoutMs) throw new Error(`${main}: no /health 200 within ${timeoutMs / 1000} s:\n${output.slice(-2000)}`);
      const ok = await fetch(`http://127.0.0.1:${port}/health`).then(
        (response) => response.status === 200,
        () => false,
      );
      if (ok) {
        ms = performance.now() - started;
        cpuMs = procStat(child.pid ?? 0).cpuMs;
      } else await new Promise((r) => setTimeout(r, 20));
    }
    await new Promise((r) => setTimeout(r, idleMs));
    const { rssMb } = procStat(child.pid ?? 0);
    return { ms, cpuMs, idleRssMb: rssMb };
  } finally {
    if (child.exitCode === null) child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(killer);
    children.delete(child);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
function medianResult(results: StartResult[]): StartResult {
  return { ms: median(results.map((r) => r.ms)), cpuMs: median(results.map((r) => r.cpuMs)), idleRssMb: median(results.map((r) => r.idleRssMb)) };
}

interface BuildFigures {
  embeddedFirst: StartResult;
  embeddedLater: StartResult;
  postgresFirst?: StartResult;
  postgresLater?: StartResult;
}

async function newPostgresDatabase(): Promise<string> {
  if (!serverUrl) throw new Error('no BENCH_DATABASE_URL or TEST_DATABASE_URL');
  return bench.freshDatabase(serverUrl, 'hub_start');
}

async function measure(mains: string[]): Promise<BuildFigures[]> {
  const figures: Partial<BuildFigures>[] = mains.map(() => ({}));
  const dataDirs = mains.map(() => mkdtempSync(path.join(tmpdir(), 'hub-start-')));
  bench.onStop(() => dataDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  // Builds alternate at every step, so a change in the machine's load hits both alike.
  for (const [i, main] of mains.entries()) {
    figures[i].embeddedFirst = await startOnce(main, { HUB_DATA_DIR: dataDirs[i] });
    log(`${label(i)} embedded first start: ${fmt(figures[i].embeddedFirst)}`);
  }
  const later: StartResult[][] = mains.map(() => []);
  for (let run = 0; run < runs; run++) {
    for (const [i, main] of mains.entries()) {
      const result = await startOnce(main, { HUB_DATA_DIR: dataDirs[i] });
      later[i].push(result);
      log(`${label(i)} embedded later start ${run + 1}/${runs}: ${fmt(result)}`);
    }
  }
  later.forEach((results, i) => (figures[i].embeddedLater = medianResult(results)));
  if (serverUrl) {
    for (const [i, main] of mains.entries()) {
      const env = { DATABASE_URL: await newPostgresDatabase(), HUB_ENCRYPTION_KEY: randomBytes(32).toString('base64'), HUB_MIGRATE_ON_START: 'true' };
      figures[i].postgresFirst = await startOnce(main, env);
      log(`${label(i)} PostgreSQL first start (migrating): ${fmt(figures[i].postgresFirst)}`);
      const results: StartResult[] = [];
      for (let run = 0; run < runs; run++) results.push(await startOnce(main, env));
      figures[i].postgresLater = medianResult(results);
      log(`${label(i)} PostgreSQL later start (median of ${runs}): ${fmt(figures[i].postgresLater)}`);
    }
  }
  return figures as BuildFigures[];
}

let labels: string[] = [];
const label = (i: number) => labels[i];
const log = (line: string) => process.stderr.write(`  ${line}\n`);
const fmt = (r: StartResult) => `${(r.ms / 1000).toFixed(2)} s to /health (CPU ${(r.cpuMs / 1000).toFixed(2)} s), idle RSS ${r.idleRssMb.toFixed(0)} MB`;
const verdict = (value: number, target: number) => (value < target ? 'PASS' : 'MISS');

function table(figures: BuildFigures[]): string {
  const rows: [string, (f: BuildFigures) => number | undefined, number | undefined, string][] = [
    ['embedded first start to /health', (f) => f.embeddedFirst.ms / 1000, TARGETS.embeddedFirstMs / 1000, 's'],
    ['  CPU time of that start', (f) => f.embeddedFirst.cpuMs / 1000, undefined, 's'],
    [`embedded later start (median of ${runs})`, (f) => f.embeddedLater.ms / 1000, TARGETS.embeddedLaterMs / 1000, 's'],
    ['  CPU time of that start', (f) => f.embeddedLater.cpuMs / 1000, undefined, 's'],
    ['embedded idle RSS after a later start', (f) => f.embeddedLater.idleRssMb, TARGETS.idleRssEmbeddedMb, 'MB'],
    ['embedded idle RSS after the first start', (f) => f.embeddedFirst.idleRssMb, TARGETS.idleRssEmbeddedMb, 'MB'],
  ];
  if (figures[0].postgresLater) {
    rows.push(
      ['PostgreSQL first start (migrating) to /health', (f) => (f.postgresFirst?.ms ?? NaN) / 1000, undefined, 's'],
      [`PostgreSQL later start (median of ${runs})`, (f) => (f.postgresLater?.ms ?? NaN) / 1000, undefined, 's'],
      ['  CPU time of that start', (f) => (f.postgresLater?.cpuMs ?? NaN) / 1000, undefined, 's'],
      ['PostgreSQL idle RSS after a later start', (f) => f.postgresLater?.idleRssMb, TARGETS.idleRssPostgresMb, 'MB'],
    );
  }
  const header = ['figure', ...labels, ...(labels.length > 1 ? [`${labels[1]}/${labels[0]}`] : []), 'target', labels[0]];
  const lines = [header];
  for (const [name, get, target, unit] of rows) {
    const values = figures.map(get);
    const shown = values.map((v) => (v === undefined || Number.isNaN(v) ? 'n/a' : unit === 's' ? `${v.toFixed(2)} s` : `${v.toFixed(0)} MB`));
    const ratio = values.length > 1 && values[0] && values[1] ? [`${(values[1] / values[0]).toFixed(2)}`] : values.length > 1 ? ['n/a'] : [];
    const first = values[0];
    lines.push([name, ...shown, ...ratio, target === undefined ? '' : `< ${target} ${unit}`, target === undefined || first === undefined ? '' : verdict(first, target)]);
  }
  const widths = header.map((_, c) => Math.max(...lines.map((l) => l[c].length)));
  const rendered = lines.map((l) => `| ${l.map((cell, c) => cell.padEnd(widths[c])).join(' | ')} |`);
  rendered.splice(1, 0, `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`);
  return rendered.join('\n');
}

async function main(): Promise<void> {
  const mains = [mainOf(path.join(ROOT, 'dist/apps/api'))];
  labels = ['this build'];
  if (values.dist) {
    mains.push(mainOf(values.dist));
    labels = ['this build', 'other build'];
  }
  for (const [i, main] of mains.entries()) log(`${labels[i]}: ${main}`);
  const figures = await measure(mains);
  process.stdout.write(`\n${table(figures)}\n\nidle = ${idleMs / 1000} s after /health 200; CPU = user+system of the hub process until /health 200.\n`);
  if (values.dist) process.stdout.write(`${labels[1]}/${labels[0]} > 1 means this build is smaller or faster by that factor.\n`);
}

main()
  .catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  })
  .finally(() => void bench.stopAll());
