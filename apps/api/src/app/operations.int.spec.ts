/**
 * Running the hub as a service, in-process on each store: GET /metrics (Prometheus' text format,
 * behind HUB_METRICS_TOKEN) names every series the dashboard reads, and they move when hub calls,
 * vendor calls, cache lookups, rate-limit refusals, polls and deliveries happen; the probes tell
 * liveness from readiness, and readiness turns false once the process drains.
 */
import { RateLimiter } from '@hub/runtime';
import { ProcessState } from '@hub/metrics';
import { STORE } from '@hub/runtime';
import type { Store } from '@hub/store';
import { CallbackReceiver, eventually, pollingEvents, TwilioDouble, twiliov2Configuration } from '@hub/testing';
import { ApiHarness, type Organization, storesUnderTest } from '../testing/api-harness';

jest.setTimeout(120_000);

const TOKEN = 'metrics-token-for-tests-0123456789';

/** Prometheus text → value per `name{labels}` (labels as printed, sorted by prom-client). */
function parseMetrics(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    values.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return values;
}

describe.each(storesUnderTest())('metrics and probes on the %s store', (name, storeUnderTest) => {
  const state = new ProcessState();
  const harness = new ApiHarness(
    storeUnderTest,
    {
      HUB_METRICS_TOKEN: TOKEN,
      HUB_EVENT_WORKERS: 'true',
      HUB_ALLOW_PRIVATE_CALLBACK_URLS: 'true',
      HUB_EVENT_IDLE_MS: '50',
    },
    { state },
  );
  let double: TwilioDouble;
  let receiver: CallbackReceiver;
  let org: Organization;

  const scrape = async () => {
    const res = await harness.call('GET', '/metrics', { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    return parseMetrics(res.text);
  };
  /** How much each series moved while `action` ran (0 for a series that did not exist before or after). */
  const movedBy = async (action: () => Promise<unknown>) => {
    const before = await scrape();
    await action();
    const after = await scrape();
    return (series: string) => (after.get(series) ?? 0) - (before.get(series) ?? 0);
  };
  const api = (method: string, path: string, body?: unknown) => harness.call(method, `/elements/api-v2${path}`, { body, auth: org.platform });

  beforeAll(async () => {
    double = await TwilioDouble.start({ clock: 'system' });
    receiver = await CallbackReceiver.start();
    [org] = await harness.start(['Metrics Org']);
  });
  afterAll(async () => {
    await harness.dispose();
    await receiver?.stop();
    await double?.stop();
  });

  it('refuses GET /metrics without the bearer token, and serves Prometheus text with it', async () => {
    const none = await harness.call('GET', '/metrics');
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer');
    expect(none.text).not.toContain('hub_');
    expect((await harness.call('GET', '/metrics', { headers: { authorization: `Bearer ${TOKEN}x` } })).status).toBe(401);
    expect((await harness.call('GET', '/metrics', { auth: org.platform })).status).toBe(401);
    expect((await harness.call('GET', '/elements/api-v2/metrics', { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(404);

    const ok = await harness.call('GET', '/metrics', { headers: { authorization: `bearer ${TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(ok.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const names = new Set([...ok.text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]));
    for (const series of [
      'hub_http_request_duration_seconds',
      'hub_calls_total',
      'hub_call_duration_seconds',
      'hub_vendor_call_duration_seconds',
      'hub_vendor_call_errors_total',
      'hub_cache_lookups_total',
      'hub_rate_limit_refusals_total',
      'hub_poll_lag_seconds',
      'hub_poll_duration_seconds',
      'hub_poll_failures_total',
      'hub_poll_events_found_total',
      'hub_deliveries_total',
      'hub_delivery_duration_seconds',
      'hub_delivery_backlog',
      'hub_delivery_circuits_open',
      'hub_formula_executions_total',
      'hub_formula_execution_duration_seconds',
      'hub_db_pool_connections',
      'process_cpu_user_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_seconds',
    ]) {
      expect(names).toContain(series);
    }
    // The pool's counts exist on PostgreSQL only (the embedded store is one in-process connection).
    expect(ok.text.includes('hub_db_pool_connections{state="total"}')).toBe(name === 'postgresql');
  });

  it('counts hub calls by element, resource, method and status, with vendor latency, errors, cache hits and misses and rate-limit refusals', async () => {
    const account = double.addAccount();
    const created = await api('POST', '/instances', {
      element: { key: 'twiliov2' },
      name: 'measured',
      configuration: twiliov2Configuration(double, account),
    });
    expect(created.status).toBe(200);
    const { id, token } = created.body as { id: number; token: string };
    const hub = (path: string) => harness.call('GET', `/elements/api-v2/hubs/messaging${path}`, { auth: `${org.user}, Element ${token}` });

    const calls = await movedBy(async () => {
      expect((await hub('/messages?pageSize=1')).status).toBe(200);
      expect((await hub('/messages?pageSize=1')).status).toBe(200);
      expect((await hub('/no-such-resource')).status).toBe(404);
      expect((await harness.call('GET', '/elements/api-v2/hubs/messaging/messages')).status).toBe(401);
      double.faults.next({ status: 500, path: /\/Messages\.json$/ });
      expect((await hub('/messages?pageSize=2')).status).toBeGreaterThanOrEqual(500);
    });
    expect(calls('hub_calls_total{element="twiliov2",resource="messages",method="GET",status="200"}')).toBe(2);
    expect(calls('hub_calls_total{element="twiliov2",resource="other",method="GET",status="404"}')).toBe(1);
    expect(calls('hub_calls_total{element="none",resource="none",method="GET",status="401"}')).toBe(1);
    expect(calls('hub_call_duration_seconds_count{element="twiliov2",resource="messages",method="GET",status="200"}')).toBe(2);
    expect(calls('hub_vendor_call_duration_seconds_count{element="twiliov2",outcome="2xx"}')).toBe(2);
    expect(calls('hub_vendor_call_errors_total{element="twiliov2",outcome="5xx"}')).toBe(1);
    expect(calls('hub_http_request_duration_seconds_count{method="GET",route="/elements/api-v2/hubs/:hub/:resource",status="200"}')).toBe(2);

    await api('PATCH', `/instances/${id}`, { cachingEnabled: true, maxCacheSize: 10, cacheTimeToLive: 60 });
    const cache = await movedBy(async () => {
      expect((await hub('/messages?pageSize=3')).headers['elements-cache']).toBe('MISS');
      expect((await hub('/messages?pageSize=3')).headers['elements-cache']).toBe('HIT');
    });
    expect(cache('hub_cache_lookups_total{result="miss"}')).toBe(1);
    expect(cache('hub_cache_lookups_total{result="hit"}')).toBe(1);
    expect(cache('hub_vendor_call_duration_seconds_count{element="twiliov2",outcome="2xx"}')).toBe(1);

    const store = harness.app.get<Store>(STORE);
    const tenant = await store.tenants.authenticate(org.secrets.user, org.secrets.organization);
    await store.rateLimits.set(tenant?.organizationId ?? 0, { requestsPerSecond: 0.01, burst: 1 });
    harness.app.get(RateLimiter).forget();
    try {
      const limited = await movedBy(async () => {
        expect((await hub('/messages?pageSize=4')).status).toBe(200);
        expect((await hub('/messages?pageSize=4')).status).toBe(429);
      });
      expect(limited('hub_rate_limit_refusals_total')).toBe(1);
      expect(limited('hub_calls_total{element="twiliov2",resource="messages",method="GET",status="429"}')).toBe(1);
    } finally {
      await store.rateLimits.set(tenant?.organizationId ?? 0, null);
      harness.app.get(RateLimiter).forget();
    }
  });

  it('counts polls (lag, duration, events found, failures) and deliveries (outcomes, latency), and shows the backlog', async () => {
    const account = double.addAccount();
    const created = await api('POST', '/instances', {
      element: { key: 'twiliov2' },
      name: 'polled',
      configuration: twiliov2Configuration(double, account, pollingEvents(receiver.url)),
    });
    expect(created.status).toBe(200);
    const { id } = created.body as { id: number };
    for (let i = 0; i < 3; i++) double.addInboundMessage({ accountSid: account.sid, from: '+15005550006', to: '+15005550001', body: `m${i}` });

    receiver.received.length = 0;
    const polled = await movedBy(async () => {
      expect((await api('POST', `/instances/${id}/events/poller/run`)).status).toBe(200);
      await receiver.waitForDelivered(1);
      // the delivery is counted before its outcome is stored: wait until the log shows it
      await eventually('the delivery to be logged', async () => {
        const log = await api('GET', `/instances/${id}/events`);
        return (log.body as { status: string }[]).some((e) => e.status === 'delivered') || undefined;
      });
    });
    expect(polled('hub_poll_duration_seconds_count{outcome="success"}')).toBe(1);
    expect(polled('hub_poll_lag_seconds_count')).toBe(1);
    expect(polled('hub_poll_events_found_total')).toBe(3);
    expect(polled('hub_deliveries_total{outcome="delivered"}')).toBe(1);
    expect(polled('hub_delivery_duration_seconds_count{outcome="delivered"}')).toBe(1);

    // A receiver that fails: the notification waits for a retry, and the backlog shows it.
    receiver.respondWith = () => 503;
    double.addInboundMessage({ accountSid: account.sid, from: '+15005550006', to: '+15005550001', body: 'later' });
    const retried = await movedBy(async () => {
      expect((await api('POST', `/instances/${id}/events/poller/run`)).status).toBe(200);
      await eventually('a failed attempt', () => receiver.received.find((r) => r.answered === 503));
      await eventually('the retry to be scheduled', async () => {
        const log = await api('GET', `/instances/${id}/events`);
        return (log.body as { status: string }[]).some((e) => e.status === 'retry') || undefined;
      });
    });
    expect(retried('hub_deliveries_total{outcome="retry"}')).toBeGreaterThanOrEqual(1);
    expect((await scrape()).get('hub_delivery_backlog{status="retry"}')).toBe(1);
    receiver.respondWith = () => 200;

    // A poll that fails at the vendor.
    double.faults.next({ status: 500, path: /\/Messages\.json$/, times: Infinity });
    try {
      const failed = await movedBy(async () => {
        const before = (await scrape()).get('hub_poll_failures_total') ?? 0;
        expect((await api('POST', `/instances/${id}/events/poller/run`)).status).toBe(200);
        await eventually('the poll to fail', async () => ((await scrape()).get('hub_poll_failures_total') ?? 0) > before || undefined);
      });
      expect(failed('hub_poll_failures_total')).toBe(1);
      expect(failed('hub_poll_duration_seconds_count{outcome="failure"}')).toBe(1);
    } finally {
      double.faults.clear();
    }
  });

  it('answers liveness and readiness apart; readiness turns false while the process drains, /health stays as it was', async () => {
    expect(await harness.call('GET', '/health/live')).toMatchObject({ status: 200, body: { status: 'ok', phase: 'running' } });
    expect(await harness.call('GET', '/health/ready')).toMatchObject({
      status: 200,
      body: { status: 'ok', ready: true, phase: 'running', database: { status: 'up', kind: name } },
    });
    state.drain();
    expect(await harness.call('GET', '/health/ready')).toMatchObject({ status: 503, body: { status: 'unavailable', ready: false, phase: 'draining' } });
    expect(await harness.call('GET', '/health/live')).toMatchObject({ status: 200, body: { status: 'ok', phase: 'draining' } });
    expect(await harness.call('GET', '/health')).toMatchObject({ status: 200, body: { status: 'ok' } });
  });
});
