import type { Store, Tenant } from '@hub/store';

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
