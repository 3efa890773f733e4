/**
 * Formulas on the built apps as processes: the api (serving; HUB_EVENT_WORKERS=false, so it runs no
 * execution) and one poller replica (polls, deliveries, formula executions and schedules) on one
 * PostgreSQL (TEST_DATABASE_URL), against the Twilio double.
 *   - event trigger: an inbound message, polled by the replica, runs elementRequest → filter →
 *     script → elementRequest, which replies through the same instance;
 *   - elementRequest trigger: a client's hub call on the api starts an execution the replica runs;
 *   - manual trigger: a loop and a sub-formula; a failing step with onFailure; step retries on
 *     retryStatusCodes; the executions and values APIs with paging headers;
 *   - scheduled trigger: an instance made due runs once with trigger.type scheduled;
 *   - request step: the replica calls the api's platform API over HUB_API_URL as the formula's owner
 *     (the identity signed with a key both derive from HUB_ENCRYPTION_KEY);
 *   - tenant isolation: another organization (created with the CLI) sees none of it.
 * A replica killed mid-execution: formulas-replicas.spec.ts.
 */
import { CallbackReceiver, pollingEvents, TwilioDouble, twiliov2Configuration } from '@hub/testing';
import { randomBytes } from 'node:crypto';
import { SuiteDatabase } from './support/databases';
import { API_CLI, apiCall, type RunningProcess, runNode, startHub, startPoller } from './support/processes';

jest.setTimeout(180_000);

const serverUrl = process.env['TEST_DATABASE_URL']?.trim();

type Json = Record<string, unknown>;
type Step = { stepName: string; status: string; stepExecutionValues: { key: string; value: string }[] };

