import type { DeliveryOutcome } from './retry-policy';

/**
 * A circuit breaker per callback URL: a receiver that keeps failing is left alone for a while
 * instead of being hammered by every queued delivery.
 *
 *   closed ──(failureThreshold consecutive failures)──▶ open
 *   open ──(cool-down elapsed: the next acquire is the one trial)──▶ half-open
 *   half-open ──(trial succeeds)──▶ closed        half-open ──(trial fails)──▶ open, cool-down doubled (up to a cap)
 *
 * A trial whose result never arrives (its worker died) stops blocking after `trialTimeoutMs`:
 * the next acquire becomes a new trial.
 *
 * The methods are asynchronous so that a store-backed breaker (shared by poller replicas, e.g. one
 * row per URL updated in the delivery's transaction) can implement the same interface.
 *
 * How a sender uses it: `acquire` before the HTTP attempt; when refused, do not send, record the
 * attempt as `retry` with the error "circuit open until …" (so the retry schedule still ends and a
 * dead receiver's deliveries are eventually marked failed) and schedule the next attempt no earlier
 * than `retryAt`; after an attempt, `record(key, outcome)`.
 */
export type CircuitState = 'closed' | 'open' | 'half-open';

export type CircuitPermit =
  { readonly allowed: true; readonly trial: boolean } | { readonly allowed: false; readonly retryAt: Date };

export interface CircuitSnapshot {
  readonly state: CircuitState;
  readonly consecutiveFailures: number;
  /** While open: when a trial will be allowed. */
  readonly retryAt?: Date;
}

export interface CircuitBreaker {
  acquire(key: string): Promise<CircuitPermit>;
  /**
   * The outcome of an attempt: `retry` (no answer, timeout, 408/429/5xx) counts as a failure;
   * `delivered` and `failed` (the receiver answered, even if with a 4xx) show it is alive.
   */
  record(key: string, outcome: DeliveryOutcome): Promise<void>;
  snapshot(key: string): Promise<CircuitSnapshot>;
}

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit (default 5). */
  readonly failureThreshold?: number;
  /** How long the circuit stays open the first time (default 60 s)… */
  readonly coolDownMs?: number;
  /** …doubled after each failed trial, up to this (default 30 min). */
  readonly maxCoolDownMs?: number;
  /** A trial without a recorded result stops blocking after this (default 60 s). */
  readonly trialTimeoutMs?: number;
  /** Milliseconds since the epoch (injected by tests). */
  readonly now?: () => number;
}

export const DEFAULT_CIRCUIT_BREAKER_OPTIONS = {
  failureThreshold: 5,
  coolDownMs: 60_000,
  maxCoolDownMs: 30 * 60_000,
  trialTimeoutMs: 60_000,
} as const;

/** The breaker's key for a callback URL: the URL normalised, without its fragment. */
export function circuitKey(url: string | URL): string {
  const parsed = new URL(String(url));
  parsed.hash = '';
  return parsed.href;
}

interface Circuit {
  state: CircuitState;
  failures: number;
  coolDownMs: number;
  openUntil: number;
  trialStartedAt: number;
}

function positive(value: number, field: string, allowZero = false): number {
  if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new RangeError(
      `${field} must be a ${allowZero ? 'non-negative' : 'positive'} number (got ${String(value)})`,
    );
  }
  return value;
}

/**
 * The in-process breaker: one per process (each poller replica learns on its own). Only circuits
 * that have failed are kept; a success forgets the URL, so memory follows the failing receivers.
 */
export class InMemoryCircuitBreaker implements CircuitBreaker {
  private readonly circuits = new Map<string, Circuit>();
  private readonly failureThreshold: number;
  private readonly coolDownMs: number;
  private readonly maxCoolDownMs: number;
  private readonly trialTimeoutMs: number;
  private readonly now: () => number;

  constructor(options: CircuitBreakerOptions = {}) {
    const o = { ...DEFAULT_CIRCUIT_BREAKER_OPTIONS, ...options };
    if (!Number.isSafeInteger(o.failureThreshold) || o.failureThreshold < 1) {
      throw new RangeError(`failureThreshold must be a positive integer (got ${String(o.failureThreshold)})`);
    }
    this.failureThreshold = o.failureThreshold;
    this.coolDownMs = positive(o.coolDownMs, 'coolDownMs');
    this.maxCoolDownMs = positive(o.maxCoolDownMs, 'maxCoolDownMs');
    if (this.maxCoolDownMs < this.coolDownMs)
      throw new RangeError('maxCoolDownMs must be at least coolDownMs');
    this.trialTimeoutMs = positive(o.trialTimeoutMs, 'trialTimeoutMs');
    this.now = options.now ?? Date.now;
  }

  async acquire(key: string): Promise<CircuitPermit> {
    return this.acquireNow(key);
  }

  async record(key: string, outcome: DeliveryOutcome): Promise<void> {
    this.recordNow(key, outcome);
  }

  async snapshot(key: string): Promise<CircuitSnapshot> {
    return this.snapshotNow(key);
  }

  /** The synchronous forms, for a single-process sender that has no use for promises. */
  acquireNow(key: string): CircuitPermit {
    const circuit = this.circuits.get(key);
    if (!circuit || circuit.state === 'closed') return { allowed: true, trial: false };
    const now = this.now();
    if (circuit.state === 'open') {
      if (now < circuit.openUntil) return { allowed: false, retryAt: new Date(circuit.openUntil) };
      circuit.state = 'half-open';
      circuit.trialStartedAt = now;
      return { allowed: true, trial: true };
    }
    // half-open: one trial at a time
    const trialExpiresAt = circuit.trialStartedAt + this.trialTimeoutMs;
    if (now < trialExpiresAt) return { allowed: false, retryAt: new Date(trialExpiresAt) };
    circuit.trialStartedAt = now;
    return { allowed: true, trial: true };
  }

  recordNow(key: string, outcome: DeliveryOutcome): void {
    if (outcome === 'delivered' || outcome === 'failed') {
      this.circuits.delete(key); // the receiver answered: closed, failures forgotten
      return;
    }
    if (outcome !== 'retry')
      throw new RangeError(`outcome must be delivered, retry or failed (got ${String(outcome)})`);
    const now = this.now();
    const circuit = this.circuits.get(key) ?? {
      state: 'closed',
      failures: 0,
      coolDownMs: this.coolDownMs,
      openUntil: 0,
      trialStartedAt: 0,
    };
    this.circuits.set(key, circuit);
    circuit.failures += 1;
    if (circuit.state === 'half-open') {
      circuit.coolDownMs = Math.min(circuit.coolDownMs * 2, this.maxCoolDownMs);
      this.open(circuit, now);
    } else if (circuit.state === 'closed' && circuit.failures >= this.failureThreshold) {
      this.open(circuit, now);
    }
    // open: late failures of attempts started before it opened change nothing
  }

  snapshotNow(key: string): CircuitSnapshot {
    const circuit = this.circuits.get(key);
    if (!circuit) return { state: 'closed', consecutiveFailures: 0 };
    const state = circuit.state === 'open' && this.now() >= circuit.openUntil ? 'half-open' : circuit.state;
    return {
      state,
      consecutiveFailures: circuit.failures,
      ...(state === 'open' ? { retryAt: new Date(circuit.openUntil) } : {}),
    };
  }

  private open(circuit: Circuit, now: number): void {
    circuit.state = 'open';
    circuit.openUntil = now + circuit.coolDownMs;
  }
}
