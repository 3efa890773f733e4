import { RefreshingCache } from './refreshing-cache';

const tick = () => new Promise((r) => setImmediate(r));

describe('RefreshingCache (stored state off the request path)', () => {
  let now = 0;
  const cache = () => new RefreshingCache<string, number>({ ttlMs: 2000, refreshAfterMs: 1000, max: 2 }, () => now);
  beforeEach(() => (now = 0));

  it('loads once, answers from memory, and reloads in the background once half its TTL old', async () => {
    const c = cache();
    let loads = 0;
    const load = async () => ++loads;
    expect(await c.get('a', load)).toBe(1);
    now = 999;
    expect(await c.get('a', load)).toBe(1);
    expect(loads).toBe(1);
    now = 1000;
    let release!: () => void;
    const slowLoad = () => new Promise<number>((r) => (release = () => r(++loads)));
    expect(await c.get('a', slowLoad)).toBe(1); // answered at once; the reload runs behind it
    expect(await c.get('a', slowLoad)).toBe(1);
    release();
    await tick();
    expect(loads).toBe(2); // one reload, not one per read
    expect(await c.get('a', load)).toBe(2);
    // steady reads keep it fresh: it never expires on the path
    now = 2500;
    expect(await c.get('a', load)).toBe(2);
  });

  it('loads on the path once an entry expired unread (a change elsewhere is seen within the TTL)', async () => {
    const c = cache();
    let value = 1;
    await c.get('a', async () => value);
    value = 2;
    now = 2000;
    expect(await c.get('a', async () => value)).toBe(2);
  });

  it('drops an entry whose reload fails (a refusal is never served from memory), and does not cache a failed load', async () => {
    const c = cache();
    await c.get('a', async () => 1);
    now = 1500;
    await c.get('a', async () => {
      throw new Error('suspended');
    });
    await tick();
    expect(c.peek('a')).toBeUndefined();
    await expect(c.get('a', async () => Promise.reject(new Error('suspended')))).rejects.toThrow('suspended');
    expect(c.size).toBe(0);
  });

  it('lets delete and clear win over a load in flight, and keeps at most max entries', async () => {
    const c = cache();
    let release!: (v: number) => void;
    const pending = c.get('a', () => new Promise<number>((r) => (release = r)));
    c.delete('a');
    release(1);
    expect(await pending).toBe(1);
    expect(c.peek('a')).toBeUndefined();
    await c.get('a', async () => 1);
    await c.get('b', async () => 2);
    await c.get('c', async () => 3);
    expect(c.size).toBe(2);
    expect(c.peek('a')).toBeUndefined();
    c.clear();
    expect(c.size).toBe(0);
  });
});
