import { createHash } from 'node:crypto';

/**
 * Deterministic identifiers: the n-th SID of a prefix is a hash of (seed, prefix, n), so the same
 * sequence of operations yields the same SIDs on every run, yet they look like Twilio's (prefix + 32 hex).
 */
export class SidFactory {
  private readonly counters = new Map<string, number>();

  constructor(private readonly seed: string) {}

  /** e.g. next('SM') → 'SM' + 32 lower-case hex. */
  next(prefix: string): string {
    return prefix + this.hex32(prefix);
  }

  /** 32 hex characters, the shape of an auth token. */
  token(): string {
    return this.hex32('token');
  }

  private hex32(kind: string): string {
    const n = (this.counters.get(kind) ?? 0) + 1;
    this.counters.set(kind, n);
    return createHash('sha256').update(`${this.seed}|${kind}|${n}`).digest('hex').slice(0, 32);
  }
}

export const ACCOUNT_SID_PATTERN = /^AC[0-9a-fA-F]{32}$/;
export const MESSAGE_SID_PATTERN = /^(SM|MM)[0-9a-fA-F]{32}$/;
export const MEDIA_SID_PATTERN = /^ME[0-9a-fA-F]{32}$/;
export const MESSAGING_SERVICE_SID_PATTERN = /^MG[0-9a-fA-F]{32}$/;
