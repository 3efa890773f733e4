/**
 * Common objects and transformations through the API on each store: definitions and
 * transformations at the organization and instance levels, their validation (400 naming the
 * field, 409 on a second create), tenancy, and what an instance offers (GET /objects).
 */
import { TwilioDouble } from '@hub/testing';
import { ApiHarness, type Organization, storesUnderTest } from '../testing/api-harness';

jest.setTimeout(90_000);

type Json = Record<string, unknown>;

const MESSAGE_FIELDS = [
  { path: 'id', type: 'string' },
  { path: 'from', type: 'string' },
  { path: 'to', type: 'string' },
  { path: 'body', type: 'string' },
  { path: 'createdDate', type: 'date' },
  { path: 'segments', type: 'number' },
];
const TWILIOV2_MESSAGES = {
  vendorName: 'messages',
  fields: [
    { path: 'id', vendorPath: 'sid' },
    { path: 'from', vendorPath: 'from' },
    { path: 'to', vendorPath: 'to' },
    { path: 'body', vendorPath: 'body' },
    { path: 'createdDate', vendorPath: 'date_created' },
    { path: 'segments', vendorPath: 'num_segments' },
  ],
  configuration: [{ type: 'passThrough', properties: { fromVendor: false, toVendor: false } }, { type: 'addToDocumentation' }],
};

