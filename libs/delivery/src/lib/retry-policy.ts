/**
 * When to try a delivery again, and whether to.
 *
 * The default schedule is 10 retries after the first attempt (11 attempts in all), each delay an
 * upper bound that full jitter draws below:
 *
 *   30 s, 2 min, 5 min, 15 min, 1 h, 3 h, 8 h, 24 h, 48 h, 72 h
 *
 * so the last attempt comes on average ≈ 78 h after the first failure (at most ≈ 6.5 days): the old
 * platform's was ≈ 73 h (Cloud Elements: 9 retries at 2^(2x) s). Full jitter spreads the retries of
 * many deliveries that failed together (a receiver coming back is not hit by a wave).
 */
export const DEFAULT_RETRY_SCHEDULE_MS: readonly number[] = Object.freeze(
  [30, 120, 300, 900, 3_600, 10_800, 28_800, 86_400, 172_800, 259_200].map((s) => s * 1000),
);

/** `full`: uniform in [0, d] (AWS "full jitter"); `equal`: uniform in [d/2, d]; `none`: d. */
export type JitterMode = 'full' | 'equal' | 'none';

export interface RetryOptions {
  /** Delay (ms) before retry n (n = 1…): its length is the number of retries. */
  readonly schedule?: readonly number[];
  readonly jitter?: JitterMode;
  /** The receiver's Retry-After (ms, see parseRetryAfter): the delay is never shorter than it… */
  readonly retryAfterMs?: number;
  /** …up to this bound (default: the schedule's longest delay), so a receiver cannot park a delivery for a year. */
  readonly maxRetryAfterMs?: number;
  /** A uniform random number in [0, 1) (injected by tests). */
  readonly random?: () => number;
}

function checkSchedule(schedule: readonly number[]): void {
  if (!Array.isArray(schedule) || schedule.length === 0)
    throw new RangeError('schedule must list at least one delay');
  schedule.forEach((delay, i) => {
    if (typeof delay !== 'number' || !Number.isFinite(delay) || delay < 0) {
      throw new RangeError(
        `schedule[${i}] must be a non-negative number of milliseconds (got ${String(delay)})`,
      );
    }
  });
}

/**
 * How long to wait before the next attempt, given that attempt number `attempt` (1 = the first)
 * just failed with a retryable outcome; `null` when the schedule is exhausted (mark the delivery
 * failed).
 */
export function nextAttemptDelay(attempt: number, options: RetryOptions = {}): number | null {
  const schedule = options.schedule ?? DEFAULT_RETRY_SCHEDULE_MS;
  checkSchedule(schedule);
  if (!Number.isSafeInteger(attempt) || attempt < 1)
    throw new RangeError(`attempt must be a positive integer (got ${String(attempt)})`);
  if (attempt > schedule.length) return null;
  const cap = schedule[attempt - 1];
  const jitter = options.jitter ?? 'full';
  const random = options.random ?? Math.random;
  let delay: number;
  if (jitter === 'none') delay = cap;
  else {
    const r = random();
    if (!(r >= 0 && r < 1)) throw new RangeError(`random must return a number in [0, 1) (got ${String(r)})`);
    if (jitter === 'full') delay = r * cap;
    else if (jitter === 'equal') delay = cap / 2 + (r * cap) / 2;
    else throw new RangeError(`jitter must be full, equal or none (got ${String(jitter)})`);
  }
  const retryAfter = options.retryAfterMs;
  if (retryAfter !== undefined) {
    if (!Number.isFinite(retryAfter) || retryAfter < 0)
      throw new RangeError(`retryAfterMs must be a non-negative number (got ${String(retryAfter)})`);
    const bound = options.maxRetryAfterMs ?? Math.max(...schedule);
    delay = Math.max(delay, Math.min(retryAfter, bound));
  }
  return Math.round(delay);
}

/**
 * A Retry-After header in milliseconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3); undefined
 * when absent or unreadable. A date in the past is 0.
 */
export function parseRetryAfter(
  value: string | readonly string[] | undefined,
  now: Date = new Date(),
): number | undefined {
  const text = (typeof value === 'string' ? value : value?.[0])?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  if (!/[a-z]/i.test(text)) return undefined; // "1.5", "-3": not a valid Retry-After
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now.getTime());
}

const UNITS_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/**
 * A schedule from configuration text, e.g. `30s,2m,5m,15m,1h,3h,8h,24h,48h,72h`
 * (units ms, s, m|min, h, d). `field` names the setting in errors.
 */
export function parseRetrySchedule(text: string, field = 'retry schedule'): number[] {
  if (typeof text !== 'string' || text.trim() === '')
    throw new RangeError(`${field} must list at least one delay, e.g. 30s,5m,1h`);
  return text.split(',').map((item, i) => {
    const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|min|m|h|d)\s*$/.exec(item);
    if (!match)
      throw new RangeError(
        `${field}: item ${i + 1} ("${item.trim()}") must be a number with a unit (ms, s, m, h, d)`,
      );
    return Math.round(Number(match[1]) * UNITS_MS[match[2]]);
  });
}

export type DeliveryOutcome = 'delivered' | 'retry' | 'failed';

/** An error that says whether trying again may help (e.g. a refused callback URL says no). */
export interface RetryableHint {
  readonly retryable: boolean;
}

const hasRetryableHint = (error: unknown): error is RetryableHint =>
  typeof error === 'object' &&
  error !== null &&
  typeof (error as { retryable?: unknown }).retryable === 'boolean';

/**
 * What one attempt means for the delivery:
 * - an answer 2xx: delivered;
 * - 408, 429, 5xx: retry (the receiver is overloaded, slow or broken, and may recover);
 * - 3xx: failed, because redirects are not followed (a callback URL must answer itself);
 * - other 4xx (and 1xx): failed, the receiver refuses this notification and would again;
 * - no answer (network error, timeout, reset): retry, unless the error says it is not retryable
 *   (a callback URL refused by policy).
 * A status wins over an error (an answer arrived even if reading its body failed).
 */
export function classifyDeliveryOutcome(result: {
  readonly status?: number;
  readonly error?: unknown;
}): DeliveryOutcome {
  const { status, error } = result;
  if (status !== undefined) {
    if (!Number.isInteger(status) || status < 100 || status > 599) {
      throw new RangeError(`status must be an HTTP status code from 100 to 599 (got ${String(status)})`);
    }
    if (status >= 200 && status < 300) return 'delivered';
    if (status === 408 || status === 429 || status >= 500) return 'retry';
    return 'failed';
  }
  if (error === undefined) throw new TypeError('status or error must be given');
  return hasRetryableHint(error) && !error.retryable ? 'failed' : 'retry';
}
