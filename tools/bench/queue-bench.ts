/**
 * Queue bench: the project's own claiming worker (the ClaimLoop algorithm over a leased table, the
 * claim SQL of the delivery worker, group-committed completions) against graphile-worker (a well-kept PostgreSQL job
 * library), on the events workload's job shape: claim → work → complete, with per-instance order
 * (an instance's jobs run one at a time, in the order they were added).
 *
 * Each engine runs on its own fresh database with 1 and then 2 worker processes. All jobs are added
 * before the workers start. A job's claim latency is the time from when it could run (the start, or
 * the end of its instance's previous job) to when its work started. Reports jobs/s and p50/p99 claim
 * latency; checks that no job ran twice and that every instance's jobs ran in order.
 *
 *   npx tsx --tsconfig tsconfig.base.json tools/bench/queue-bench.ts [--jobs 20000] [--instances 2000]
 *       [--work-ms 2] [--concurrency 32] [--workers 1,2] [--engines hub,graphile]
 * Needs BENCH_DATABASE_URL or TEST_DATABASE_URL. Reports; does not assert. Not for figures while
 * the machine is shared.
 */
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { Client, Pool } from 'pg';

const { values } = parseArgs({
  options: {
    jobs: { type: 'string', default: '20000' },
    instances: { type: 'string', default: '2000' },
    'work-ms': { type: 'string', default: '2' },
    concurrency: { type: 'string', default: '32' },
    workers: { type: 'string', default: '1,2' },
    engines: { type: 'string', default: 'hub,graphile' },
    // internal: a worker process
    role: { type: 'string' },
    engine: { type: 'string' },
    database: { type: 'string' },
  },
});
const JOBS = Number(values.jobs);
const INSTANCES = Number(values.instances);
const WORK_MS = Number(values['work-ms']);
const CONCURRENCY = Number(values.concurrency);
const serverUrl = process.env['BENCH_DATABASE_URL'] ?? process.env['TEST_DATABASE_URL'];

/** One job's run, as a worker saw it. */
interface Run {
  readonly instance: number;
  readonly seq: number;
  readonly start: number;
  readonly end: number;
}

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- the hub's own claiming worker

const HUB_SCHEMA = `
  CREATE TABLE bench_jobs (
    id bigserial PRIMARY KEY, instance_id int NOT NULL, seq int NOT NULL, status text NOT NULL DEFAULT 'created',
    next_attempt_at timestamptz NOT NULL DEFAULT now(), lease_owner text, lease_until timestamptz, attempts int NOT NULL DEFAULT 0);
  CREATE INDEX ON bench_jobs (next_attempt_at, id);
  CREATE INDEX ON bench_jobs (instance_id, status, id);`;

/** The delivery worker's claim: an instance's oldest pending job only, SKIP LOCKED, a batch at once. */
const HUB_CLAIM = `
  UPDATE bench_jobs n SET lease_owner = $1, lease_until = now() + interval '2 minutes', attempts = n.attempts + 1
    FROM (SELECT c.id FROM bench_jobs c
           WHERE c.status = 'created' AND c.next_attempt_at <= now() AND (c.lease_until IS NULL OR c.lease_until < now())
             AND NOT EXISTS (SELECT 1 FROM bench_jobs e WHERE e.instance_id = c.instance_id AND e.id < c.id AND e.status = 'created')
           ORDER BY c.next_attempt_at, c.id LIMIT $2 FOR UPDATE OF c SKIP LOCKED) due
   WHERE n.id = due.id
RETURNING n.id::text, n.instance_id, n.seq`;
const HUB_COMPLETE = `
  UPDATE bench_jobs n SET status = 'done', lease_owner = NULL, lease_until = NULL, next_attempt_at = 'infinity'
    FROM unnest($2::bigint[]) AS x(id) WHERE n.id = x.id AND n.lease_owner = $1`;

/**
 * The hub's claiming worker, as libs/runtime's ClaimLoop and libs/events' GroupCommit run it (a tool
 * may not import the kernel or a feature, so the loop is restated here, the same algorithm): up to
 * CONCURRENCY jobs in flight; a claim when at least a quarter of the slots are free; a finishing job
 * wakes the loop; completions that arrive while one is being written go in the next single statement.
 */
