/**
 * The shipped `messages` common object against the built hub as a process (embedded store), with
 * the Twilio double: an organization adopts each element's own mapping, then the same client code
 * sends, lists with CEQL on common fields and fetches through twilio and twiliov2 and gets the same
 * shape; the poller's events carry common records; the instance's OpenAPI documents the common
 * fields; an instance transformation overrides the organization's; deleting the transformations
 * gives the vendor-native answers back; and the refusals (400 naming the field, 409).
 */
import { CallbackReceiver, pollingEvents, TwilioDouble, twilioSmsConfiguration, twiliov2Configuration } from '@hub/testing';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type RunningProcess, apiCall, startHub } from './support/processes';

jest.setTimeout(120_000);

type Json = Record<string, unknown>;

const SENDER = '+15005550006';
const COMMON_KEYS = ['body', 'createdDate', 'direction', 'errorCode', 'errorMessage', 'from', 'id', 'mediaCount', 'segments', 'sentDate', 'status', 'to', 'updatedDate'];
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

let double: TwilioDouble;
let account: { sid: string; authToken: string };
let receiver: CallbackReceiver;
let dataDir: string;
let hub: RunningProcess;
let baseUrl: string;
let platform: string;
let user: string;
const instances: Record<'twilio' | 'twiliov2', { id: number; token: string }> = {} as never;

const api = (method: string, url: string, body?: unknown) => apiCall(baseUrl, method, url, platform, body);
const hubCall = (element: keyof typeof instances, method: string, url: string, body?: unknown) =>
  apiCall(baseUrl, method, `/hubs/messaging${url}`, `${user}, Element ${instances[element].token}`, body);
const where = (ceql: string) => `where=${encodeURIComponent(ceql)}`;

