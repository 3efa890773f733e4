import { ApiError } from '@hub/element-sdk';
import { type AttemptCount, type Store, loginNameOf } from '@hub/store';
import type { LoginSettings } from './tokens';

/** 429: too many login attempts for this username or from this address; Retry-After says when to try again. */
export class TooManyLoginAttemptsError extends ApiError {
  constructor(retryAfterSeconds: number) {
    super(429, `Too many login attempts: try again in ${retryAfterSeconds} s`, { retryAfterSeconds });
  }
}

export interface ThrottleKeys {
  /** `user:<login name>`: all of one account's attempts, wherever they come from. */
  readonly username: string;
  /** `ip:<address>`: all of one client's attempts, whichever accounts they try. */
  readonly address: string;
}

/** The throttle's keys of an attempt: users' logins and operators' sign-ins are counted apart. */
export function throttleKeys(username: string, address: string, who: 'user' | 'operator' = 'user'): ThrottleKeys {
  return who === 'user'
    ? { username: `user:${loginNameOf(username)}`, address: `ip:${address}` }
    : { username: `operator:${loginNameOf(username)}`, address: `admin-ip:${address}` };
}

/**
 * Counts an attempt before its password is checked (in the store, so every replica sees it) and
 * refuses it with a 429 when its username or address is over the limit.
 */
export async function countLoginAttempt(store: Store, settings: LoginSettings, keys: ThrottleKeys, now = new Date()): Promise<void> {
  const counts = await store.logins.countAttempt([keys.username, keys.address], settings.windowSeconds, now);
  const verdict = throttleVerdict(counts, keys, settings, now);
  if (!verdict.allowed) throw new TooManyLoginAttemptsError(verdict.retryAfterSeconds);
}

/**
 * Whether an attempt may go on to the password check, given the counts that include it. The N-th
 * attempt of a window is checked; the (N+1)-th and later answer 429 until the window ends, the right
 * password included (or guessing would go on behind the 429s). Retry-After: the latest window end.
 */
export function throttleVerdict(
  counts: readonly AttemptCount[],
  keys: ThrottleKeys,
  settings: LoginSettings,
  now: Date,
): { allowed: true } | { allowed: false; retryAfterSeconds: number } {
  let retryAfterMs = -1;
  for (const count of counts) {
    const limit =
      count.key === keys.username ? settings.maxFailuresPerUsername : count.key === keys.address ? settings.maxFailuresPerAddress : Infinity;
    if (count.attempts > limit) {
      retryAfterMs = Math.max(retryAfterMs, count.windowStart.getTime() + settings.windowSeconds * 1000 - now.getTime());
    }
  }
  return retryAfterMs < 0 ? { allowed: true } : { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) };
}
