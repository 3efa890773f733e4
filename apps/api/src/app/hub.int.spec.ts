/**
 * The hub API in-process on each store: twiliov2 and twilio instances against the Twilio double,
 * through the real `twilio` library. Errors before the vendor is called are proven by counting
 * the double's requests.
 */
import { TwilioDouble } from '@hub/testing';
import { ApiHarness, type Organization, storesUnderTest } from '../testing/api-harness';

jest.setTimeout(90_000);

type Json = Record<string, unknown>;

describe.each(storesUnderTest())('hub API on the %s store', (_name, store) => {
  const harness = new ApiHarness(store);
  let double: TwilioDouble;
  let account: { sid: string; authToken: string };
  let org: Organization;
  let other: Organization;
  let v2: { id: number; token: string };
  let sms: { id: number; token: string };

  const hub = (method: string, path: string, body?: unknown, instance = v2, who = org) =>
    harness.call(method, `/elements/api-v2/hubs/messaging${path}`, { body, auth: `${who.user}, Element ${instance.token}` });

  async function provision(body: Json): Promise<{ id: number; token: string }> {
    const res = await harness.call('POST', '/elements/api-v2/instances', { body, auth: org.platform });
    expect(res.status).toBe(200);
    return res.body as { id: number; token: string };
  }

  beforeAll(async () => {
    double = await TwilioDouble.start({ clock: 'system' });
    account = double.addAccount({ friendlyName: 'Main' });
    [org, other] = await harness.start(['Hub Org', 'Other Org']);
    v2 = await provision({
      element: { key: 'twiliov2' },
      configuration: { username: account.sid, password: account.authToken, 'base.url': double.accountsUrl },
      name: 'v2',
    });
    sms = await provision({
      element: { key: 'twilio' },
      configuration: {
        'messaging.sms.twilio.account': account.sid,
        'messaging.sms.twilio.token': account.authToken,
        'messaging.sms.twilio.sender': '+15005550006',
        'messaging.sms.twilio.callback.url': 'https://app.example.test/status',
        'base.url': double.accountsUrl,
      },
      name: 'sms',
    });
  });
  afterAll(async () => {
    await harness.dispose();
    await double?.stop();
  });

  describe('authorization', () => {
    it('answers 401 without the Element token, with an unknown one, or a user of another organization', async () => {
      const noToken = await harness.call('GET', '/elements/api-v2/hubs/messaging/ping', { auth: org.user });
      expect(noToken.status).toBe(401);
      expect((await hub('GET', '/ping', undefined, { id: 0, token: 'nope' })).status).toBe(401);
      expect((await hub('GET', '/ping', undefined, v2, other)).status).toBe(401);
    });

    it('answers 403 on a disabled instance at once, although its credentials were just resolved, and works again once enabled', async () => {
      expect((await hub('GET', '/ping')).status).toBe(200); // resolved credentials are now cached
      await harness.call('DELETE', `/elements/api-v2/instances/${v2.id}/enabled`, { auth: org.platform });
      const disabled = await hub('GET', '/ping');
      expect(disabled.status).toBe(403);
      expect(disabled.body).toMatchObject({ message: expect.stringContaining('disabled') });
      await harness.call('PUT', `/elements/api-v2/instances/${v2.id}/enabled`, { auth: org.platform });
      expect((await hub('GET', '/ping')).status).toBe(200);
    });

    it('accepts Organization beside User and Element, and answers 401 for a deleted instance', async () => {
      const withOrg = await harness.call('GET', '/elements/api-v2/hubs/messaging/ping', {
        auth: `${org.platform}, Element ${v2.token}`,
      });
      expect(withOrg.status).toBe(200);
      const doomed = await provision({
        element: { key: 'twiliov2' },
        configuration: { username: account.sid, password: account.authToken, 'base.url': double.accountsUrl },
        name: 'doomed',
      });
      await harness.call('DELETE', `/elements/api-v2/instances/${doomed.id}`, { auth: org.platform });
      expect((await hub('GET', '/ping', undefined, doomed)).status).toBe(401);
    });
  });

  describe('twiliov2 messages', () => {
    it('pings after a real credential check', async () => {
      const before = double.requestCount;
      const res = await hub('GET', '/ping');
      expect(res).toMatchObject({ status: 200, body: { endpoint: 'twiliov2', valid: true } });
      expect(res.headers['elements-element-instance-id']).toBe(String(v2.id));
      expect(double.requestCount).toBe(before + 1);
    });

    it('sends, fetches, lists with DateSent, redacts and deletes a message, in Twilio’s own JSON', async () => {
      const sent = await hub('POST', '/messages', { To: '+15005550010', From: '+15005550006', Body: 'Hello from the hub' });
      expect(sent.status).toBe(200);
      const message = sent.body as Json;
      expect(message).toMatchObject({ to: '+15005550010', from: '+15005550006', body: 'Hello from the hub', status: 'queued', direction: 'outbound-api' });
      expect(String(message['sid'])).toMatch(/^SM[0-9a-f]{32}$/);
      expect(String(message['date_created'])).toMatch(/^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} \+0000$/);
      expect(message).not.toHaveProperty('price'); // null, filtered by filter.response.nulls

      const fetched = await hub('GET', `/messages/${message['sid']}`);
      expect(fetched.body).toMatchObject({ sid: message['sid'] });

      await new Promise((r) => setTimeout(r, 2_100)); // the double sends after 2 s
      const today = new Date().toISOString().slice(0, 10);
      const listed = await hub('GET', `/messages?DateSent=${today}&To=%2B15005550010`);
      expect(listed.status).toBe(200);
      expect((listed.body as Json[]).map((m) => m['sid'])).toContain(message['sid']);
      const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
      expect(await hub('GET', `/messages?DateSent%3E=${tomorrow}&To=%2B15005550010`)).toMatchObject({ status: 200, body: [] });

      const redacted = await hub('PATCH', `/messages/${message['sid']}`, { Body: '' });
      expect(redacted).toMatchObject({ status: 200, body: { sid: message['sid'] } });
      expect((redacted.body as Json)['body'] ?? '').toBe('');

      await new Promise((r) => setTimeout(r, 3_000)); // delivered: deletable
      expect((await hub('DELETE', `/messages/${message['sid']}`)).status).toBe(200);
      const gone = await hub('GET', `/messages/${message['sid']}`);
      expect(gone.status).toBe(404);
      expect(gone.body).toMatchObject({ providerCode: 20404, providerMessage: expect.any(String) });
    });

    it('lists, fetches and deletes media of an MMS', async () => {
      const mms = (await hub('POST', '/messages', { To: '+15005550011', From: '+15005550006', MediaUrl: ['https://example.test/a.png'] })).body as Json;
      const media = await hub('GET', `/messages/${mms['sid']}/media`);
      expect(media.status).toBe(200);
      const [item] = media.body as Json[];
      expect(String(item['sid'])).toMatch(/^ME/);
      expect((await hub('GET', `/messages/${mms['sid']}/media/${item['sid']}`)).body).toMatchObject({ sid: item['sid'] });
      expect((await hub('DELETE', `/messages/${mms['sid']}/media/${item['sid']}`)).status).toBe(200);
      expect(await hub('GET', `/messages/${mms['sid']}/media`)).toMatchObject({ status: 200, body: [] });
    });

    it('lists and fetches accounts', async () => {
      const accounts = await hub('GET', '/accounts');
      expect((accounts.body as Json[]).map((a) => a['sid'])).toContain(account.sid);
      const fetched = await hub('GET', `/accounts/${account.sid}`);
      expect(fetched.body).toMatchObject({ sid: account.sid, friendly_name: 'Main' });
      // Twilio's account JSON carries the auth token: the instance's own secret never comes back.
      for (const res of [accounts, fetched]) expect(res.text).not.toContain(account.authToken);
      expect((await hub('PATCH', `/accounts/${account.sid}`, { FriendlyName: 'Renamed' })).body).toMatchObject({ friendly_name: 'Renamed' });
    });
  });

  describe('twiliov2 addresses, numbers, countryCodes, usage and calls', () => {
    it('creates, lists (with CEQL), fetches, updates and deletes addresses; refuses a missing field before Twilio', async () => {
      const before = double.requestCount;
      const missing = await hub('POST', '/addresses', { CustomerName: 'Ada', Street: '1 Main St', City: 'Oakland', Region: 'CA' });
      expect(missing).toMatchObject({ status: 400, body: { message: expect.stringContaining("body parameter 'PostalCode' is required") } });
      expect(double.requestCount).toBe(before);
      const created = (await hub('POST', '/addresses', { CustomerName: 'Ada', Street: '1 Main St', City: 'Oakland', Region: 'CA', PostalCode: '94607', IsoCountry: 'US' })).body as Json;
      expect(String(created['sid'])).toMatch(/^AD[0-9a-f]{32}$/);
      const listed = await hub('GET', `/addresses?where=${encodeURIComponent("CustomerName = 'Ada' AND City = 'Oakland'")}`);
      expect((listed.body as Json[]).map((a) => a['sid'])).toEqual([created['sid']]);
      expect((await hub('PATCH', `/addresses/${created['sid']}`, { FriendlyName: 'Office' })).body).toMatchObject({ friendly_name: 'Office' });
      expect((await hub('DELETE', `/addresses/${created['sid']}`)).status).toBe(200);
      expect((await hub('GET', `/addresses/${created['sid']}`)).status).toBe(404);
    });

    it('lists available numbers by country, type and capability, buys one by area code, then manages it', async () => {
      const available = await hub('GET', '/numbers?countryCode=US&type=Local&AreaCode=510&SmsEnabled=true');
      const numbers = (available.body as Json[]).map((n) => n['phone_number']);
      expect(numbers).toEqual(['+15105550101', '+15105550102']);
      const bought = await hub('POST', '/numbers', { AreaCode: '510', FriendlyName: 'Support' });
      expect(bought.body).toMatchObject({ phone_number: '+15105550101', friendly_name: 'Support' });
      const sid = String((bought.body as Json)['sid']);
      expect(((await hub('GET', '/numbers?countryCode=US&type=Local&AreaCode=510&SmsEnabled=true')).body as Json[]).map((n) => n['phone_number'])).toEqual([
        '+15105550102',
      ]);
      expect(((await hub('GET', '/numbers')).body as Json[]).map((n) => n['sid'])).toContain(sid);
      expect((await hub('PATCH', `/numbers/${sid}`, { SmsUrl: 'https://app.example.test/sms' })).body).toMatchObject({ sms_url: 'https://app.example.test/sms' });
      expect((await hub('DELETE', `/numbers/${sid}`)).status).toBe(200);
      expect((await hub('GET', '/numbers?type=Mobile')).body).toMatchObject({ message: expect.stringContaining('countryCode is required') });
      expect((await hub('GET', '/numbers?countryCode=ZZ&type=Local')).status).toBe(404);
      expect((await hub('POST', '/numbers', { FriendlyName: 'x' })).body).toMatchObject({ message: expect.stringContaining('PhoneNumber or AreaCode') });
    });

    it('lists countries with numbers, and usage by CEQL category', async () => {
      expect(((await hub('GET', '/countryCodes')).body as Json[]).map((c) => c['country_code'])).toEqual(['US', 'GB', 'CA']);
      expect((await hub('GET', '/countryCodes/GB')).body).toMatchObject({ country: 'United Kingdom' });
      const usage = await hub('GET', `/usage?where=${encodeURIComponent("Category = 'sms-outbound'")}`);
      expect(usage.body).toEqual([expect.objectContaining({ category: 'sms-outbound', count: expect.stringMatching(/^\d+$/) })]);
    });

    it('places, lists and fetches calls', async () => {
      const call = await hub('POST', '/calls', { To: '+15005550130', From: '+15005550006', Url: 'https://app.example.test/twiml' });
      expect(call.body).toMatchObject({ to: '+15005550130', status: 'queued' });
      expect((await hub('GET', `/calls/${(call.body as Json)['sid']}`)).body).toMatchObject({ sid: (call.body as Json)['sid'] });
      expect(((await hub('GET', '/calls?To=%2B15005550130')).body as Json[]).length).toBe(1);
      expect((await hub('POST', '/calls', { To: '+15005550130', From: '+15005550006' })).body).toMatchObject({ providerCode: 21205 });
    });

    it.each([
      ['addresses', async (i: number) => hub('POST', '/addresses', { CustomerName: `Pager ${i}`, Street: 's', City: 'c', Region: 'r', PostalCode: 'p', IsoCountry: 'US' })],
      ['calls', async (i: number) => hub('POST', '/calls', { To: `+1500555014${i}`, From: '+15005550006', Twiml: '<Response/>' })],
    ])('pages %s like the old platform’s suite: page 1 + page 2 of size 2 equal page 1 of size 4', async (resource, create) => {
      for (let i = 0; i < 5; i++) await create(i);
      const first2 = (await hub('GET', `/${resource}?pageSize=2&page=0`)).body as Json[];
      const second2 = (await hub('GET', `/${resource}?pageSize=2&page=1`)).body as Json[];
      const first4 = (await hub('GET', `/${resource}?pageSize=4&page=0`)).body as Json[];
      expect([...first2, ...second2].map((r) => r['sid'])).toEqual(first4.map((r) => r['sid']));
      const p1 = await hub('GET', `/${resource}?pageSize=2`);
      const p2 = await hub('GET', `/${resource}?pageSize=2&nextPage=${encodeURIComponent(String(p1.headers['elements-next-page-token']))}`);
      expect([...(p1.body as Json[]), ...(p2.body as Json[])].map((r) => r['sid'])).toEqual(first4.map((r) => r['sid']));
    });
  });

  describe('paging through 250 messages', () => {
    const to = '+15005550250';
    beforeAll(() => {
      double.seedMessages(account.sid, 250, { to, from: '+15005550006' });
    });

    async function walk(query: string, style: 'page' | 'nextPage', pageSize: number): Promise<string[]> {
      const sids: string[] = [];
      let next: string | undefined;
      for (let page = 0; page < 100; page++) {
        const paging = style === 'page' ? `&page=${page}` : next ? `&nextPage=${encodeURIComponent(next)}` : '';
        const res = await hub('GET', `/messages?To=${encodeURIComponent(to)}&pageSize=${pageSize}${paging}${query}`);
        expect(res.status).toBe(200);
        const records = res.body as Json[];
        expect(res.headers['elements-returned-count']).toBe(String(records.length));
        sids.push(...records.map((r) => String(r['sid'])));
        next = res.headers['elements-next-page-token'] as string | undefined;
        if (style === 'page' ? records.length < pageSize : !next) break;
      }
      return sids;
    }

    it('reaches every record exactly once with nextPage tokens, and with page numbers', async () => {
      const byToken = await walk('', 'nextPage', 40);
      expect(byToken).toHaveLength(250);
      expect(new Set(byToken).size).toBe(250);
      const byPage = await walk('', 'page', 40);
      expect(byPage).toEqual(byToken);
    });

    it('page 1 + page 2 of size 2 equal page 1 of size 4 (the old platform’s own check)', async () => {
      const q = `/messages?To=${encodeURIComponent(to)}`;
      const first2 = (await hub('GET', `${q}&pageSize=2&page=0`)).body as Json[];
      const second2 = (await hub('GET', `${q}&pageSize=2&page=1`)).body as Json[];
      const first4 = (await hub('GET', `${q}&pageSize=4&page=0`)).body as Json[];
      expect([...first2, ...second2]).toEqual(first4);
      const p1 = await hub('GET', `${q}&pageSize=2`);
      const p2 = await hub('GET', `${q}&pageSize=2&nextPage=${encodeURIComponent(String(p1.headers['elements-next-page-token']))}`);
      expect([...(p1.body as Json[]), ...(p2.body as Json[])]).toEqual(first4);
    });

    it('sends no next-page token on the last page, and clamps pageSize to pagination.max with Elements-Error', async () => {
      const last = await hub('GET', `/messages?To=${encodeURIComponent(to)}&pageSize=100&page=2`);
      expect((last.body as Json[]).length).toBe(50);
      expect(last.headers['elements-next-page-token']).toBeUndefined();
      const clamped = await hub('GET', `/messages?To=${encodeURIComponent(to)}&pageSize=500`);
      expect((clamped.body as Json[]).length).toBe(100);
      expect(clamped.headers['elements-error']).toContain('maximum of 100');
    });

    it('refuses a page token from another query or another instance, or tampered with', async () => {
      const p1 = await hub('GET', `/messages?To=${encodeURIComponent(to)}&pageSize=2`);
      const token = String(p1.headers['elements-next-page-token']);
      const otherQuery = await hub('GET', `/messages?To=%2B15005550999&pageSize=2&nextPage=${encodeURIComponent(token)}`);
      expect(otherQuery.status).toBe(400);
      expect(otherQuery.body).toMatchObject({ message: expect.stringContaining('nextPage') });
      const v2b = await provision({
        element: { key: 'twiliov2' },
        configuration: { username: account.sid, password: account.authToken, 'base.url': double.accountsUrl },
        name: 'v2b',
      });
      const otherInstance = await hub('GET', `/messages?To=${encodeURIComponent(to)}&pageSize=2&nextPage=${encodeURIComponent(token)}`, undefined, v2b);
      expect(otherInstance.status).toBe(400);
      const tampered = token.slice(0, -4) + (token.endsWith('AAAA') ? 'BBBB' : 'AAAA');
      expect((await hub('GET', `/messages?To=${encodeURIComponent(to)}&pageSize=2&nextPage=${encodeURIComponent(tampered)}`)).status).toBe(400);
    });
  });

  describe('CEQL where, fields and orderBy', () => {
    const to = '+15005550333';
    beforeAll(() => {
      double.seedMessages(account.sid, 30, { to, from: '+15005550006' });
      const [first, second] = double.listMessages(account.sid).filter((m) => m.to === to);
      double.setMessageStatus(String(first.sid), 'failed', { errorCode: 30003 });
      double.setMessageStatus(String(second.sid), 'failed', { errorCode: 30005 });
    });

    it('sends what Twilio filters as its parameters and filters the rest itself, across pages', async () => {
      const before = double.requests.length;
      const where = encodeURIComponent(`To = '${to}' AND Status = 'failed'`);
      const sids: string[] = [];
      let next: string | undefined;
      for (let i = 0; i < 20; i++) {
        const res = await hub('GET', `/messages?where=${where}&pageSize=5${next ? `&nextPage=${encodeURIComponent(next)}` : ''}`);
        expect(res.status).toBe(200);
        for (const m of res.body as Json[]) {
          expect(m).toMatchObject({ to, status: 'failed' });
          sids.push(String(m['sid']));
        }
        next = res.headers['elements-next-page-token'] as string | undefined;
        if (!next) break;
      }
      expect(sids).toHaveLength(2);
      const listCalls = double.requests.slice(before).filter((r) => r.path.endsWith('/Messages.json'));
      expect(listCalls[0].query).toMatchObject({ To: to });
      expect(listCalls[0].query).not.toHaveProperty('Status');
    });

    it('projects fields, honours the natural order and refuses another', async () => {
      const res = await hub('GET', `/messages?where=${encodeURIComponent(`To = '${to}'`)}&fields=sid,status&pageSize=3&orderBy=DateCreated%20desc`);
      expect(res.status).toBe(200);
      for (const m of res.body as Json[]) expect(Object.keys(m).sort()).toEqual(['sid', 'status']);
      const refused = await hub('GET', '/messages?orderBy=body%20asc');
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ message: expect.stringContaining("orderBy 'body asc' is not supported") });
    });

    it('answers syntax errors and unqueryable fields with a 400 before calling Twilio', async () => {
      const before = double.requestCount;
      const syntax = await hub('GET', `/messages?where=${encodeURIComponent("To = '+1' AND")}`);
      expect(syntax.status).toBe(400);
      expect(syntax.body).toMatchObject({ message: 'where: syntax error at position 14: expected a field name, found the end of the expression' });
      const unknown = await hub('GET', `/messages?where=${encodeURIComponent("Colour = 'red'")}`);
      expect(unknown.body).toMatchObject({ message: expect.stringContaining("cannot be queried on 'Colour' (queryable: To, From, DateSent") });
      const both = await hub('GET', `/messages?To=%2B1&where=${encodeURIComponent("To = '+2'")}`);
      expect(both.status).toBe(400);
      expect(double.requestCount).toBe(before);
    });

    it('filters accounts by FriendlyName through Twilio', async () => {
      const res = await hub('GET', `/accounts?where=${encodeURIComponent("FriendlyName = 'Renamed'")}`);
      expect((res.body as Json[]).map((a) => a['sid'])).toEqual([account.sid]);
    });
  });

  describe('response caching', () => {
    it('answers a repeated GET from the cache without calling Twilio, until a write to the resource', async () => {
      const settings = { cachingEnabled: true, maxCacheSize: 10, cacheTimeToLive: 60 };
      await harness.call('PATCH', `/elements/api-v2/instances/${v2.id}`, { auth: org.platform, body: settings });
      const first = await hub('GET', '/messages?To=%2B15005550444');
      expect(first.headers['elements-cache']).toBe('MISS');
      const before = double.requestCount;
      const second = await hub('GET', '/messages?To=%2B15005550444');
      expect(second.headers['elements-cache']).toBe('HIT');
      expect(second.body).toEqual(first.body);
      expect(double.requestCount).toBe(before);
      // the same query in another order is the same entry; another query is not
      expect((await hub('GET', '/messages?pageSize=200&To=%2B15005550444')).headers['elements-cache']).toBe('MISS');

      await hub('POST', '/messages', { To: '+15005550444', From: '+15005550006', Body: 'invalidate' });
      const third = await hub('GET', '/messages?To=%2B15005550444');
      expect(third.headers['elements-cache']).toBe('MISS');
      expect((third.body as Json[]).length).toBe((first.body as Json[]).length + 1);

      // never shared between instances: the same call on another instance misses
      const sibling = await provision({
        element: { key: 'twiliov2' },
        configuration: { username: account.sid, password: account.authToken, 'base.url': double.accountsUrl },
        name: 'sibling',
        cachingEnabled: true,
      });
      expect((await hub('GET', '/messages?To=%2B15005550444', undefined, sibling)).headers['elements-cache']).toBe('MISS');

      await harness.call('PATCH', `/elements/api-v2/instances/${v2.id}`, { auth: org.platform, body: { cachingEnabled: false } });
      expect((await hub('GET', '/messages?To=%2B15005550444')).headers['elements-cache']).toBeUndefined();
    });

    it('bounds entries by maxCacheSize', async () => {
      await harness.call('PATCH', `/elements/api-v2/instances/${v2.id}`, { auth: org.platform, body: { cachingEnabled: true, maxCacheSize: 1 } });
      await hub('GET', '/messages?To=%2B15005550445');
      await hub('GET', '/messages?To=%2B15005550446');
      expect((await hub('GET', '/messages?To=%2B15005550445')).headers['elements-cache']).toBe('MISS');
      await harness.call('PATCH', `/elements/api-v2/instances/${v2.id}`, { auth: org.platform, body: { cachingEnabled: false } });
    });
  });

  describe('trace logging', () => {
    it('records vendor requests while traceLoggingEnabled is on, with no secret, readable page by page', async () => {
      await harness.call('PATCH', `/elements/api-v2/instances/${v2.id}`, { auth: org.platform, body: { traceLoggingEnabled: true } });
      await hub('GET', `/accounts/${account.sid}`); // Twilio's account JSON carries the auth token
      await hub('POST', '/messages', { To: '+15005550777', From: '+15005550006', Body: 'traced' });
      double.faults.next({ status: 500 });
      await hub('GET', '/accounts');
      await new Promise((r) => setTimeout(r, 300)); // trace writes do not hold up the call
      const res = await harness.call('GET', `/elements/api-v2/instances/${v2.id}/traces?pageSize=2`, { auth: org.platform });
      expect(res.status).toBe(200);
      expect(res.headers['elements-total-count']).toBe('3');
      expect(res.headers['elements-next-page-token']).toBe('2');
      const [failed, sent] = res.body as Json[];
      expect(failed).toMatchObject({ method: 'GET', status: 500, url: expect.stringContaining('/2010-04-01/Accounts.json') });
      expect(sent).toMatchObject({ method: 'POST', status: 201, requestBody: expect.stringContaining('Body=traced') });
      expect(typeof sent['durationMs']).toBe('number');
      const all = await harness.call('GET', `/elements/api-v2/instances/${v2.id}/traces?pageSize=10`, { auth: org.platform });
      expect(all.text).toContain('[redacted]');
      expect(all.text).not.toContain(account.authToken);
      expect(all.text).not.toMatch(/authorization/i);

      await harness.call('PATCH', `/elements/api-v2/instances/${v2.id}`, { auth: org.platform, body: { traceLoggingEnabled: false } });
      await hub('GET', '/accounts');
      await new Promise((r) => setTimeout(r, 200));
      const after = await harness.call('GET', `/elements/api-v2/instances/${v2.id}/traces`, { auth: org.platform });
      expect(after.headers['elements-total-count']).toBe('3');
      expect((await harness.call('GET', `/elements/api-v2/instances/${v2.id}/traces`, { auth: other.platform })).status).toBe(404);
    });
  });

  describe('old-platform clients: unknown parameters, strict mode', () => {
    const setStrict = (value: string) =>
      harness.call('PATCH', `/elements/api-v2/instances/${v2.id}`, { auth: org.platform, body: { configuration: { 'request.parameters.strict': value } } });
    const orgSettings = (body?: unknown) => harness.call(body === undefined ? 'GET' : 'PATCH', '/elements/api-v2/organizations/settings', { auth: org.platform, body });

    it('passes unknown parameters on to Twilio and names them in Elements-Warning and the trace', async () => {
      await harness.call('PATCH', `/elements/api-v2/instances/${v2.id}`, { auth: org.platform, body: { traceLoggingEnabled: true } });
      const listed = await hub('GET', '/messages?Colour=red&_=1733130000');
      expect(listed.status).toBe(200);
      expect(listed.headers['elements-warning']).toBe("ignored query parameter 'Colour', ignored query parameter '_'");
      expect(double.requests[double.requests.length - 1].query).toMatchObject({ Colour: 'red', _: '1733130000' });
      await new Promise((r) => setTimeout(r, 300));
      const traces = await harness.call('GET', `/elements/api-v2/instances/${v2.id}/traces?pageSize=2`, { auth: org.platform });
      expect(traces.body).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ method: 'GET', url: '/hubs/messaging/messages', warning: "ignored query parameter 'Colour', ignored query parameter '_'" }),
        ]),
      );
      await harness.call('PATCH', `/elements/api-v2/instances/${v2.id}`, { auth: org.platform, body: { traceLoggingEnabled: false } });
    });

    it('refuses them with a 400 naming the field, before Twilio, when the instance is strict', async () => {
      expect((await setStrict('true')).status).toBe(200);
      const before = double.requestCount;
      const refused = await hub('GET', '/messages?_=1');
      expect(refused).toMatchObject({ status: 400, body: { message: expect.stringMatching(/^unknown query parameter '_' \(accepted: To, From.*strict mode: request.parameters.strict is true on this instance/) } });
      const both = await hub('GET', '/messages?page=1&nextPage=x');
      expect(both.body).toMatchObject({ message: expect.stringContaining('send either page or nextPage, not both') });
      expect(double.requestCount).toBe(before);
      expect((await setStrict('maybe')).body).toMatchObject({ message: expect.stringContaining('request.parameters.strict') });
      expect((await setStrict('false')).status).toBe(200);
      expect((await hub('GET', '/messages?_=1')).status).toBe(200);
    });

    it('refuses them on every instance of an organization that is strict, which is its own setting', async () => {
      expect((await orgSettings()).body).toEqual({ 'request.parameters.strict': false });
      expect((await orgSettings({ 'request.parameters.strict': 'yes' })).body).toMatchObject({ message: expect.stringContaining("'request.parameters.strict' must be a boolean") });
      expect((await orgSettings({ strict: true })).body).toMatchObject({ message: "unknown field 'strict'" });
      expect((await orgSettings({ 'request.parameters.strict': true })).body).toEqual({ 'request.parameters.strict': true });
      expect((await harness.call('GET', '/elements/api-v2/organizations/settings', { auth: other.platform })).body).toEqual({ 'request.parameters.strict': false });
      await new Promise((r) => setTimeout(r, 2_100)); // resolved hub credentials are reused for 2 s
      for (const instance of [v2, sms]) {
        expect((await hub('GET', '/messages?_=1', undefined, instance)).body).toMatchObject({ message: expect.stringContaining('is true for this organization') });
      }
      await orgSettings({ 'request.parameters.strict': false });
      await new Promise((r) => setTimeout(r, 2_100));
      expect((await hub('GET', '/messages?_=1')).status).toBe(200);
    });
  });

  describe('errors', () => {
    async function refusedBeforeVendor(method: string, path: string, body: unknown, status: number, message: RegExp) {
      const before = double.requestCount;
      const res = await hub(method, path, body);
      expect(res.status).toBe(status);
      expect(res.body).toMatchObject({ requestId: expect.any(String), message: expect.stringMatching(message) });
      expect(double.requestCount).toBe(before);
      return res;
    }

    it('names an unknown resource (404), an unsupported method (405 with Allow) and bad parameters (400), without calling Twilio', async () => {
      await refusedBeforeVendor('GET', '/widgets', undefined, 404, /No resource 'widgets' on element 'twiliov2' \(resources: messages/);
      await refusedBeforeVendor('GET', '/messages/SM1/widgets', undefined, 404, /sub-resources of messages: media/);
      const put = await refusedBeforeVendor('PUT', '/messages', {}, 405, /PUT is not supported on \/messages \(allowed: GET, POST\)/);
      expect(put.headers['allow']).toBe('GET, POST');
      await refusedBeforeVendor('DELETE', '/accounts/AC1', undefined, 405, /allowed: GET, PUT, PATCH/);
      await refusedBeforeVendor('GET', '/messages?DateSent=yesterday', undefined, 400, /'DateSent' must be a date/);
      await refusedBeforeVendor('POST', '/messages', { Body: 'no recipient' }, 400, /body parameter 'To' is required/);
      await refusedBeforeVendor('POST', '/messages', { To: '+1', Attempt: 'x', Smell: 1 }, 400, /^body parameter 'Attempt' must be an integer$/);
      await refusedBeforeVendor('POST', '/messages', ['x'], 400, /must be a JSON object/);
      await refusedBeforeVendor('PATCH', '/messages/SM1', { Status: 'sent' }, 400, /'Status' must be one of canceled/);
      await refusedBeforeVendor('GET', '/messages?pageSize=0', undefined, 400, /pageSize must be a positive integer/);
      await refusedBeforeVendor('GET', '/messages?page=1&nextPage=x', undefined, 400, /nextPage is not a page token/);
    });

    it('passes Twilio’s 4xx through with its status, code and message', async () => {
      const res = await hub('POST', '/messages', { To: 'not-a-number', From: '+15005550006', Body: 'x' });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ providerCode: 21211, providerMessage: expect.stringContaining('not-a-number') });
    });

    it('answers 502 on a Twilio 5xx or reset, 504 when Twilio is too slow', async () => {
      double.faults.next({ status: 500 });
      expect((await hub('GET', '/accounts')).status).toBe(502);
      double.faults.next({ reset: true });
      expect((await hub('GET', '/accounts')).status).toBe(502);
      double.faults.next({ delayMs: 2_500 });
      const slow = await hub('GET', '/accounts');
      expect(slow.status).toBe(504);
    });

    it('retries Twilio 429s honouring Retry-After, then gives up with 429 and Retry-After', async () => {
      double.faults.next({ status: 429, retryAfter: 0, times: 2 });
      const before = double.requestCount;
      const recovered = await hub('GET', '/accounts');
      expect(recovered.status).toBe(200);
      expect(double.requestCount - before).toBe(3);

      double.faults.next({ status: 429, retryAfter: 30, times: 10 });
      const limited = await hub('GET', '/accounts');
      expect(limited.status).toBe(429);
      expect(limited.headers['retry-after']).toBe('30');
      expect(limited.body).toMatchObject({ providerCode: 20429 });
      double.faults.clear();
    });
  });

  describe('twilio (SMS) messages', () => {
    it('sends from the configured sender with the configured status callback, lists and fetches', async () => {
      const sent = await hub('POST', '/messages', { To: '+15005550020', Body: 'From the SMS element' }, sms);
      expect(sent.status).toBe(200);
      const message = sent.body as Json;
      expect(message).toMatchObject({ from: '+15005550006', to: '+15005550020' });
      const create = double.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/Messages.json')).pop();
      expect(create?.params).toMatchObject({ From: '+15005550006', StatusCallback: 'https://app.example.test/status' });
      expect((await hub('GET', `/messages/${message['sid']}`, undefined, sms)).body).toMatchObject({ sid: message['sid'] });
      expect((await hub('GET', '/messages?To=%2B15005550020', undefined, sms)).body).toEqual([expect.objectContaining({ sid: message['sid'] })]);
      expect((await hub('GET', '/ping', undefined, sms)).body).toEqual({ endpoint: 'twilio', valid: true });
      expect((await hub('DELETE', `/messages/${message['sid']}`, undefined, sms)).status).toBe(405);
    });
  });

  describe('response shaping and docs', () => {
    it('keeps nulls when filter.response.nulls is false, at once', async () => {
      await harness.call('PATCH', `/elements/api-v2/instances/${v2.id}`, { auth: org.platform, body: { configuration: { 'filter.response.nulls': 'false' } } });
      const sent = await hub('POST', '/messages', { To: '+15005550012', From: '+15005550006', Body: 'nulls' });
      expect(sent.body).toHaveProperty('price', null);
      await harness.call('PATCH', `/elements/api-v2/instances/${v2.id}`, { auth: org.platform, body: { configuration: { 'filter.response.nulls': 'true' } } });
      expect((await hub('GET', `/messages/${(sent.body as Json)['sid']}`)).body).not.toHaveProperty('price');
    });

    it('serves the instance’s OpenAPI, generated from the adapter’s declarations', async () => {
      const docs = await harness.call('GET', `/elements/api-v2/instances/${v2.id}/docs`, { auth: org.platform });
      expect(docs.status).toBe(200);
      const paths = (docs.body as { paths: Record<string, Json> }).paths;
      expect(Object.keys(paths)).toEqual(
        expect.arrayContaining(['/hubs/messaging/messages', '/hubs/messaging/messages/{id}', '/hubs/messaging/messages/{id}/media', '/hubs/messaging/ping']),
      );
      expect(paths['/hubs/messaging/messages']).toHaveProperty('post');
      expect(JSON.stringify(paths['/hubs/messaging/messages'])).toContain('DateSent<');
      expect((await harness.call('GET', `/elements/api-v2/instances/${v2.id}/docs`, { auth: other.platform })).status).toBe(404);
    });
  });
});