describe.each(storesUnderTest())('common resources on the %s store', (_name, store) => {
  const harness = new ApiHarness(store);
  let double: TwilioDouble;
  let org: Organization;
  let other: Organization;
  let instance: { id: number; token: string };

  const api = (method: string, path: string, body?: unknown, who = org) => harness.call(method, `/elements/api-v2${path}`, { body, auth: who.platform });

  beforeAll(async () => {
    double = await TwilioDouble.start({ clock: 'system' });
    const account = double.addAccount();
    [org, other] = await harness.start(['Model Org', 'Other Org']);
    const created = await api('POST', '/instances', {
      element: { key: 'twiliov2' },
      name: 'v2',
      configuration: { username: account.sid, password: account.authToken, 'base.url': double.accountsUrl },
    });
    instance = created.body as { id: number; token: string };
  });
  afterAll(async () => {
    await harness.dispose();
    await double?.stop();
  });

  it('defines an organization object once (409 on a second POST), reads, replaces and lists it', async () => {
    const created = await api('POST', '/organizations/objects/messages/definitions', { fields: MESSAGE_FIELDS });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ objectName: 'messages', fields: MESSAGE_FIELDS });
    const again = await api('POST', '/organizations/objects/messages/definitions', { fields: MESSAGE_FIELDS });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ requestId: expect.any(String), message: expect.stringContaining("'messages' already exists") });
    const replaced = await api('PUT', '/organizations/objects/messages/definitions', { fields: [...MESSAGE_FIELDS, { path: 'media[*].url', type: 'string' }] });
    expect(replaced.status).toBe(200);
    expect((await api('GET', '/organizations/objects/messages/definitions')).body).toMatchObject({ fields: expect.arrayContaining([{ path: 'media[*].url', type: 'string' }]) });
    expect(((await api('GET', '/organizations/objects/definitions')).body as Json[]).map((d) => d['objectName'])).toEqual(['messages']);
    // another organization sees none of it
    expect((await api('GET', '/organizations/objects/messages/definitions', undefined, other)).status).toBe(404);
    expect((await api('PUT', '/organizations/objects/notes/definitions', { fields: MESSAGE_FIELDS })).status).toBe(404);
  });

  it.each([
    ['/organizations/objects/messages/definitions', { fields: [{ path: 'a..b', type: 'string' }] }, "fields[0].path 'a..b' is not a path"],
    ['/organizations/objects/messages/definitions', { fields: [{ path: 'a', type: 'text' }] }, 'fields[0].type must be one of'],
    ['/organizations/objects/9lives/definitions', { fields: MESSAGE_FIELDS }, "objectName '9lives' must start with a letter"],
  ])('refuses POST %s %j with a 400 naming the field', async (path, body, message) => {
    const res = await api('POST', path, body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ requestId: expect.any(String), message: expect.stringContaining(message) });
  });

  it('maps an element’s resource onto the object for the organization, checked against the object and the vendor model', async () => {
    const created = await api('POST', '/organizations/elements/twiliov2/transformations/messages', TWILIOV2_MESSAGES);
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ objectName: 'messages', level: 'organization', element: { key: 'twiliov2' }, vendorName: 'messages' });
    expect((await api('POST', '/organizations/elements/503/transformations/messages', TWILIOV2_MESSAGES)).status).toBe(409);
    expect((await api('GET', '/organizations/elements/twiliov2/transformations/messages')).body).toMatchObject({ fields: TWILIOV2_MESSAGES.fields });
    expect(((await api('GET', '/organizations/elements/twiliov2/transformations')).body as Json[]).map((t) => t['objectName'])).toEqual(['messages']);
    expect((await api('GET', '/organizations/elements/twiliov2/transformations/messages', undefined, other)).status).toBe(404);
  });

  it.each([
    ['notes', TWILIOV2_MESSAGES, "'notes' is not a defined object"],
    ['messages', { ...TWILIOV2_MESSAGES, vendorName: 'faxes' }, "vendorName 'faxes' is not a resource of element 'twiliov2'"],
    ['messages', { ...TWILIOV2_MESSAGES, fields: [{ path: 'id', vendorPath: 'guid' }] }, "fields[0].vendorPath 'guid' is not a field of the vendor's messages"],
    ['messages', { ...TWILIOV2_MESSAGES, fields: [{ path: 'colour', vendorPath: 'sid' }] }, "fields[0].path 'colour' is not a field of 'messages'"],
    ['messages', { ...TWILIOV2_MESSAGES, fields: [{ path: 'id', vendorPath: 'sid' }, { path: 'body', vendorPath: 'sid' }] }, "fields[1].vendorPath 'sid' is already mapped from 'id'"],
    ['messages', { ...TWILIOV2_MESSAGES, configuration: [{ type: 'cache' }] }, 'configuration[0].type must be passThrough or addToDocumentation'],
  ])('refuses an instance transformation of %s with a 400 naming the field (%#)', async (objectName, body, message) => {
    const res = await api('POST', `/instances/${instance.id}/transformations/${objectName}`, body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ message: expect.stringContaining(message) });
  });

  it('keeps instance definitions and transformations on the instance, lists and deletes them', async () => {
    expect((await api('POST', `/instances/${instance.id}/objects/notes/definitions`, { fields: [{ path: 'text', type: 'string' }] })).status).toBe(200);
    expect((await api('GET', `/instances/${instance.id}/objects/notes/definitions`)).body).toMatchObject({ objectName: 'notes' });
    expect((await api('GET', '/organizations/objects/notes/definitions')).status).toBe(404);
    const mapped = await api('POST', `/instances/${instance.id}/transformations/notes`, { vendorName: 'messages', fields: [{ path: 'text', vendorPath: 'body' }] });
    expect(mapped.status).toBe(200);
    expect(mapped.body).toMatchObject({ level: 'instance', element: { key: 'twiliov2' } });
    expect((await api('POST', `/instances/${instance.id}/transformations/messages`, { vendorName: 'messages', fields: [{ path: 'to', vendorPath: 'from' }] })).status).toBe(200);
    expect(((await api('GET', `/instances/${instance.id}/transformations`)).body as Json[]).map((t) => t['objectName'])).toEqual(['messages', 'notes']);
    // the other organization cannot reach the instance
    expect((await api('GET', `/instances/${instance.id}/transformations`, undefined, other)).status).toBe(404);
    expect((await api('POST', `/instances/${instance.id}/objects/spy/definitions`, { fields: [{ path: 'a', type: 'string' }] }, other)).status).toBe(404);

    expect((await api('DELETE', `/instances/${instance.id}/transformations`)).body).toEqual({ deleted: 2 });
    expect((await api('GET', `/instances/${instance.id}/transformations/notes`)).status).toBe(404);
    expect((await api('DELETE', `/instances/${instance.id}/objects/notes/definitions`)).status).toBe(200);
    expect((await api('DELETE', `/instances/${instance.id}/objects/notes/definitions`)).status).toBe(404);
  });

  it('tells an instance’s token holder which objects it offers and their fields', async () => {
    const hub = (path: string) => harness.call('GET', `/elements/api-v2${path}`, { auth: `${org.user}, Element ${instance.token}` });
    const names = (await hub('/objects')).body as string[];
    expect(names).toEqual(expect.arrayContaining(['messages', 'accounts', 'numbers']));
    expect(new Set(names).size).toBe(names.length);
    expect((await hub('/objects/messages/definitions')).body).toMatchObject({ objectName: 'messages', fields: expect.arrayContaining([{ path: 'segments', type: 'number' }]) });
    expect((await hub('/objects/accounts/definitions')).body).toMatchObject({ objectName: 'accounts', vendor: true, fields: expect.arrayContaining([expect.objectContaining({ path: 'sid' })]) });
    expect((await hub('/objects/unicorns/definitions')).status).toBe(404);
    expect((await harness.call('GET', '/elements/api-v2/objects', { auth: org.user })).status).toBe(401);
  });
});

