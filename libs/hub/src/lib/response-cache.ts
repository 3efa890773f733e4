import type { InstanceRecord } from '@hub/store';
import { hubMetrics } from '@hub/metrics';
import { LRUCache } from 'lru-cache';

export interface CachedResponse {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Readonly<Record<string, string>>;
  readonly bytes: number;
}

/** Used when an instance enables caching without naming a size or a lifetime. */
export const CACHE_DEFAULTS = { entries: 1_000, ttlSeconds: 300, bytesPerInstance: 16 * 1024 * 1024 };

interface InstanceCache {
  /** Any change to the instance (settings, configuration) starts a new cache. */
  readonly version: number;
  readonly entries: LRUCache<string, CachedResponse>;
}

/**
 * cachingEnabled / maxCacheSize (entries) / cacheTimeToLive (seconds): a per-instance LRU of GET
 * responses, keyed by resource path and normalized query, bounded in entries and bytes. A write
 * to a resource drops that resource's entries. Caches are per instance, so never shared between
 * instances or organizations; they live in the process (each replica has its own).
 */
export class ResponseCache {
  private readonly instances = new Map<number, InstanceCache>();

  constructor(private readonly bytesPerInstance = CACHE_DEFAULTS.bytesPerInstance) {}

  /** `objectName`: the common object a call named, when it maps onto `resourcePath`'s resource. */
  static key(
    resourcePath: readonly string[],
    id: string | undefined,
    subId: string | undefined,
    query: Readonly<Record<string, string | string[] | undefined>>,
    objectName?: string,
  ): string {
    const normalized = Object.entries(query)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, Array.isArray(v) ? [...v].sort() : v] as const)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const path = [objectName === undefined ? resourcePath[0] : `~${objectName}`, id, resourcePath[1], subId].filter((p) => p !== undefined).join('/');
    return `${resourcePath[0]}\u0000${path}\u0000${JSON.stringify(normalized)}`;
  }

  get(instance: InstanceRecord, key: string): CachedResponse | undefined {
    const cache = this.cacheOf(instance);
    if (!cache) return undefined;
    const hit = cache.get(key);
    hubMetrics.cacheLookups.inc({ result: hit ? 'hit' : 'miss' });
    return hit;
  }

  set(instance: InstanceRecord, key: string, response: Omit<CachedResponse, 'bytes'>): void {
    const cache = this.cacheOf(instance);
    if (!cache) return;
    const bytes = Buffer.byteLength(JSON.stringify(response.body)) + 256;
    if (bytes > this.bytesPerInstance) return;
    cache.set(key, { ...response, bytes });
  }

  /** A write to `resource` makes every cached answer about it stale. */
  invalidate(instance: InstanceRecord, resource: string): void {
    const cache = this.instances.get(instance.id)?.entries;
    if (!cache) return;
    for (const key of [...cache.keys()]) if (key.startsWith(`${resource}\u0000`)) cache.delete(key);
  }

  /** The change feed: an instance changed (`undefined`: anything may have, or a transformation did). */
  drop(instanceId: number | undefined): void {
    if (instanceId === undefined) this.instances.clear();
    else this.instances.delete(instanceId);
  }

  private cacheOf(instance: InstanceRecord): LRUCache<string, CachedResponse> | undefined {
    if (!instance.cachingEnabled) {
      this.instances.delete(instance.id);
      return undefined;
    }
    const version = instance.updatedDate.getTime();
    let cache = this.instances.get(instance.id);
    if (!cache || cache.version !== version) {
      cache = {
        version,
        entries: new LRUCache<string, CachedResponse>({
          max: instance.maxCacheSize > 0 ? instance.maxCacheSize : CACHE_DEFAULTS.entries,
          ttl: (instance.cacheTimeToLive > 0 ? instance.cacheTimeToLive : CACHE_DEFAULTS.ttlSeconds) * 1000,
          maxSize: this.bytesPerInstance,
          sizeCalculation: (entry) => entry.bytes,
        }),
      };
      this.instances.set(instance.id, cache);
    }
    return cache.entries;
  }
}
