import { hubMetrics } from './hub-metrics';
import { OperationsServer } from './operations-server';
import { ProcessState } from './process-state';

describe('OperationsServer (HUB_METRICS_PORT)', () => {
  const state = new ProcessState();
  let server: OperationsServer;
  beforeAll(async () => (server = await OperationsServer.start({ host: '127.0.0.1', port: 0, state, token: 'scrape-token-0123456789' })));
  afterAll(() => server.close());

  it('listens on loopback and serves the metrics for the bearer token only', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    hubMetrics.rateLimitRefusals.inc();
    const refused = await fetch(`${server.url}/metrics`);
    expect(refused.status).toBe(401);
    expect(await refused.text()).not.toContain('hub_rate_limit_refusals_total');
    const ok = await fetch(`${server.url}/metrics`, { headers: { authorization: 'Bearer scrape-token-0123456789' } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await ok.text()).toMatch(/^hub_rate_limit_refusals_total [1-9]/m);
    expect((await fetch(`${server.url}/other`)).status).toBe(404);
    expect((await fetch(`${server.url}/metrics`, { method: 'POST' })).status).toBe(405);
  });

  it('is live from the start and ready only while running', async () => {
    expect((await fetch(`${server.url}/health/live`)).status).toBe(200);
    const starting = await fetch(`${server.url}/health/ready`);
    expect(starting.status).toBe(503);
    expect(await starting.json()).toMatchObject({ ready: false, phase: 'starting' });
    state.running(async () => ({ kind: 'postgresql' }));
    expect(await (await fetch(`${server.url}/health/ready`)).json()).toMatchObject({ ready: true, database: { kind: 'postgresql' } });
    state.drain();
    expect((await fetch(`${server.url}/health/ready`)).status).toBe(503);
    expect((await fetch(`${server.url}/health/live`)).status).toBe(200);
  });
});