beforeAll(async () => {
  double = await TwilioDouble.start({ clock: 'system' });
  receiver = await CallbackReceiver.start();
  account = double.addAccount();
  dataDir = await mkdtemp(path.join(tmpdir(), 'hub-e2e-common-'));
  ({ hub, baseUrl } = await startHub({ HUB_DATA_DIR: dataDir, HUB_ALLOW_PRIVATE_CALLBACK_URLS: 'true' }));
  platform = (await hub.waitFor(/Authorization: (User \S+, Organization \S+)/))[1];
  user = platform.split(',')[0];
  const configurations = {
    twiliov2: twiliov2Configuration(double, account, pollingEvents(receiver.url)),
    twilio: twilioSmsConfiguration(double, account, SENDER),
  };
  for (const key of ['twilio', 'twiliov2'] as const) {
    const created = await api('POST', '/instances', { element: { key }, name: `common ${key}`, configuration: configurations[key] });
    expect(created.status).toBe(200);
    instances[key] = created.body as { id: number; token: string };
  }
});
afterAll(async () => {
  await hub?.stop();
  await receiver?.stop();
  await double?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('the shipped messages object', () => {
  it('is offered by both elements and adopted per element with an empty body; a second adoption is a 409', async () => {
    const shipped = await api('GET', '/elements/twiliov2/transformations');
    expect(shipped.status).toBe(200);
    expect((shipped.body as Json[]).map((t) => [t['objectName'], t['level']])).toEqual([
      ['messages', 'shipped'],
      ['messages', 'default'],
      ['addresses', 'default'],
      ['accounts', 'default'],
    ]);
    // Until the organization adopts it, calls stay vendor-native (twiliov2 adds the old platform's id).
    const sent = await hubCall('twiliov2', 'POST', '/messages', { From: SENDER, To: '+15005550100', Body: 'native' });
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({ sid: expect.stringMatching(/^SM/), date_created: expect.any(String) });
    expect((sent.body as Json)['id']).toBe((sent.body as Json)['sid']);

    for (const key of ['twilio', 'twiliov2']) {
      const adopted = await api('POST', `/organizations/elements/${key}/transformations/messages`, {});
      expect(adopted.status).toBe(200);
      expect(adopted.body).toMatchObject({ objectName: 'messages', level: 'organization', element: { key }, vendorName: 'messages' });
      expect((adopted.body as { fields: Json[] }).fields).toContainEqual({ path: 'id', vendorPath: 'sid', type: 'string' });
    }
    const definition = await api('GET', '/organizations/objects/messages/definitions');
    expect((definition.body as { fields: Json[] }).fields.map((f) => f['path'])).toEqual(expect.arrayContaining(COMMON_KEYS));
    const again = await api('POST', '/organizations/elements/twilio/transformations/messages', {});
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ requestId: expect.any(String), message: expect.stringContaining("'messages' already exists") });
  });

  it('sends, lists with CEQL on common fields and fetches through twilio and twiliov2 with the same client code and shape', async () => {
    const shapes: Json[] = [];
    for (const [i, key] of (['twilio', 'twiliov2'] as const).entries()) {
      // The same client code for both elements:
      const to = `+1500555020${i}`;
      const sent = await hubCall(key, 'POST', '/messages', { from: SENDER, to, body: 'one model' });
      expect(sent.status).toBe(200);
      const message = sent.body as Json;
      expect(message).toMatchObject({ from: SENDER, to, body: 'one model', direction: 'outbound', segments: 1, mediaCount: 0, createdDate: expect.stringMatching(ISO) });
      expect(['queued', 'sending', 'sent', 'delivered']).toContain(message['status']);
      const listed = await hubCall(key, 'GET', `/messages?${where(`to = '${to}' and direction = 'outbound'`)}`);
      expect(listed.status).toBe(200);
      expect((listed.body as Json[]).map((m) => m['id'])).toEqual([message['id']]);
      const inbound = await hubCall(key, 'GET', `/messages?${where(`to = '${to}' and direction = 'inbound'`)}`);
      expect(inbound.body).toEqual([]);
      const fetched = await hubCall(key, 'GET', `/messages/${String(message['id'])}`);
      expect(fetched.status).toBe(200);
      expect(fetched.body).toMatchObject({ id: message['id'], to, from: SENDER, body: 'one model' });
      shapes.push(fetched.body as Json);
    }
    // Absent values (no error, not sent yet) are filtered like every response's nulls: compare what both have.
    const keys = shapes.map((s) => Object.keys(s).sort());
    expect(keys[0]).toEqual(keys[1]);
    for (const key of keys[0]) expect(COMMON_KEYS).toContain(key);
    for (const key of keys[0]) expect(typeof shapes[0][key]).toBe(typeof shapes[1][key]);
  });

  it('delivers poller events whose raw records are common messages', async () => {
    const before = receiver.delivered().length;
    const { id } = instances.twiliov2;
    // An inbound message: the default twiliov2 poller asks for messages by DateSent.
    const reply = double.addInboundMessage({ accountSid: account.sid, from: '+15005550300', to: SENDER, body: 'a reply' });
    const run = await api('POST', `/instances/${id}/events/poller/run`);
    expect(run.status).toBe(200);
    await receiver.waitForDelivered(before + 1, 30_000);
    const [notification] = receiver.delivered<{ message: { events: Json[]; raw: Record<string, Json[]> } }>().slice(before);
    expect(notification.message.events).toEqual([expect.objectContaining({ objectType: 'messages', objectId: reply.sid, eventType: 'CREATED' })]);
    const [record] = notification.message.raw['messages'];
    expect(record).toMatchObject({ id: reply.sid, from: '+15005550300', body: 'a reply', status: 'received', direction: 'inbound', createdDate: expect.stringMatching(ISO) });
    expect(record).not.toHaveProperty('sid');
  });

  it("documents the common fields in the instance's OpenAPI", async () => {
    const docs = await api('GET', `/instances/${instances.twilio.id}/docs`);
    expect(docs.status).toBe(200);
    const openapi = docs.body as { paths: Record<string, Record<string, Json>>; components: { schemas: Record<string, { properties: Record<string, Json> }> } };
    const post = openapi.paths['/hubs/messaging/messages']['post'] as { requestBody: { content: Record<string, { schema: Json }> } };
    const body = post.requestBody.content['application/json'].schema as { properties: Record<string, Json>; required: string[] };
    expect(Object.keys(body.properties).sort()).toEqual(['body', 'from', 'media', 'to']);
    expect(body.required).toEqual(['to']);
    expect(body.properties['media']).toEqual({ type: 'array', items: { type: 'object', properties: { url: expect.objectContaining({ type: 'string' }) } } });
    const record = openapi.components.schemas['hubs_messaging_messages'];
    expect(record.properties['createdDate']).toMatchObject({ type: 'string', format: 'date-time' });
    expect(record.properties).not.toHaveProperty('sid');
  });

  it("lets an instance transformation override the organization's, field by field, on that instance only", async () => {
    const override = await api('POST', `/instances/${instances.twiliov2.id}/transformations/messages`, {
      vendorName: 'messages',
      fields: [{ path: 'errorMessage', vendorPath: 'api_version' }],
    });
    expect(override.status).toBe(200);
    const [own] = (await hubCall('twiliov2', 'GET', '/messages?pageSize=1')).body as Json[];
    expect(own).toMatchObject({ errorMessage: '2010-04-01', id: expect.stringMatching(/^SM/), createdDate: expect.stringMatching(ISO) });
    const [other] = (await hubCall('twilio', 'GET', '/messages?pageSize=1')).body as Json[];
    expect(other['errorMessage']).toBeUndefined();
  });

  it('refuses bad definitions and transformations with a 400 naming the field', async () => {
    const cases: [string, string, unknown, RegExp][] = [
      ['POST', '/organizations/objects/widgets/definitions', { fields: [{ path: 'a..b', type: 'string' }] }, /fields\[0\]\.path/],
      ['POST', '/organizations/objects/widgets/definitions', { fields: [{ path: 'a', type: 'colour' }] }, /fields\[0\]\.type must be one of/],
      ['POST', '/organizations/elements/twilio/transformations/widgets', { vendorName: 'messages', fields: [{ path: 'a', vendorPath: 'sid' }] }, /'widgets' is not a defined object/],
      ['POST', '/organizations/elements/twilio/transformations/widgets', {}, /ships no mapping of 'widgets' \(it ships: messages\)/],
      [
        'PUT',
        '/organizations/elements/twilio/transformations/messages',
        { vendorName: 'messages', fields: [{ path: 'to', vendorPath: 'colour' }] },
        /fields\[0\]\.vendorPath 'colour' is not a field of the vendor's messages/,
      ],
      [
        'PUT',
        '/organizations/elements/twilio/transformations/messages',
        { vendorName: 'messages', fields: [{ path: 'to', vendorPath: 'to' }, { path: 'from', vendorPath: 'to' }] },
        /fields\[1\]\.vendorPath 'to' is already mapped from 'to'/,
      ],
      ['PUT', '/organizations/elements/twilio/transformations/messages', { vendorName: 'calls', fields: [] }, /vendorName 'calls' is not a resource of element 'twilio'/],
    ];
    for (const [method, url, body, message] of cases) {
      const res = await api(method, url, body);
      expect({ url, status: res.status }).toEqual({ url, status: 400 });
      expect(res.body).toMatchObject({ requestId: expect.any(String), message: expect.stringMatching(message) });
    }
    const pattern = await hubCall('twilio', 'GET', `/messages?${where("status like 'deliv%'")}`);
    expect(pattern.status).toBe(400);
    expect(pattern.body).toMatchObject({ message: expect.stringContaining("'status' takes =, != and in only") });
    const unknownField = await hubCall('twilio', 'POST', '/messages', { to: '+15005550100', text: 'x' });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body).toMatchObject({ message: expect.stringContaining("'text' is not a field of this object") });
  });

  it('answers vendor-native again once the transformations are deleted', async () => {
    expect((await api('DELETE', `/instances/${instances.twiliov2.id}/transformations`)).body).toEqual({ deleted: 1 });
    for (const key of ['twilio', 'twiliov2']) expect((await api('DELETE', `/organizations/elements/${key}/transformations/messages`)).status).toBe(200);
    const [sms] = (await hubCall('twilio', 'GET', '/messages?pageSize=1')).body as Json[];
    expect(sms).toMatchObject({ sid: expect.stringMatching(/^SM/), date_created: expect.any(String), account_sid: account.sid });
    expect(sms).not.toHaveProperty('id');
    expect(sms).not.toHaveProperty('createdDate');
    const [v2] = (await hubCall('twiliov2', 'GET', '/messages?pageSize=1')).body as Json[];
    expect(v2).toMatchObject({ sid: expect.stringMatching(/^SM/), date_created: expect.any(String), id: v2['sid'] });
  });
});
