/**
 * Issue 17: a client written for the old platform's twiliov2 element, against the built hub as a process
 * and the Twilio double. The four calls the old platform served answer 200 with the expected records; what
 * the hub ignored is named in Elements-Warning and the instance's trace; strict mode (the instance's
 * request.parameters.strict, or the organization's) refuses them with a 400 naming the field; where on
 * numbers reaches the double as Twilio's query parameters, and the double filters on them; a common
 * object keeps its own rules.
 */
import { type HubWithDouble, startHubWithDouble } from './support/hub-with-double';

jest.setTimeout(120_000);

type Json = Record<string, unknown>;

let s: HubWithDouble;
let lenient: { id: number; token: string };
let strict: { id: number; token: string };
let sms: { id: number; token: string };

const http = (method: string, url: string, authorization: string, body?: unknown) => s.http(method, url, authorization, body);
const call = (instance: { token: string }, method: string, url: string, body?: unknown) =>
  http(method, `/hubs/messaging${url}`, `${s.user}, Element ${instance.token}`, body);
const lastRequest = () => s.double.requests[s.double.requests.length - 1];
const where = (expression: string) => `where=${encodeURIComponent(expression)}`;

const ADDRESS = { FriendlyName: 'Office', CustomerName: 'Ada Lovelace', Street: '1 Main St', City: 'Oakland', Region: 'CA', PostalCode: '94607', IsoCountry: 'US' };

beforeAll(async () => {
  s = await startHubWithDouble({ folder: 'hub-e2e-old-clients-', double: { clock: 'system' } });
  const { account, double, platform } = s;
  const provision = async (element: string, configuration: Json) => {
    const res = await http('POST', '/instances', platform, { element: { key: element }, configuration, name: `e2e ${element}` });
    expect(res.status).toBe(200);
    return res.body as { id: number; token: string };
  };
  const v2 = { username: account.sid, password: account.authToken, 'base.url': double.accountsUrl };
  lenient = await provision('twiliov2', v2);
  strict = await provision('twiliov2', { ...v2, 'request.parameters.strict': 'true' });
  sms = await provision('twilio', {
    'messaging.sms.twilio.account': account.sid,
    'messaging.sms.twilio.token': account.authToken,
    'messaging.sms.twilio.sender': '+15005550006',
    'base.url': double.accountsUrl,
  });
  double.seedMessages(account.sid, 3, { to: '+15005550170', from: '+15005550006' });
});
afterAll(() => s?.stop());

