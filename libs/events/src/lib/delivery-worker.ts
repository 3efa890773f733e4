import {
  closeDeliveryAgents,
  type CircuitBreaker,
  circuitKey,
  CallbackUrlRefusedError,
  checkCallbackUrl,
  deliver,
  type DeliveryAttempt,
  InMemoryCircuitBreaker,
  nextAttemptDelay,
} from '@hub/delivery';
import { hubMetrics } from '@hub/metrics';
import { ChangeFeed, ElementCatalog, STORE } from '@hub/runtime';
import type { AttemptResult, ClaimedDelivery, Store } from '@hub/store';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { EVENTS_OPTIONS, type EventsOptions } from './events.options';
import { GroupCommit } from './group-commit';
import { InstanceLookup } from './instance-lookup';
import { ClaimLoop, ClaimingWorker } from '@hub/runtime';

/**
 * Delivers notifications to their instance's callback URL: signed, retried on the schedule with
 * jitter, never following redirects, connecting only to the addresses the SSRF check vetted on this
 * very attempt, and holding back a receiver that keeps failing (a circuit breaker per URL).
 * Each instance's notifications go out in order; what cannot be delivered ends `failed`, visible
 * and redeliverable, never dropped.
 *
 * Up to `deliveryConcurrency` attempts run at once (each instance's one at a time: the claim gives
 * out only an instance's oldest pending notification); connections to a callback origin are kept
 * alive between attempts (deliver's agents, keyed by the addresses this attempt's check vetted);
 * attempts that finish while a write is in flight are logged together in one statement.
 */
@Injectable()
export class DeliveryWorker extends ClaimingWorker<ClaimedDelivery> {
  private readonly logger = new Logger('DeliveryWorker');
  protected readonly loop: ClaimLoop<ClaimedDelivery>;
  private readonly breaker: CircuitBreaker;
  /** The last circuit state this worker reported per URL (a report is written on changes only). */
  private readonly reported = new Map<string, string>();
  private readonly finished: GroupCommit<{ delivery: ClaimedDelivery; result: AttemptResult }, boolean>;

  constructor(
    @Inject(STORE) private readonly store: Store,
    @Inject(EVENTS_OPTIONS) private readonly options: EventsOptions,
    private readonly instances: InstanceLookup,
    private readonly catalog: ElementCatalog,
    feed: ChangeFeed,
  ) {
    super();
    // Notifications stored by another process (a webhook on an api replica, another poller): claim now.
    feed.onWork('deliveries', () => this.wake());
    this.breaker = new InMemoryCircuitBreaker({
      failureThreshold: options.circuitFailureThreshold,
      coolDownMs: options.circuitCoolDownMs,
    });
    this.loop = new ClaimLoop({
      name: 'delivery',
      concurrency: options.deliveryConcurrency,
      idleMs: options.idleMs,
      claim: (count) =>
        count < Math.ceil(options.deliveryConcurrency / 4) ? Promise.resolve([]) : this.store.deliveries.claimDeliveries(options.owner, count, options.leaseMs),
      work: (delivery) => this.deliverOne(delivery),
      release: () => this.store.deliveries.releaseDeliveries(options.owner),
      logger: this.logger,
    });
    this.finished = new GroupCommit((items) => this.store.deliveries.finishAttempts(options.owner, items));
  }

  /** Stops like every claiming worker, then closes the connections kept alive to callback origins. */
  override async stop(waitMs?: number): Promise<void> {
    await super.stop(waitMs);
    await closeDeliveryAgents();
  }

  private async deliverOne(delivery: ClaimedDelivery): Promise<void> {
    const startedDate = new Date();
    let result: AttemptResult;
    try {
      result = await this.attempt(delivery, startedDate);
    } catch (error) {
      // The hub's own failure (store, configuration): retry like a network error.
      result = this.resultOf(delivery, startedDate, { outcome: 'retry', error: `hub error: ${(error as Error).message}`, durationMs: Date.now() - startedDate.getTime() });
    }
    hubMetrics.deliveries.inc({ outcome: result.status });
    hubMetrics.deliveryDuration.observe({ outcome: result.status }, result.durationMs / 1000);
    const kept = await this.finished.add({ delivery, result });
    if (!kept) this.logger.warn(`delivery ${delivery.eventId}: the lease was lost meanwhile; the attempt is logged, its outcome left to the new holder`);
    const level = result.status === 'failed' ? 'warn' : 'debug';
    this.logger[level](
      `notification ${delivery.eventId} of instance ${delivery.instanceId}, attempt ${delivery.attempt}: ${result.outcome}` +
        `${result.statusCode ? ` (${result.statusCode})` : ''}${result.error ? `: ${result.error}` : ''} → ${result.status}`,
    );
  }