async function hubWorker(databaseUrl: string, report: (runs: Run[]) => void): Promise<() => Promise<void>> {
  const pool = new Pool({ connectionString: databaseUrl, max: 4 });
  const owner = `bench:${process.pid}`;
  type Job = { id: string; instance_id: number; seq: number };
  let pendingDone: { id: string; resolve: () => void; reject: (e: unknown) => void }[] = [];
  let writing = false;
  const writeDone = async () => {
    while (pendingDone.length > 0) {
      const batch = pendingDone;
      pendingDone = [];
      try {
        await pool.query(HUB_COMPLETE, [owner, batch.map((b) => b.id)]);
        for (const b of batch) b.resolve();
      } catch (error) {
        for (const b of batch) b.reject(error);
      }
    }
    writing = false;
  };
  const complete = (id: string) =>
    new Promise<void>((resolve, reject) => {
      pendingDone.push({ id, resolve, reject });
      if (!writing) {
        writing = true;
        setImmediate(() => void writeDone());
      }
    });
  let running = true;
  let inFlight = 0;
  let wake: (() => void) | undefined;
  const sleepUntilWoken = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => ((wake = undefined), resolve()), ms);
      wake = () => (clearTimeout(timer), (wake = undefined), resolve());
    });
  const loop = (async () => {
    while (running) {
      const free = CONCURRENCY - inFlight;
      if (free < Math.ceil(CONCURRENCY / 4)) {
        await sleepUntilWoken(50);
        continue;
      }
      const jobs = (await pool.query<Job>(HUB_CLAIM, [owner, free])).rows;
      for (const job of jobs) {
        inFlight++;
        void (async () => {
          const start = now();
          await sleep(WORK_MS);
          const end = now();
          await complete(job.id);
          report([{ instance: job.instance_id, seq: job.seq, start, end }]);
        })()
          .catch((error: unknown) => console.error(error))
          .finally(() => {
            inFlight--;
            wake?.();
          });
      }
      if (jobs.length < free) await sleepUntilWoken(50);
    }
  })();
  return async () => {
    running = false;
    wake?.();
    await loop;
    while (inFlight > 0) await sleep(10);
    await pool.end();
  };
}

async function hubSetup(client: Client): Promise<void> {
  await client.query(HUB_SCHEMA);
  // In the order of each instance's sequence: ids grow with seq per instance.
  await client.query(
    `INSERT INTO bench_jobs (instance_id, seq) SELECT i, s FROM generate_series(0, $2::int - 1) s, generate_series(0, $1::int - 1) i
      WHERE s * $1::int + i < $3::int ORDER BY s, i`,
    [INSTANCES, Math.ceil(JOBS / INSTANCES), JOBS],
  );
}

// ---------------------------------------------------------------- graphile-worker

/** The part of graphile-worker's API used here (loaded at run time: a devDependency, not needed by the hub). */
interface GraphileWorker {
  run(options: {
    connectionString: string;
    concurrency: number;
    noHandleSignals: boolean;
    pollInterval: number;
    taskList: Record<string, (payload: unknown) => Promise<void>>;
    logger: unknown;
  }): Promise<{ stop(): Promise<void> }>;
  Logger: new (factory: () => (level: string, message: string) => void) => unknown;
  runMigrations(options: { connectionString: string }): Promise<void>;
  makeWorkerUtils(options: { connectionString: string }): Promise<{
    addJobs(specs: { identifier: string; payload: unknown; queueName: string }[]): Promise<unknown>;
    release(): Promise<void>;
  }>;
}
const GRAPHILE_WORKER = 'graphile-worker';
// required (CommonJS resolution), not imported: it also honours NODE_PATH, for a copy installed elsewhere.
const graphile = async () => createRequire(__filename)(GRAPHILE_WORKER) as GraphileWorker;

async function graphileWorker(databaseUrl: string, report: (runs: Run[]) => void): Promise<() => Promise<void>> {
  const { run, Logger } = await graphile();
  const runner = await run({
    // its per-job INFO lines would cost the worker as much as the jobs: errors only
    logger: new Logger(() => (level, message) => (level === 'error' ? console.error(message) : undefined)),
    connectionString: databaseUrl,
    concurrency: CONCURRENCY,
    noHandleSignals: true,
    pollInterval: 50,
    taskList: {
      work: async (payload) => {
        const { instance, seq } = payload as { instance: number; seq: number };
        const start = now();
        await sleep(WORK_MS);
        // graphile-worker completes the job after this returns; the end is taken here like the hub's.
        report([{ instance, seq, start, end: now() }]);
      },
    },
  });
  return () => runner.stop();
}

async function graphileSetup(databaseUrl: string): Promise<void> {
  const { runMigrations, makeWorkerUtils } = await graphile();
  await runMigrations({ connectionString: databaseUrl });
  const utils = await makeWorkerUtils({ connectionString: databaseUrl });
  try {
    // A named queue per instance: graphile-worker runs a queue's jobs one at a time, in order.
    const specs = [];
    for (let s = 0, n = 0; n < JOBS; s++) {
      for (let i = 0; i < INSTANCES && n < JOBS; i++, n++) specs.push({ identifier: 'work', payload: { instance: i, seq: s }, queueName: `instance-${i}` });
    }
    for (let at = 0; at < specs.length; at += 1_000) await utils.addJobs(specs.slice(at, at + 1_000));
  } finally {
    await utils.release();
  }
}

