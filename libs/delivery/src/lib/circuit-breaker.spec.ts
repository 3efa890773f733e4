import { circuitKey, InMemoryCircuitBreaker } from './circuit-breaker';

const URL_A = 'https://receiver.example/hooks/a';
const URL_B = 'https://receiver.example/hooks/b';

function setup(options: ConstructorParameters<typeof InMemoryCircuitBreaker>[0] = {}) {
  let now = 1_000_000;
  const breaker = new InMemoryCircuitBreaker({
    failureThreshold: 3,
    coolDownMs: 10_000,
    maxCoolDownMs: 35_000,
    trialTimeoutMs: 5_000,
    now: () => now,
    ...options,
  });
  return { breaker, advance: (ms: number) => void (now += ms), at: (ms: number) => new Date(1_000_000 + ms) };
}

describe('InMemoryCircuitBreaker', () => {
  it('stays closed below the threshold, and a success resets the count', async () => {
    const { breaker } = setup();
    await breaker.record(URL_A, 'retry');
    await breaker.record(URL_A, 'retry');
    expect(await breaker.snapshot(URL_A)).toEqual({ state: 'closed', consecutiveFailures: 2 });
    expect(await breaker.acquire(URL_A)).toEqual({ allowed: true, trial: false });
    await breaker.record(URL_A, 'delivered');
    await breaker.record(URL_A, 'retry');
    await breaker.record(URL_A, 'retry');
    expect(await breaker.acquire(URL_A)).toEqual({ allowed: true, trial: false });
  });

  it('opens after N consecutive failures, per URL', async () => {
    const { breaker, at } = setup();
    for (let i = 0; i < 3; i++) await breaker.record(URL_A, 'retry');
    expect(await breaker.acquire(URL_A)).toEqual({ allowed: false, retryAt: at(10_000) });
    expect(await breaker.snapshot(URL_A)).toEqual({
      state: 'open',
      consecutiveFailures: 3,
      retryAt: at(10_000),
    });
    expect(await breaker.acquire(URL_B)).toEqual({ allowed: true, trial: false });
  });

  it('half-opens after the cool-down with exactly one trial; a successful trial closes it', async () => {
    const { breaker, advance } = setup();
    for (let i = 0; i < 3; i++) await breaker.record(URL_A, 'retry');
    advance(9_999);
    expect((await breaker.acquire(URL_A)).allowed).toBe(false);
    advance(1);
    expect(await breaker.snapshot(URL_A)).toMatchObject({ state: 'half-open' });
    expect(await breaker.acquire(URL_A)).toEqual({ allowed: true, trial: true });
    expect((await breaker.acquire(URL_A)).allowed).toBe(false); // one trial at a time
    await breaker.record(URL_A, 'delivered');
    expect(await breaker.snapshot(URL_A)).toEqual({ state: 'closed', consecutiveFailures: 0 });
    expect(await breaker.acquire(URL_A)).toEqual({ allowed: true, trial: false });
  });

  it('counts a 4xx answer ("failed") as a live receiver', async () => {
    const { breaker, advance } = setup();
    for (let i = 0; i < 3; i++) await breaker.record(URL_A, 'retry');
    advance(10_000);
    expect(await breaker.acquire(URL_A)).toEqual({ allowed: true, trial: true });
    await breaker.record(URL_A, 'failed');
    expect((await breaker.snapshot(URL_A)).state).toBe('closed');
  });

  it('re-opens on a failed trial, with the cool-down doubled up to its cap', async () => {
    const { breaker, advance, at } = setup();
    for (let i = 0; i < 3; i++) await breaker.record(URL_A, 'retry');
    let elapsed = 0;
    for (const coolDown of [10_000, 20_000, 35_000, 35_000]) {
      advance(coolDown);
      elapsed += coolDown;
      expect(await breaker.acquire(URL_A)).toEqual({ allowed: true, trial: true });
      await breaker.record(URL_A, 'retry');
      const next = Math.min(coolDown * 2, 35_000);
      expect(await breaker.acquire(URL_A)).toEqual({ allowed: false, retryAt: at(elapsed + next) });
    }
  });

  it('lets a new trial through when the previous one never reported', async () => {
    const { breaker, advance, at } = setup();
    for (let i = 0; i < 3; i++) await breaker.record(URL_A, 'retry');
    advance(10_000);
    expect(await breaker.acquire(URL_A)).toEqual({ allowed: true, trial: true });
    advance(4_999);
    expect(await breaker.acquire(URL_A)).toEqual({ allowed: false, retryAt: at(15_000) });
    advance(1);
    expect(await breaker.acquire(URL_A)).toEqual({ allowed: true, trial: true });
  });

  it('ignores late failures of attempts that started before it opened', async () => {
    const { breaker, at } = setup();
    for (let i = 0; i < 5; i++) await breaker.record(URL_A, 'retry');
    expect(await breaker.acquire(URL_A)).toEqual({ allowed: false, retryAt: at(10_000) });
  });

  it('forgets closed circuits (memory follows the failing receivers)', async () => {
    const { breaker } = setup();
    await breaker.record(URL_A, 'delivered');
    await breaker.record(URL_B, 'retry');
    await breaker.record(URL_B, 'delivered');
    expect((breaker as unknown as { circuits: Map<string, unknown> }).circuits.size).toBe(0);
  });

  it('names bad options and outcomes', async () => {
    expect(() => new InMemoryCircuitBreaker({ failureThreshold: 0 })).toThrow(
      'failureThreshold must be a positive integer (got 0)',
    );
    expect(() => new InMemoryCircuitBreaker({ coolDownMs: -1 })).toThrow(
      'coolDownMs must be a positive number (got -1)',
    );
    expect(() => new InMemoryCircuitBreaker({ coolDownMs: 10, maxCoolDownMs: 5 })).toThrow(
      'maxCoolDownMs must be at least coolDownMs',
    );
    await expect(new InMemoryCircuitBreaker().record(URL_A, 'lost' as 'retry')).rejects.toThrow(
      'outcome must be delivered, retry or failed (got lost)',
    );
  });
});

describe('circuitKey', () => {
  it('normalises the URL and drops its fragment', () => {
    expect(circuitKey('HTTPS://Receiver.Example:443/hooks/a#x')).toBe('https://receiver.example/hooks/a');
    expect(circuitKey(new URL('http://r.example/h?q=1'))).toBe('http://r.example/h?q=1');
  });
});