  private async attempt(delivery: ClaimedDelivery, startedDate: Date): Promise<AttemptResult> {
    const instance = await this.instances.find(delivery.tenant, delivery.instanceId, delivery.instanceUpdatedDate);
    if (!instance) throw new Error(`instance ${delivery.instanceId} is gone`);
    const { callbackUrl: url, signatureKey } = this.catalog.settingsOf(instance).events;
    if (!url) return this.resultOf(delivery, startedDate, { outcome: 'failed', error: 'the instance has no event.notification.callback.url', durationMs: 0 });

    const key = circuitKey(url);
    const permit = await this.breaker.acquire(key);
    if (!permit.allowed) {
      return this.resultOf(
        delivery,
        startedDate,
        { outcome: 'retry', error: `circuit open for this callback URL until ${permit.retryAt.toISOString()}: not sent`, durationMs: 0 },
        permit.retryAt,
      );
    }
    let target;
    try {
      target = await checkCallbackUrl(url, { allowPrivate: this.options.allowPrivateCallbackUrls });
    } catch (error) {
      if (!(error instanceof CallbackUrlRefusedError)) throw error;
      await this.recordCircuit(key, error.retryable ? 'retry' : 'failed');
      return this.resultOf(delivery, startedDate, { outcome: error.retryable ? 'retry' : 'failed', error: error.message, durationMs: Date.now() - startedDate.getTime() });
    }
    const attempt = await deliver({
      target,
      webhookId: delivery.eventId,
      rawBody: delivery.body,
      signatureKey: signatureKey ?? undefined,
      timeoutMs: this.options.deliveryTimeoutMs,
    });
    await this.recordCircuit(key, attempt.outcome);
    return this.resultOf(delivery, startedDate, attempt);
  }

  /**
   * An attempt's outcome for the URL's breaker; when that changes the breaker's state (closed,
   * open, half-open), the new state goes to the store for operators. A report that fails is logged
   * and retried with the next change: it never holds up a delivery.
   */
  private async recordCircuit(key: string, outcome: DeliveryAttempt['outcome']): Promise<void> {
    await this.breaker.record(key, outcome);
    const snapshot = await this.breaker.snapshot(key);
    if (this.reported.get(key) === snapshot.state || (snapshot.state === 'closed' && !this.reported.has(key))) return;
    try {
      await this.store.circuits.report({ key, owner: this.options.owner, ...snapshot });
      this.reported.set(key, snapshot.state);
      if (this.reported.size > 10_000) this.reported.delete(this.reported.keys().next().value as string);
    } catch (error) {
      this.logger.warn(`could not report the circuit of a callback URL: ${(error as Error).message}`);
    }
  }

  /** What an attempt means for the notification: delivered, failed, or retried on the schedule. */
  private resultOf(
    delivery: ClaimedDelivery,
    startedDate: Date,
    attempt: Pick<DeliveryAttempt, 'outcome' | 'status' | 'error' | 'durationMs' | 'retryAfterMs'>,
    notBefore?: Date,
  ): AttemptResult {
    const base = {
      startedDate,
      durationMs: attempt.durationMs,
      outcome: attempt.outcome,
      ...(attempt.status !== undefined ? { statusCode: attempt.status } : {}),
      ...(attempt.error !== undefined ? { error: attempt.error } : {}),
    };
    if (attempt.outcome !== 'retry') return { ...base, status: attempt.outcome };
    const delay = nextAttemptDelay(delivery.attempt, { schedule: this.options.retrySchedule, retryAfterMs: attempt.retryAfterMs });
    if (delay === null) return { ...base, status: 'failed', error: `${attempt.error ?? `HTTP ${attempt.status}`}; no retries left` };
    const at = Math.max(Date.now() + delay, notBefore?.getTime() ?? 0);
    return { ...base, status: 'retry', nextAttemptAt: new Date(at) };
  }
}
