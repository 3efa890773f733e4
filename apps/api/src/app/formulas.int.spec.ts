/**
 * Formulas through the api app on both stores, with the formula worker running in process: the
 * /formulas API (validation, 404/409, HTML-stripped names, tenant isolation), manual, event and
 * scheduled triggers, script → filter → elementRequest against the Twilio double, loops and a
 * sub-formula, onFailure, step retries, cancel and replay, the execution and values APIs with paging.
 */
import { CallbackReceiver, signedTwilioWebhook, TwilioDouble, twiliov2Configuration, webhookEvents } from '@hub/testing';
import { hubMetrics } from '@hub/metrics';
import { ApiHarness, type Organization, storesUnderTest } from '../testing/api-harness';

jest.setTimeout(150_000);

type Json = Record<string, unknown>;

/** Retries an assertion until it holds (background work: the formula worker). */
async function eventually(assertion: () => Promise<unknown>, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      await assertion();
      return;
    } catch (error) {
      if (Date.now() > until) throw error;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
const PUBLIC_URL = 'https://hub.example.test';

describe.each(storesUnderTest())('formulas on the %s store', (_name, store) => {
  const harness = new ApiHarness(store, {
    HUB_EVENT_WORKERS: 'true',
    HUB_ALLOW_PRIVATE_CALLBACK_URLS: 'true',
    HUB_EVENT_IDLE_MS: '50',
    HUB_PUBLIC_URL: PUBLIC_URL,
  });
  let double: TwilioDouble;
  let receiver: CallbackReceiver;
  let account: { sid: string; authToken: string };
  let org: Organization;
  let other: Organization;
  let twilio: { id: number; token: string };

  const api = (method: string, path: string, body?: unknown, who = org) => harness.call(method, `/elements/api-v2${path}`, { body, auth: who.platform });
  const ok = async (method: string, path: string, body?: unknown, who = org) => {
    const res = await api(method, path, body, who);
    if (res.status !== 200) throw new Error(`${method} ${path} answered ${res.status}: ${res.text}`);
    return res.body as Json;
  };
  const expectError = async (res: Promise<{ status: number; body: unknown }>, status: number, message: RegExp) => {
    const { status: got, body } = await res;
    expect({ status: got, body }).toMatchObject({ status, body: { requestId: expect.any(String), message: expect.stringMatching(message) } });
  };
  /** Waits until the execution has finished, and answers it with its step executions (newest first) and their values. */
  const finished = async (executionId: number) => {
    let execution: Json = {};
    await eventually(async () => {
      execution = await ok('GET', `/formulas/instances/executions/${executionId}`);
      expect(['queued', 'pending']).not.toContain(execution['status']);
    }, 30_000);
    const steps = (await ok('GET', `/formulas/instances/executions/${executionId}/steps?includeValues=true&pageSize=500`)) as unknown as { stepName: string; status: string; stepExecutionValues: { key: string; value: string }[] }[];
    const values = Object.fromEntries(steps.flatMap((s) => s.stepExecutionValues.map((v) => [v.key, v.value])));
    return { execution, steps, values };
  };
  const run = async (formula: Json, configuration: Json = {}, args: unknown = {}) => {
    const created = await ok('POST', '/formulas', formula);
    const instance = await ok('POST', `/formulas/${created['id']}/instances`, { name: 'run', configuration });
    const [execution] = (await ok('POST', `/formulas/${created['id']}/instances/${instance['id']}/executions`, args)) as unknown as Json[];
    return { formula: created, instance, ...(await finished(Number(execution['id']))) };
  };

  beforeAll(async () => {
    double = await TwilioDouble.start({ clock: 'system' });
    receiver = await CallbackReceiver.start();
    account = double.addAccount({ friendlyName: 'Main' });
    [org, other] = await harness.start(['Formulas Org', 'Other Org']);
    const provisioned = await api('POST', '/instances', {
      element: { key: 'twiliov2' },
      name: 'twilio',
      configuration: twiliov2Configuration(double, account, webhookEvents(receiver.url)),
    });
    expect(provisioned.status).toBe(200);
    twilio = provisioned.body as { id: number; token: string };
  });
  afterAll(async () => {
    await harness.dispose();
    await receiver?.stop();
    await double?.stop();
  });

  const reply = (extra: Json = {}) => ({
    name: '<a href="x">auto-reply</a>',
    configuration: [{ key: 'twilio.instance', name: 'Twilio', type: 'elementInstance' }],
    triggers: [{ type: 'event', name: 'trigger', properties: { elementInstanceId: '${config.twilio.instance}' }, onSuccess: ['build'] }],
    steps: [
      { name: 'build', type: 'script', onSuccess: ['inbound-only'], properties: { body: 'done({ to: trigger.event.objectId ? JSON.parse(JSON.stringify(trigger.body.message.raw)).From : null, text: "Thanks!" })' } },
      { name: 'inbound-only', type: 'filter', onSuccess: ['send'], properties: { body: 'done(trigger.event.eventType === "CREATED")' } },
      {
        name: 'send',
        type: 'elementRequest',
        properties: { elementInstanceId: '${config.twilio.instance}', method: 'POST', api: '/hubs/messaging/messages', body: { To: '${steps.build.to}', From: '+15005550006', Body: '${steps.build.text}' } },
      },
    ],
    ...extra,
  });

  it('creates, reads, changes and deletes formulas, with the reference’s validation errors', async () => {
    const created = await ok('POST', '/formulas', reply());
    expect(created).toMatchObject({ id: expect.any(Number), name: 'auto-reply', active: true, engine: 'v1', debugLoggingEnabled: true, createdDate: expect.any(String), userId: expect.any(Number), accountId: expect.any(Number) });
    const id = created['id'] as number;
    expect((created['steps'] as Json[]).map((s) => s['id'])).toEqual([expect.any(Number), expect.any(Number), expect.any(Number)]);
    expect(((await ok('GET', '/formulas?abridged=true')) as unknown as Json[]).find((f) => f['id'] === id)).not.toHaveProperty('steps');
    expect(await ok('GET', `/formulas/${id}/export`)).toMatchObject({ name: 'auto-reply' });
    expect(await ok('PATCH', `/formulas/${id}`, { name: '<b>renamed</b>', description: 'd' })).toMatchObject({ name: 'renamed', description: 'd' });

    await expectError(api('GET', '/formulas/-1/export'), 404, /formula '-1' not found/);
    await expectError(api('PUT', '/formulas/-1/instances/-1/active'), 404, /not found/);
    await expectError(api('POST', '/formulas', { ...reply(), steps: [{ name: 'x', type: 'elementRequest', properties: { elementInstanceId: 1, method: 'GET', api: '/hubs/m/x', retryAttempts: 6 } }] }), 400, /retryAttempts/);
    await expectError(api('POST', '/formulas', { ...reply(), steps: [{ name: 'x', type: 'elementRequest', properties: { elementInstanceId: 1, method: 'GET', api: '/hubs/m/x', retryStatusCodes: '401-,400' } }] }), 400, /retryStatusCodes/);
    await expectError(api('POST', '/formulas', { ...reply(), configuration: [{ key: 'a', name: 'A' }, { key: 'a', name: 'B' }] }), 409, /'a' is declared twice/);
    await expectError(api('POST', '/formulas', { ...reply(), steps: [{ name: 's', type: 'script', properties: { scriptEngine: 'v2', body: 'return 1;' } }] }), 400, /done\(\)/);
    await expectError(api('POST', '/formulas', { ...reply(), steps: [{ name: 's', type: 'script', properties: { scriptEngine: 'v2', body: 'const x = 1;' } }] }), 400, /done\(\)/);
    await expectError(api('POST', '/formulas', { ...reply(), debugLoggingEnabled: false }), 400, /only for formula engine v3/);
    await expectError(api('POST', '/formulas', { ...reply(), triggers: [{ type: 'scheduled', properties: { cron: '0/30 * * 1/1 * ? *' } }] }), 400, /cron/);
    await expectError(api('POST', '/formulas', { ...reply(), steps: [{ name: 'r', type: 'elementRequestStream', properties: {} }] }), 400, /'elementRequestStream' is not supported/);
    await expectError(api('POST', '/formulas', { ...reply(), triggers: [{ type: 'elementRequest', properties: {} }] }), 400, /elementInstanceId/);
    await expectError(api('POST', '/formulas', { ...reply(), triggers: [{ type: 'elementRequest', properties: { elementInstanceId: '${config.twilio.instance}', api: 'messages' } }] }), 400, /properties\.api/);
    await expectError(api('POST', '/formulas', { name: '' }), 400, /name/);

    // configuration: 409 for a key that exists; a renamed key rewrites its references
    await expectError(api('POST', `/formulas/${id}/configuration`, { key: 'twilio.instance', name: 'again', type: 'elementInstance' }), 409, /already exists/);
    const config = (created['configuration'] as Json[])[0];
    await ok('PUT', `/formulas/${id}/configuration/${config['id']}`, { key: 'sms', name: 'SMS', type: 'elementInstance' });
    const renamed = await ok('GET', `/formulas/${id}`);
    expect(JSON.stringify(renamed)).not.toContain('twilio.instance');
    expect((renamed['triggers'] as Json[])[0]).toMatchObject({ properties: { elementInstanceId: '${config.sms}' } });

    // steps: added, and deleting one takes its name out of the others' links
    const step = await ok('POST', `/formulas/${id}/steps`, { name: 'log', type: 'script', properties: { body: 'done({})' } });
    await expectError(api('POST', `/formulas/${id}/steps`, { name: 'log', type: 'script', properties: { body: 'done({})' } }), 409, /already has a step/);
    const send = (renamed['steps'] as Json[]).find((s) => s['name'] === 'inbound-only') as Json;
    await ok('DELETE', `/formulas/${id}/steps/${send['id']}`);
    const after = await ok('GET', `/formulas/${id}`);
    expect((after['steps'] as Json[]).map((s) => s['name'])).toEqual(['build', 'send', 'log']);
    expect((after['steps'] as Json[])[0]['onSuccess']).toEqual([]);
    expect(await ok('GET', `/formulas/${id}/steps/${step['id']}`)).toMatchObject({ name: 'log' });

    // another organization sees none of it
    await expectError(api('GET', `/formulas/${id}`, undefined, other), 404, /not found/);
    expect(((await ok('GET', '/formulas', undefined, other)) as unknown as Json[]).length).toBe(0);
    await ok('DELETE', `/formulas/${id}`);
    await expectError(api('GET', `/formulas/${id}`), 404, /not found/);
  });

  it('refuses an instance whose trigger links to a missing step, or whose configuration names another organization’s instance', async () => {
    const broken = await ok('POST', '/formulas', { name: 'broken', triggers: [{ type: 'manual', onSuccess: ['missing'] }], steps: [] });
    await expectError(api('POST', `/formulas/${broken['id']}/instances`, { name: 'i' }), 400, /missing/);
    const formula = await ok('POST', '/formulas', reply());
    await expectError(api('POST', `/formulas/${formula['id']}/instances`, { name: 'i', configuration: {} }), 400, /configuration\.twilio\.instance is required/);
    const theirs = await ok('POST', '/formulas', reply(), other);
    await expectError(api('POST', `/formulas/${theirs['id']}/instances`, { name: 'i', configuration: { 'twilio.instance': twilio.id } }, other), 400, /element instance \d+ not found/);
    const instance = await ok('POST', `/formulas/${formula['id']}/instances`, { name: '<i>@prod</i>', configuration: { 'twilio.instance': twilio.id }, active: false });
    expect(instance).toMatchObject({ name: '@prod', active: false, formula: { id: formula['id'], name: 'auto-reply' }, numberConsecutiveErrors: 0, numberConsecutiveErrorWarningNotifications: 0 });
    expect(await ok('PUT', `/formulas/${formula['id']}/instances/${instance['id']}/active`)).toMatchObject({ active: true });
    expect(await ok('DELETE', `/formulas/${formula['id']}/instances/${instance['id']}/active`)).toMatchObject({ active: false });
    expect(((await ok('GET', `/formulas/instances?elementInstanceId=${twilio.id}`)) as unknown as Json[]).map((i) => i['id'])).not.toContain(instance['id']);
    expect(((await ok('GET', `/formulas/instances?elementInstanceId=${twilio.id}&includeInactive=true`)) as unknown as Json[]).map((i) => i['id'])).toContain(instance['id']);
    expect(await ok('GET', '/formulas/instances?elementInstanceId=-1')).toEqual([]);
    await expectError(api('GET', `/formulas/${formula['id']}/instances/${instance['id']}`, undefined, other), 404, /not found/);
    await ok('DELETE', `/formulas/instances/${instance['id']}`);
  });

  it('an inbound message on the twiliov2 instance runs script → filter → elementRequest, which replies through the same instance', async () => {
    const formula = await ok('POST', '/formulas', reply());
    const instance = await ok('POST', `/formulas/${formula['id']}/instances`, { name: 'auto-reply', configuration: { 'twilio.instance': twilio.id } });
    const inbound = { MessageSid: 'SM' + 'f'.repeat(32), SmsStatus: 'received', AccountSid: account.sid, From: '+15005550002', To: '+15005550006', Body: 'hello?', NumMedia: '0', ApiVersion: '2010-04-01' };
    const payload = signedTwilioWebhook(account.authToken, `${PUBLIC_URL}/elements/api-v2/events/twiliov2/${twilio.id}`, inbound);
    const received = await harness.app.getHttpAdapter().getInstance().inject({ method: 'POST', url: `/elements/api-v2/events/twiliov2/${twilio.id}`, payload: payload.body, headers: payload.headers });
    expect(received.statusCode).toBe(200);

    let executions: Json[] = [];
    await eventually(async () => {
      executions = (await ok('GET', `/formulas/instances/${instance['id']}/executions`)) as unknown as Json[];
      expect(executions).toHaveLength(1);
    }, 20_000);
    expect(executions[0]).toMatchObject({ objectId: inbound.MessageSid, eventId: expect.any(String) });
    const { execution, steps, values } = await finished(Number(executions[0]['id']));
    expect(execution).toMatchObject({ status: 'success', formulaInstanceId: instance['id'], updatedDate: expect.any(String) });
    expect(steps.map((s) => `${s.stepName}:${s.status}`)).toEqual(['send:success', 'inbound-only:success', 'build:success', 'trigger:success']);
    expect(values).toMatchObject({ 'trigger.type': 'event', 'build.to': '+15005550002', 'inbound-only.continue': 'true', 'send.response.code': '200' });
    expect(JSON.parse(values['trigger.event'])).toMatchObject({ objectId: inbound.MessageSid, eventType: 'CREATED', objectType: 'messages' });
    const sent = double.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/Messages.json')).at(-1);
    expect(sent?.params).toMatchObject({ To: '+15005550002', From: '+15005550006', Body: 'Thanks!' });
    // the same execution, searched by its event and object
    expect(await ok('GET', `/formulas/instances/${instance['id']}/executions?objectId=${inbound.MessageSid}`)).toHaveLength(1);
    expect(await ok('GET', `/formulas/instances/${instance['id']}/executions?eventId=${executions[0]['eventId']}`)).toHaveLength(1);
    await expectError(api('GET', `/formulas/instances/${instance['id']}/executions?eventId=a&objectId=b`), 400, /not both/);
    await ok('DELETE', `/formulas/${formula['id']}`);
  });

  it('an elementRequest trigger runs after a matching client hub call on its instance (method and api filter), with the call as trigger data', async () => {
    const formula = await ok('POST', '/formulas', {
      name: 'on-send',
      configuration: [{ key: 'sms', name: 'SMS', type: 'elementInstance' }],
      triggers: [{ type: 'elementRequest', properties: { elementInstanceId: '${config.sms}', method: 'POST', api: '/hubs/messaging/messages' }, onSuccess: ['seen'] }],
      steps: [{ name: 'seen', type: 'script', properties: { body: 'done({ to: trigger.request.body.To, code: trigger.response.code, sid: trigger.response.body.sid })' } }],
    });
    const instance = await ok('POST', `/formulas/${formula['id']}/instances`, { name: 'on-send', configuration: { sms: twilio.id } });
    const hub = (method: string, path: string, body?: unknown) => harness.call(method, `/elements/api-v2/hubs/messaging${path}`, { body, auth: `${org.user}, Element ${twilio.token}` });
    // a call the trigger does not name (GET) starts nothing; the POST it names starts one execution
    expect((await hub('GET', '/messages?pageSize=1')).status).toBe(200);
    const sent = await hub('POST', '/messages', { To: '+15005550003', From: '+15005550006', Body: 'hi' });
    expect(sent.status).toBe(200);
    let executions: Json[] = [];
    await eventually(async () => {
      executions = (await ok('GET', `/formulas/instances/${instance['id']}/executions`)) as unknown as Json[];
      expect(executions).toHaveLength(1);
    });
    const { execution, values } = await finished(Number(executions[0]['id']));
    expect(execution).toMatchObject({ status: 'success' });
    expect(values).toMatchObject({ 'trigger.type': 'request', 'trigger.request.method': 'POST', 'trigger.request.path': '/hubs/messaging/messages', 'trigger.response.code': '200', 'seen.to': '+15005550003', 'seen.code': '200', 'seen.sid': (sent.body as Json)['sid'] });
    expect(JSON.parse(values['trigger.request.body'])).toMatchObject({ To: '+15005550003' });
    // deactivated: hub calls start nothing (this process stops listening at once)
    await ok('DELETE', `/formulas/${formula['id']}/instances/${instance['id']}/active`);
    expect((await hub('POST', '/messages', { To: '+15005550004', From: '+15005550006', Body: 'again' })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect(await ok('GET', `/formulas/instances/${instance['id']}/executions`)).toHaveLength(1);
    await ok('DELETE', `/formulas/${formula['id']}`);
  });

  it('runs an event formula on a posted envelope: one execution per event object', async () => {
    const formula = await ok('POST', '/formulas', reply());
    const instance = await ok('POST', `/formulas/${formula['id']}/instances`, { name: 'envelope', configuration: { 'twilio.instance': twilio.id }, active: false });
    const events = ['A', 'B', 'C'].map((id) => ({ objectType: 'messages', objectId: `SM${id}`, eventType: 'UPDATED' }));
    const created = (await ok('POST', `/formulas/${formula['id']}/instances/${instance['id']}/executions`, { message: { instance_id: twilio.id, events, raw: { From: '+1' } } })) as unknown as Json[];
    expect(created.map((e) => e['objectId'])).toEqual(['SMA', 'SMB', 'SMC']);
    for (const e of created) {
      const { execution, steps } = await finished(Number(e['id']));
      expect(execution['status']).toBe('success'); // the filter ends the branch: not an error
      expect(steps.map((s) => s.stepName)).toEqual(['inbound-only', 'build', 'trigger']);
    }
    await expectError(api('POST', `/formulas/${formula['id']}/instances/${instance['id']}/executions`, { foo: 1 }), 400, /event envelope/);
  });

  it('manual trigger: trigger.args, info, console, loops and a sub-formula with a configuration overlay', async () => {
    const succeeded = async () => (await hubMetrics.formulaExecutions.get()).values.find((v) => v.labels.status === 'success')?.value ?? 0;
    const succeededBefore = await succeeded();
    const child = await ok('POST', '/formulas', {
      name: 'child',
      configuration: [{ key: 'greeting', name: 'Greeting', type: 'value' }],
      triggers: [{ type: 'manual', onSuccess: ['say'] }],
      steps: [{ name: 'say', type: 'script', properties: { body: 'done({ text: config.greeting + " " + trigger.args.who })' } }],
    });
    const { values, steps, execution, formula, instance } = await run(
      {
        name: 'parent',
        configuration: [{ key: 'greeting', name: 'Greeting', type: 'value' }],
        triggers: [{ type: 'manual', onSuccess: ['build'] }],
        steps: [
          { name: 'build', type: 'script', onSuccess: ['each'], properties: { body: 'console.log("n", trigger.args.n); done({ ids: Array.from({ length: trigger.args.n }, (_, i) => i), id: info.formulaInstanceId, big: "8000270E-1392053436" })' } },
          { name: 'each', type: 'loop', onSuccess: ['body'], onFailure: ['sub'], properties: { list: '${steps.build.ids}' } },
          { name: 'body', type: 'script', onSuccess: ['each'], properties: { body: 'done({ square: steps.each.entry * steps.each.entry })' } },
          { name: 'sub', type: 'formula', properties: { formulaId: child['id'], args: { who: '${trigger.args.who}' }, subFormulaConfigs: { greeting: 'hello' } } },
        ],
      },
      { greeting: 'hi' },
      { n: 3, who: 'you' },
    );
    expect(execution['status']).toBe('success');
    // Metrics: the execution is counted (the sub-formula runs inside it, not as one of its own).
    await eventually(async () => expect(await succeeded()).toBe(succeededBefore + 1));
    expect(steps).toHaveLength(1 + 1 + 4 + 3 + 1);
    expect(values).toMatchObject({ 'trigger.args': '{"n":3,"who":"you"}', 'build.console': '["n 3"]', 'build.big': '8000270E-1392053436', 'build.id': String(instance['id']), 'sub.text': 'hello you' });
    expect(steps.filter((s) => s.stepName === 'each').map((s) => s.status)).toEqual(['failed', 'success', 'success', 'success']);
    // paging: newest first, Elements-* headers, a next-page token while more remain
    const execId = execution['id'];
    const page1 = await api('GET', `/formulas/instances/executions/${execId}/steps?pageSize=4`);
    expect(page1.headers).toMatchObject({ 'elements-total-count': '10', 'elements-returned-count': '4', 'elements-next-page-token': '2' });
    const page3 = await api('GET', `/formulas/instances/executions/${execId}/steps?pageSize=4&nextPage=3`);
    expect(page3.headers).toMatchObject({ 'elements-returned-count': '2' });
    expect(page3.headers['elements-next-page-token']).toBeUndefined();
    expect((page3.body as Json[]).map((s) => s['stepName'])).toEqual(['build', 'trigger']);
    const trigger = (page3.body as Json[])[1];
    expect(await ok('GET', `/formulas/instances/executions/steps/${trigger['id']}`)).toMatchObject({ stepName: 'trigger', status: 'success' });
    const triggerValues = await api('GET', `/formulas/instances/executions/steps/${trigger['id']}/values`);
    expect(triggerValues.body).toEqual([{ id: expect.any(Number), key: 'trigger.args', value: '{"n":3,"who":"you"}' }]);
    expect(triggerValues.headers).toMatchObject({ 'elements-total-count': '1' });
    // the executions list pages too
    await ok('POST', `/formulas/${formula['id']}/instances/${instance['id']}/executions`, { n: 0, who: 'again' });
    const list = await api('GET', `/formulas/${formula['id']}/instances/${instance['id']}/executions?pageSize=1`);
    expect(list.headers).toMatchObject({ 'elements-total-count': '2', 'elements-returned-count': '1', 'elements-next-page-token': '2' });
    expect((list.body as Json[])[0]['id']).toBeGreaterThan(Number(execId));
    // another organization reads none of it
    await expectError(api('GET', `/formulas/instances/executions/${execId}`, undefined, other), 404, /not found/);
    await expectError(api('GET', `/formulas/instances/executions/steps/${trigger['id']}/values`, undefined, other), 404, /not found/);
    await expectError(api('POST', `/formulas/instances/${instance['id']}/executions`, {}, other), 404, /not found/);
  });

  it('runs a changed formula and a reconfigured instance as changed on the next execution (the worker keeps neither past a change)', async () => {
    const definition = (text: string) => ({
      name: 'changing',
      configuration: [{ key: 'greeting', name: 'Greeting', type: 'value' }],
      triggers: [{ type: 'manual', onSuccess: ['say'] }],
      steps: [{ name: 'say', type: 'script', properties: { body: `done({ text: config.greeting + " ${text}" })` } }],
    });
    const { formula, instance, values } = await run(definition('one'), { greeting: 'hi' });
    expect(values['say.text']).toBe('hi one');
    const again = async () => {
      const [execution] = (await ok('POST', `/formulas/${formula['id']}/instances/${instance['id']}/executions`, {})) as unknown as Json[];
      return (await finished(Number(execution['id']))).values['say.text'];
    };
    await ok('PUT', `/formulas/${formula['id']}`, definition('two'));
    expect(await again()).toBe('hi two');
    await ok('PUT', `/formulas/${formula['id']}/instances/${instance['id']}`, { name: 'run', configuration: { greeting: 'hello' } });
    expect(await again()).toBe('hello two');
  });

  it('a failing step runs onFailure and fails the execution; a request is retried on retryStatusCodes; an endless script times out', async () => {
    double.faults.next({ method: 'GET', path: /\/Messages\.json$/, status: 500, times: 2 });
    const { values, steps, execution, formula } = await run(
      {
        name: 'failing',
        configuration: [{ key: 'twilio', name: 'Twilio', type: 'elementInstance' }],
        triggers: [{ type: 'manual', onSuccess: ['list'] }],
        steps: [
          { name: 'list', type: 'elementRequest', onSuccess: ['boom'], properties: { elementInstanceId: '${config.twilio}', method: 'GET', api: '/hubs/messaging/messages', retry: 'true', retryAttempts: '3', retryDelay: '10', retryStatusCodes: '500-599' } },
          { name: 'boom', type: 'script', onFailure: ['handler'], properties: { body: "throw('boom')" } },
          { name: 'handler', type: 'script', onSuccess: ['spin'], properties: { body: 'done({ handled: steps.list.response.code })' } },
          { name: 'spin', type: 'script', properties: { body: 'while (true) {}' } },
        ],
      },
      { twilio: twilio.id },
    );
    expect(execution['status']).toBe('failed');
    expect(steps.map((s) => `${s.stepName}:${s.status}`)).toEqual(['spin:failed', 'handler:success', 'boom:failed', 'list:success', 'trigger:success']);
    expect(values).toMatchObject({ 'list.request.retry-attempt': '2', 'list.response.code': '200', 'boom.error': 'boom', 'handler.handled': '200' });
    expect(values['spin.error']).toMatch(/timed out/);
    const errors = (await ok('GET', `/formulas/instances/executions/${execution['id']}/errors`)) as unknown as Json[];
    expect(errors.map((e) => e['stepName'])).toEqual(['spin', 'boom']);
    // the error views: the instance's failed executions with only their failed steps; the formula's instances with failures
    const failedRuns = await api('GET', `/formulas/instances/${execution['formulaInstanceId']}/executions/errors?pageSize=1`);
    expect(failedRuns.status).toBe(200);
    expect(failedRuns.body).toMatchObject([{ id: execution['id'], status: 'failed', stepExecutions: [{ stepName: 'spin', status: 'failed' }, { stepName: 'boom', status: 'failed', stepExecutionValues: [{ key: 'boom.error', value: 'boom' }] }] }]);
    expect(await ok('GET', `/formulas/instances/${execution['formulaInstanceId']}/executions/errors?from=2999-01-01T00:00:00Z`)).toEqual([]);
    await expectError(api('GET', `/formulas/instances/${execution['formulaInstanceId']}/executions/errors?from=2020-01-02T00:00:00Z&to=2020-01-01T00:00:00Z`), 400, /to must not be earlier/);
    const byInstance = (await ok('GET', `/formulas/${formula['id']}/instances/executions/errors`)) as unknown as Json[];
    expect(byInstance).toMatchObject([{ id: execution['formulaInstanceId'], executions: [{ id: execution['id'], stepExecutions: [{ stepName: 'spin' }, { stepName: 'boom' }] }] }]);
    await expectError(api('GET', `/formulas/instances/${execution['formulaInstanceId']}/executions/errors`, undefined, other), 404, /not found/);
    const instance = await ok('GET', `/formulas/instances?searchText=run`);
    expect((instance as unknown as Json[]).some((i) => i['numberConsecutiveErrors'] === 1)).toBe(true);
  });

  it('cancels a running execution, replays a finished one, and refuses to cancel a finished one', async () => {
    const formula = await ok('POST', '/formulas', {
      name: 'slow',
      triggers: [{ type: 'manual', onSuccess: ['each'] }],
      steps: [
        { name: 'each', type: 'loop', onSuccess: ['wait'], properties: { list: '${trigger.args.list}' } },
        { name: 'wait', type: 'script', onSuccess: ['each'], properties: { body: 'done({ i: steps.each.index })' } },
      ],
    });
    const instance = await ok('POST', `/formulas/${formula['id']}/instances`, { name: 'slow' });
    const [execution] = (await ok('POST', `/formulas/${formula['id']}/instances/${instance['id']}/executions`, { list: Array.from({ length: 1000 }, (_, i) => i) })) as unknown as Json[];
    await eventually(async () => expect((await ok('GET', `/formulas/instances/executions/${execution['id']}`))['status']).toBe('pending'), 20_000);
    expect(await ok('PATCH', `/formulas/instances/executions/${execution['id']}`, { status: 'cancelled' })).toMatchObject({ status: 'cancelled' });
    const seen = ((await ok('GET', `/formulas/instances/executions/${execution['id']}`))['stepExecutions'] as Json[]).length;
    await new Promise((r) => setTimeout(r, 1_000));
    const stopped = await ok('GET', `/formulas/instances/executions/${execution['id']}`);
    expect(stopped['status']).toBe('cancelled');
    // at most the step in flight when it was cancelled was recorded after
    expect((stopped['stepExecutions'] as Json[]).length).toBeLessThanOrEqual(seen + 1);
    expect((stopped['stepExecutions'] as Json[]).length).toBeLessThan(2001);
    await expectError(api('PATCH', `/formulas/instances/executions/${execution['id']}`, { status: 'cancelled' }), 400, /already finished/);
    await expectError(api('PATCH', '/formulas/instances/executions/999999', { status: 'cancelled' }), 404, /not found/);
    await expectError(api('PATCH', `/formulas/instances/executions/${execution['id']}`, { status: 'success' }), 400, /status/);

    const replayed = await ok('PUT', `/formulas/instances/executions/${execution['id']}/retries`, {});
    expect(replayed['id']).not.toBe(execution['id']);
    await ok('PATCH', `/formulas/instances/executions/${replayed['id']}`, { status: 'cancelled' });
    await expectError(api('DELETE', `/formulas/instances/executions/${execution['id']}/retries`), 400, /not waiting for a retry/);
  });

  it('httpRequest calls out under the callback SSRF policy: a receiver gets the body, a file: URL is refused', async () => {
    receiver.received.length = 0;
    const { values, execution } = await run(
      {
        name: 'outbound',
        triggers: [{ type: 'manual', onSuccess: ['post'] }],
        steps: [
          { name: 'post', type: 'httpRequest', onSuccess: ['file'], properties: { url: receiver.url, method: 'POST', body: { hello: '${trigger.args.who}' } } },
          { name: 'file', type: 'httpRequest', properties: { url: 'file:///etc/passwd', method: 'GET' } },
        ],
      },
      {},
      { who: 'receiver' },
    );
    expect(JSON.parse(receiver.received.at(-1)?.body ?? '{}')).toEqual({ hello: 'receiver' });
    expect(values['post.response.code']).toBe('200');
    expect(values['file.error']).toMatch(/url refused/);
    expect(execution['status']).toBe('failed');
  });

  it('a request step calls the platform API as the formula’s owner: its own instances only, a PATCH that changes one; hub paths refused at creation; a forged owner header is 401', async () => {
    const mine = await ok('POST', '/instances', { element: { key: 'twiliov2' }, name: 'before', configuration: twiliov2Configuration(double, account) });
    const theirs = await ok('POST', '/instances', { element: { key: 'twiliov2' }, name: 'theirs', configuration: twiliov2Configuration(double, double.addAccount({ friendlyName: 'Other' })) }, other);
    const { values, execution } = await run(
      {
        name: 'platform calls',
        triggers: [{ type: 'manual', onSuccess: ['list'] }],
        steps: [
          { name: 'list', type: 'request', onSuccess: ['ids'], properties: { method: 'GET', api: '/instances', headers: { Authorization: other.platform } } },
          { name: 'ids', type: 'script', onSuccess: ['rename'], properties: { body: 'done({ ids: steps.list.response.body.map((i) => i.id) })' } },
          { name: 'rename', type: 'request', onSuccess: ['theirs'], properties: { method: 'PATCH', api: '/instances/{id}', path: { id: '${trigger.args.id}' }, body: { name: 'renamed by a formula' } } },
          { name: 'theirs', type: 'request', properties: { method: 'GET', api: '/instances/${trigger.args.theirs}', acceptableStatusCodes: '404' } },
        ],
      },
      {},
      { id: mine['id'], theirs: theirs['id'] },
    );
    expect(execution['status']).toBe('success');
    const ids = JSON.parse(values['ids.ids']) as number[];
    expect(ids).toEqual(expect.arrayContaining([twilio.id, mine['id']]));
    expect(ids).not.toContain(theirs['id']);
    expect(values).toMatchObject({ 'list.request.method': 'GET', 'list.request.api': '/instances', 'list.request.headers': '{}', 'list.response.code': '200', 'rename.response.code': '200', 'theirs.response.code': '404' });
    expect(JSON.parse(values['rename.response.body'])).toMatchObject({ id: mine['id'], name: 'renamed by a formula' });
    expect(await ok('GET', `/instances/${mine['id']}`)).toMatchObject({ name: 'renamed by a formula' });
    expect(await ok('GET', `/instances/${theirs['id']}`, undefined, other)).toMatchObject({ name: 'theirs' });
    // The signed identity (<org>.<user>.<expiry>.<mac>) is neither recorded nor logged.
    const identity = /\d+\.\d+\.\d{10}\.[A-Za-z0-9_-]{43}/;
    expect(JSON.stringify(values)).not.toMatch(identity);
    expect(harness.logs.join('')).not.toMatch(identity);
    expect(harness.logs.join('')).not.toContain('x-hub-formula-owner');

    await expectError(
      api('POST', '/formulas', { name: 'hub call', triggers: [{ type: 'manual', onSuccess: ['send'] }], steps: [{ name: 'send', type: 'request', properties: { method: 'POST', api: '/hubs/messaging/messages' } }] }),
      400,
      /steps\[0\]\.properties\.api '\/hubs\/messaging\/messages': hub calls go through an elementRequest step/,
    );
    await expectError(
      api('POST', '/formulas', { name: 'rotate', triggers: [{ type: 'manual', onSuccess: ['r'] }], steps: [{ name: 'r', type: 'request', properties: { method: 'POST', api: '/organizations/secret/rotate' } }] }),
      400,
      /steps\[0\]\.properties\.api .*read or rotate secrets/,
    );
    const forged = `1.1.${Math.floor(Date.now() / 1000) + 30}.${'A'.repeat(43)}`;
    await expectError(harness.call('GET', '/elements/api-v2/instances', { headers: { 'x-hub-formula-owner': forged } }), 401, /x-hub-formula-owner identity is not valid/);
    await expectError(harness.call('GET', '/elements/api-v2/instances', { auth: org.platform, headers: { 'x-hub-formula-owner': forged } }), 401, /not valid/);
  });

  it('retryFormulaExecution ends an execution `retry` and queues its re-run, which DELETE …/retries cancels', async () => {
    const { execution } = await run({
      name: 'retrying',
      triggers: [{ type: 'manual', onSuccess: ['again'] }],
      steps: [{ name: 'again', type: 'retryFormulaExecution', properties: { retryAttempts: '2' } }],
    });
    expect(execution['status']).toBe('retry');
    expect(await ok('DELETE', `/formulas/instances/executions/${execution['id']}/retries`)).toEqual({ cancelled: 1 });
  });

  if (_name === 'embedded') {
    it('a scheduled instance runs at the next minute its cron names', async () => {
      const formula = await ok('POST', '/formulas', {
        name: 'every minute',
        configuration: [{ key: 'cron', name: 'Cron', type: 'value' }],
        triggers: [{ type: 'scheduled', properties: { cron: '${config.cron}' }, onSuccess: ['tick'] }],
        steps: [{ name: 'tick', type: 'script', properties: { body: 'done({ type: trigger.type })' } }],
      });
      await expectError(api('POST', `/formulas/${formula['id']}/instances`, { name: 'bad', configuration: { cron: '0/30 * * 1/1 * ? *' } }), 400, /at most once a minute/);
      const instance = await ok('POST', `/formulas/${formula['id']}/instances`, { name: 'ticking', configuration: { cron: '0 0/1 * 1/1 * ? *' } });
      let executions: Json[] = [];
      await eventually(async () => {
        executions = (await ok('GET', `/formulas/instances/${instance['id']}/executions`)) as unknown as Json[];
        expect(executions.length).toBeGreaterThanOrEqual(1);
      }, 75_000);
      const { values, execution } = await finished(Number(executions.at(-1)?.['id']));
      expect(execution['status']).toBe('success');
      expect(values).toMatchObject({ 'trigger.type': 'scheduled', 'tick.type': 'scheduled' });
      await ok('DELETE', `/formulas/${formula['id']}/instances/${instance['id']}/active`);
    });
  }
});
