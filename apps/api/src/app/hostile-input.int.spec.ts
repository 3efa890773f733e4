/**
 * No tenant can hurt the hub or reach inside it (issue 13), in-process on each store: the probe's
 * findings as regressions, then fast-check requests over every documented route and the hub-call
 * routes. Every answer is below 500 and within a bound, and no row of the tenant-owned tables
 * changes. Then: vendor URLs under the SSRF policy, and a vendor's unexpected answer as a 502.
 */
import {
  type BatteryContext,
  HOSTILE_INPUT_UNCHANGED_TABLES,
  type HostileRequest,
  TwilioDouble,
  hostileRequest,
  regressionRequests,
  registeredRoutes,
  runBattery,
  twiliov2Configuration,
} from '@hub/testing';
import { routesOf } from '@hub/http';
import fc from 'fast-check';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiHarness, type Organization, storesUnderTest } from '../testing/api-harness';

jest.setTimeout(240_000);

/** An answer within this (in-process, on a shared CI machine): a request that held the loop took seconds to minutes. */
const BOUND_MS = 3_000;
const RUNS = Number(process.env['HUB_FUZZ_RUNS'] ?? 300);

describe.each(storesUnderTest())('hostile input on the %s store', (_name, store) => {
  const harness = new ApiHarness(store);
  let double: TwilioDouble;
  let org: Organization;
  let other: Organization;
  let context: BatteryContext;
  let before = '';
  const cleanups: (() => Promise<void>)[] = [];

  const send = async (request: HostileRequest) =>
    harness.call(request.method, request.url, { raw: request.body, headers: { ...request.headers } });

  beforeAll(async () => {
    double = await TwilioDouble.start({ clock: 'system' });
    const account = double.addAccount({ friendlyName: 'Main' });
    double.seedMessages(account.sid, 30);
    [org, other] = await harness.start(['Hostile Org', 'Other Org']);
    const provisioned = await harness.call('POST', '/elements/api-v2/instances', {
      body: { element: { key: 'twiliov2' }, configuration: twiliov2Configuration(double, account), name: 'target' },
      auth: org.platform,
    });
    expect(provisioned.status).toBe(200);
    const instance = provisioned.body as { id: number; token: string };
    context = {
      // The API's routes (the admin web app's pages are files, and answer 503 here where it is not built).
      routes: registeredRoutes(routesOf(harness.app.getHttpAdapter().getInstance())).filter((r) => r.path.startsWith('/elements/api-v2/') || r.path.startsWith('/health')),
      authorizations: [org.platform, `${org.user}, Element ${instance.token}`, other.platform, '', 'User x, Organization y', 'Bearer \u0000'],
      ownIds: { id: String(instance.id) },
      platform: org.platform,
      hub: `${org.user}, Element ${instance.token}`,
      instanceId: String(instance.id),
    };
    await harness.close();
    before = await store.rawRows(harness.env, HOSTILE_INPUT_UNCHANGED_TABLES);
    await harness.restart();
  });
  afterAll(async () => {
    await harness.dispose();
    await double?.stop();
    for (const cleanup of cleanups) await cleanup();
  });

  it('answers each of the probe’s findings with a 4xx naming the problem, in time', async () => {
    for (const request of regressionRequests(context)) {
      const started = performance.now();
      const res = await send(request);
      const ms = performance.now() - started;
      expect({ label: request.label, status: res.status, fast: ms < BOUND_MS }).toEqual({ label: request.label, status: expect.any(Number), fast: true });
      // The LIKE is legitimate (no record matches); everything else is refused as the client's mistake.
      if (request.label.includes('LIKE')) expect(res.status).toBe(200);
      else expect({ label: request.label, refused: [400, 413].includes(res.status) }).toEqual({ label: request.label, refused: true });
      expect(res.body).toMatchObject({ ...(res.status >= 400 ? { requestId: expect.any(String), message: expect.any(String) } : {}) });
      expect(res.text.length).toBeLessThan(2_000); // errors name the first few fields, not 200,000
    }
  });

  it('names the field in each refusal', async () => {
    const messages = new Map<string, string>();
    for (const request of regressionRequests(context)) messages.set(request.label, ((await send(request)).body as { message?: string }).message ?? '');
    expect(messages.get('PATCH /instances/{id} name: null')).toContain('name');
    expect(messages.get('PATCH /instances/{id} maxCacheSize: 1e308')).toContain('maxCacheSize');
    expect(messages.get('PATCH /instances/{id} a NUL in a tag')).toContain('tags');
    expect(messages.get('GET /instances?searchText with a NUL')).toContain('searchText');
    expect(messages.get('POST /authentication with a NUL in the username')).toContain('username');
    expect(messages.get('GET /instances?page=99999999999999999999999')).toContain('page');
    expect(messages.get('POST /instances nested 10,000 deep')).toMatch(/deep/);
    expect(messages.get('POST /instances with 200,000 unknown keys')).toMatch(/limit|keys/);
  });

  it('answers fast-check requests over every route below 500 and within the bound', async () => {
    expect(context.routes.length).toBeGreaterThan(10);
    const failures: unknown[] = [];
    const property = fc.assert(
      fc.asyncProperty(hostileRequest(context), async (request) => {
        const report = await runBattery([request], send, BOUND_MS);
        if (report.failures.length > 0) failures.push(...report.failures);
        return report.failures.length === 0;
      }),
      { numRuns: RUNS, seed: Number(process.env['HUB_FUZZ_SEED'] ?? 13), endOnFailure: true },
    );
    await property.catch(() => undefined);
    expect(failures).toEqual([]); // the request, its status (or 'timeout') and how long it took
    await property;
  });

  it('changed no row of the tenant-owned tables, and the hub still answers', async () => {
    expect((await harness.call('GET', '/health')).status).toBe(200);
    await harness.close();
    const after = await store.rawRows(harness.env, HOSTILE_INPUT_UNCHANGED_TABLES);
    await harness.restart();
    expect(after).toEqual(before);
  });

  it('answers /hubs/messaging/accounts with a 502 naming Twilio when the vendor sends an unexpected shape', async () => {
    // Answers the credential check like Twilio, and the account list with whatever the loop sets.
    const sid = `AC${'1'.repeat(32)}`;
    let listBody = '';
    const vendor = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.url?.startsWith(`/2010-04-01/Accounts/${sid}.json`)) res.end(JSON.stringify({ sid, friendly_name: 'Main', status: 'active', type: 'Full' }));
      else res.end(listBody);
    });
    await new Promise<void>((resolve) => vendor.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => vendor.close(() => resolve())));
    const port = (vendor.address() as AddressInfo).port;
    const created = await harness.call('POST', '/elements/api-v2/instances', {
      body: { element: { key: 'twiliov2' }, configuration: { username: sid, password: 'secret', 'base.url': `http://127.0.0.1:${port}/2010-04-01/Accounts` }, name: 'shape' },
      auth: org.platform,
    });
    expect(created.status).toBe(200);
    const token = (created.body as { token: string }).token;
    for (const body of ['{"accounts":"nope"}', '{"accounts":[1,2]}', 'null', '[]', 'not json', '{}']) {
      listBody = body;
      const res = await harness.call('GET', '/elements/api-v2/hubs/messaging/accounts', { auth: `${org.user}, Element ${token}` });
      expect({ body, status: res.status }).toEqual({ body, status: 502 });
      expect((res.body as { message: string }).message).toContain('Twilio');
    }
  });
});

