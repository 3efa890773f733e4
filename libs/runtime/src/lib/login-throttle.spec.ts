import { throttleKeys, throttleVerdict, TooManyLoginAttemptsError } from './login-throttle';

const settings = { tokenTtlSeconds: 900, maxFailuresPerUsername: 3, maxFailuresPerAddress: 10, windowSeconds: 600 };
const t0 = new Date('2030-01-01T00:00:00Z');
const keys = throttleKeys(' Dev@Acme.Example ', '203.0.113.7');

describe('login throttle', () => {
  it('keys a username by its login name (any case) and a client by its address', () => {
    expect(keys).toEqual({ username: 'user:dev@acme.example', address: 'ip:203.0.113.7' });
  });

  it('lets the N-th attempt of a username through and stops the next, until its window ends', () => {
    const at = (attempts: number) => [
      { key: keys.username, attempts, windowStart: t0 },
      { key: keys.address, attempts: 1, windowStart: t0 },
    ];
    expect(throttleVerdict(at(3), keys, settings, t0)).toEqual({ allowed: true });
    expect(throttleVerdict(at(4), keys, settings, t0)).toEqual({ allowed: false, retryAfterSeconds: 600 });
    expect(throttleVerdict(at(40), keys, settings, new Date('2030-01-01T00:09:59.200Z'))).toEqual({ allowed: false, retryAfterSeconds: 1 });
  });

  it('stops an address over its own limit, whichever usernames it tries', () => {
    const counts = [
      { key: keys.username, attempts: 1, windowStart: t0 },
      { key: keys.address, attempts: 11, windowStart: new Date('2030-01-01T00:05:00Z') },
    ];
    expect(throttleVerdict(counts, keys, settings, new Date('2030-01-01T00:06:00Z'))).toEqual({ allowed: false, retryAfterSeconds: 540 });
  });

  it('with both over their limits, Retry-After is the later window end', () => {
    const counts = [
      { key: keys.username, attempts: 4, windowStart: t0 },
      { key: keys.address, attempts: 11, windowStart: new Date('2030-01-01T00:05:00Z') },
    ];
    expect(throttleVerdict(counts, keys, settings, new Date('2030-01-01T00:06:00Z'))).toEqual({ allowed: false, retryAfterSeconds: 540 });
  });

  it('answers 429 with Retry-After', () => {
    const error = new TooManyLoginAttemptsError(42);
    expect(error.status).toBe(429);
    expect(error.details.retryAfterSeconds).toBe(42);
    expect(error.message).toBe('Too many login attempts: try again in 42 s');
  });
});
