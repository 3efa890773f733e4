import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '../../../..');
export const API_MAIN = path.join(ROOT, 'dist/apps/api/main.js');
export const API_CLI = path.join(ROOT, 'dist/apps/api/cli.js');
export const POLLER_MAIN = path.join(ROOT, 'dist/apps/poller/main.js');

/** A child process whose output is kept, with a way to wait for a line. */
export class RunningProcess {
  stdout = '';
  stderr = '';
  /** Exit code (the apps exit 0 after a clean shutdown on SIGTERM), or the signal that ended the process. */
  readonly exited: Promise<number | NodeJS.Signals | null>;

  constructor(readonly child: ChildProcess) {
    child.stdout?.on('data', (chunk: Buffer) => (this.stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal)));
  }

  /** Resolves with the first match of `pattern` in stdout, or fails when the process exits or time runs out. */
  async waitFor(pattern: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> {
    const started = Date.now();
    for (;;) {
      const match = this.stdout.match(pattern);
      if (match) return match;
      if (this.child.exitCode !== null) {
        throw new Error(`process exited (${this.child.exitCode}) before printing ${pattern}:\n${this.stdout}\n${this.stderr}`);
      }
      if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${pattern}:\n${this.stdout}\n${this.stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | NodeJS.Signals | null> {
    if (this.child.exitCode === null) this.child.kill(signal);
    return this.exited;
  }
}

export function startNode(script: string, args: string[], env: Record<string, string>): RunningProcess {
  return new RunningProcess(
    spawn(process.execPath, [script, ...args], {
      cwd: ROOT,
      // The Twilio double listens on loopback: vendor URLs there are allowed on PostgreSQL too.
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', LOG_LEVEL: 'info', HUB_ALLOW_PRIVATE_VENDOR_URLS: 'true', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
}

/** Starts the built hub on a free port and waits until it listens. */
export async function startHub(env: Record<string, string>): Promise<{ hub: RunningProcess; baseUrl: string }> {
  const hub = startNode(API_MAIN, [], { PORT: '0', HOST: '127.0.0.1', ...env });
  const match = await hub.waitFor(/Messaging hub listening on (http:\/\/127\.0\.0\.1:\d+)/, 60_000);
  return { hub, baseUrl: match[1] };
}

/** Starts a built poller replica and waits until its workers run. */
export async function startPoller(env: Record<string, string>): Promise<RunningProcess> {
  const poller = startNode(POLLER_MAIN, [], env);
  await poller.waitFor(/poller running/, 60_000);
  return poller;
}

export async function runNode(script: string, args: string[], env: Record<string, string>) {
  const proc = startNode(script, args, env);
  const code = await proc.exited;
  return { code, stdout: proc.stdout, stderr: proc.stderr };
}

/** A JSON call to the hub's API (`/elements/api-v2` + url) over real HTTP. */
export async function apiCall(baseUrl: string, method: string, url: string, authorization: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${baseUrl}/elements/api-v2${url}`, {
    method,
    headers: { authorization, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as unknown };
}