describe('vendor URLs under the SSRF policy (embedded store, private vendor URLs refused)', () => {
  const [, store] = storesUnderTest()[0];
  const harness = new ApiHarness(store, { HUB_ALLOW_PRIVATE_VENDOR_URLS: 'false' });
  let double: TwilioDouble;
  let org: Organization;
  let internal: Server;
  let internalHits = 0;

  beforeAll(async () => {
    double = await TwilioDouble.start({ clock: 'system' });
    internal = createServer((_req, res) => {
      internalHits++;
      res.end('internal admin page');
    });
    await new Promise<void>((resolve) => internal.listen(0, '127.0.0.1', resolve));
    [org] = await harness.start(['Probe Org']);
  });
  afterAll(async () => {
    await harness.dispose();
    await double?.stop();
    await new Promise((resolve) => internal.close(resolve));
  });

  const provision = (baseUrl: string) =>
    harness.call('POST', '/elements/api-v2/instances', {
      body: {
        element: { key: 'twiliov2' },
        configuration: { username: `AC${'0'.repeat(32)}`, password: 'secret', 'base.url': baseUrl },
        name: 'probe',
      },
      auth: org.platform,
    });

  it('refuses base.url on loopback, private and link-local addresses with a 400 naming base.url, and never connects', async () => {
    const port = (internal.address() as AddressInfo).port;
    for (const url of [
      `http://127.0.0.1:${port}/internal/admin/2010-04-01/Accounts`,
      'http://10.0.0.1/2010-04-01/Accounts',
      'http://169.254.169.254/2010-04-01/Accounts',
      'http://[::1]/2010-04-01/Accounts',
      `http://localhost:${port}/2010-04-01/Accounts`,
    ]) {
      const res = await provision(url);
      expect({ url, status: res.status }).toEqual({ url, status: 400 });
      expect((res.body as { message: string }).message).toContain("'base.url'");
    }
    expect(internalHits).toBe(0);
  });

  it('refuses a public host outside the element’s vendor hosts (*.twilio.com) without resolving it', async () => {
    const res = await provision('https://attacker.example/2010-04-01/Accounts');
    expect(res.status).toBe(400);
    expect((res.body as { message: string }).message).toMatch(/base\.url.*\*\.twilio\.com/);
  });

  it('gives the same answer whether something listens on a port or not', async () => {
    const open = (internal.address() as AddressInfo).port;
    const closed = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const answers = await Promise.all([open, closed].map(async (port) => (await provision(`http://127.0.0.1:${port}/2010-04-01/Accounts`)).body as { message: string }));
    expect(answers[0].message.replace(String(open), 'PORT')).toBe(answers[1].message.replace(String(closed), 'PORT'));
  });
});