describe.each(storesUnderTest())('hub calls on a common object on the %s store', (_name, store) => {
  const harness = new ApiHarness(store);
  let double: TwilioDouble;
  let org: Organization;
  let v2: { id: number; token: string };
  let sms: { id: number; token: string };
  const SENDER = '+15005550006';

  const api = (method: string, path: string, body?: unknown) => harness.call(method, `/elements/api-v2${path}`, { body, auth: org.platform });
  const hub = (instance: { token: string }, method: string, path: string, body?: unknown) =>
    harness.call(method, `/elements/api-v2/hubs/messaging${path}`, { body, auth: `${org.user}, Element ${instance.token}` });
  /** The organization's mapping of twiliov2's messages, without settings: for twilio too. */
  const COMMON = { vendorName: 'messages', fields: TWILIOV2_MESSAGES.fields };

  beforeAll(async () => {
    double = await TwilioDouble.start({ clock: 'system' });
    const account = double.addAccount();
    [org] = await harness.start(['Mapping Org']);
    v2 = (await api('POST', '/instances', { element: { key: 'twiliov2' }, name: 'v2', configuration: { username: account.sid, password: account.authToken, 'base.url': double.accountsUrl } })).body as typeof v2;
    sms = (
      await api('POST', '/instances', {
        element: { key: 'twilio' },
        name: 'sms',
        configuration: {
          'messaging.sms.twilio.account': account.sid,
          'messaging.sms.twilio.token': account.authToken,
          'messaging.sms.twilio.sender': SENDER,
          'base.url': double.accountsUrl,
        },
      })
    ).body as typeof sms;
    expect((await api('POST', '/organizations/objects/messages/definitions', { fields: MESSAGE_FIELDS })).status).toBe(200);
    for (const element of ['twiliov2', 'twilio']) {
      expect((await api('POST', `/organizations/elements/${element}/transformations/messages`, COMMON)).status).toBe(200);
    }
  });
  afterAll(async () => {
    await harness.dispose();
    await double?.stop();
  });

  it('sends, lists with a CEQL filter on a common field and fetches through either element with the same client code and shape', async () => {
    const shapes: Json[] = [];
    for (const [i, instance] of [v2, sms].entries()) {
      const to = `+1500555010${i}`;
      const sent = await hub(instance, 'POST', '/messages', { from: SENDER, to, body: `same code ${i}` });
      expect(sent.status).toBe(200);
      const message = sent.body as Json;
      expect(Object.keys(message).sort()).toEqual(['body', 'createdDate', 'from', 'id', 'segments', 'to']);
      expect(message).toMatchObject({ from: SENDER, to, body: `same code ${i}`, segments: 1, createdDate: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/) });
      const listed = await hub(instance, 'GET', `/messages?where=${encodeURIComponent(`to = '${to}'`)}`);
      expect(listed.status).toBe(200);
      expect(listed.body).toEqual([message]);
      const fetched = await hub(instance, 'GET', `/messages/${String(message['id'])}?fields=id,to`);
      expect(fetched.body).toEqual({ id: message['id'], to });
      shapes.push(message);
    }
    expect(Object.keys(shapes[0]).sort()).toEqual(Object.keys(shapes[1]).sort());
  });

  it('refuses what the object does not have, naming it', async () => {
    const unknownWhere = await hub(v2, 'GET', `/messages?where=${encodeURIComponent("colour = 'red'")}`);
    expect(unknownWhere.status).toBe(400);
    expect(unknownWhere.body).toMatchObject({ message: expect.stringContaining("'colour' is not a field of this object") });
    // Names an object's prototype has are names like any other.
    expect((await hub(v2, 'GET', '/constructor')).status).toBe(404);
    const prototypeName = await api('POST', '/organizations/elements/twiliov2/transformations/constructor', {});
    expect(prototypeName.status).toBe(400);
    expect(prototypeName.body).toMatchObject({ message: expect.stringContaining("ships no mapping of 'constructor'") });
    const unknownBody = await hub(v2, 'POST', '/messages', { to: '+15005550100', text: 'x' });
    expect(unknownBody.status).toBe(400);
    expect(unknownBody.body).toMatchObject({ message: expect.stringContaining("'text' is not a field of this object") });
  });

  it('lets an instance transformation override the organization’s, and restores vendor-native answers once the transformations are deleted', async () => {
    expect((await api('POST', `/instances/${v2.id}/transformations/messages`, { vendorName: 'messages', fields: [{ path: 'to', vendorPath: 'from' }] })).status).toBe(200);
    const [first] = (await hub(v2, 'GET', '/messages?pageSize=1')).body as Json[];
    expect(first['to']).toBe(SENDER); // 'to' now reads the vendor's from, on this instance only
    expect(first).toHaveProperty('id');
    const [other] = (await hub(sms, 'GET', '/messages?pageSize=1')).body as Json[];
    expect(other['to']).not.toBe(SENDER);

    expect((await api('DELETE', `/instances/${v2.id}/transformations`)).body).toEqual({ deleted: 1 });
    expect((await api('DELETE', '/organizations/elements/twiliov2/transformations/messages')).status).toBe(200);
    const [native] = (await hub(v2, 'GET', '/messages?pageSize=1')).body as Json[];
    expect(native).toHaveProperty('sid');
    expect(native).toHaveProperty('date_created');
    expect(native['id']).toBe(native['sid']); // twiliov2's old-platform default, which adds id and keeps the rest
    expect((await api('DELETE', '/organizations/elements/twilio/transformations/messages')).status).toBe(200);
    const [sms1] = (await hub(sms, 'GET', '/messages?pageSize=1')).body as Json[];
    expect(sms1).toHaveProperty('sid');
    expect(sms1).not.toHaveProperty('id'); // twilio has no default: vendor-native
  });
});