(serverUrl ? describe : describe.skip)('formula triggers and steps on the built api and a poller replica', () => {
  let database: SuiteDatabase;
  let double: TwilioDouble;
  let receiver: CallbackReceiver;
  let hub: RunningProcess;
  let poller: RunningProcess;
  let baseUrl: string;
  let platform: string;
  let other: string;
  let twilio: { id: number; token: string };
  let account: { sid: string; authToken: string };

  const http = (method: string, url: string, body?: unknown, auth = platform) => apiCall(baseUrl, method, url, auth, body);
  const ok = async (method: string, url: string, body?: unknown) => {
    const res = await http(method, url, body);
    if (res.status !== 200) throw new Error(`${method} ${url} answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body as Json;
  };
  const waitUntil = async <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> => {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 150));
    }
  };
  /** The instance's executions once `count` exist and all have finished. */
  const finishedExecutions = (instanceId: unknown, count: number) =>
    waitUntil(`${count} finished executions of formula instance ${String(instanceId)}`, async () => {
      const list = (await ok('GET', `/formulas/instances/${String(instanceId)}/executions?pageSize=200`)) as unknown as Json[];
      return list.length >= count && list.every((e) => !['queued', 'pending'].includes(String(e['status']))) ? list : undefined;
    });
  const stepsOf = async (executionId: unknown) => {
    const steps = (await ok('GET', `/formulas/instances/executions/${String(executionId)}/steps?includeValues=true&pageSize=500`)) as unknown as Step[];
    // steps come newest first: the newest value of a key wins (a step that ran several times)
    return { steps, values: Object.fromEntries([...steps].reverse().flatMap((s) => s.stepExecutionValues.map((v) => [v.key, v.value]))) as Record<string, string> };
  };
  const formulaWithInstance = async (formula: Json, configuration: Json = {}) => {
    const created = await ok('POST', '/formulas', formula);
    const instance = await ok('POST', `/formulas/${String(created['id'])}/instances`, { name: String(formula['name']), configuration });
    return { formulaId: created['id'] as number, instanceId: instance['id'] as number };
  };

  beforeAll(async () => {
    database = await SuiteDatabase.create(serverUrl ?? '', 'hub_e2e_formula_triggers');
    double = await TwilioDouble.start({ clock: 'system' });
    receiver = await CallbackReceiver.start();
    account = double.addAccount({ friendlyName: 'Formulas' });
    const env = {
      DATABASE_URL: database.url,
      HUB_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      HUB_ALLOW_PRIVATE_VENDOR_URLS: 'true',
      HUB_ALLOW_PRIVATE_CALLBACK_URLS: 'true',
      // generous: the suite shares a loaded machine; no replica is killed here, so the lease never runs out
      HUB_VENDOR_TIMEOUT_MS: '10000',
      HUB_EVENT_LEASE_MS: '30000',
      HUB_EVENT_IDLE_MS: '100',
    };
    ({ hub, baseUrl } = await startHub({ ...env, HUB_MIGRATE_ON_START: 'true', HUB_EVENT_WORKERS: 'false' }));
    platform = (await hub.waitFor(/Authorization: (User \S+, Organization \S+)/))[1];
    const cli = await runNode(API_CLI, ['org:create', 'Other Org'], env);
    expect(cli.code).toBe(0);
    other = cli.stdout.match(/Authorization: (User \S+, Organization \S+)/)?.[1] ?? '';
    poller = await startPoller({ ...env, HUB_API_URL: baseUrl });
    const provisioned = await http('POST', '/instances', { element: { key: 'twiliov2' }, name: 'sms', configuration: twiliov2Configuration(double, account, pollingEvents(receiver.url)) });
    expect(provisioned.status).toBe(200);
    twilio = provisioned.body as { id: number; token: string };
  });
  afterAll(async () => {
    await poller?.stop('SIGKILL');
    await hub?.stop();
    await receiver?.stop();
    await double?.stop();
    await database?.drop();
  });

  it('event trigger: an inbound message polled by the replica runs elementRequest → filter → script → elementRequest, which replies through the same instance', async () => {
    const { instanceId } = await formulaWithInstance(
      {
        name: 'auto-reply',
        configuration: [{ key: 'sms.instance', name: 'SMS', type: 'elementInstance' }],
        triggers: [{ type: 'event', properties: { elementInstanceId: '${config.sms.instance}' }, onSuccess: ['lookup'] }],
        steps: [
          { name: 'lookup', type: 'elementRequest', onSuccess: ['inbound-only'], properties: { elementInstanceId: '${config.sms.instance}', method: 'GET', api: '/hubs/messaging/messages/${trigger.event.objectId}' } },
          { name: 'inbound-only', type: 'filter', onSuccess: ['build'], properties: { body: "done(steps.lookup.response.body.direction === 'inbound')" } },
          { name: 'build', type: 'script', onSuccess: ['reply'], properties: { body: 'done({ text: "You said: " + steps.lookup.response.body.body })' } },
          { name: 'reply', type: 'elementRequest', properties: { elementInstanceId: '${config.sms.instance}', method: 'POST', api: '/hubs/messaging/messages', body: { To: '${steps.lookup.response.body.from}', From: '${steps.lookup.response.body.to}', Body: '${steps.build.text}' } } },
        ],
      },
      { 'sms.instance': twilio.id },
    );
    const inbound = double.addInboundMessage({ accountSid: account.sid, from: '+15005550002', to: '+15005550006', body: 'open today?' });
    expect((await http('POST', `/instances/${twilio.id}/events/poller/run`)).status).toBe(200);
    const [execution] = await finishedExecutions(instanceId, 1);
    expect(execution).toMatchObject({ status: 'success', objectId: inbound.sid });
    const { steps, values } = await stepsOf(execution['id']);
    expect(steps.map((s) => `${s.stepName}:${s.status}`)).toEqual(['reply:success', 'build:success', 'inbound-only:success', 'lookup:success', 'trigger:success']);
    expect(values).toMatchObject({ 'trigger.type': 'event', 'inbound-only.continue': 'true', 'build.text': 'You said: open today?', 'reply.response.code': '200' });
    const reply = double.requests.find((r) => r.method === 'POST' && r.path.endsWith('/Messages.json') && r.params['To'] === '+15005550002');
    expect(reply?.params).toMatchObject({ From: '+15005550006', Body: 'You said: open today?' });
  });

  it('elementRequest trigger: a client hub call on the api starts an execution the replica runs', async () => {
    const { instanceId } = await formulaWithInstance(
      {
        name: 'after-send',
        configuration: [{ key: 'sms', name: 'SMS', type: 'elementInstance' }],
        triggers: [{ type: 'elementRequest', properties: { elementInstanceId: '${config.sms}', method: 'POST', api: '/hubs/messaging/messages' }, onSuccess: ['seen'] }],
        steps: [{ name: 'seen', type: 'script', properties: { body: 'done({ to: trigger.request.body.To, code: trigger.response.code })' } }],
      },
      { sms: twilio.id },
    );
    const sent = await apiCall(baseUrl, 'POST', '/hubs/messaging/messages', `${platform.split(',')[0]}, Element ${twilio.token}`, { To: '+15005550004', From: '+15005550006', Body: 'hi' });
    expect(sent.status).toBe(200);
    const [execution] = await finishedExecutions(instanceId, 1);
    expect(execution['status']).toBe('success');
    expect((await stepsOf(execution['id'])).values).toMatchObject({ 'trigger.type': 'request', 'trigger.request.method': 'POST', 'seen.to': '+15005550004', 'seen.code': '200' });
  });

  it('manual trigger: a loop and a sub-formula, a failing step with onFailure, step retries, and the executions and values APIs with paging', async () => {
    const child = await ok('POST', '/formulas', {
      name: 'double-it',
      triggers: [{ type: 'manual', onSuccess: ['twice'] }],
      steps: [{ name: 'twice', type: 'script', properties: { body: 'done({ value: trigger.args.n * 2, label: config.label })' } }],
    });
    const { formulaId, instanceId } = await formulaWithInstance(
      {
        name: 'parent',
        configuration: [
          { key: 'sms', name: 'SMS', type: 'elementInstance' },
          { key: 'label', name: 'Label', type: 'value' },
        ],
        triggers: [{ type: 'manual', onSuccess: ['each'] }],
        steps: [
          { name: 'each', type: 'loop', onSuccess: ['sub'], onFailure: ['list'], properties: { list: '${trigger.args.numbers}' } },
          { name: 'sub', type: 'formula', onSuccess: ['each'], properties: { formulaId: String(child['id']), args: { n: '${steps.each.entry}' }, subFormulaConfigs: { label: 'child' } } },
          { name: 'list', type: 'elementRequest', onSuccess: ['boom'], properties: { elementInstanceId: '${config.sms}', method: 'GET', api: '/hubs/messaging/messages', retry: 'true', retryAttempts: '3', retryDelay: '50', retryStatusCodes: '500-599' } },
          { name: 'boom', type: 'script', onFailure: ['handled'], properties: { body: "throw new Error('boom')" } },
          { name: 'handled', type: 'script', properties: { body: 'done({ code: steps.list.response.code, parentLabel: config.label })' } },
        ],
      },
      { sms: twilio.id, label: 'parent' },
    );
    double.faults.next({ method: 'GET', path: /\/Messages\.json$/, status: 500, times: 2 });
    // the first execution meets the two faults (its list step retries twice); two more for paging
    await ok('POST', `/formulas/${formulaId}/instances/${instanceId}/executions`, { numbers: [1, 2, 3] });
    await finishedExecutions(instanceId, 1);
    for (let i = 0; i < 2; i++) await ok('POST', `/formulas/${formulaId}/instances/${instanceId}/executions`, { numbers: [1, 2, 3] });
    const executions = await finishedExecutions(instanceId, 3);
    expect(executions.map((e) => e['status'])).toEqual(['failed', 'failed', 'failed']); // boom failed; onFailure ran, the execution still fails
    const first = executions[executions.length - 1];
    const { steps, values } = await stepsOf(first['id']);
    // 1 trigger + 4 loop entries (3 + the end) + 3 sub-formulas + list + boom + handled
    expect(steps).toHaveLength(1 + 4 + 3 + 3);
    expect(steps.filter((s) => s.stepName === 'sub').every((s) => s.status === 'success')).toBe(true);
    expect(values).toMatchObject({ 'sub.value': '6', 'sub.label': 'child', 'list.request.retry-attempt': '2', 'list.response.code': '200', 'boom.error': expect.stringContaining('boom'), 'handled.code': '200', 'handled.parentLabel': 'parent' });
    const errors = (await ok('GET', `/formulas/instances/${instanceId}/executions/errors`)) as unknown as Json[];
    expect(errors).toHaveLength(3);
    expect((errors[0]['stepExecutions'] as Json[]).map((s) => s['stepName'])).toEqual(['boom']);

    // paging: executions newest first, 2 per page; values 1 per page
    const page1 = await http('GET', `/formulas/instances/${instanceId}/executions?pageSize=2`);
    expect(page1.headers.get('elements-total-count')).toBe('3');
    expect(page1.headers.get('elements-returned-count')).toBe('2');
    const token = page1.headers.get('elements-next-page-token');
    expect(token).toBeTruthy();
    const page2 = await http('GET', `/formulas/instances/${instanceId}/executions?pageSize=2&nextPage=${token}`);
    expect((page2.body as Json[]).map((e) => e['id'])).toEqual([first['id']]);
    expect(page2.headers.get('elements-next-page-token')).toBeNull();
    const trigger = (await ok('GET', `/formulas/instances/executions/${String(first['id'])}/steps?pageSize=500`)) as unknown as Json[];
    const subStep = trigger.find((s) => s['stepName'] === 'sub') as Json;
    const values1 = await http('GET', `/formulas/instances/executions/steps/${String(subStep['id'])}/values?pageSize=1`);
    expect(values1.status).toBe(200);
    expect(values1.body).toHaveLength(1);
    expect(values1.headers.get('elements-next-page-token')).toBeTruthy();
  });

  it('scheduled trigger: an instance made due runs once, with trigger.type scheduled', async () => {
    const { instanceId } = await formulaWithInstance({
      name: 'every-minute',
      triggers: [{ type: 'scheduled', properties: { cron: '0 0/1 * 1/1 * ? *' }, onSuccess: ['tick'] }],
      steps: [{ name: 'tick', type: 'script', properties: { body: 'done({ at: info.formulaStartTime > 0 })' } }],
    });
    // not wait for the next minute: make it due now (the replica checks schedules every second)
    await database.query(`UPDATE formula_instances SET next_run_at = now() WHERE id = ${Number(instanceId)}`);
    const [execution] = await finishedExecutions(instanceId, 1);
    expect(execution['status']).toBe('success');
    expect((await stepsOf(execution['id'])).values).toMatchObject({ 'trigger.type': 'scheduled', 'tick.at': 'true' });
    const [row] = await database.query(`SELECT next_run_at > now() AS later FROM formula_instances WHERE id = ${Number(instanceId)}`);
    expect(row['later']).toBe(true);
  });

  it('request step: the replica calls the platform API over HUB_API_URL as the formula’s owner, and a forged owner header is 401', async () => {
    const theirs = (await http('GET', '/instances', undefined, other)).body as Json[];
    const { formulaId, instanceId } = await formulaWithInstance({
      name: 'platform',
      triggers: [{ type: 'manual', onSuccess: ['list'] }],
      steps: [
        { name: 'list', type: 'request', onSuccess: ['ids'], properties: { method: 'GET', api: '/instances' } },
        { name: 'ids', type: 'script', properties: { body: 'done({ ids: steps.list.response.body.map((i) => i.id) })' } },
      ],
    });
    await ok('POST', `/formulas/${formulaId}/instances/${instanceId}/executions`, {});
    const [execution] = await finishedExecutions(instanceId, 1);
    expect(execution['status']).toBe('success');
    const { values } = await stepsOf(execution['id']);
    expect(values).toMatchObject({ 'list.request.method': 'GET', 'list.response.code': '200' });
    const ids = JSON.parse(values['ids.ids']) as number[];
    expect(ids).toContain(twilio.id);
    for (const instance of theirs) expect(ids).not.toContain(instance['id']);
    const forged = await apiCall(baseUrl, 'GET', '/instances', '', undefined, { 'x-hub-formula-owner': `1.1.${Math.floor(Date.now() / 1000) + 30}.${'A'.repeat(43)}` });
    expect(forged.status).toBe(401);
  });

  it('tenant isolation: another organization sees none of the formulas, instances or executions', async () => {
    const mine = (await ok('GET', '/formulas')) as unknown as Json[];
    expect(mine.length).toBeGreaterThan(0);
    expect(await http('GET', '/formulas', undefined, other)).toMatchObject({ status: 200, body: [] });
    const instances = (await ok('GET', '/formulas/instances?includeInactive=true')) as unknown as Json[];
    const executions = (await ok('GET', `/formulas/instances/${String(instances[0]['id'])}/executions`)) as unknown as Json[];
    expect((await http('GET', `/formulas/${String(mine[0]['id'])}`, undefined, other)).status).toBe(404);
    expect((await http('GET', `/formulas/instances/${String(instances[0]['id'])}/executions`, undefined, other)).status).toBe(404);
    expect((await http('GET', `/formulas/instances/executions/${String(executions[0]['id'])}`, undefined, other)).status).toBe(404);
    expect((await http('PUT', `/formulas/instances/executions/${String(executions[0]['id'])}/retries`, {}, other)).status).toBe(404);
    expect(await http('GET', '/formulas/instances?includeInactive=true', undefined, other)).toMatchObject({ status: 200, body: [] });
  });
});
