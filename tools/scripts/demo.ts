// npm run demo
//
// Events end to end on one machine, nothing to install: the hub on its embedded store (in a
// temporary folder), the Twilio test double, and a small callback receiver, all on 127.0.0.1.
// It provisions a twiliov2 instance that polls and a twilio instance that receives webhooks,
// produces messages, and shows the signed notifications arriving; then a formula answers an inbound
// message through the same instance. Every call is printed as the curl a user would type.
import { verifyDelivery } from '@hub/delivery';
import { CallbackReceiver, signedTwilioWebhook, TwilioDouble } from '@hub/testing';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const SIGNATURE_KEY = 'demo-shared-secret';

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });

/**
 * The README's formula: when a message arrives on the instance (an event), look it up through the
 * hub, keep inbound ones only (the reply is itself a message the next poll sees), and reply to the
 * sender through the same instance.
 */
const AUTO_REPLY = {
  name: 'auto-reply',
  configuration: [{ key: 'sms.instance', name: 'SMS instance', type: 'elementInstance' }],
  triggers: [{ type: 'event', name: 'trigger', properties: { elementInstanceId: '${config.sms.instance}' }, onSuccess: ['lookup'] }],
  steps: [
    { name: 'lookup', type: 'elementRequest', onSuccess: ['inbound-only'], properties: { elementInstanceId: '${config.sms.instance}', method: 'GET', api: '/hubs/messaging/messages/${trigger.event.objectId}' } },
    { name: 'inbound-only', type: 'filter', onSuccess: ['reply'], properties: { body: "done(steps.lookup.response.body.direction === 'inbound')" } },
    {
      name: 'reply',
      type: 'elementRequest',
      properties: {
        elementInstanceId: '${config.sms.instance}',
        method: 'POST',
        api: '/hubs/messaging/messages',
        body: { To: '${steps.lookup.response.body.from}', From: '${steps.lookup.response.body.to}', Body: 'Thanks, we got your message.' },
      },
    },
  ],
};

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const step = (text: string) => console.log(`\n\x1b[1m== ${text}\x1b[0m`);
const shellQuote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

