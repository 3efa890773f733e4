import { DEFAULT_CIRCUIT_BREAKER_OPTIONS, DEFAULT_DELIVERY_TIMEOUT_MS, DEFAULT_RETRY_SCHEDULE_MS, parseRetrySchedule } from '@hub/delivery';
import { allowPrivateCallbackUrls, type Environment, newOwnerId, publicUrlOf } from '@hub/runtime';

export const EVENTS_OPTIONS = Symbol('EVENTS_OPTIONS');

/** How this process takes part in event processing. */
export interface EventsOptions {
  /** Run the poll scheduler and the delivery workers in this process (the poller app; the api on the embedded store). */
  readonly workers: boolean;
  /** The hub's URL as vendors reach it: vendor webhooks are sent to `<publicUrl>/elements/api-v2/events/{elementKey}/{instanceId}`. */
  readonly publicUrl: string;
  /** Deliver to loopback, private and link-local callback URLs (tests, a single-machine setup). */
  readonly allowPrivateCallbackUrls: boolean;
  /** Delay before each retry (its length is the number of retries). */
  readonly retrySchedule: readonly number[];
  /** A claim (poll or delivery) is lost after this if its holder neither finishes nor renews it. */
  readonly leaseMs: number;
  /** How often an idle worker looks for due work (a process that produced work wakes its workers at once). */
  readonly idleMs: number;
  /** Polls run at once by this process. */
  readonly pollConcurrency: number;
  /** Deliveries in flight at once in this process. */
  readonly deliveryConcurrency: number;
  readonly deliveryTimeoutMs: number;
  /** Consecutive failures that open a callback URL's circuit, and how long it stays open first. */
  readonly circuitFailureThreshold: number;
  readonly circuitCoolDownMs: number;
  /** Delivered and failed notifications are kept this long (the delivery log), then pruned. */
  readonly retentionMs: number;
  /** This process's name in leases (host, pid and a random part: a restarted process is a new owner). */
  readonly owner: string;
  /**
   * On shutdown, how long the work in flight may take before the claims are given back anyway (a
   * poll then finds its lease gone and drops its results; its checkpoint stays).
   */
  readonly stopWaitMs: number;
}

export const DEFAULT_EVENT_ENGINE_OPTIONS: Omit<EventsOptions, 'workers' | 'publicUrl' | 'allowPrivateCallbackUrls' | 'owner'> = {
  retrySchedule: DEFAULT_RETRY_SCHEDULE_MS,
  leaseMs: 120_000,
  idleMs: 500,
  pollConcurrency: 64,
  deliveryConcurrency: 64,
  deliveryTimeoutMs: DEFAULT_DELIVERY_TIMEOUT_MS,
  circuitFailureThreshold: DEFAULT_CIRCUIT_BREAKER_OPTIONS.failureThreshold,
  circuitCoolDownMs: DEFAULT_CIRCUIT_BREAKER_OPTIONS.coolDownMs,
  retentionMs: 30 * 86_400_000,
  stopWaitMs: 8_000,
};


/** The options the environment sets (see Environment); `storeKind` decides the `auto` settings. */
export function eventsOptionsFrom(
  env: Environment,
  storeKind: 'embedded' | 'postgresql',
  overrides: Partial<EventsOptions> = {},
): EventsOptions {
  const auto = (value: string) => (value === 'auto' ? storeKind === 'embedded' : value === 'true');
  return {
    ...DEFAULT_EVENT_ENGINE_OPTIONS,
    workers: auto(env.HUB_EVENT_WORKERS),
    publicUrl: publicUrlOf(env),
    allowPrivateCallbackUrls: allowPrivateCallbackUrls(env, storeKind),
    ...(env.HUB_EVENT_RETRY_SCHEDULE ? { retrySchedule: parseRetrySchedule(env.HUB_EVENT_RETRY_SCHEDULE, 'HUB_EVENT_RETRY_SCHEDULE') } : {}),
    leaseMs: env.HUB_EVENT_LEASE_MS,
    // An attempt ends well within its claim's lease, so a delivery is never taken over while it is still running.
    deliveryTimeoutMs: Math.min(DEFAULT_EVENT_ENGINE_OPTIONS.deliveryTimeoutMs, Math.floor((env.HUB_EVENT_LEASE_MS * 2) / 3)),
    idleMs: env.HUB_EVENT_IDLE_MS,
    pollConcurrency: env.HUB_EVENT_POLL_CONCURRENCY,
    deliveryConcurrency: env.HUB_EVENT_DELIVERY_CONCURRENCY,
    circuitCoolDownMs: env.HUB_EVENT_CIRCUIT_COOLDOWN_MS,
    retentionMs: env.HUB_EVENT_RETENTION_DAYS * 86_400_000,
    // Most of the shutdown budget; the rest gives the claims back and closes the store.
    stopWaitMs: Math.floor(env.HUB_SHUTDOWN_TIMEOUT_MS * 0.8),
    owner: newOwnerId(),
    ...overrides,
  };
}
