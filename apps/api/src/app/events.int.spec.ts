/**
 * Events in-process on each store, with the event workers running in the api (as on the embedded
 * default): twiliov2 polling the Twilio double, twilio receiving signed webhooks, notifications
 * delivered to a real HTTP receiver on 127.0.0.1, the delivery log and its replay.
 */
import { verifyDelivery } from '@hub/delivery';
import { CallbackReceiver, eventually, pollingEvents, signedTwilioWebhook, TwilioDouble, twilioSmsConfiguration, twiliov2Configuration, webhookEvents } from '@hub/testing';
import { ApiHarness, type Organization, storesUnderTest } from '../testing/api-harness';

jest.setTimeout(120_000);

type Json = Record<string, unknown>;
const PUBLIC_URL = 'https://hub.example.test';
const SIGNATURE_KEY = 'receiver-shared-secret';

describe.each(storesUnderTest())('events on the %s store', (_name, store) => {
  const harness = new ApiHarness(store, {
    HUB_EVENT_WORKERS: 'true',
    HUB_ALLOW_PRIVATE_CALLBACK_URLS: 'true',
    HUB_EVENT_IDLE_MS: '50',
    HUB_EVENT_RETRY_SCHEDULE: '50ms,50ms,50ms',
    HUB_PUBLIC_URL: PUBLIC_URL,
  });
  let double: TwilioDouble;
  let receiver: CallbackReceiver;
  let account: { sid: string; authToken: string };
  let org: Organization;
  let other: Organization;

  const api = (method: string, path: string, body?: unknown, who = org) =>
    harness.call(method, `/elements/api-v2${path}`, { body, auth: who.platform });

  async function provision(body: Json): Promise<{ id: number; token: string }> {
    const res = await api('POST', '/instances', body);
    expect(res.status).toBe(200);
    return res.body as { id: number; token: string };
  }

  /** A polling instance on an account of its own: what one test sends, another's poll does not see. */
  async function pollingInstance(name: string) {
    const own = double.addAccount({ friendlyName: name });
    const instance = await provision({
      element: { key: 'twiliov2' },
      name,
      configuration: twiliov2Configuration(double, own, { ...pollingEvents(receiver.url), 'event.notification.signature.key': SIGNATURE_KEY }),
    });
    const inbound = (n: number) =>
      Array.from({ length: n }, (_, i) => double.addInboundMessage({ accountSid: own.sid, from: '+15005550006', to: '+15005550001', body: `hello ${i}` }));
    return { ...instance, inbound };
  }

  beforeAll(async () => {
    double = await TwilioDouble.start({ clock: 'system' });
    receiver = await CallbackReceiver.start();
    account = double.addAccount({ friendlyName: 'Main' });
    [org, other] = await harness.start(['Events Org', 'Other Org']);
  });
  afterAll(async () => {
    await harness.dispose();
    await receiver?.stop();
    await double?.stop();
  });
  beforeEach(() => {
    receiver.received.length = 0;
    receiver.respondWith = () => 200;
  });

  it('polls through the hub, delivers every new message once, signed, ten events per notification', async () => {
    const instance = await pollingInstance('polled');
    const sids = instance.inbound(25).map((m) => m.sid);

    const run = await api('POST', `/instances/${instance.id}/events/poller/run`);
    expect(run.status).toBe(200);
    await receiver.waitForDelivered(3);
    const bodies = receiver.delivered();
    expect(bodies.map((b) => b.message.events.length)).toEqual([10, 10, 5]);
    expect(bodies.flatMap((b) => b.message.events.map((e) => e.objectId)).sort()).toEqual([...sids].sort());
    expect(bodies.flatMap((b) => b.message.events.map((e) => e.eventType))).toEqual(Array(25).fill('CREATED'));
    for (const request of receiver.received) {
      const body = JSON.parse(request.body) as { message: Json };
      expect(body.message).toMatchObject({ instanceId: instance.id, elementKey: 'twiliov2' });
      expect(request.headers['elements-webhook-id']).toBe(body.message['eventId']);
      expect(verifyDelivery({ key: SIGNATURE_KEY, rawBody: request.body, headers: request.headers as Record<string, string> })).toMatchObject({ valid: true, scheme: 'v2' });
    }

    const status = await eventually('the poll to be recorded', async () => {
      const res = await api('GET', `/instances/${instance.id}/events/poller`);
      return (res.body as Json)['lastSuccessDate'] ? (res.body as Json) : undefined;
    });
    expect(status).toMatchObject({ enabled: true, refreshIntervalMinutes: 60, lastEventsFound: 25, eventsFound: 25, lastError: null });

    // The next poll overlaps the last one (pollDelay): nothing is an event twice.
    await api('POST', `/instances/${instance.id}/events/poller/run`);
    await eventually('a second poll', async () => {
      const res = await api('GET', `/instances/${instance.id}/events/poller`);
      return (res.body as Json)['lastRunDate'] !== status['lastRunDate'] ? true : undefined;
    });
    const after = (await api('GET', `/instances/${instance.id}/events/poller`)).body as Json;
    expect(after).toMatchObject({ lastEventsFound: 0, eventsFound: 25 });
    expect(receiver.received).toHaveLength(3);

    const log = await api('GET', `/instances/${instance.id}/events`);
    expect(log.status).toBe(200);
    expect(log.headers['elements-total-count']).toBe('3');
    expect((log.body as Json[]).map((e) => e['status'])).toEqual(['delivered', 'delivered', 'delivered']);
    expect((await api('GET', `/instances/${instance.id}/events`, undefined, other)).status).toBe(404);
  });

  it('retries a receiver that fails, with the same Elements-Webhook-Id, and logs every attempt', async () => {
    const instance = await pollingInstance('retried');
    let failures = 2;
    receiver.respondWith = () => (failures-- > 0 ? 503 : 200);
    instance.inbound(1);
    await api('POST', `/instances/${instance.id}/events/poller/run`);
    await receiver.waitForDelivered(1);
    expect(receiver.received.map((r) => r.answered)).toEqual([503, 503, 200]);
    expect(new Set(receiver.received.map((r) => r.headers['elements-webhook-id'])).size).toBe(1);
    const eventId = String(receiver.received[0].headers['elements-webhook-id']);
    const detail = await eventually('the attempt to be logged', async () => {
      const res = await api('GET', `/instances/events/${eventId}`);
      return (res.body as Json)['status'] === 'delivered' ? (res.body as Json) : undefined;
    });
    expect((detail['deliveryAttempts'] as Json[]).map((a) => [a['attempt'], a['outcome'], a['statusCode']])).toEqual([
      [1, 'retry', 503],
      [2, 'retry', 503],
      [3, 'delivered', 200],
    ]);
    expect((await api('GET', `/instances/events/${eventId}`, undefined, other)).status).toBe(404);
  });

  it('marks a notification failed when the receiver refuses it or retries run out, and redelivers it on request', async () => {
    const instance = await pollingInstance('refused');
    receiver.respondWith = () => 410;
    instance.inbound(1);
    await api('POST', `/instances/${instance.id}/events/poller/run`);
    const failed = await eventually('the notification to fail', async () => {
      const res = await api('GET', `/instances/${instance.id}/events?status=failed`);
      return (res.body as Json[]).length === 1 ? (res.body as Json[])[0] : undefined;
    });
    expect(failed).toMatchObject({ status: 'failed', attempts: 1, lastStatusCode: 410 });
    expect(receiver.received).toHaveLength(1); // a 410 is not retried

    receiver.respondWith = () => 200;
    const requeued = await api('POST', `/instances/${instance.id}/events/redeliver`);
    expect(requeued.body).toEqual({ instanceId: instance.id, requeued: 1 });
    await receiver.waitForDelivered(1);
    expect(receiver.received[1].headers['elements-webhook-id']).toBe(failed['eventId']);

    expect((await api('GET', `/instances/${instance.id}/events?status=lost`)).status).toBe(400);
    expect((await api('POST', `/instances/events/${failed['eventId']}/redeliver`, undefined, other)).status).toBe(404);
  });

  describe('vendor webhooks', () => {
    let sms: { id: number; token: string };
    let webhookUrl: string;
    const post = (payload: { body: string; headers: Record<string, string> }, url = webhookUrl) =>
      harness.app.getHttpAdapter().getInstance().inject({ method: 'POST', url: url.slice(PUBLIC_URL.length), payload: payload.body, headers: payload.headers });

    beforeAll(async () => {
      sms = await provision({
        element: { key: 'twilio' },
        name: 'sms',
        configuration: twilioSmsConfiguration(double, account, '+15005550006', webhookEvents(receiver.url)),
      });
      webhookUrl = `${PUBLIC_URL}/elements/api-v2/events/twilio/${sms.id}`;
      expect((await api('GET', `/instances/${sms.id}`)).body).toMatchObject({ eventsWebhookUrl: webhookUrl });
    });

    it('sets the StatusCallback of a message sent through the hub to the instance’s webhook URL', async () => {
      const sent = await harness.call('POST', '/elements/api-v2/hubs/messaging/messages', {
        body: { To: '+15005550001', Body: 'hi' },
        auth: `${org.user}, Element ${sms.token}`,
      });
      expect(sent.status).toBe(200);
      const create = double.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/Messages.json')).at(-1);
      expect(create?.params['StatusCallback']).toBe(webhookUrl);
    });

    it('turns a signed inbound message into a CREATED event and a status callback into an UPDATED one, each once', async () => {
      const inboundMessage = { MessageSid: 'SM' + 'a'.repeat(32), SmsStatus: 'received', AccountSid: account.sid, From: '+15005550002', To: '+15005550006', Body: 'hi', NumMedia: '0', ApiVersion: '2010-04-01', SomethingNew: 'kept' };
      const received = await post(signedTwilioWebhook(account.authToken, webhookUrl, inboundMessage));
      expect(received.statusCode).toBe(200);
      expect(received.headers['content-type']).toContain('text/xml');
      expect(received.body).toContain('<Response></Response>');
      const callback = { MessageSid: 'SM' + 'b'.repeat(32), MessageStatus: 'delivered', SmsStatus: 'delivered', AccountSid: account.sid };
      expect((await post(signedTwilioWebhook(account.authToken, webhookUrl, callback))).statusCode).toBe(200);
      // Twilio sending the same callback again makes no second event
      expect((await post(signedTwilioWebhook(account.authToken, webhookUrl, callback))).statusCode).toBe(200);

      await receiver.waitForDelivered(2);
      await new Promise((r) => setTimeout(r, 300));
      const bodies = receiver.delivered<{ message: { events: Json[]; raw: Json } }>();
      expect(bodies.map((b) => b.message.events.map((e) => [e['objectId'], e['eventType'], e['objectType']]))).toEqual([
        [[inboundMessage.MessageSid, 'CREATED', 'messages']],
        [[callback.MessageSid, 'UPDATED', 'messages']],
      ]);
      expect(bodies[0].message.raw).toMatchObject({ Body: 'hi', SomethingNew: 'kept' });
    });

    it('refuses a forged, tampered or misaddressed webhook with 403 and stores nothing', async () => {
      const before = ((await api('GET', `/instances/${sms.id}/events`)).headers['elements-total-count']);
      const params = { MessageSid: 'SM' + 'c'.repeat(32), SmsStatus: 'received', AccountSid: account.sid, Body: 'forged' };
      const forged = signedTwilioWebhook('not-the-auth-token-000000000000', webhookUrl, params);
      const tampered = signedTwilioWebhook(account.authToken, webhookUrl, params);
      tampered.body = tampered.body.replace('forged', 'tampered');
      const unsigned = signedTwilioWebhook(account.authToken, webhookUrl, params);
      delete (unsigned.headers as Record<string, string>)['x-twilio-signature'];
      const otherInstance = signedTwilioWebhook(account.authToken, webhookUrl, params);
      for (const [payload, url] of [
        [forged, webhookUrl],
        [tampered, webhookUrl],
        [unsigned, webhookUrl],
        [otherInstance, `${PUBLIC_URL}/elements/api-v2/events/twilio/${sms.id + 1000}`],
        [otherInstance, `${PUBLIC_URL}/elements/api-v2/events/twiliov2/${sms.id}`],
      ] as const) {
        const res = await post(payload, url);
        expect(res.statusCode).toBe(403);
        expect(JSON.parse(res.body)).toMatchObject({ requestId: expect.any(String), message: expect.stringContaining('signature') });
      }
      expect((await api('GET', `/instances/${sms.id}/events`)).headers['elements-total-count']).toBe(before);
    });
  });
});

