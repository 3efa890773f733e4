import type { HubCall, HubResponse } from '@hub/runtime';
import { ResponseCache } from '../response-cache';
import type { InstancePlan } from './instance-plan';
import type { CallTarget } from './resolve';

/**
 * Stage 4: the key of a cacheable call, when the instance caches answers (cachingEnabled). Reads are
 * cached; a singleton such as ping must always reach the vendor. Keys start with the vendor resource
 * (a write to it drops them all) and name the object as the client called it, so a common object's
 * mapped answers and the vendor resource's own never share an entry.
 */
export function cacheKeyOf(plan: InstancePlan, target: CallTarget, call: HubCall, objectName?: string): string | undefined {
  if (!plan.caches || target.method !== 'GET' || target.resource.kind === 'singleton') return undefined;
  return ResponseCache.key(target.resourcePath, target.id, target.subId, call.query, objectName);
}

/** Stage 4: a cached answer (Elements-Cache: HIT), or undefined; a miss is marked on the headers being built. */
export function cacheLookup(cache: ResponseCache, plan: InstancePlan, key: string, headers: Record<string, string>): HubResponse | undefined {
  const hit = cache.get(plan.instance, key);
  if (hit) return { status: hit.status, body: hit.body, headers: { ...hit.headers, 'elements-cache': 'HIT' } };
  headers['elements-cache'] = 'MISS';
  return undefined;
}

/** Stage 9: keeps the answer (without its MISS marker) for the next identical call. */
export function cacheStore(cache: ResponseCache, plan: InstancePlan, key: string, response: HubResponse): void {
  const { 'elements-cache': _marker, ...headers } = response.headers;
  cache.set(plan.instance, key, { status: response.status, body: response.body, headers });
}
