import { TooManyRequestsError } from '@hub/element-sdk';
import { hubMetrics } from '@hub/metrics';
import { STORE } from './tokens';
import type { Store, RateLimit, RateLimitDecision } from '@hub/store';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { ChangeFeed } from './instance-changes';

/** How long this process trusts its list of organizations that have a limit (a new limit applies within it). */
export const LIMITED_ORGANIZATIONS_TTL_MS = 2_000;

/**
 * How many tokens a process takes from the shared bucket at once: a tenth of a second's rate, at
 * most a quarter of the burst, at least one. A process can run ahead of the bucket by at most this.
 */
export function allowanceSize(limit: RateLimit): number {
  return Math.max(1, Math.min(Math.floor(limit.requestsPerSecond / 10), Math.floor(limit.burst / 4)));
}

/** One organization's tokens in this process. */
interface Allowance {
  tokens: number;
  /** The bucket as the last take found it (for the RateLimit-* headers). */
  decision?: RateLimitDecision;
  /** While the bucket is empty: refuse without asking the store until then. */
  refusedUntil: number;
  /** The one take in flight: concurrent calls wait for it instead of each going to the store. */
  refill?: Promise<void>;
}

/**
 * Per-organization limits on hub calls, as token buckets in the store (shared by every api
 * replica). A process takes tokens an allowance at a time (`allowanceSize`) and hands them out itself, with
 * one take in flight per organization; while the bucket is empty it refuses until the next token
 * is due without asking again. So a limited organization costs one store statement per allowance, not
 * per call, and the bucket still never gives out more than it has. Organizations without a limit
 * cost one set lookup (the list of limited ones is re-read every LIMITED_ORGANIZATIONS_TTL_MS).
 */
@Injectable()
export class RateLimiter {
  private limited?: { readonly ids: Promise<Set<number>>; resolved?: Set<number>; readonly until: number };
  private reloading = false;
  private readonly allowances = new Map<number, Allowance>();

  constructor(@Inject(STORE) private readonly store: Store, @Optional() feed?: ChangeFeed) {
    feed?.subscribe((change) => {
      if (change.kind === 'rateLimits' || change.kind === 'everything') this.forget();
    });
  }

  /**
   * Takes one call from the organization's bucket. Returns the RateLimit-* headers to send (none
   * without a limit); throws a 429 with Retry-After when the bucket is empty.
   */
  async take(organizationId: number): Promise<Record<string, string>> {
    const limited = this.limitedIds();
    if (!(limited instanceof Set ? limited : await limited).has(organizationId)) {
      this.allowances.delete(organizationId);
      return {};
    }
    let allowance = this.allowances.get(organizationId);
    if (!allowance) {
      allowance = { tokens: 0, refusedUntil: 0 };
      this.allowances.set(organizationId, allowance);
    }
    for (;;) {
      if (allowance.tokens >= 1) {
        allowance.tokens -= 1;
        return allowance.decision ? rateLimitHeaders(allowance.decision, allowance.tokens) : {};
      }
      if (allowance.decision && Date.now() < allowance.refusedUntil) throw this.refusal(allowance.decision, (allowance.refusedUntil - Date.now()) / 1000);
      const current = allowance;
      allowance.refill ??= this.refill(organizationId, current).finally(() => (current.refill = undefined));
      await allowance.refill;
      if (!this.allowances.has(organizationId)) return {}; // the limit was removed meanwhile
    }
  }

  /** Forgets what this process knows of limits: a limit changed (the change feed says so). */
  forget(): void {
    this.limited = undefined;
    this.reloading = false;
    this.allowances.clear();
  }

  private async refill(organizationId: number, allowance: Allowance): Promise<void> {
    const wanted = allowance.decision ? allowanceSize(allowance.decision.limit) : 1;
    const decision = await this.store.rateLimits.take(organizationId, wanted);
    if (!decision) {
      this.allowances.delete(organizationId);
      return;
    }
    allowance.decision = decision;
    allowance.tokens += decision.granted;
    allowance.refusedUntil = decision.granted > 0 ? 0 : Date.now() + decision.retryAfterSeconds * 1000;
  }

  private refusal(decision: RateLimitDecision, retryAfterSeconds: number): TooManyRequestsError {
    hubMetrics.rateLimitRefusals.inc();
    const headers = rateLimitHeaders({ ...decision, granted: 0, retryAfterSeconds }, 0);
    return new TooManyRequestsError(
      `Too many requests: this organization may make ${decision.limit.requestsPerSecond} hub calls per second (bursts of ${decision.limit.burst}); retry after ${headers['retry-after']} s`,
      retryAfterSeconds,
      headers,
    );
  }

  /**
   * The organizations that have a limit. Re-read in the background once half LIMITED_ORGANIZATIONS_TTL_MS
   * old (the call is answered from what this process knows), on the path only once it expired: in steady
   * state a call does not wait for the store.
   */
  private limitedIds(): Promise<Set<number>> | Set<number> {
    const now = Date.now();
    const known = this.limited;
    if (known && now < known.until) {
      if (!this.reloading && now >= known.until - LIMITED_ORGANIZATIONS_TTL_MS / 2) {
        this.reloading = true;
        const reading = this.store.rateLimits.limited();
        reading.then(
          (ids) => {
            if (this.limited === known) this.limited = { ids: Promise.resolve(ids), resolved: ids, until: Date.now() + LIMITED_ORGANIZATIONS_TTL_MS };
          },
          () => undefined,
        ).finally(() => (this.reloading = false));
      }
      return known.resolved ?? known.ids;
    }
    const ids = this.store.rateLimits.limited();
    const entry: { ids: Promise<Set<number>>; resolved?: Set<number>; until: number } = { ids, until: now + LIMITED_ORGANIZATIONS_TTL_MS };
    this.limited = entry;
    ids.then(
      (resolved) => (entry.resolved = resolved),
      () => {
        if (this.limited === entry) this.limited = undefined;
      },
    );
    return ids;
  }
}

/** RateLimit-Limit / -Remaining / -Reset / -Policy (IETF draft), and Retry-After when refused. */
export function rateLimitHeaders(d: RateLimitDecision, heldHere: number): Record<string, string> {
  return {
    'ratelimit-limit': String(d.limit.burst),
    'ratelimit-remaining': String(Math.floor(d.remaining + heldHere)),
    'ratelimit-reset': String(Math.ceil(d.resetSeconds)),
    'ratelimit-policy': `${d.limit.burst};w=${Math.max(1, Math.round(d.limit.burst / d.limit.requestsPerSecond))}`,
    ...(d.granted > 0 ? {} : { 'retry-after': String(Math.max(1, Math.ceil(d.retryAfterSeconds))) }),
  };
}
