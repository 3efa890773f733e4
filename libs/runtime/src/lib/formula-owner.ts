import type { Store, Tenant } from '@hub/store';
import type { PlatformRequest } from './ports';

/**
 * The identity a formula's `request` step calls the platform API with: the formula instance's owner
 * (organization and user), signed with a key derived from the hub's encryption key, so every api
 * replica and poller of one installation agrees on it and nothing new must be configured.
 *
 *   x-hub-formula-owner: <organizationId>.<userId>.<expiry: unix seconds>.<HMAC-SHA256, base64url>
 *
 * PlatformAuthGuard accepts it in place of `User …, Organization …` while it has not expired and
 * expires at most FORMULA_OWNER_MAX_AHEAD_SECONDS from now. It is never logged (the logger redacts
 * it) nor recorded in step values (the runner drops it from a step's headers).
 */
export const FORMULA_OWNER_HEADER = 'x-hub-formula-owner';
/** A signed identity further ahead than this is refused (so a leaked one is good for a minute at most). */
export const FORMULA_OWNER_MAX_AHEAD_SECONDS = 60;
/** What a signer gives: short, with room for clock differences between a poller and an api replica. */
const FORMULA_OWNER_TTL_SECONDS = 30;
const SIGNING_CONTEXT = 'formula-owner';
const FORMAT = /^([1-9]\d{0,15})\.([1-9]\d{0,15})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/;

export function signFormulaOwner(store: Pick<Store, 'sign'>, tenant: Tenant, nowMs = Date.now()): string {
  const claims = `${tenant.organizationId}.${tenant.userId}.${Math.floor(nowMs / 1000) + FORMULA_OWNER_TTL_SECONDS}`;
  return `${claims}.${store.sign(claims, SIGNING_CONTEXT)}`;
}

/** The organization and user a formula-owner header names, when it is well formed, signed by this installation and current; else undefined. */
export function verifyFormulaOwner(
  store: Pick<Store, 'signatureMatches'>,
  header: unknown,
  nowMs = Date.now(),
): { organizationId: number; userId: number } | undefined {
  if (typeof header !== 'string') return undefined;
  const m = FORMAT.exec(header);
  if (!m) return undefined;
  const [, organization, user, expiry, signature] = m;
  const now = Math.floor(nowMs / 1000);
  const expires = Number(expiry);
  if (expires <= now || expires > now + FORMULA_OWNER_MAX_AHEAD_SECONDS) return undefined;
  if (!store.signatureMatches(`${organization}.${user}.${expiry}`, SIGNING_CONTEXT, signature)) return undefined;
  return { organizationId: Number(organization), userId: Number(user) };
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