describe('the four calls of an old-platform client, as written', () => {
  it('updates an address with the body that created it: IsoCountry goes on to Twilio, which ignores it, and is named', async () => {
    const created = await call(lenient, 'POST', '/addresses', ADDRESS);
    expect(created.status).toBe(200);
    const sid = String((created.body as Json)['sid']);
    const updated = await call(lenient, 'POST', `/addresses/${sid}`, { ...ADDRESS, FriendlyName: 'Head office' });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ id: sid, sid, friendly_name: 'Head office', iso_country: 'US', street: '1 Main St' });
    expect(updated.headers.get('elements-warning')).toBe("ignored body parameter 'IsoCountry'");
    expect(lastRequest()).toMatchObject({ method: 'POST', path: expect.stringContaining(`/Addresses/${sid}.json`), params: { IsoCountry: 'US', FriendlyName: 'Head office' } });
    // PATCH, the hub's own verb, takes the same body the same way.
    expect((await call(lenient, 'PATCH', `/addresses/${sid}`, ADDRESS)).headers.get('elements-warning')).toBe("ignored body parameter 'IsoCountry'");
    // A known field with a wrong value is still a 400 naming it, before Twilio.
    const before = s.double.requestCount;
    const wrong = await call(lenient, 'POST', `/addresses/${sid}`, { ...ADDRESS, EmergencyEnabled: 'sometimes' });
    expect(wrong).toMatchObject({ status: 400, body: { requestId: expect.any(String), message: "body parameter 'EmergencyEnabled' must be true or false" } });
    expect(s.double.requestCount).toBe(before);
  });

  it('lists numbers to buy by capability: where on MmsEnabled, SmsEnabled, VoiceEnabled becomes Twilio’s query parameters', async () => {
    const mms = await call(lenient, 'GET', `/numbers?countryCode=US&type=Local&${where("MmsEnabled='true'")}`);
    expect(mms.status).toBe(200);
    expect((mms.body as Json[]).map((n) => n['phone_number'])).toEqual(['+15105550101', '+14155550104', '+12125550105']);
    expect(mms.headers.get('elements-warning')).toBeNull();
    expect(lastRequest()).toMatchObject({ path: expect.stringContaining('/AvailablePhoneNumbers/US/Local.json'), query: { MmsEnabled: 'true' } });

    const sms = await call(lenient, 'GET', `/numbers?countryCode=US&type=Local&${where("SmsEnabled='false'")}`);
    expect((sms.body as Json[]).map((n) => n['phone_number'])).toEqual(['+15105550103']);
    expect(lastRequest().query).toMatchObject({ SmsEnabled: 'false' });

    const voice = await call(lenient, 'GET', `/numbers?countryCode=US&type=Local&${where("VoiceEnabled = false AND MmsEnabled = 'true'")}`);
    expect((voice.body as Json[]).map((n) => n['phone_number'])).toEqual(['+12125550105']);
    expect(lastRequest().query).toMatchObject({ VoiceEnabled: 'false', MmsEnabled: 'true' });
  });

  it('walks usage pages the old clients’ way: nextPage and page together, nextPage wins and page is named', async () => {
    const first = await call(lenient, 'GET', '/usage?pageSize=10');
    expect(first.status).toBe(200);
    expect(first.body).toHaveLength(10);
    const token = first.headers.get('elements-next-page-token');
    expect(token).toBeTruthy();
    const second = await call(lenient, 'GET', `/usage?pageSize=10&nextPage=${encodeURIComponent(String(token))}&page=2`);
    expect(second.status).toBe(200);
    const categories = [...(first.body as Json[]), ...(second.body as Json[])].map((r) => r['category']);
    expect(second.body).toHaveLength(5);
    expect(new Set(categories).size).toBe(15);
    expect(second.headers.get('elements-warning')).toBe("ignored query parameter 'page' (nextPage names the page)");
    expect(second.headers.get('elements-next-page-token')).toBeNull();
  });

  it('ignores a cache buster (?_=…) on lists and fetches, names it, and keeps paging across changing values', async () => {
    const listed = await call(lenient, 'GET', `/messages?To=${encodeURIComponent('+15005550170')}&_=1733130000`);
    expect(listed.status).toBe(200);
    expect(listed.body).toHaveLength(3);
    expect(listed.headers.get('elements-warning')).toBe("ignored query parameter '_'");
    const sid = String((listed.body as Json[])[0]['sid']);
    const fetched = await call(lenient, 'GET', `/messages/${sid}?_=1733130001`);
    expect(fetched.status).toBe(200);
    expect(fetched.body).toMatchObject({ sid, id: sid });
    expect(fetched.headers.get('elements-warning')).toBe("ignored query parameter '_'");

    const page1 = await call(lenient, 'GET', `/messages?To=${encodeURIComponent('+15005550170')}&pageSize=2&_=1`);
    const next = String(page1.headers.get('elements-next-page-token'));
    const page2 = await call(lenient, 'GET', `/messages?To=${encodeURIComponent('+15005550170')}&pageSize=2&_=2&nextPage=${encodeURIComponent(next)}`);
    expect(page2.status).toBe(200);
    expect([...(page1.body as Json[]), ...(page2.body as Json[])].map((m) => m['sid']).sort()).toEqual((listed.body as Json[]).map((m) => m['sid']).sort());
  });
});

describe('where on numbers: Twilio’s other list filters', () => {
  it.each([
    ["AreaCode = '510' AND SmsEnabled = 'true'", { AreaCode: '510', SmsEnabled: 'true' }, ['+15105550101', '+15105550102']],
    ["InRegion = 'NY'", { InRegion: 'NY' }, ['+12125550105']],
    ["InPostalCode = '94612'", { InPostalCode: '94612' }, ['+15105550101', '+15105550102']],
    ["Contains = '510555010*' AND VoiceEnabled = 'true'", { Contains: '510555010*', VoiceEnabled: 'true' }, ['+15105550101', '+15105550102', '+15105550103']],
    ["NearNumber = '+15105550103' AND Distance = 5", { NearNumber: '+15105550103', Distance: '5' }, ['+15105550101', '+15105550102', '+15105550103']],
    ["Beta = 'false' AND ExcludeAllAddressRequired = 'true'", { Beta: 'false', ExcludeAllAddressRequired: 'true' }, ['+15105550101', '+15105550103']],
  ])('%s reaches the double as %j', async (expression, parameters, expected) => {
    const res = await call(lenient, 'GET', `/numbers?countryCode=US&type=Local&${where(expression)}`);
    expect(res.status).toBe(200);
    expect(lastRequest().query).toMatchObject(parameters);
    expect((res.body as Json[]).map((n) => n['phone_number'])).toEqual(expected);
  });

  it('filters an OR of places itself, and refuses what only Twilio can filter outside a top-level =, naming it', async () => {
    const either = await call(lenient, 'GET', `/numbers?countryCode=US&type=Local&${where("InRegion = 'NY' OR InLocality = 'Berkeley'")}`);
    expect((either.body as Json[]).map((n) => n['phone_number'])).toEqual(['+15105550103', '+12125550105']);
    const before = s.double.requestCount;
    const refused = await call(lenient, 'GET', `/numbers?countryCode=US&type=Local&${where("AreaCode = '510' OR AreaCode = '415'")}`);
    expect(refused).toMatchObject({ status: 400, body: { message: expect.stringContaining("'AreaCode' is filtered by the vendor only") } });
    const unknown = await call(lenient, 'GET', `/numbers?countryCode=US&${where("Colour = 'red'")}`);
    expect(unknown).toMatchObject({ status: 400, body: { message: expect.stringContaining("cannot be queried on 'Colour'") } });
    const owned = await call(lenient, 'GET', `/numbers?${where("MmsEnabled = 'true'")}`);
    expect(owned).toMatchObject({ status: 400, body: { message: expect.stringContaining('countryCode is required with MmsEnabled') } });
    expect(s.double.requestCount).toBe(before);
  });
});

