/**
 * Suspended organizations, in-process on each store (embedded always, PostgreSQL when
 * TEST_DATABASE_URL is set), with the event workers running in the api: while operators keep an
 * organization suspended (through the store, as the admin API does) every way its users reach the
 * hub answers 403, vendor webhooks into its instances store nothing, its instances are neither polled
 * nor delivered to, and another organization goes on as before; lifted, it all works again and the
 * notifications stored before are delivered.
 */
import { CREDENTIALS_TTL_MS } from '@hub/runtime';
import { STORE } from '@hub/runtime';
import type { Store, Tenant } from '@hub/store';
import { CallbackReceiver, eventually, pollingEvents, signedTwilioWebhook, TwilioDouble, twilioSmsConfiguration, twiliov2Configuration, webhookEvents } from '@hub/testing';
import { ApiHarness, type Organization, type Reply, storesUnderTest } from '../testing/api-harness';

jest.setTimeout(120_000);

type Json = Record<string, unknown>;
const PUBLIC_URL = 'https://hub.example.test';
const PASSWORD = 'the user password 1';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(storesUnderTest())('suspended organizations on the %s store', (_name, store) => {
  const harness = new ApiHarness(store, {
    HUB_EVENT_WORKERS: 'true',
    HUB_ALLOW_PRIVATE_CALLBACK_URLS: 'true',
    HUB_EVENT_IDLE_MS: '50',
    HUB_EVENT_RETRY_SCHEDULE: '50ms,50ms,50ms',
    HUB_PUBLIC_URL: PUBLIC_URL,
  });
  let double: TwilioDouble;
  let receiver: CallbackReceiver;
  let hubStore: Store;
  let org: Organization;
  let other: Organization;
  let tenant: Tenant;
  let otherTenant: Tenant;
  let address = 0;

  const api = (method: string, path: string, who = org, body?: unknown) =>
    harness.call(method, `/elements/api-v2${path}`, { body, auth: who.platform });
  const login = (who: Organization, password = PASSWORD) =>
    harness.call('POST', '/elements/api-v2/authentication', {
      body: { username: who.emailAddress, password },
      remoteAddress: `198.51.100.${++address}`,
    });
  const suspend = (organizationId: number, suspended: boolean) => hubStore.tenants.setOrganizationSuspended(organizationId, suspended);
  const suspendedMessage = () => `Organization ${tenant.organizationId} is suspended`;
  const expectSuspended = (reply: Reply) => {
    expect(reply.status).toBe(403);
    expect(reply.body).toEqual({ requestId: expect.any(String), message: expect.stringContaining(suspendedMessage()) });
    expect((reply.body as Json)['message']).toContain("contact the hub's operators");
  };

  /** A twiliov2 instance polling an account of its own (polled on demand: the interval is an hour). */
  async function pollingInstance(who: Organization, name: string) {
    const account = double.addAccount({ friendlyName: name });
    const res = await api('POST', '/instances', who, {
      element: { key: 'twiliov2' },
      name,
      configuration: twiliov2Configuration(double, account, pollingEvents(receiver.url)),
    });
    expect(res.status).toBe(200);
    const instance = res.body as { id: number; token: string };
    const inbound = (n: number) =>
      Array.from({ length: n }, (_, i) => double.addInboundMessage({ accountSid: account.sid, from: '+15005550006', to: '+15005550001', body: `hi ${i}` }).sid);
    const vendorRequests = () => double.requests.filter((r) => r.path.includes(account.sid)).length;
    return { ...instance, inbound, vendorRequests };
  }

  const deliveredTo = (instanceId: number) =>
    receiver.delivered<{ message: { eventId: string; instanceId: number; events: { objectId: string }[] } }>().filter((b) => b.message.instanceId === instanceId);

  beforeAll(async () => {
    double = await TwilioDouble.start({ clock: 'system' });
    receiver = await CallbackReceiver.start();
    [org, other] = await harness.start(['Suspended Org', 'Other Org'], { password: PASSWORD });
    hubStore = harness.app.get<Store>(STORE);
    const found = await hubStore.tenants.authenticate(org.secrets.user, org.secrets.organization);
    const otherFound = await hubStore.tenants.authenticate(other.secrets.user, other.secrets.organization);
    if (!found || !otherFound) throw new Error('the organizations do not authenticate');
    [tenant, otherTenant] = [found, otherFound];
  });
  afterAll(async () => {
    await harness.dispose();
    await receiver?.stop();
    await double?.stop();
  });
  afterEach(async () => {
    await suspend(tenant.organizationId, false);
    receiver.delayMs = 0;
    receiver.respondWith = () => 200;
  });

  it('answers 403 to platform calls, hub calls and logins of a suspended organization, and lets it in again the moment it is lifted', async () => {
    const instance = await pollingInstance(org, 'calls');
    const theirs = await pollingInstance(other, 'their calls');
    const hubCall = (who: Organization, token: string, withOrganization = false) =>
      harness.call('GET', '/elements/api-v2/hubs/messaging/messages', {
        auth: `${withOrganization ? who.platform : who.user}, Element ${token}`,
      });
    const tokenBefore = (await login(org)).body as { token: string };
    expect((await hubCall(org, instance.token)).status).toBe(200); // resolved and cached by the hub guard

    expect(await suspend(tenant.organizationId, true)).toBe(true);
    // platform calls: the credentials are right, so 403 and not 401
    expectSuspended(await api('GET', '/instances'));
    expectSuspended(await api('GET', `/instances/${instance.id}`));
    expectSuspended(await api('POST', `/instances/${instance.id}/events/poller/run`));
    expectSuspended(await api('POST', '/users/me/secret/rotate'));
    expect((await harness.call('GET', '/elements/api-v2/instances', { auth: `${org.user}, Organization not-the-secret` })).status).toBe(401);
    // hub calls, once the hub guard's cached resolution has expired
    await sleep(CREDENTIALS_TTL_MS + 100);
    expectSuspended(await hubCall(org, instance.token));
    expectSuspended(await hubCall(org, instance.token, true));
    // the login flow: the right password learns of the suspension, a wrong one gets the unknown user's 401
    expectSuspended(await login(org));
    const wrong = await login(org, 'not the password at all');
    const unknown = await harness.call('POST', '/elements/api-v2/authentication', {
      body: { username: 'nobody@example.test', password: PASSWORD },
      remoteAddress: `198.51.100.${++address}`,
    });
    expect([wrong.status, (wrong.body as Json)['message']]).toEqual([401, (unknown.body as Json)['message']]);
    expect(unknown.status).toBe(401);
    expectSuspended(await harness.call('GET', '/elements/api-v2/authentication/secrets', { auth: `Bearer ${tokenBefore.token}` }));

    // another organization is not affected
    expect((await api('GET', '/instances', other)).status).toBe(200);
    expect((await hubCall(other, theirs.token)).status).toBe(200);
    expect((await login(other)).status).toBe(200);

    expect(await suspend(tenant.organizationId, false)).toBe(true);
    // no waiting: refusals are not cached anywhere
    expect((await api('GET', '/instances')).status).toBe(200);
    expect((await hubCall(org, instance.token)).status).toBe(200);
    expect((await hubCall(org, instance.token, true)).status).toBe(200);
    const again = await login(org);
    expect(again.status).toBe(200);
    const secrets = await harness.call('GET', '/elements/api-v2/authentication/secrets', { auth: `Bearer ${tokenBefore.token}` });
    expect(secrets.body).toEqual({ userSecret: org.secrets.user, organizationSecret: org.secrets.organization });
  });

  it('neither polls nor delivers while suspended; what was stored is delivered, in order, once lifted', async () => {
    const mine = await pollingInstance(org, 'polled');
    const theirs = await pollingInstance(other, 'their polled');
    const notifications = () => hubStore.outbox.listNotifications(tenant, mine.id, { skip: 0, take: 50 });
    const first = mine.inbound(15); // two notifications: 10 events, then 5
    receiver.delayMs = 1_500; // the first delivery is still in flight when the suspension begins
    expect((await api('POST', `/instances/${mine.id}/events/poller/run`)).status).toBe(200);
    const stored = await eventually('the poll to store two notifications, the first being delivered', async () => {
      const { items } = await notifications();
      return items.length === 2 && items[1].attempts === 1 ? items : undefined;
    });
    expect(await suspend(tenant.organizationId, true)).toBe(true);
    receiver.delayMs = 0;

    // new messages and a due poll while suspended: nothing asks the vendor, nothing more is delivered
    const second = mine.inbound(2);
    expect(await hubStore.pollStates.pollNow(tenant, mine.id)).toBe(true);
    const vendorRequests = mine.vendorRequests();
    // the other organization is polled and delivered to meanwhile: the workers are running
    const theirSids = theirs.inbound(1);
    expect((await api('POST', `/instances/${theirs.id}/events/poller/run`, other)).status).toBe(200);
    await eventually('the other organization’s delivery', async () => (deliveredTo(theirs.id).length === 1 ? true : undefined));
    expect(deliveredTo(theirs.id)[0].message.events.map((e) => e.objectId)).toEqual(theirSids);
    await sleep(1_500); // the in-flight delivery ends, and the workers look for work many times over
    expect(deliveredTo(mine.id).map((b) => b.message.eventId)).toEqual([stored[1].eventId]);
    expect(mine.vendorRequests()).toBe(vendorRequests);
    const waiting = await notifications();
    expect(waiting.items.map((n) => [n.eventId, n.status, n.attempts])).toEqual([
      [stored[0].eventId, 'created', 0],
      [stored[1].eventId, 'delivered', 1],
    ]);
    expect((await hubStore.pollStates.pollStatus(otherTenant, theirs.id))?.lastEventsFound).toBe(1);

    expect(await suspend(tenant.organizationId, false)).toBe(true);
    await eventually('the waiting notification and the due poll’s', async () => (deliveredTo(mine.id).length === 3 ? true : undefined));
    const bodies = deliveredTo(mine.id);
    expect(bodies.map((b) => b.message.eventId).slice(0, 2)).toEqual([stored[1].eventId, stored[0].eventId]);
    expect(bodies.flatMap((b) => b.message.events.map((e) => e.objectId)).sort()).toEqual([...first, ...second].sort());
  });

  it('keeps vendor webhooks into a suspended organization’s instances, held, answers Twilio as usual, and delivers them once it resumes', async () => {
    const account = double.addAccount({ friendlyName: 'sms' });
    const res = await api('POST', '/instances', org, {
      element: { key: 'twilio' },
      name: 'sms',
      configuration: twilioSmsConfiguration(double, account, '+15005550006', webhookEvents(receiver.url)),
    });
    expect(res.status).toBe(200);
    const sms = res.body as { id: number };
    const webhookUrl = `${PUBLIC_URL}/elements/api-v2/events/twilio/${sms.id}`;
    const post = (payload: { body: string; headers: Record<string, string> }) =>
      harness.app.getHttpAdapter().getInstance().inject({ method: 'POST', url: webhookUrl.slice(PUBLIC_URL.length), payload: payload.body, headers: payload.headers });
    const inbound = (n: string) => ({ MessageSid: 'SM' + n.repeat(32), SmsStatus: 'received', AccountSid: account.sid, From: '+15005550002', To: '+15005550006', Body: 'hi', NumMedia: '0' });
    const stored = async () => (await hubStore.outbox.listNotifications(tenant, sms.id, { skip: 0, take: 50 })).total;

    expect(await suspend(tenant.organizationId, true)).toBe(true);
    const during = await post(signedTwilioWebhook(account.authToken, webhookUrl, inbound('d')));
    expect(during.statusCode).toBe(200);
    expect(during.body).toContain('<Response></Response>');
    // the signature is still checked first: a forged one is refused as before
    expect((await post(signedTwilioWebhook('not-the-auth-token-000000000000', webhookUrl, inbound('f')))).statusCode).toBe(403);
    await sleep(1_500); // the workers look for work many times over: nothing is attempted
    expect(await stored()).toBe(1);
    expect(deliveredTo(sms.id)).toHaveLength(0);
    const held = await hubStore.outbox.listNotifications(tenant, sms.id, { status: 'held', skip: 0, take: 50 });
    expect(held.items.map((n) => [n.status, n.held, n.attempts])).toEqual([['created', true, 0]]);

    expect(await suspend(tenant.organizationId, false)).toBe(true);
    expect((await post(signedTwilioWebhook(account.authToken, webhookUrl, inbound('e')))).statusCode).toBe(200);
    expect(await stored()).toBe(2);
    // the held one first, then the one after the suspension: in order
    await eventually('the webhooks’ deliveries', async () => (deliveredTo(sms.id).length === 2 ? true : undefined));
    expect(deliveredTo(sms.id).map((b) => b.message.events.map((e) => e.objectId))).toEqual([['SM' + 'd'.repeat(32)], ['SM' + 'e'.repeat(32)]]);
    const listed = (await api('GET', `/instances/${sms.id}/events`)).body as { status: string }[];
    expect(listed.map((n) => n.status)).toEqual(['delivered', 'delivered']);
  });
});
