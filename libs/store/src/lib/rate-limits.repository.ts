import type { PrismaClient } from '../generated/prisma/client';

/** An organization's limit on hub calls: `requestsPerSecond` sustained, `burst` at once. */
export interface RateLimit {
  readonly requestsPerSecond: number;
  readonly burst: number;
}

/** What taking tokens from an organization's bucket found. */
export interface RateLimitDecision {
  /** How many tokens were taken (0: refused). */
  readonly granted: number;
  readonly limit: RateLimit;
  /** Whole tokens left in the bucket after this. */
  readonly remaining: number;
  /** Seconds until the bucket is full again. */
  readonly resetSeconds: number;
  /** When nothing was granted: seconds until one token is there. */
  readonly retryAfterSeconds: number;
}

interface BucketRow {
  requests_per_second: number;
  burst: number;
  available: number;
  granted: number;
}

/**
 * Per-organization token buckets in the database, so that every api replica draws from the same
 * bucket: one statement reads the bucket under a row lock, refills it for the time since its last
 * refill, and takes the tokens asked for (a replica takes a batch at a time, see RateLimiter). Organizations without a row have no
 * limit (callers learn which do with `limited` and skip the statement for the others).
 */
export class RateLimitsRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** Sets (a full bucket) or removes (`null`) an organization's limit. */
  async set(organizationId: number, limit: RateLimit | null): Promise<void> {
    if (limit === null) {
      await this.prisma.organizationRateLimit.deleteMany({ where: { organizationId } });
      return;
    }
    const values = { requestsPerSecond: limit.requestsPerSecond, burst: limit.burst, tokens: limit.burst, refilledAt: new Date() };
    await this.prisma.organizationRateLimit.upsert({ where: { organizationId }, create: { organizationId, ...values }, update: values });
  }

  /** The ids of the organizations that have a limit. */
  async limited(): Promise<Set<number>> {
    const rows = await this.prisma.organizationRateLimit.findMany({ select: { organizationId: true } });
    return new Set(rows.map((r) => r.organizationId));
  }

  /**
   * Takes up to `wanted` tokens (as many whole ones as the bucket has) from the organization's
   * bucket; null when it has no limit.
   */
  async take(organizationId: number, wanted = 1): Promise<RateLimitDecision | null> {
    const [row] = await this.prisma.$queryRaw<BucketRow[]>`
      WITH bucket AS (
        SELECT organization_id, requests_per_second, burst, clock_timestamp() AS at,
               LEAST(burst::float8, tokens + GREATEST(0, EXTRACT(EPOCH FROM (clock_timestamp() - refilled_at))) * requests_per_second) AS available
        FROM organization_rate_limits WHERE organization_id = ${organizationId} FOR UPDATE
      ), grant_ AS (
        SELECT organization_id, at, available, LEAST(${wanted}::int, floor(available)::int) AS granted FROM bucket
      ), taken AS (
        UPDATE organization_rate_limits r SET tokens = grant_.available - grant_.granted, refilled_at = grant_.at
        FROM grant_ WHERE r.organization_id = grant_.organization_id AND grant_.granted > 0
        RETURNING r.organization_id
      )
      SELECT b.requests_per_second, b.burst, b.available, g.granted FROM bucket b JOIN grant_ g USING (organization_id)`;
    if (!row) return null;
    const rate = Number(row.requests_per_second);
    const burst = Number(row.burst);
    const granted = Number(row.granted);
    const left = Number(row.available) - granted;
    return {
      granted,
      limit: { requestsPerSecond: rate, burst },
      remaining: Math.max(0, Math.floor(left)),
      resetSeconds: rate > 0 ? Math.max(0, (burst - left) / rate) : 0,
      retryAfterSeconds: granted > 0 || rate <= 0 ? 0 : (1 - left) / rate,
    };
  }
}
