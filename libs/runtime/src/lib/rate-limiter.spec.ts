import type { Store, RateLimit, RateLimitDecision } from '@hub/store';
import { allowanceSize, RateLimiter } from './rate-limiter';

/** A bucket like the store's (no time passes unless a test moves it), counting the store's takes. */
function fakeStore(limit: RateLimit | null) {
  let tokens = limit?.burst ?? 0;
  const takes: number[] = [];
  const store = {
    rateLimits: {
      limited: async () => new Set(limit ? [1] : []),
      take: async (_id: number, wanted = 1): Promise<RateLimitDecision | null> => {
        if (!limit) return null;
        takes.push(wanted);
        await new Promise((r) => setTimeout(r, 2)); // a round trip
        const granted = Math.min(wanted, Math.floor(tokens));
        tokens -= granted;
        return { granted, limit, remaining: Math.floor(tokens), resetSeconds: 1, retryAfterSeconds: granted > 0 ? 0 : 30 };
      },
    },
  } as unknown as Store;
  return { store, takes, refill: (n: number) => (tokens += n) };
}

describe('RateLimiter', () => {
  it('sizes an allowance at a tenth of a second of the rate, at most a quarter of the burst, at least one', () => {
    expect(allowanceSize({ requestsPerSecond: 100_000, burst: 100_000 })).toBe(10_000);
    expect(allowanceSize({ requestsPerSecond: 1_000, burst: 20 })).toBe(5);
    expect(allowanceSize({ requestsPerSecond: 1, burst: 5 })).toBe(1);
  });

  it('asks the store once per allowance, not once per call, and never gives out more than the bucket had', async () => {
    const { store, takes } = fakeStore({ requestsPerSecond: 1_000, burst: 400 });
    const limiter = new RateLimiter(store);
    const outcomes = await Promise.allSettled(Array.from({ length: 500 }, () => limiter.take(1)));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(400);
    expect(outcomes.filter((o) => o.status === 'rejected')).toHaveLength(100);
    // The first take learns the limit (one token); then allowances of 100, one in flight at a time.
    expect(takes.slice(0, 6)).toEqual([1, 100, 100, 100, 100, 100]);
    expect(takes.length).toBeLessThanOrEqual(7);
  });

  it('refuses without asking the store again until the next token is due, with Retry-After and RateLimit headers', async () => {
    const { store, takes } = fakeStore({ requestsPerSecond: 1, burst: 1 });
    const limiter = new RateLimiter(store);
    expect(await limiter.take(1)).toMatchObject({ 'ratelimit-limit': '1', 'ratelimit-remaining': '0' });
    // The refusal counts down from the store's 30 s: a millisecond may have passed since the store answered.
    const refusal = (await limiter.take(1).catch((error: unknown) => error)) as { status: number; details: { retryAfterSeconds: number; headers: Record<string, string> } };
    expect(refusal).toMatchObject({ status: 429, details: { headers: expect.objectContaining({ 'retry-after': '30' }) } });
    expect(refusal.details.retryAfterSeconds).toBeGreaterThan(29.9);
    expect(refusal.details.retryAfterSeconds).toBeLessThanOrEqual(30);
    const asked = takes.length;
    for (let i = 0; i < 20; i++) await expect(limiter.take(1)).rejects.toMatchObject({ status: 429 });
    expect(takes.length).toBe(asked);
  });

  it('costs an organization without a limit nothing but a set lookup', async () => {
    const { store, takes } = fakeStore(null);
    const limiter = new RateLimiter(store);
    for (let i = 0; i < 10; i++) expect(await limiter.take(7)).toEqual({});
    expect(takes).toEqual([]);
  });
});
