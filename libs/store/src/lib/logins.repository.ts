import { randomBytes } from 'node:crypto';
import type { PrismaClient } from '../generated/prisma/client';
import { hashSecret } from './secret-box';
import { unlessSuspended } from './suspension';
import { mintTenant, type Tenant } from './tenant';

/** One throttle key's count in its current window. */
export interface AttemptCount {
  readonly key: string;
  readonly attempts: number;
  readonly windowStart: Date;
}

/**
 * What POST /authentication keeps between requests, in the store so that every api replica sees it:
 * login tokens (SHA-256 hashes with an expiry, the token itself is returned once) and the attempt
 * counters that throttle repeated failures.
 */
export class LoginsRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** A new random bearer for the tenant's user, good until `now + ttlSeconds`. */
  async issueToken(tenant: Tenant, ttlSeconds: number, now = new Date()): Promise<{ token: string; expiresAt: Date }> {
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + ttlSeconds * 1000);
    await this.prisma.loginToken.create({ data: { tokenHash: hashSecret(token), userId: tenant.userId, expiresAt } });
    return { token, expiresAt };
  }

  /**
   * The tenant a login token was issued to; null when it is unknown or expired. A good token of a
   * suspended organization throws OrganizationSuspendedError.
   */
  async resolveToken(token: string, now = new Date()): Promise<Tenant | null> {
    const [row] = await this.prisma.$queryRaw<{ user_id: number; organization_id: number; expires_at: Date; suspended: boolean }[]>`
      SELECT t.user_id, u.organization_id, t.expires_at, o.suspended
        FROM login_tokens t JOIN users u ON u.id = t.user_id JOIN organizations o ON o.id = u.organization_id
       WHERE t.token_hash = ${hashSecret(token)}`;
    if (!row || new Date(row.expires_at) <= now) return null;
    return unlessSuspended(mintTenant(row.organization_id, row.user_id), row.suspended);
  }

  /**
   * Counts one attempt on each key, atomically (one statement; concurrent attempts on a key queue on
   * its row), in a fixed window of `windowSeconds` that starts at a key's first attempt. Returns the
   * counts including this attempt, so a burst is counted exactly.
   */
  async countAttempt(keys: readonly string[], windowSeconds: number, now = new Date()): Promise<AttemptCount[]> {
    if (keys.length === 0) return [];
    const expired = new Date(now.getTime() - windowSeconds * 1000);
    const rows = await this.prisma.$queryRaw<{ key: string; attempts: number; window_start: Date }[]>`
      INSERT INTO login_throttle AS t (key, window_start, attempts)
      SELECT k, ${now}::timestamptz, 1 FROM unnest(${[...new Set(keys)]}::text[]) AS k
      ON CONFLICT (key) DO UPDATE SET
        attempts = CASE WHEN t.window_start <= ${expired}::timestamptz THEN 1 ELSE t.attempts + 1 END,
        window_start = CASE WHEN t.window_start <= ${expired}::timestamptz THEN ${now}::timestamptz ELSE t.window_start END
      RETURNING key, attempts, window_start`;
    return rows.map((r) => ({ key: r.key, attempts: Number(r.attempts), windowStart: new Date(r.window_start) }));
  }

  /** A successful login: `reset` keys start over (the username), `takeBack` keys lose this attempt (the address). */
  async forgiveAttempt(reset: readonly string[], takeBack: readonly string[]): Promise<void> {
    await this.prisma.$transaction([
      this.prisma.loginThrottle.deleteMany({ where: { key: { in: [...reset] } } }),
      this.prisma.loginThrottle.updateMany({ where: { key: { in: [...takeBack] }, attempts: { gt: 0 } }, data: { attempts: { decrement: 1 } } }),
    ]);
  }

  /** Drops expired login tokens and counters whose window has ended. */
  async prune(windowSeconds: number, now = new Date()): Promise<void> {
    await this.prisma.$transaction([
      this.prisma.loginToken.deleteMany({ where: { expiresAt: { lte: now } } }),
      this.prisma.loginThrottle.deleteMany({ where: { windowStart: { lte: new Date(now.getTime() - windowSeconds * 1000) } } }),
    ]);
  }
}