async function main(): Promise<number> {
  step('building the hub (nx build api)');
  const build = spawnSync(path.join(ROOT, 'node_modules/.bin/nx'), ['build', 'api', '--outputStyle=static'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) return build.status ?? 1;

  const double = await TwilioDouble.start({ clock: 'system' });
  const receiver = await CallbackReceiver.start();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'hub-demo-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const hub = spawn(process.execPath, [path.join(ROOT, 'dist/apps/api/main.js')], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', HUB_DATA_DIR: dataDir, HUB_EVENT_IDLE_MS: '200', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  hub.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const cleanup = async () => {
    hub.kill('SIGTERM');
    await receiver.stop();
    await double.stop();
    await rm(dataDir, { recursive: true, force: true });
  };

  try {
    step(`starting the hub on ${base} (embedded store in ${dataDir}), the Twilio double on ${double.accountsUrl}, a receiver on ${receiver.url}`);
    const auth = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the hub did not start:\n${out}`)), 60_000);
      const check = setInterval(() => {
        const match = /Authorization: (User \S+, Organization \S+)/.exec(out);
        if (match) {
          clearTimeout(timer);
          clearInterval(check);
          resolve(match[1]);
        }
      }, 100);
    });

    const call = async (method: string, url: string, authorization: string, body?: unknown) => {
      console.log(
        `\n$ curl -s -X ${method} ${base}/elements/api-v2${url} -H ${shellQuote(`Authorization: ${authorization}`)}` +
          (body === undefined ? '' : ` -H 'content-type: application/json' -d ${shellQuote(JSON.stringify(body))}`),
      );
      const res = await fetch(`${base}/elements/api-v2${url}`, {
        method,
        headers: { authorization, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const json = (await res.json()) as Record<string, unknown>;
      console.log(`HTTP ${res.status} ${JSON.stringify(json).slice(0, 400)}`);
      if (res.status >= 400) throw new Error(`${method} ${url} answered ${res.status}`);
      return json;
    };

    const account = double.addAccount({ friendlyName: 'Demo' });
    step('a twiliov2 instance whose events come by polling');
    const polled = await call('POST', '/instances', auth, {
      element: { key: 'twiliov2' },
      name: 'demo polling',
      configuration: {
        username: account.sid,
        password: account.authToken,
        'base.url': double.accountsUrl,
        'event.notification.enabled': 'true',
        'event.vendor.type': 'polling',
        'event.poller.refresh_interval': '1',
        'event.notification.callback.url': receiver.url,
        'event.notification.signature.key': SIGNATURE_KEY,
      },
    });

    step('a twilio instance whose events come by Twilio webhooks');
    const hooked = await call('POST', '/instances', auth, {
      element: { key: 'twilio' },
      name: 'demo webhooks',
      configuration: {
        'messaging.sms.twilio.account': account.sid,
        'messaging.sms.twilio.token': account.authToken,
        'messaging.sms.twilio.sender': '+15005550006',
        'base.url': double.accountsUrl,
        'event.notification.enabled': 'true',
        'event.vendor.type': 'webhook',
        'event.notification.callback.url': receiver.url,
        'event.notification.signature.key': SIGNATURE_KEY,
      },
    });

    step('12 messages arrive at the Twilio account; the poller is asked to run now (it would within a minute)');
    for (let i = 1; i <= 12; i++) double.addInboundMessage({ accountSid: account.sid, from: '+15005550002', to: '+15005550006', body: `hello ${i}` });
    await call('POST', `/instances/${String(polled['id'])}/events/poller/run`, auth);
    await receiver.waitForDelivered(2, 30_000);

    step('a message sent through the twilio instance: its StatusCallback is the hub');
    const sent = await call('POST', '/hubs/messaging/messages', `${auth.split(',')[0]}, Element ${String(hooked['token'])}`, { To: '+15005550001', Body: 'sent by the demo' });
    const webhookUrl = String(hooked['eventsWebhookUrl']);
    step(`Twilio reports it delivered: a signed status callback to ${webhookUrl}`);
    const callback = signedTwilioWebhook(account.authToken, webhookUrl, {
      MessageSid: String(sent['sid']),
      MessageStatus: 'delivered',
      SmsStatus: 'delivered',
      AccountSid: account.sid,
    });
    console.log(`\n$ curl -s -X POST ${webhookUrl} -H 'X-Twilio-Signature: ${callback.headers['x-twilio-signature']}' --data ${shellQuote(callback.body)}`);
    const answer = await fetch(webhookUrl, { method: 'POST', headers: callback.headers, body: callback.body });
    console.log(`HTTP ${answer.status} ${await answer.text()}`);
    await receiver.waitForDelivered(3, 30_000);

    step('what the receiver got');
    for (const request of receiver.received) {
      const body = JSON.parse(request.body) as { message: { instanceId: number; events: { objectId: string; eventType: string }[] } };
      const check = verifyDelivery({ key: SIGNATURE_KEY, rawBody: request.body, headers: request.headers as Record<string, string> });
      console.log(
        `  POST ${receiver.url}  Elements-Webhook-Id ${String(request.headers['elements-webhook-id'])}  signature ${check.valid ? 'valid' : 'INVALID'}` +
          `  instance ${body.message.instanceId}: ${body.message.events.length} event(s) ${[...new Set(body.message.events.map((e) => e.eventType))].join('/')}`,
      );
    }

    step('the delivery log');
    await call('GET', `/instances/${String(polled['id'])}/events`, auth);
    await call('GET', `/instances/${String(polled['id'])}/events/poller`, auth);

    step('a formula: an inbound message on the twiliov2 instance is answered through the same instance');
    const formula = await call('POST', '/formulas', auth, AUTO_REPLY);
    const formulaInstance = await call('POST', `/formulas/${String(formula['id'])}/instances`, auth, { name: 'demo auto-reply', configuration: { 'sms.instance': polled['id'] } });
    double.addInboundMessage({ accountSid: account.sid, from: '+15005550009', to: '+15005550006', body: 'are you open today?' });
    await call('POST', `/instances/${String(polled['id'])}/events/poller/run`, auth);
    const replied = await waitFor(async () => {
      const executions = (await (await fetch(`${base}/elements/api-v2/formulas/instances/${String(formulaInstance['id'])}/executions`, { headers: { authorization: auth } })).json()) as { id: number; status: string; objectId?: string }[];
      const done = executions.filter((e) => e.status !== 'queued' && e.status !== 'pending');
      return done.length > 0 && done.length === executions.length && double.requests.some((r) => r.method === 'POST' && r.path.endsWith('/Messages.json') && r.params['To'] === '+15005550009') ? executions : undefined;
    }, 30_000);
    for (const execution of replied) {
      await call('GET', `/formulas/instances/executions/${execution.id}/steps?includeValues=true`, auth);
    }
    const reply = double.requests.find((r) => r.method === 'POST' && r.path.endsWith('/Messages.json') && r.params['To'] === '+15005550009');
    console.log(`\n  the Twilio double received the reply: To ${String(reply?.params['To'])}  Body ${JSON.stringify(reply?.params['Body'])}`);
    console.log('\nDone: stopping the hub, the double and the receiver.');
    return 0;
  } finally {
    await cleanup();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
