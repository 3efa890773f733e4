import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The hub's Prometheus metrics, one registry per process. Labels are bounded by construction:
 * element keys, resource names the element declares, HTTP methods, status codes and a handful of
 * outcomes; never instance, organization or event ids, never URLs. Served at GET /metrics (see
 * the README's operations section); the Grafana dashboard in docs/grafana reads these names.
 */
export const hubRegistry = new Registry();

/** Latency buckets in seconds, from a cached answer (~1 ms) to a vendor timeout (15 s). */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15];

export const hubMetrics = {
  /** Every HTTP request the api answered, by its route pattern (never the concrete path). */
  httpRequestDuration: new Histogram({
    name: 'hub_http_request_duration_seconds',
    help: 'HTTP requests the api answered, by method, route pattern and status code',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [hubRegistry],
  }),
  hubCalls: new Counter({
    name: 'hub_calls_total',
    help: 'Hub calls (/hubs/{hub}/…) by element, resource, method and status code',
    labelNames: ['element', 'resource', 'method', 'status'] as const,
    registers: [hubRegistry],
  }),
  hubCallDuration: new Histogram({
    name: 'hub_call_duration_seconds',
    help: 'Latency of hub calls, from the request to the response sent, by element, resource, method and status code',
    labelNames: ['element', 'resource', 'method', 'status'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [hubRegistry],
  }),
  vendorCallDuration: new Histogram({
    name: 'hub_vendor_call_duration_seconds',
    help: 'Latency of each HTTP exchange with a vendor (retries are exchanges of their own), by element and outcome (2xx, 4xx, 429, 5xx, timeout, unreachable)',
    labelNames: ['element', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [hubRegistry],
  }),
  vendorCallErrors: new Counter({
    name: 'hub_vendor_call_errors_total',
    help: 'Vendor exchanges that failed: no answer (timeout, unreachable) or a 429/5xx answer, by element and outcome',
    labelNames: ['element', 'outcome'] as const,
    registers: [hubRegistry],
  }),
  cacheLookups: new Counter({
    name: 'hub_cache_lookups_total',
    help: 'Response-cache lookups of hub calls on instances with caching enabled, by result (hit, miss)',
    labelNames: ['result'] as const,
    registers: [hubRegistry],
  }),
  rateLimitRefusals: new Counter({
    name: 'hub_rate_limit_refusals_total',
    help: 'Hub calls refused with 429 by an organization rate limit',
    registers: [hubRegistry],
  }),
  pollLag: new Histogram({
    name: 'hub_poll_lag_seconds',
    help: 'How late a poll was claimed after it fell due',
    buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900],
    registers: [hubRegistry],
  }),
  pollDuration: new Histogram({
    name: 'hub_poll_duration_seconds',
    help: 'Duration of polls, by outcome (success, failure, lease_lost)',
    labelNames: ['outcome'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers: [hubRegistry],
  }),
  pollFailures: new Counter({
    name: 'hub_poll_failures_total',
    help: 'Polls that failed (the vendor or the configuration); the checkpoint stays and the poll is retried',
    registers: [hubRegistry],
  }),
  pollEventsFound: new Counter({
    name: 'hub_poll_events_found_total',
    help: 'New events polls found and stored (after deduplication)',
    registers: [hubRegistry],
  }),
  heldNotificationsExpired: new Counter({
    name: 'hub_held_notifications_expired_total',
    help: 'Held notifications (of a disabled instance or a suspended organization) deleted unsent after the retention window',
    registers: [hubRegistry],
  }),
  deliveries: new Counter({
    name: 'hub_deliveries_total',
    help: 'Delivery attempts of event notifications, by the notification status they led to (delivered, retry, failed)',
    labelNames: ['outcome'] as const,
    registers: [hubRegistry],
  }),
  deliveryDuration: new Histogram({
    name: 'hub_delivery_duration_seconds',
    help: 'Duration of delivery attempts, by the notification status they led to',
    labelNames: ['outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [hubRegistry],
  }),
  formulaExecutions: new Counter({
    name: 'hub_formula_executions_total',
    help: 'Formula executions this process finished, by status (success, failed, retry)',
    labelNames: ['status'] as const,
    registers: [hubRegistry],
  }),
  formulaExecutionDuration: new Histogram({
    name: 'hub_formula_execution_duration_seconds',
    help: 'Duration of formula executions this process finished, from claim to finish, by status',
    labelNames: ['status'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60, 300],
    registers: [hubRegistry],
  }),
  formulaScriptDuration: new Histogram({
    name: 'hub_formula_script_duration_seconds',
    help: 'Time of script and filter steps in the sandbox (a fresh QuickJS runtime each), whatever their outcome',
    buckets: [0.0005, 0.001, 0.0015, 0.002, 0.003, 0.005, 0.01, 0.025, 0.1, 1, 5],
    registers: [hubRegistry],
  }),
};

/** Exchanges with no answer: the vendor transport's words for them. */
export type VendorFailure = 'timeout' | 'unreachable';

/** One vendor exchange, as the element's transport reports it. */
export function recordVendorExchange(element: string, exchange: { readonly status?: number; readonly durationMs: number; readonly failure?: VendorFailure }): void {
  const outcome = exchange.status === undefined ? (exchange.failure ?? 'unreachable') : exchange.status === 429 ? '429' : `${Math.floor(exchange.status / 100)}xx`;
  hubMetrics.vendorCallDuration.observe({ element, outcome }, exchange.durationMs / 1000);
  if (exchange.status === undefined || exchange.status === 429 || exchange.status >= 500) hubMetrics.vendorCallErrors.inc({ element, outcome });
}

/** HTTP methods as labels: anything else is `other` (a client may send any token as a method). */
export function methodLabel(method: string): string {
  const upper = method.toUpperCase();
  return ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'].includes(upper) ? upper : 'other';
}

let processMetrics = false;

/** Node's and the process's own metrics (CPU, memory, event-loop lag, GC, handles), once per process. */
export function enableProcessMetrics(): void {
  if (processMetrics) return;
  processMetrics = true;
  collectDefaultMetrics({ register: hubRegistry });
}

/**
 * A gauge read at scrape time (backlog, open circuits, database pool). `read` returns label sets
 * with values; a read that fails leaves the gauge empty for that scrape rather than failing it.
 */
export function scrapeGauge<L extends string>(
  name: string,
  help: string,
  labelNames: readonly L[],
  read: () => Promise<readonly { labels: Partial<Record<L, string>>; value: number }[]> | readonly { labels: Partial<Record<L, string>>; value: number }[],
): Gauge<L> {
  const existing = hubRegistry.getSingleMetric(name);
  if (existing) hubRegistry.removeSingleMetric(name);
  return new Gauge<L>({
    name,
    help,
    labelNames,
    registers: [hubRegistry],
    async collect() {
      this.reset();
      try {
        for (const { labels, value } of await read()) this.set(labels, value);
      } catch {
        // The database may be away: readiness says so; the scrape still answers the rest.
      }
    },
  });
}