describe.each(storesUnderTest())('callback URLs on the %s store, private addresses not allowed', (_name, store) => {
  const harness = new ApiHarness(store, { HUB_ALLOW_PRIVATE_CALLBACK_URLS: 'false', HUB_EVENT_WORKERS: 'false' });
  let double: TwilioDouble;
  let org: Organization;

  beforeAll(async () => {
    double = await TwilioDouble.start({ clock: 'system' });
    [org] = await harness.start(['Careful Org']);
  });
  afterAll(async () => {
    await harness.dispose();
    await double?.stop();
  });

  const provision = (callback: string) => {
    const account = double.addAccount();
    return harness.call('POST', '/elements/api-v2/instances', {
      auth: org.platform,
      body: {
        element: { key: 'twiliov2' },
        name: 'events',
        configuration: {
          username: account.sid,
          password: account.authToken,
          'base.url': double.accountsUrl,
          'event.notification.enabled': 'true',
          'event.notification.callback.url': callback,
        },
      },
    });
  };

  it.each(['http://127.0.0.1:9/hook', 'http://169.254.169.254/latest/meta-data', 'http://[::1]/hook', 'http://10.1.2.3/hook', 'http://localhost/hook'])(
    'refuses %s with a 400 naming the key, before anything is stored',
    async (url) => {
      const before = double.requestCount;
      const res = await provision(url);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ requestId: expect.any(String), message: expect.stringContaining('event.notification.callback.url') });
      expect(double.requestCount).toBe(before); // refused before the credentials were even checked
    },
  );

  it('accepts a name that does not resolve now: every delivery checks it again', async () => {
    expect((await provision('https://receiver.example.invalid/hook')).status).toBe(200);
  });

  it('refuses a private callback URL set later by PATCH, and keeps the instance as it was', async () => {
    const created = await provision('https://receiver.example.invalid/hook');
    const id = (created.body as Json)['id'];
    const patched = await harness.call('PATCH', `/elements/api-v2/instances/${String(id)}`, {
      auth: org.platform,
      body: { configuration: { 'event.notification.callback.url': 'http://192.168.1.10/hook' } },
    });
    expect(patched.status).toBe(400);
    const now = await harness.call('GET', `/elements/api-v2/instances/${String(id)}`, { auth: org.platform });
    expect((now.body as { configuration: Json }).configuration['event.notification.callback.url']).toBe('https://receiver.example.invalid/hook');
  });
});
