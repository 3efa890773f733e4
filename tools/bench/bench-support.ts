/**
 * What every bench (and npm run fuzz) needs around the process it measures, said once: child
 * processes it starts and always stops (SIGTERM, then SIGKILL after a grace: tsx passes SIGTERM on to
 * the double it runs), a fresh PostgreSQL database dropped at the end, the Twilio double's bin,
 * a process's RSS, and the small statistics the reports print.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { Client } from 'pg';

export const ROOT = path.resolve(__dirname, '../..');

export interface Started {
  readonly child: ChildProcess;
  /** Waits until the child's stdout matches (throws when the child exits first or after `timeoutMs`). */
  line(re: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Lines the child wrote to stderr so far (the counting Twilio double logs one per request). */
  stderrLines(): number;
}

export class BenchProcesses {
  private readonly children = new Set<ChildProcess>();
  private readonly cleanups: (() => Promise<void> | void)[] = [];

  constructor() {
    process.on('SIGINT', () => void this.stopAll().then(() => process.exit(130)));
  }

  /** `node <args>` with the environment plus `env`; stdout kept (its last 100 kB) for `line`. */
  start(args: string[], env: Record<string, string> = {}, cwd = ROOT): Started {
    const child = spawn(process.execPath, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.children.add(child);
    child.once('exit', () => this.children.delete(child));
    let out = '';
    let err = '';
    let stderrLines = 0;
    child.stdout?.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-100_000)));
    child.stderr?.on('data', (d: Buffer) => {
      err = (err + d.toString()).slice(-20_000);
      for (const byte of d) if (byte === 10) stderrLines++;
    });
    const line = async (re: RegExp, timeoutMs = 120_000) => {
      for (const until = Date.now() + timeoutMs; Date.now() < until; ) {
        const m = out.match(re);
        if (m) return m;
        if (child.exitCode !== null) throw new Error(`${args.join(' ')} exited: ${out}\n${err}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`timed out waiting for ${re} from ${args.join(' ')}`);
    };
    return { child, line, stderrLines: () => stderrLines };
  }

  /** Runs a bench's main: stops everything it started, then exits with its code (1 and the error when it throws). */
  run(main: () => Promise<number>): void {
    main()
      .then(async (code) => {
        await this.stopAll();
        process.exit(code);
      })
      .catch(async (error: unknown) => {
        console.error(error);
        await this.stopAll();
        process.exit(1);
      });
  }

  /** Runs at the end, last registered first. */
  onStop(fn: () => Promise<void> | void): void {
    this.cleanups.push(fn);
  }

  /** Stops every child still running (SIGTERM, SIGKILL after 5 s), then runs the cleanups. */
  async stopAll(): Promise<void> {
    const alive = [...this.children].filter((c) => c.exitCode === null);
    for (const child of alive) child.kill('SIGTERM');
    await Promise.race([Promise.all(alive.map((c) => new Promise((r) => c.once('exit', r)))), new Promise((r) => setTimeout(r, 5_000))]);
    for (const child of alive) if (child.exitCode === null) child.kill('SIGKILL');
    for (const fn of this.cleanups.splice(0).reverse()) await fn();
  }

  /** A new database on `serverUrl`'s server, dropped when the bench stops; its URL. */
  async freshDatabase(serverUrl: string, prefix: string): Promise<string> {
    const name = `${prefix}_${randomBytes(4).toString('hex')}`;
    const admin = new Client({ connectionString: serverUrl });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${name}`);
    } finally {
      await admin.end();
    }
    this.onStop(async () => {
      const c = new Client({ connectionString: serverUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    });
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    return url.toString();
  }

  /** The Twilio double's bin on a free loopback port; its first line names its URLs and account. */
  async twilioDouble<T = { baseUrl: string; accountsUrl: string; accountSid: string; authToken: string }>(quiet = true): Promise<T & { requests: () => number }> {
    const double = this.start([path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), '--tsconfig', 'tsconfig.base.json', 'libs/testing/src/bin/twilio-double.ts', '--port', '0', ...(quiet ? ['--quiet'] : [])]);
    const info = JSON.parse((await double.line(/^\{.*"accountSid".*\}$/m))[0]) as T;
    return { ...info, requests: double.stderrLines };
  }
}

/** A process's resident set size, in bytes (Linux /proc). */
export function rssOf(pid: number): number {
  return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
}

export const mb = (bytes: number) => `${Math.round(bytes / 1e6)} MB`;

/** The p-th percentile of numbers already sorted ascending (NaN for none). */
export const percentile = (sorted: readonly number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN);

export function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)] : NaN;
}

export const mark = (ok: boolean) => (ok ? 'PASS' : 'MISS');

/** A loopback port nothing listens on now (for a process told where to listen). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