describe('strict mode', () => {
  it('refuses each unknown field of the four calls with a 400 naming it, before Twilio, on a strict instance', async () => {
    const created = await call(strict, 'POST', '/addresses', ADDRESS);
    expect(created.status).toBe(200);
    const sid = String((created.body as Json)['sid']);
    const first = await call(strict, 'GET', '/usage?pageSize=10');
    const token = String(first.headers.get('elements-next-page-token'));
    const before = s.double.requestCount;
    const refusals: [string, string, unknown, RegExp][] = [
      ['POST', `/addresses/${sid}`, ADDRESS, /^unknown body parameter 'IsoCountry' \(accepted: FriendlyName, .*\) \(strict mode: request\.parameters\.strict is true on this instance\)$/],
      ['GET', `/usage?pageSize=10&nextPage=${encodeURIComponent(token)}&page=2`, undefined, /send either page or nextPage, not both/],
      ['GET', '/messages?_=1733130000', undefined, /^unknown query parameter '_' \(accepted: To, From, DateSent/],
      ['GET', `/numbers?countryCode=US&type=Local&${where("Colour='red'")}`, undefined, /cannot be queried on 'Colour'/],
    ];
    for (const [method, url, body, message] of refusals) {
      const res = await call(strict, method, url, body);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ requestId: res.headers.get('elements-request-id'), message: expect.stringMatching(message) });
    }
    expect(s.double.requestCount).toBe(before);
    // Mapped filters are not unknown fields: strict instances take them too.
    const mms = await call(strict, 'GET', `/numbers?countryCode=US&type=Local&${where("MmsEnabled='true'")}`);
    expect(mms.status).toBe(200);
  });

  it('applies to every instance of an organization that turns it on, within 2 s', async () => {
    expect((await http('PATCH', '/organizations/settings', s.platform, { 'request.parameters.strict': true })).body).toEqual({ 'request.parameters.strict': true });
    await new Promise((r) => setTimeout(r, 2_200));
    for (const instance of [lenient, sms]) {
      const res = await call(instance, 'GET', '/messages?_=1');
      expect(res).toMatchObject({ status: 400, body: { message: expect.stringContaining("unknown query parameter '_'") } });
    }
    expect((await http('PATCH', '/organizations/settings', s.platform, { 'request.parameters.strict': false })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 2_200));
    expect((await call(lenient, 'GET', '/messages?_=1')).status).toBe(200);
  });
});

describe('the instance’s trace', () => {
  it('names what a call ignored, under the hub’s path', async () => {
    expect((await http('PATCH', `/instances/${lenient.id}`, s.platform, { traceLoggingEnabled: true })).status).toBe(200);
    await call(lenient, 'GET', '/messages?_=42&Colour=red');
    let entries: Json[] = [];
    for (let i = 0; i < 20 && !entries.some((e) => e['warning']); i++) {
      await new Promise((r) => setTimeout(r, 100));
      entries = (await http('GET', `/instances/${lenient.id}/traces`, s.platform)).body as Json[];
    }
    expect(entries).toContainEqual(
      expect.objectContaining({ method: 'GET', url: '/hubs/messaging/messages', warning: "ignored query parameter '_', ignored query parameter 'Colour'" }),
    );
    expect(entries).toContainEqual(expect.objectContaining({ method: 'GET', status: 200, url: expect.stringMatching(/Messages\.json\?.*Colour=red/) }));
  });
});

describe('common objects keep their own rules', () => {
  it('refuses an unmapped field of an adopted messages object (passThrough.toVendor false), on a lenient instance', async () => {
    expect((await http('POST', '/organizations/elements/twilio/transformations/messages', s.platform, {})).status).toBe(200);
    const before = s.double.requestCount;
    const body = await call(sms, 'POST', '/messages', { to: '+15005550171', body: 'hi', colour: 'red' });
    expect(body).toMatchObject({ status: 400, body: { message: expect.stringContaining("'colour' is not a field of this object") } });
    const query = await call(sms, 'GET', '/messages?_=1');
    expect(query).toMatchObject({ status: 400, body: { message: expect.stringContaining("unknown query parameter '_'") } });
    expect((query.body as Json)['message']).toContain('passThrough.toVendor');
    expect(s.double.requestCount).toBe(before);
  });
});
