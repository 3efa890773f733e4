import { TooManyRequestsError } from '@hub/element-sdk';
import { HUB_STORE } from '@hub/platform';
import type { HubStore, RateLimitDecision } from '@hub/store';
import { Inject, Injectable } from '@nestjs/common';

/** How long this process trusts its list of organizations that have a limit (a new limit applies within it). */
export const LIMITED_ORGANIZATIONS_TTL_MS = 2_000;

/**
 * Per-organization limits on hub calls, as token buckets in the store (shared by every api
 * replica). Only organizations with a limit pay a database round trip per call: the list of them
 * is read once per LIMITED_ORGANIZATIONS_TTL_MS.
 */
@Injectable()
export class RateLimiter {
  private limited?: { readonly ids: Promise<Set<number>>; readonly until: number };

  constructor(@Inject(HUB_STORE) private readonly store: HubStore) {}

  /**
   * Takes one call from the organization's bucket. Returns the RateLimit-* headers to send (none
   * without a limit); throws a 429 with Retry-After when the bucket is empty.
   */
  async take(organizationId: number): Promise<Record<string, string>> {
    if (!(await this.limitedIds()).has(organizationId)) return {};
    const decision = await this.store.rateLimits.take(organizationId);
    if (!decision) return {};
    const headers = rateLimitHeaders(decision);
    if (!decision.allowed) {
      throw new TooManyRequestsError(
        `Too many requests: this organization may make ${decision.limit.requestsPerSecond} hub calls per second (bursts of ${decision.limit.burst}); retry after ${headers['retry-after']} s`,
        decision.retryAfterSeconds,
        headers,
      );
    }
    return headers;
  }

  /** Forgets the cached list (after an operator changed a limit through this process). */
  changed(): void {
    this.limited = undefined;
  }

  private limitedIds(): Promise<Set<number>> {
    const now = Date.now();
    if (!this.limited || this.limited.until <= now) {
      const ids = this.store.rateLimits.limited();
      this.limited = { ids, until: now + LIMITED_ORGANIZATIONS_TTL_MS };
      ids.catch(() => (this.limited = undefined));
    }
    return this.limited.ids;
  }
}

/** RateLimit-Limit / -Remaining / -Reset (IETF draft), and Retry-After when refused. */
export function rateLimitHeaders(d: RateLimitDecision): Record<string, string> {
  return {
    'ratelimit-limit': String(d.limit.burst),
    'ratelimit-remaining': String(d.remaining),
    'ratelimit-reset': String(Math.ceil(d.resetSeconds)),
    'ratelimit-policy': `${d.limit.burst};w=${Math.max(1, Math.round(d.limit.burst / d.limit.requestsPerSecond))}`,
    ...(d.allowed ? {} : { 'retry-after': String(Math.max(1, Math.ceil(d.retryAfterSeconds))) }),
  };
}
