import { createHash, timingSafeEqual } from 'node:crypto';

/** Where a process is in its life, as the probes tell it. */
export type ProcessPhase = 'starting' | 'running' | 'draining';

export interface ReadinessReport {
  readonly ready: boolean;
  readonly phase: ProcessPhase;
  /** Why it is not ready (starting: migrations, draining: shutting down, database: unreachable). */
  readonly reason?: string;
  readonly database?: { readonly status: 'up' | 'down'; readonly kind?: string; readonly latencyMs?: number; readonly error?: string };
}

/**
 * The process's phase, shared by its probes: `starting` until the app is up (the store opened and
 * migrated), `running`, then `draining` from the shutdown signal on. Liveness is "the event loop
 * answers"; readiness is "running and the database answers".
 */
export class ProcessState {
  private current: ProcessPhase = 'starting';
  private databaseCheck?: () => Promise<{ kind: string }>;

  get phase(): ProcessPhase {
    return this.current;
  }

  /** The app is up; readiness now asks the database with `check` (throws when it does not answer). */
  running(check: () => Promise<{ kind: string }>): void {
    this.databaseCheck = check;
    if (this.current === 'starting') this.current = 'running';
  }

  /** A shutdown began: not ready from now on, whatever the database says. */
  drain(): void {
    this.current = 'draining';
  }

  async readiness(): Promise<ReadinessReport> {
    if (this.current === 'starting') return { ready: false, phase: 'starting', reason: 'starting: opening and migrating the store' };
    if (this.current === 'draining') return { ready: false, phase: 'draining', reason: 'shutting down: finishing the work in flight' };
    const started = Date.now();
    try {
      const { kind } = await (this.databaseCheck ?? (() => Promise.reject(new Error('no database check'))))();
      return { ready: true, phase: 'running', database: { status: 'up', kind, latencyMs: Date.now() - started } };
    } catch (error) {
      return {
        ready: false,
        phase: 'running',
        reason: 'the database does not answer',
        database: { status: 'down', error: error instanceof Error ? error.message : String(error) },
      };
    }
  }
}

/**
 * `Authorization: Bearer <HUB_METRICS_TOKEN>`, compared in constant time (over hashes, so the
 * length of the token does not leak either).
 */
export function bearerTokenMatches(expected: string, authorization: string | string[] | undefined): boolean {
  const header = Array.isArray(authorization) ? authorization[0] : authorization;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!match) return false;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(match[1]), digest(expected));
}