// ---------------------------------------------------------------- processes

async function workerMain(): Promise<void> {
  const databaseUrl = String(values.database);
  let buffer: Run[] = [];
  const flush = () => {
    if (buffer.length > 0) process.send?.({ runs: buffer });
    buffer = [];
  };
  const timer = setInterval(flush, 100);
  const report = (runs: Run[]) => buffer.push(...runs);
  const stop = values.engine === 'hub' ? await hubWorker(databaseUrl, report) : await graphileWorker(databaseUrl, report);
  process.send?.({ ready: true });
  process.on('message', (m: { stop?: boolean }) => {
    if (!m.stop) return;
    void stop().then(() => {
      clearInterval(timer);
      flush();
      process.send?.({ stopped: true }, () => process.exit(0));
    });
  });
}

const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN);

async function runOnce(engine: string, workers: number): Promise<Record<string, string | number>> {
  const database = `hub_bench_queue_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  const url = new URL(String(serverUrl));
  url.pathname = `/${database}`;
  const databaseUrl = url.toString();
  try {
    if (engine === 'hub') {
      const client = new Client({ connectionString: databaseUrl });
      await client.connect();
      await hubSetup(client);
      await client.end();
    } else {
      await graphileSetup(databaseUrl);
    }
    const runs: Run[] = [];
    const children = Array.from({ length: workers }, () =>
      fork(__filename, ['--role', 'worker', '--engine', engine, '--database', databaseUrl, '--work-ms', String(WORK_MS), '--concurrency', String(CONCURRENCY)], {
        execArgv: process.execArgv,
      }),
    );
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve, reject) => {
            c.on('message', (m: { ready?: boolean; runs?: Run[] }) => {
              if (m.runs) runs.push(...m.runs);
              if (m.ready) resolve();
            });
            c.once('exit', (code) => reject(new Error(`worker exited (${code}) before it was ready`)));
          }),
      ),
    );
    const started = now();
    while (runs.length < JOBS) {
      if (now() - started > 600_000) throw new Error(`timed out: ${runs.length}/${JOBS} jobs ran`);
      await sleep(50);
    }
    const elapsed = (Math.max(...runs.map((r) => r.end)) - started) / 1000;
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) => {
            c.on('message', (m: { stopped?: boolean }) => m.stopped && resolve());
            c.send({ stop: true });
          }),
      ),
    );
    // Order and once-only: per instance, seqs 0..n-1 each once, each starting after the previous ended.
    const byInstance = new Map<number, Run[]>();
    for (const r of runs) (byInstance.get(r.instance) ?? byInstance.set(r.instance, []).get(r.instance))?.push(r);
    let outOfOrder = 0;
    let duplicates = 0;
    const latencies: number[] = [];
    for (const list of byInstance.values()) {
      list.sort((a, b) => a.start - b.start);
      const seen = new Set<number>();
      list.forEach((r, i) => {
        if (seen.has(r.seq)) duplicates++;
        seen.add(r.seq);
        if (r.seq !== i) outOfOrder++;
        const availableAt = i === 0 ? started : Math.max(started, list[i - 1].end);
        latencies.push(Math.max(0, r.start - availableAt));
      });
    }
    latencies.sort((a, b) => a - b);
    return {
      engine,
      workers,
      jobs: runs.length,
      'jobs/s': Math.round(runs.length / elapsed),
      'claim p50 ms': Math.round(percentile(latencies, 50)),
      'claim p99 ms': Math.round(percentile(latencies, 99)),
      'out of order': outOfOrder,
      'ran twice': duplicates,
    };
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  }
}

async function main(): Promise<void> {
  if (!serverUrl) {
    console.error('queue-bench needs PostgreSQL: set BENCH_DATABASE_URL or TEST_DATABASE_URL');
    process.exit(2);
  }
  const rows = [];
  for (const engine of String(values.engines).split(',')) {
    for (const workers of String(values.workers).split(',').map(Number)) {
      console.log(`${engine}, ${workers} worker(s): ${JOBS} jobs over ${INSTANCES} instances, ${WORK_MS} ms of work each, concurrency ${CONCURRENCY} per worker…`);
      rows.push(await runOnce(engine, workers));
      console.log(JSON.stringify(rows.at(-1)));
    }
  }
  console.table(rows);
}

if (values.role === 'worker') {
  void workerMain();
} else {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
