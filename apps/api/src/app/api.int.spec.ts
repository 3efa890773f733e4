/**
 * The platform API in-process (Fastify inject), on each store the hub supports: the embedded
 * store (PGlite in a data folder, as `npm start` runs it) and PostgreSQL when TEST_DATABASE_URL
 * is set. Vendor calls go to the Twilio test double with the real `twilio` library.
 */
import { TwilioDouble } from '@hub/testing';
import { ApiHarness, type Reply, storesUnderTest } from '../testing/api-harness';

jest.setTimeout(60_000);

const TABLES = ['organizations', 'users', 'instances', 'instance_configuration'];

describe.each(storesUnderTest())('platform API on the %s store', (_name, store) => {
  const harness = new ApiHarness(store);
  let double: TwilioDouble;
  let account: { sid: string; authToken: string };
  let auth: string;
  let otherAuth: string;

  const call = (method: string, url: string, body?: unknown, authorization = auth, raw?: string): Promise<Reply> =>
    harness.call(method, url, { body, auth: authorization, raw });

  const seedV2 = () => ({
    element: { key: 'twiliov2' },
    configuration: { username: account.sid, password: account.authToken, 'base.url': double.accountsUrl },
    tags: ['seed'],
    name: 'Test',
  });

  beforeAll(async () => {
    double = await TwilioDouble.start();
    account = double.addAccount({ friendlyName: 'Main account' });
    const [a, b] = await harness.start(['Org A', 'Org B']);
    auth = a.platform;
    otherAuth = b.platform;
  });

  afterAll(async () => {
    await harness.dispose();
    await double?.stop();
  });

  async function instanceCount(authorization = auth): Promise<number> {
    const list = await call('GET', '/elements/api-v2/instances', undefined, authorization);
    return (list.body as unknown[]).length;
  }

  describe('provisioning the seed requests', () => {
    it('provisions twiliov2 with the seed request and answers the documented instance, password masked', async () => {
      const before = double.requestCount;
      const res = await call('POST', '/elements/api-v2/instances', seedV2());
      expect(res.status).toBe(200);
      expect(double.requestCount).toBe(before + 1);
      expect(double.requests[double.requests.length - 1]).toMatchObject({ method: 'GET' });
      const instance = res.body as Record<string, unknown>;
      expect(instance).toMatchObject({
        name: 'Test',
        tags: ['seed'],
        element: {
          id: 503,
          name: 'Twilio V2',
          key: 'twiliov2',
          hub: 'messaging',
          image: 'elements/provider_twilio.png',
          active: true,
          deleted: false,
          typeOauth: false,
          trialAccount: false,
          resources: [],
        },
        provisionInteractions: [],
        valid: true,
        disabled: false,
        maxCacheSize: 0,
        cacheTimeToLive: 0,
        cachingEnabled: false,
        eventsEnabled: false,
        traceLoggingEnabled: false,
        externalAuthentication: 'none',
        user: { emailAddress: 'org-a@example.test' },
        configuration: {
          'base.url': double.accountsUrl,
          username: account.sid,
          password: '********',
          'pagination.type': 'page',
          'pagination.max': '100',
          'pagination.page.startindex': '0',
          'event.vendor.type': 'polling',
          'event.poller.refresh_interval': '15',
          'event.notification.enabled': 'false',
          'event.notification.callback.url': null,
          'event.poller.configuration':
            '{"messages":{"url":"/hubs/messaging/messages?where=DateSent=\'${date:yyyy-MM-dd\'T\'HH:mm:ssXXX}\'","idField":"sid"}}',
        },
      });
      expect(typeof instance['id']).toBe('number');
      expect(Buffer.from(String(instance['token']), 'base64').length).toBeGreaterThanOrEqual(32);
      expect(new Date(String(instance['createdDate'])).toString()).not.toBe('Invalid Date');
      for (const value of Object.values(instance['configuration'] as object)) {
        expect(value === null || typeof value === 'string').toBe(true);
      }
      expect(res.text).not.toContain(account.authToken);
      expect(res.headers['elements-request-id']).toEqual(expect.any(String));

      const again = await call('GET', `/elements/api-v2/instances/${instance['id']}`);
      expect(again.status).toBe(200);
      expect(again.body).toEqual(instance);
    });

    it('provisions twilio (SMS) with the Open Connectors seed request, token masked', async () => {
      const res = await call('POST', '/elements/api-v2/instances', {
        element: { key: 'twilio' },
        configuration: {
          'messaging.sms.twilio.protocol': 'sms',
          'messaging.sms.twilio.account': account.sid,
          'messaging.sms.twilio.sender': '+15005550006',
          'messaging.sms.twilio.token': account.authToken,
          'messaging.sms.twilio.callback.url': 'https://www.mycoolapp.com/auth',
          'base.url': double.accountsUrl,
        },
        tags: ['sms'],
        name: 'SMS',
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        element: { id: 7, key: 'twilio', name: 'Twilio SMS', typeOauth: true, trialAccount: true },
        configuration: {
          'messaging.sms.twilio.token': '********',
          'messaging.sms.twilio.account': account.sid,
          'messaging.sms.twilio.sender': '+15005550006',
        },
      });
      expect(res.text).not.toContain(account.authToken);
    });

    it('provisions through POST /elements/{keyOrId}/instances by key and by id, the element.id form too', async () => {
      const { element: _e, ...withoutElement } = seedV2();
      expect((await call('POST', '/elements/api-v2/elements/twiliov2/instances', withoutElement)).status).toBe(200);
      expect((await call('POST', '/elements/api-v2/elements/503/instances', withoutElement)).status).toBe(200);
      expect((await call('POST', '/elements/api-v2/instances', { ...seedV2(), element: { id: 503 } })).status).toBe(200);
    });

    it('accepts every field the old platform accepted on an instance', async () => {
      const res = await call('POST', '/elements/api-v2/instances', {
        ...seedV2(),
        providerData: { anything: 1 },
        externalAuthentication: 'none',
        cachingEnabled: true,
        maxCacheSize: 50,
        cacheTimeToLive: 60,
        traceLoggingEnabled: true,
        retrieveObjectsAfterInstantiation: false,
        element: { key: 'twiliov2', id: 503 },
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ cachingEnabled: true, maxCacheSize: 50, cacheTimeToLive: 60, traceLoggingEnabled: true, providerData: { anything: 1 } });
    });

    it('strips HTML from names and tags, as the old platform did', async () => {
      const res = await call('POST', '/elements/api-v2/instances', { ...seedV2(), name: '<b>Bold</b> name', tags: ['<i>x</i>'] });
      expect(res.body).toMatchObject({ name: 'Bold name', tags: ['x'] });
    });
  });

  describe('bad input: a 4xx naming what is wrong, and nothing stored', () => {
    const cases: [string, () => { body?: unknown; raw?: string; url?: string }, number, RegExp][] = [
      ['malformed JSON', () => ({ raw: '{"name": "x",' }), 400, /^Malformed JSON: the request body is not valid JSON$/],
      ['an unknown element key', () => ({ body: { ...seedV2(), element: { key: 'nope' } } }), 404, /No element with key or id 'nope'/],
      ['an unknown element id', () => ({ body: { ...seedV2(), element: { id: 999 } } }), 404, /'999'/],
      ['an unknown element in the path', () => ({ url: '/elements/api-v2/elements/nope/instances', body: { name: 'x' } }), 404, /'nope'/],
      ['no element', () => ({ body: { name: 'x', configuration: {} } }), 400, /element is required/],
      ['every missing required entry', () => ({ body: { ...seedV2(), configuration: {} } }), 400, /Missing required configuration entries: username, password/],
      ['a configuration value of the wrong type', () => ({ body: { ...seedV2(), configuration: { ...seedV2().configuration, 'pagination.max': 'lots' } } }), 400, /'pagination.max' must be an integer/],
      ['a value outside its allowed values', () => ({ body: { ...seedV2(), configuration: { ...seedV2().configuration, 'pagination.type': 'scroll' } } }), 400, /'pagination.type' must be one of page, offset, cursor/],
      ['a malformed Account SID', () => ({ body: { ...seedV2(), configuration: { ...seedV2().configuration, username: 'TWILIO_ACCOUNT_SID' } } }), 400, /'username' must be a Twilio Account SID/],
      ['an unknown configuration key', () => ({ body: { ...seedV2(), configuration: { ...seedV2().configuration, colour: 'red' } } }), 400, /'colour' is not a configuration entry/],
      ['a name that is not a string', () => ({ body: { ...seedV2(), name: 42 } }), 400, /^'name' must be a string$/],
      ['a missing name', () => ({ body: { ...seedV2(), name: undefined } }), 400, /name is required/],
      ['a tag that is not a string', () => ({ body: { ...seedV2(), tags: ['ok', 7] } }), 400, /^'tags' must be an array of strings$/],
      ['tags that are not an array', () => ({ body: { ...seedV2(), tags: 'x' } }), 400, /^'tags' must be an array of strings$/],
      ['an unknown top-level field', () => ({ body: { ...seedV2(), colour: 'red' } }), 400, /unknown field 'colour'/],
      ['an unknown field inside element', () => ({ body: { ...seedV2(), element: { key: 'twiliov2', owner: 1 } } }), 400, /unknown field 'element.owner'/],
      ['a body that is not an object', () => ({ raw: '[1,2]' }), 400, /./],
      ['a wrong-typed cachingEnabled', () => ({ body: { ...seedV2(), cachingEnabled: 'yes' } }), 400, /^'cachingEnabled' must be a boolean$/],
      ['credentials Twilio rejects', () => ({ body: { ...seedV2(), configuration: { ...seedV2().configuration, password: 'wrong-token' } } }), 400, /Twilio rejected the credentials/],
    ];

    it.each(cases)('%s', async (_label, make, status, message) => {
      const before = await instanceCount();
      const { body, raw, url } = make();
      const res = await call('POST', url ?? '/elements/api-v2/instances', body, auth, raw);
      expect(res.status).toBe(status);
      expect(res.body).toEqual(expect.objectContaining({ requestId: res.headers['elements-request-id'], message: expect.stringMatching(message) }));
      expect(await instanceCount()).toBe(before);
    });

    it('passes Twilio’s own words through when it rejects the credentials', async () => {
      const res = await call('POST', '/elements/api-v2/instances', { ...seedV2(), configuration: { ...seedV2().configuration, password: 'wrong' } });
      expect(res.body).toMatchObject({ providerMessage: expect.any(String), providerCode: 20003 });
    });

    it('refuses a body over its route’s limit (1 MiB for instances) with 413', async () => {
      const before = await instanceCount();
      const res = await call('POST', '/elements/api-v2/instances', undefined, auth, JSON.stringify({ ...seedV2(), name: 'x'.repeat(1024 * 1024 + 10) }));
      expect(res.status).toBe(413);
      expect(res.body).toMatchObject({ requestId: expect.any(String), message: "Request body is larger than this route's limit of 1 MiB" });
      expect(await instanceCount()).toBe(before);
    });

    it('answers 502 when Twilio fails or cannot be reached, 504 when it is too slow; nothing stored', async () => {
      const before = await instanceCount();
      double.faults.next({ status: 500 });
      const failing = await call('POST', '/elements/api-v2/instances', seedV2());
      expect(failing.status).toBe(502);
      double.faults.next({ reset: true });
      const reset = await call('POST', '/elements/api-v2/instances', seedV2());
      expect(reset.status).toBe(502);
      expect(reset.body).toMatchObject({ message: expect.stringContaining('could not be reached') });
      const unreachable = await call('POST', '/elements/api-v2/instances', {
        ...seedV2(),
        configuration: { ...seedV2().configuration, 'base.url': 'http://127.0.0.1:9/2010-04-01/Accounts' },
      });
      expect(unreachable.status).toBe(502);
      double.faults.next({ delayMs: 3000 });
      const slow = await call('POST', '/elements/api-v2/instances', seedV2());
      expect(slow.status).toBe(504);
      expect(slow.body).toMatchObject({ message: expect.stringContaining('did not answer within 1500 ms') });
      expect(await instanceCount()).toBe(before);
    });
  });

  describe('authentication and tenancy', () => {
    it('answers 401 with the error body when the secrets are missing or wrong', async () => {
      for (const authorization of ['', 'User nope, Organization nope', auth.split(',')[0]]) {
        const res = await call('GET', '/elements/api-v2/instances', undefined, authorization);
        expect(res.status).toBe(401);
        expect(res.body).toEqual({ requestId: res.headers['elements-request-id'], message: expect.stringMatching(/Authorization|not valid/) });
      }
    });

    it('refuses a user secret paired with another organization’s secret', async () => {
      const mixed = `${auth.split(',')[0]}, ${otherAuth.split(',')[1].trim()}`;
      expect((await call('GET', '/elements/api-v2/instances', undefined, mixed)).status).toBe(401);
    });

    it('never shows or changes another organization’s instance: 404', async () => {
      const mine = (await call('POST', '/elements/api-v2/instances', seedV2())).body as { id: number };
      const path = `/elements/api-v2/instances/${mine.id}`;
      for (const [method, body] of [['GET'], ['PUT', { name: 'x' }], ['PATCH', { name: 'x' }], ['DELETE']] as const) {
        const res = await call(method, path, body, otherAuth);
        expect(res.status).toBe(404);
        expect(res.text).not.toContain(account.sid);
      }
      expect((await call('GET', `${path}/configuration`, undefined, otherAuth)).status).toBe(404);
      expect((await call('DELETE', `${path}/enabled`, undefined, otherAuth)).status).toBe(404);
      expect(await instanceCount(otherAuth)).toBe(0);
      expect((await call('GET', path)).status).toBe(200);
    });
  });

  describe('managing instances', () => {
    let id: number;
    beforeAll(async () => {
      id = ((await call('POST', '/elements/api-v2/instances', { ...seedV2(), name: 'Managed', tags: ['alpha', 'beta'] })).body as { id: number }).id;
    });

    it('lists with tags[] and searchText filters, [] when nothing matches, with count headers', async () => {
      const byTags = await call('GET', '/elements/api-v2/instances?tags[]=alpha&tags[]=beta');
      expect((byTags.body as { id: number }[]).map((i) => i.id)).toEqual([id]);
      const bySearch = await call('GET', '/elements/api-v2/instances?searchText=manag');
      expect((bySearch.body as { id: number }[]).map((i) => i.id)).toEqual([id]);
      const none = await call('GET', '/elements/api-v2/instances?searchText=no-such-instance');
      expect(none.status).toBe(200);
      expect(none.body).toEqual([]);
      const paged = await call('GET', '/elements/api-v2/instances?pageSize=1&page=1');
      expect((paged.body as unknown[]).length).toBe(1);
      expect(Number(paged.headers['elements-total-count'])).toBeGreaterThan(1);
      expect(paged.headers['elements-next-page-token']).toBe('2');
      expect((await call('GET', '/elements/api-v2/instances?pageSize=0')).status).toBe(400);
    });

    it('patches name and configuration; the change shows at once, masked', async () => {
      const res = await call('PATCH', `/elements/api-v2/instances/${id}`, {
        name: 'Renamed',
        configuration: { 'event.notification.callback.url': 'https://example.test/hook', 'filter.response.nulls': false },
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        name: 'Renamed',
        tags: ['alpha', 'beta'],
        configuration: { 'event.notification.callback.url': 'https://example.test/hook', 'filter.response.nulls': 'false', password: '********' },
      });
    });

    it('re-checks credentials when they change, and keeps the old ones when Twilio refuses the new', async () => {
      const refused = await call('PATCH', `/elements/api-v2/instances/${id}`, { configuration: { password: 'bad' } });
      expect(refused.status).toBe(400);
      const masked = await call('PATCH', `/elements/api-v2/instances/${id}`, { configuration: { password: '********' } });
      expect(masked.status).toBe(200);
    });

    it('PUT replaces: tags [] clears, name required', async () => {
      const res = await call('PUT', `/elements/api-v2/instances/${id}`, { name: 'Replaced', tags: [] });
      expect(res.body).toMatchObject({ name: 'Replaced', tags: [] });
      expect((await call('PUT', `/elements/api-v2/instances/${id}`, { tags: [] })).status).toBe(400);
      expect((await call('PUT', `/elements/api-v2/instances/${id}`, { name: 'x', element: { key: 'twilio' } })).status).toBe(400);
    });

    it('lists configuration entries and patches one by id or key', async () => {
      const list = await call('GET', `/elements/api-v2/instances/${id}/configuration`);
      const entries = list.body as { id: number; key: string; name: string; propertyValue: string | null }[];
      expect(entries.find((e) => e.key === 'password')).toMatchObject({ propertyValue: '********', name: 'Auth Token' });
      const interval = entries.find((e) => e.key === 'event.poller.refresh_interval');
      const patched = await call('PATCH', `/elements/api-v2/instances/${id}/configuration/${interval?.id}`, { propertyValue: '5' });
      expect(patched.body).toMatchObject({ key: 'event.poller.refresh_interval', propertyValue: '5' });
      const bad = await call('PATCH', `/elements/api-v2/instances/${id}/configuration/event.poller.refresh_interval`, { propertyValue: '0' });
      expect(bad.status).toBe(400);
      expect(bad.body).toMatchObject({ message: expect.stringContaining("'event.poller.refresh_interval' must be an integer of at least 1") });
      expect((await call('PATCH', `/elements/api-v2/instances/${id}/configuration/999999`, { propertyValue: 'x' })).status).toBe(404);
    });

    it('disables and enables', async () => {
      expect((await call('DELETE', `/elements/api-v2/instances/${id}/enabled`)).body).toMatchObject({ disabled: true });
      expect((await call('GET', `/elements/api-v2/instances/${id}`)).body).toMatchObject({ disabled: true });
      expect((await call('PUT', `/elements/api-v2/instances/${id}/enabled`)).body).toMatchObject({ disabled: false });
    });

    it('refuses ids that are not positive integers', async () => {
      const res = await call('GET', '/elements/api-v2/instances/abc');
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ message: "instance id must be a positive integer, not 'abc'" });
    });

    it('deletes, after which the instance is gone', async () => {
      expect((await call('DELETE', `/elements/api-v2/instances/${id}`)).status).toBe(200);
      expect((await call('GET', `/elements/api-v2/instances/${id}`)).status).toBe(404);
      expect((await call('DELETE', `/elements/api-v2/instances/${id}`)).status).toBe(404);
    });
  });

  describe('the element catalog', () => {
    it('lists both Twilio elements and describes their configuration', async () => {
      const list = await call('GET', '/elements/api-v2/elements');
      expect((list.body as { key: string }[]).map((e) => e.key)).toEqual(expect.arrayContaining(['twilio', 'twiliov2']));
      const config = await call('GET', '/elements/api-v2/elements/503/configuration');
      expect(config.body).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ key: 'password', name: 'Auth Token', type: 'string', required: true, secret: true, default: null }),
          expect.objectContaining({ key: 'base.url', required: false, default: 'https://api.twilio.com/2010-04-01/Accounts' }),
        ]),
      );
      expect((await call('GET', '/elements/api-v2/elements/twilio')).body).toMatchObject({ id: 7, configuration: expect.any(Array) });
      expect((await call('GET', '/elements/api-v2/elements/twiliov2/metadata')).body).toMatchObject({
        events: { supported: true, methods: ['polling', 'webhook'] },
      });
      expect((await call('GET', '/elements/api-v2/elements/nope')).status).toBe(404);
    });
  });

  describe('operations', () => {
    it('reports health with the database and serves the OpenAPI document, with a request id on every response', async () => {
      const health = await call('GET', '/health', undefined, '');
      expect(health.status).toBe(200);
      expect(health.body).toMatchObject({ status: 'ok', database: { status: 'up', kind: store.name } });
      const docs = await call('GET', '/elements/api-v2/docs', undefined, '');
      expect(docs.body).toMatchObject({ openapi: expect.stringMatching(/^3\./), paths: expect.objectContaining({ '/elements/api-v2/instances': expect.any(Object) }) });
      const missing = await call('GET', '/elements/api-v2/no-such-route');
      expect(missing.status).toBe(404);
      expect(missing.body).toMatchObject({ requestId: missing.headers['elements-request-id'] });
    });

    it('writes structured JSON logs with request ids and never a secret', async () => {
      const all = harness.logs.join('');
      expect(all.length).toBeGreaterThan(0);
      const lines = all.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines.some((l) => typeof l['requestId'] === 'string')).toBe(true);
      expect(all).not.toContain(account.authToken);
      expect(all).not.toContain(auth.split(' ')[1].replace(',', ''));
    });

    it('stores no secret in clear, and keeps every instance across a restart', async () => {
      const created = (await call('POST', '/elements/api-v2/instances', { ...seedV2(), name: 'Survivor' })).body as Record<string, unknown>;
      await harness.close();
      const raw = await store.rawRows(harness.env, TABLES);
      expect(raw).toContain('Survivor');
      expect(raw).toContain(account.sid);
      expect(raw).not.toContain(account.authToken);
      expect(raw).not.toContain(String(created['token']));
      expect(raw).not.toContain(auth.split(' ')[1].replace(',', ''));
      await harness.restart();
      const again = await call('GET', `/elements/api-v2/instances/${created['id']}`);
      expect(again.body).toEqual(created);
    });
  });
});
