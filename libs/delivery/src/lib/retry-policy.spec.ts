import {
  classifyDeliveryOutcome,
  DEFAULT_RETRY_SCHEDULE_MS,
  nextAttemptDelay,
  parseRetryAfter,
  parseRetrySchedule,
} from './retry-policy';

const HOUR = 3_600_000;

describe('the default schedule', () => {
  it('is 10 retries from 30 s to 72 h, comparable to the old platform’s ≈ 73 h', () => {
    expect(DEFAULT_RETRY_SCHEDULE_MS).toEqual(parseRetrySchedule('30s,2m,5m,15m,1h,3h,8h,24h,48h,72h'));
    expect(DEFAULT_RETRY_SCHEDULE_MS).toHaveLength(10);
    const total = DEFAULT_RETRY_SCHEDULE_MS.reduce((a, b) => a + b, 0);
    expect(total / 2 / HOUR).toBeGreaterThan(70); // the mean, under full jitter
    expect(total / 2 / HOUR).toBeLessThan(80);
    expect(total / HOUR).toBeLessThan(7 * 24);
  });
});

describe('nextAttemptDelay', () => {
  it('draws full jitter below each step, and gives up after the last', () => {
    expect(nextAttemptDelay(1, { random: () => 0.5 })).toBe(15_000);
    expect(nextAttemptDelay(1, { random: () => 0 })).toBe(0);
    expect(nextAttemptDelay(10, { random: () => 0.999999 })).toBeCloseTo(72 * HOUR, -3);
    expect(nextAttemptDelay(11, { random: () => 0.5 })).toBeNull();
  });

  it('stays within [0, step] for random draws', () => {
    for (let attempt = 1; attempt <= 10; attempt++) {
      for (let i = 0; i < 50; i++) {
        const delay = nextAttemptDelay(attempt) as number;
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(DEFAULT_RETRY_SCHEDULE_MS[attempt - 1]);
      }
    }
  });

  it('supports equal and no jitter, and a configured schedule', () => {
    const schedule = [1000, 4000];
    expect(nextAttemptDelay(2, { schedule, jitter: 'equal', random: () => 0 })).toBe(2000);
    expect(nextAttemptDelay(2, { schedule, jitter: 'equal', random: () => 0.5 })).toBe(3000);
    expect(nextAttemptDelay(2, { schedule, jitter: 'none' })).toBe(4000);
    expect(nextAttemptDelay(3, { schedule, jitter: 'none' })).toBeNull();
  });

  it('never waits less than Retry-After, up to a bound', () => {
    expect(nextAttemptDelay(1, { random: () => 0.1, retryAfterMs: 120_000 })).toBe(120_000);
    expect(nextAttemptDelay(8, { random: () => 0.9, retryAfterMs: 1000 })).toBe(Math.round(0.9 * 24 * HOUR));
    // a receiver asking for a year gets the schedule's longest step (or the configured bound)
    expect(nextAttemptDelay(1, { random: () => 0, retryAfterMs: 365 * 24 * HOUR })).toBe(72 * HOUR);
    expect(
      nextAttemptDelay(1, { random: () => 0, retryAfterMs: 365 * 24 * HOUR, maxRetryAfterMs: HOUR }),
    ).toBe(HOUR);
    // Retry-After does not extend the schedule
    expect(nextAttemptDelay(11, { retryAfterMs: 1000 })).toBeNull();
  });

  it('names bad input', () => {
    expect(() => nextAttemptDelay(0)).toThrow('attempt must be a positive integer (got 0)');
    expect(() => nextAttemptDelay(1, { schedule: [] })).toThrow('schedule must list at least one delay');
    expect(() => nextAttemptDelay(1, { schedule: [1, -1] })).toThrow(
      'schedule[1] must be a non-negative number of milliseconds (got -1)',
    );
    expect(() => nextAttemptDelay(1, { random: () => 1 })).toThrow(
      'random must return a number in [0, 1) (got 1)',
    );
    expect(() => nextAttemptDelay(1, { retryAfterMs: Number.NaN })).toThrow(/^retryAfterMs must be/);
    expect(() => nextAttemptDelay(1, { jitter: 'some' as 'full' })).toThrow(
      'jitter must be full, equal or none (got some)',
    );
  });
});

describe('parseRetryAfter', () => {
  const now = new Date('2026-01-02T03:04:05Z');
  it('reads delta-seconds and HTTP dates', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(['7', '9'], now)).toBe(7000);
    expect(parseRetryAfter('Fri, 02 Jan 2026 03:05:05 GMT', now)).toBe(60_000);
    expect(parseRetryAfter('Fri, 02 Jan 2026 03:00:00 GMT', now)).toBe(0);
  });
  it('ignores what is absent or unreadable', () => {
    for (const value of [undefined, '', 'soon', '-5', '1.5'])
      expect(parseRetryAfter(value, now)).toBeUndefined();
  });
});

describe('parseRetrySchedule', () => {
  it('reads units and names a bad item', () => {
    expect(parseRetrySchedule('500ms, 1.5s ,2min,1d')).toEqual([500, 1500, 120_000, 86_400_000]);
    expect(() => parseRetrySchedule('30s,soon', 'EVENTS_RETRY_SCHEDULE')).toThrow(
      'EVENTS_RETRY_SCHEDULE: item 2 ("soon") must be a number with a unit (ms, s, m, h, d)',
    );
    expect(() => parseRetrySchedule(' ')).toThrow(/must list at least one delay/);
  });
});

describe('classifyDeliveryOutcome', () => {
  it('delivered on 2xx', () => {
    for (const status of [200, 201, 202, 204, 299])
      expect(classifyDeliveryOutcome({ status })).toBe('delivered');
  });
  it('retries 408, 429 and 5xx', () => {
    for (const status of [408, 429, 500, 502, 503, 504, 599])
      expect(classifyDeliveryOutcome({ status })).toBe('retry');
  });
  it('fails on other 4xx, on 3xx (redirects are not followed) and 1xx', () => {
    for (const status of [400, 401, 403, 404, 410, 413, 422, 301, 302, 307, 308, 304, 101]) {
      expect([status, classifyDeliveryOutcome({ status })]).toEqual([status, 'failed']);
    }
  });
  it('retries network errors and timeouts, unless the error says it is not retryable', () => {
    expect(classifyDeliveryOutcome({ error: new Error('connect ECONNREFUSED') })).toBe('retry');
    expect(classifyDeliveryOutcome({ error: 'timeout' })).toBe('retry');
    expect(
      classifyDeliveryOutcome({ error: Object.assign(new Error('private address'), { retryable: false }) }),
    ).toBe('failed');
    expect(classifyDeliveryOutcome({ error: Object.assign(new Error('DNS'), { retryable: true }) })).toBe(
      'retry',
    );
    // an answer wins over a failure to read its body
    expect(classifyDeliveryOutcome({ status: 200, error: new Error('body aborted') })).toBe('delivered');
  });
  it('names bad input', () => {
    expect(() => classifyDeliveryOutcome({})).toThrow('status or error must be given');
    expect(() => classifyDeliveryOutcome({ status: 700 })).toThrow(
      'status must be an HTTP status code from 100 to 599 (got 700)',
    );
  });
});
