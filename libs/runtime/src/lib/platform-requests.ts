import type { Store, Tenant } from '@hub/store';
import { FORMULA_OWNER_HEADER, signFormulaOwner } from './formula-owner';
import type { PlatformRequest } from './ports';

/**
 * Formulas' `request` steps, the platform API called as the formula's owner: what they may call and
 * how both bindings (the api's in-process one, the poller's over HUB_API_URL) send it.
 *
 * Which platform API paths a formula's `request` step may call (paths relative to /elements/api-v2),
 * checked when the formula is stored and again on the resolved path before each call. Refused:
 * hub calls (an elementRequest step's job, through an instance), the operators' API, logins and
 * anything that reads or rotates secrets, vendor webhooks in, and the probes and metrics (not the
 * platform API). Dot segments, encoded slashes and backslashes are refused outright, so a path
 * cannot climb out of what was checked.
 */

const REFUSED_FIRST_SEGMENTS: Readonly<Record<string, string>> = {
  hubs: 'hub calls go through an elementRequest step (with the element instance), not a request step',
  admin: 'the operators’ admin API is not callable from a formula',
  authentication: 'logins and secrets (/authentication…) are not callable from a formula',
  events: 'vendor webhooks (/events/{elementKey}/{instanceId}) are not callable from a formula',
  health: '/health is a probe, not the platform API',
  metrics: '/metrics is not the platform API',
};

/** Why a formula may not call `path` (a platform path without query), or undefined when it may. */
export function platformPathRefusal(path: string): string | undefined {
  if (!path.startsWith('/') || path.startsWith('//')) return `must be a platform API path starting with / such as /instances (got '${path}')`;
  if (/[\s\\#?]/.test(path)) return `must be a path without spaces, backslashes, query or fragment (got '${path}'; use query for parameters)`;
  const segments = path.slice(1).split('/');
  if (segments[segments.length - 1] === '') segments.pop();
  if (segments.length === 0) return `must name a platform API path such as /instances (got '${path}')`;
  const decoded: string[] = [];
  for (const segment of segments) {
    let text: string;
    try {
      text = decodeURIComponent(segment);
    } catch {
      return `has a malformed percent-encoding in '${segment}'`;
    }
    if (segment === '' || text === '.' || text === '..' || /[/\\]/.test(text)) return `may not contain empty, '.' or '..' segments or encoded slashes (got '${path}')`;
    decoded.push(text.toLowerCase());
  }
  const first = REFUSED_FIRST_SEGMENTS[decoded[0]];
  if (first) return `'${path}': ${first}`;
  if (decoded.some((s) => /^(secrets?|rotate)$/.test(s))) return `'${path}': routes that read or rotate secrets are not callable from a formula`;
  return undefined;
}

/**
 * The same check when a formula is stored, where `${…}` references are still unresolved: each
 * reference stands for one ordinary segment part, so `/instances/${steps.a.id}` passes and
 * `/hubs/${x}` does not; an `api` that is wholly a reference is checked only when it runs.
 */
export function storedPlatformPathRefusal(api: string): string | undefined {
  if (api.startsWith('${')) return undefined;
  return platformPathRefusal(splitPlatformApi(api).path.replace(/\$\{[^}]*\}/g, 'x').replace(/\{[^}/]*\}/g, 'x'));
}

/** An `api` as a step gives it: the path, and the query it may carry (`/instances?pageSize=5`). */
export function splitPlatformApi(api: string): { path: string; query: Record<string, string> } {
  const at = api.search(/[?#]/);
  if (at < 0) return { path: api, query: {} };
  const search = api[at] === '?' ? api.slice(at + 1).split('#')[0] : '';
  return { path: api.slice(0, at), query: Object.fromEntries(new URLSearchParams(search)) };
}

/** The platform API's prefix: request steps' paths are relative to it. */
export const PLATFORM_API_PREFIX = '/elements/api-v2';

/** Headers a request step may not set: the identity is the binding's, and the transport's are the transport's. */
const NOT_FORWARDED = new Set([FORMULA_OWNER_HEADER, 'authorization', 'cookie', 'host', 'content-length', 'transfer-encoding', 'connection', 'x-csrf-token']);

/** Whether a header name is one a request step may not set (and whose value is never recorded). */
export function isReservedPlatformHeader(name: string): boolean {
  return NOT_FORWARDED.has(name.toLowerCase());
}

/** A platform request as both bindings send it: the URL below the host, the signed identity, a JSON body. */
export function platformRequestTarget(
  store: Pick<Store, 'sign'>,
  tenant: Tenant,
  request: PlatformRequest,
  nowMs = Date.now(),
): { url: string; method: PlatformRequest['method']; headers: Record<string, string>; payload: string | undefined } {
  const query = new URLSearchParams(Object.entries(request.query)).toString();
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) if (!isReservedPlatformHeader(name)) headers[name.toLowerCase()] = value;
  const payload = request.body === undefined || request.body === null ? undefined : typeof request.body === 'string' ? request.body : JSON.stringify(request.body);
  if (payload !== undefined && headers['content-type'] === undefined) headers['content-type'] = 'application/json';
  headers[FORMULA_OWNER_HEADER] = signFormulaOwner(store, tenant, nowMs);
  return { url: `${PLATFORM_API_PREFIX}${request.path}${query ? `?${query}` : ''}`, method: request.method, headers, payload };
}
