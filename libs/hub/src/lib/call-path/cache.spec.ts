import { ResponseCache } from '../response-cache';
import { cacheKeyOf, cacheLookup, cacheStore } from './cache';
import { compileInstancePlan } from './instance-plan';
import { route } from './resolve';
import { element, instance, settings } from './fixtures.spec-helper';

const inputs = { elementOf: () => element, settingsOf: () => settings(), connect: () => ({}) as never, publicUrl: 'http://hub' };
const call = (method: string, segments: string[], query: Record<string, string> = {}) => ({ method, segments, query, body: undefined });

describe('cache lookup (stage 4) and cache store (stage 9)', () => {
  const caching = compileInstancePlan(instance({ cachingEnabled: true }), inputs);

  it('keys only reads of an instance that caches, never a singleton', () => {
    const plain = compileInstancePlan(instance(), inputs);
    const list = call('GET', ['messages'], { b: '2', a: '1' });
    expect(cacheKeyOf(plain, route(element, list), list)).toBeUndefined();
    expect(cacheKeyOf(caching, route(element, call('POST', ['messages'])), call('POST', ['messages']))).toBeUndefined();
    expect(cacheKeyOf(caching, route(element, call('GET', ['ping'])), call('GET', ['ping']))).toBeUndefined();
    // the same query in another order is the same entry; a common object's name makes its own
    const key = cacheKeyOf(caching, route(element, list), list);
    expect(cacheKeyOf(caching, route(element, list), call('GET', ['messages'], { a: '1', b: '2' }))).toBe(key);
    expect(cacheKeyOf(caching, route(element, list), list, 'messages')).not.toBe(key);
  });

  it('answers MISS, then HIT with what was stored, until a write to the resource drops it', () => {
    const cache = new ResponseCache();
    const list = call('GET', ['messages']);
    const key = cacheKeyOf(caching, route(element, list), list) as string;
    const headers: Record<string, string> = { 'elements-returned-count': '1' };
    expect(cacheLookup(cache, caching, key, headers)).toBeUndefined();
    expect(headers['elements-cache']).toBe('MISS');
    cacheStore(cache, caching, key, { status: 200, body: [{ sid: 'SM1' }], headers });
    expect(cacheLookup(cache, caching, key, {})).toEqual({ status: 200, body: [{ sid: 'SM1' }], headers: { 'elements-returned-count': '1', 'elements-cache': 'HIT' } });
    cache.invalidate(caching.instance, 'messages');
    expect(cacheLookup(cache, caching, key, {})).toBeUndefined();
  });

  it('forgets an instance’s answers when the change feed names it, or says anything may have changed', () => {
    const cache = new ResponseCache();
    const list = call('GET', ['messages']);
    const key = cacheKeyOf(caching, route(element, list), list) as string;
    cacheStore(cache, caching, key, { status: 200, body: [], headers: {} });
    cache.drop(caching.instance.id);
    expect(cacheLookup(cache, caching, key, {})).toBeUndefined();
    cacheStore(cache, caching, key, { status: 200, body: [], headers: {} });
    cache.drop(undefined);
    expect(cacheLookup(cache, caching, key, {})).toBeUndefined();
  });
});
