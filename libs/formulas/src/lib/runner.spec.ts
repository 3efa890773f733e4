import { checkFormula } from './formula-model';
import type { PlatformRequest, PlatformRequests } from '@hub/runtime';
import type { Tenant } from '@hub/store';
import { callPlatformAsOwner } from './platform-request';
import { type ElementRequest, type ExecutionInput, FormulaRunner, type StepEffects, type StepRecord } from './runner';
import { ScriptSandbox } from './sandbox';

const sandbox = new ScriptSandbox({ timeoutMs: 500, memoryBytes: 16 * 1024 * 1024, maxConsoleEntries: 10 });

function harness(options: { responses?: number[]; formulas?: Record<number, unknown>; platform?: PlatformRequests | null } = {}) {
  const records: StepRecord[] = [];
  const calls: ElementRequest[] = [];
  const platformCalls: PlatformRequest[] = [];
  const owner = { organizationId: 1, userId: 1 } as Tenant;
  const platform: PlatformRequests = {
    call: async (_tenant, request) => {
      platformCalls.push(request);
      const code = responses.length > 0 ? (responses.shift() as number) : 200;
      return { code, headers: { 'content-type': 'application/json' }, body: [{ id: 5, name: 'sms' }] };
    },
  };
  const responses = [...(options.responses ?? [])];
  const effects: StepEffects = {
    runScript: (body, engine, globals) => sandbox.run(body, engine, globals),
    elementRequest: async (request) => {
      calls.push(request);
      const code = responses.length > 0 ? (responses.shift() as number) : 200;
      return { code, headers: {}, body: { sid: `SM${calls.length}`, to: request.body } };
    },
    httpRequest: async () => {
      throw new Error('refused');
    },
    platformRequest: (request) => callPlatformAsOwner(options.platform === null ? undefined : (options.platform ?? platform), owner, request),
    loadFormula: async (id) => (options.formulas?.[id] ? { ...checkFormula(options.formulas[id]), id } : null),
    record: async (r) => void records.push(r),
    cancelled: async () => false,
    sleep: async () => undefined,
  };
  return { records, calls, platformCalls, runner: new FormulaRunner(effects) };
}

const input = (formula: unknown, args: unknown = {}, config: Record<string, unknown> = { src: 5 }): ExecutionInput => ({
  formula: { ...checkFormula(formula), id: 1 },
  instance: { id: 2, name: 'inst', configuration: config },
  executionId: 3,
  trigger: { data: { type: 'manual', args }, values: [{ key: 'trigger.args', value: JSON.stringify(args) }] },
  startTime: new Date(),
});

const values = (records: StepRecord[], step: string) => Object.fromEntries(records.filter((r) => r.stepName === step).flatMap((r) => r.values.map((v) => [v.key, v.value])));

describe('FormulaRunner', () => {
  it('runs script → filter → elementRequest with references between them', async () => {
    const { runner, records, calls } = harness();
    const outcome = await runner.run(
      input(
        {
          name: 'reply',
          configuration: [{ key: 'src', name: 'Source', type: 'elementInstance' }],
          triggers: [{ type: 'manual', onSuccess: ['build'] }],
          steps: [
            { name: 'build', type: 'script', onSuccess: ['only-inbound'], properties: { body: 'done({ to: trigger.args.from, n: 3, id: "8000270E-1392053436" })' } },
            { name: 'only-inbound', type: 'filter', onSuccess: ['send'], properties: { body: 'done(steps.build.n === 3)' } },
            { name: 'send', type: 'elementRequest', properties: { elementInstanceId: '${config.src}', method: 'POST', api: '/hubs/messaging/messages', body: { To: '${steps.build.to}' } } },
          ],
        },
        { from: '+15550001' },
      ),
    );
    expect(outcome.status).toBe('success');
    expect(records.map((r) => `${r.stepName}:${r.status}`)).toEqual(['trigger:success', 'build:success', 'only-inbound:success', 'send:success']);
    expect(values(records, 'build')).toEqual({ 'build.to': '+15550001', 'build.n': '3', 'build.id': '8000270E-1392053436' });
    expect(values(records, 'only-inbound')).toEqual({ 'only-inbound.continue': 'true' });
    expect(calls).toEqual([{ elementInstanceId: 5, method: 'POST', api: '/hubs/messaging/messages', query: {}, headers: {}, body: { To: '+15550001' } }]);
    expect(values(records, 'send')['send.response.code']).toBe('200');
  });

  it('a filter returning false ends the branch without failing the execution', async () => {
    const { runner, records } = harness();
    const outcome = await runner.run(
      input({ name: 'f', triggers: [{ type: 'manual', onSuccess: ['f'] }], steps: [{ name: 'f', type: 'filter', onSuccess: ['never'], properties: { body: 'done(false)' } }, { name: 'never', type: 'script', properties: { body: 'done({})' } }] }),
    );
    expect(outcome.status).toBe('success');
    expect(records.map((r) => r.stepName)).toEqual(['trigger', 'f']);
  });

  it('a failing step runs onFailure and fails the execution, with the error and console kept', async () => {
    const { runner, records } = harness();
    const outcome = await runner.run(
      input({
        name: 'f',
        triggers: [{ type: 'manual', onSuccess: ['boom'] }],
        steps: [
          { name: 'boom', type: 'script', onSuccess: ['never'], onFailure: ['handler'], properties: { body: "console.log('before'); throw('boom')" } },
          { name: 'handler', type: 'script', properties: { body: 'done({ handled: true })' } },
          { name: 'never', type: 'script', properties: { body: 'done({})' } },
        ],
      }),
    );
    expect(outcome.status).toBe('failed');
    expect(records.map((r) => `${r.stepName}:${r.status}`)).toEqual(['trigger:success', 'boom:failed', 'handler:success']);
    expect(values(records, 'boom')).toEqual({ 'boom.error': 'boom', 'boom.console': '["before"]' });
  });

  it('retries a request on retryStatusCodes up to retryAttempts, and fails when it never succeeds', async () => {
    const { runner, records, calls } = harness({ responses: [503, 503, 503, 503] });
    const outcome = await runner.run(
      input({
        name: 'r',
        configuration: [{ key: 'src', name: 'Source', type: 'elementInstance' }],
        triggers: [{ type: 'manual', onSuccess: ['get'] }],
        steps: [{ name: 'get', type: 'elementRequest', properties: { elementInstanceId: '${config.src}', method: 'GET', api: '/hubs/messaging/messages', retry: 'true', retryAttempts: '3', retryStatusCodes: '500-599' } }],
      }),
    );
    expect(outcome.status).toBe('failed');
    expect(calls).toHaveLength(4);
    expect(values(records, 'get')).toMatchObject({ 'get.request.retry-attempt': '3', 'get.response.code': '503' });
    const second = harness({ responses: [503, 200] });
    await expect(second.runner.run(input({ name: 'r', configuration: [{ key: 'src', name: 'S', type: 'elementInstance' }], triggers: [{ type: 'manual', onSuccess: ['get'] }], steps: [{ name: 'get', type: 'elementRequest', properties: { elementInstanceId: '${config.src}', method: 'GET', api: '/hubs/m/x', retry: 'true', retryAttempts: '2', retryStatusCodes: '503' } }] }))).resolves.toMatchObject({ status: 'success' });
    expect(second.calls).toHaveLength(2);
  });

  it('accepts the acceptableStatusCodes listed', async () => {
    const { runner } = harness({ responses: [404] });
    const outcome = await runner.run(input({ name: 'r', configuration: [{ key: 'src', name: 'S', type: 'elementInstance' }], triggers: [{ type: 'manual', onSuccess: ['get'] }], steps: [{ name: 'get', type: 'elementRequest', properties: { elementInstanceId: '${config.src}', method: 'GET', api: '/hubs/m/x', acceptableStatusCodes: '200,404' } }] }));
    expect(outcome.status).toBe('success');
  });

  it('a request step calls the platform API as the owner and records request and response like elementRequest (without credentials headers)', async () => {
    const { runner, records, platformCalls } = harness();
    const outcome = await runner.run(
      input({
        name: 'p',
        triggers: [{ type: 'manual', onSuccess: ['list'] }],
        steps: [
          {
            name: 'list',
            type: 'request',
            onSuccess: ['first'],
            properties: { method: 'get', api: '/instances?pageSize=5', query: { nextPage: '${trigger.args.page}' }, headers: { Accept: 'application/json', Authorization: 'User a, Organization b', 'X-Hub-Formula-Owner': '1.1.1.x' } },
          },
          { name: 'first', type: 'script', properties: { body: 'done({ id: steps.list.response.body[0].id, code: steps.list.response.code })' } },
        ],
      }, { page: 'p2' }),
    );
    expect(outcome.status).toBe('success');
    expect(platformCalls).toEqual([{ method: 'GET', path: '/instances', query: { pageSize: '5', nextPage: 'p2' }, headers: { Accept: 'application/json' }, body: undefined }]);
    expect(values(records, 'list')).toEqual({
      'list.request.method': 'GET',
      'list.request.api': '/instances?pageSize=5',
      'list.request.query': '{"pageSize":"5","nextPage":"p2"}',
      'list.request.headers': '{"Accept":"application/json"}',
      'list.response.code': '200',
      'list.response.headers': '{"content-type":"application/json"}',
      'list.response.body': '[{"id":5,"name":"sms"}]',
    });
    expect(values(records, 'first')).toEqual({ 'first.id': '5', 'first.code': '200' });
  });

  it('a request step follows retry and acceptableStatusCodes like elementRequest, and fills {placeholders} and references in api', async () => {
    const retried = harness({ responses: [503, 503, 200] });
    const formula = (properties: Record<string, unknown>) => ({ name: 'p', triggers: [{ type: 'manual', onSuccess: ['patch'] }], steps: [{ name: 'patch', type: 'request', properties }] });
    await expect(
      retried.runner.run(input(formula({ method: 'PATCH', api: '/instances/{id}', path: { id: '${trigger.args.id}' }, body: { name: 'renamed' }, retry: 'true', retryAttempts: '3', retryStatusCodes: '503' }), { id: 42 })),
    ).resolves.toMatchObject({ status: 'success' });
    expect(retried.platformCalls).toHaveLength(3);
    expect(retried.platformCalls[0]).toMatchObject({ method: 'PATCH', path: '/instances/42', body: { name: 'renamed' } });
    expect(values(retried.records, 'patch')).toMatchObject({ 'patch.request.retry-attempt': '2', 'patch.request.body': '{"name":"renamed"}', 'patch.response.code': '200' });

    const notFound = harness({ responses: [404] });
    await expect(notFound.runner.run(input(formula({ method: 'GET', api: '/instances/${trigger.args.id}' }), { id: 9 }))).resolves.toMatchObject({ status: 'failed' });
    expect(values(notFound.records, 'patch')['patch.error']).toMatch(/request answered 404, which is not an acceptable status code/);
    const accepted = harness({ responses: [404] });
    await expect(accepted.runner.run(input(formula({ method: 'GET', api: '/instances/9', acceptableStatusCodes: '200,404' })))).resolves.toMatchObject({ status: 'success' });
  });

  it('a request step whose api resolves to a refused path, or whose method is not one, fails without calling; so does one where the port is not bound', async () => {
    const step = (properties: Record<string, unknown>) => ({ name: 'p', triggers: [{ type: 'manual', onSuccess: ['call'] }], steps: [{ name: 'call', type: 'request', properties }] });
    for (const [properties, error] of [
      [{ method: 'POST', api: '${trigger.args.api}' }, /api '\/hubs\/messaging\/messages': hub calls go through an elementRequest step/],
      [{ method: 'GET', api: '/instances/{id}', path: { id: '..' } }, /'\.\.' segments/],
      [{ method: 'POST', api: '/users/me/${trigger.args.what}' }, /read or rotate secrets/],
      [{ method: '${trigger.args.method}', api: '/instances' }, /method 'TRACE' must be GET, POST, PUT, PATCH or DELETE/],
    ] as const) {
      const { runner, records, platformCalls } = harness();
      await expect(runner.run(input(step(properties), { api: '/hubs/messaging/messages', what: 'secret/rotate', method: 'trace' }))).resolves.toMatchObject({ status: 'failed' });
      expect(platformCalls).toHaveLength(0);
      expect(values(records, 'call')['call.error']).toMatch(error);
      expect(values(records, 'call')['call.request.api']).toBeDefined();
    }
    const unbound = harness({ platform: null });
    await expect(unbound.runner.run(input(step({ method: 'GET', api: '/instances' })))).resolves.toMatchObject({ status: 'failed' });
    expect(values(unbound.records, 'call')).toMatchObject({ 'call.error': "request steps need HUB_API_URL on the poller (the api's base URL)", 'call.request.method': 'GET' });
  });

  it('loops: N entries give N+1 loop step executions, the last failed, and the execution succeeds', async () => {
    const { runner, records } = harness();
    const outcome = await runner.run(
      input({
        name: 'loop',
        triggers: [{ type: 'manual', onSuccess: ['build'] }],
        steps: [
          { name: 'build', type: 'script', onSuccess: ['each'], properties: { body: 'done({ ids: [10, 20, 30] })' } },
          { name: 'each', type: 'loop', onSuccess: ['body'], properties: { list: '${steps.build.ids}' } },
          { name: 'body', type: 'script', onSuccess: ['each'], properties: { body: 'done({ seen: steps.each.entry, i: steps.each.index })' } },
        ],
      }),
    );
    expect(outcome.status).toBe('success');
    expect(records).toHaveLength(1 + 1 + 4 + 3);
    expect(records.filter((r) => r.stepName === 'each').map((r) => r.status)).toEqual(['success', 'success', 'success', 'failed']);
    expect(records.filter((r) => r.stepName === 'body').map((r) => r.values[0].value)).toEqual(['10', '20', '30']);
    expect(records.filter((r) => r.stepName === 'each').at(-1)?.values).toEqual([{ key: 'each.index', value: '3' }]);
  });

  it('nested loops restart the inner loop each time (2×2 with inner onFailure → outer: 1 + 1 + 3 outer + 2 outer bodies + 6 inner + 4 inner bodies = 17)', async () => {
    const { runner, records } = harness();
    await runner.run(
      input({
        name: 'nested',
        triggers: [{ type: 'manual', onSuccess: ['build'] }],
        steps: [
          { name: 'build', type: 'script', onSuccess: ['outer'], properties: { body: 'done({ l: [1, 2] })' } },
          { name: 'outer', type: 'loop', onSuccess: ['outer-work'], properties: { list: '${steps.build.l}' } },
          { name: 'outer-work', type: 'script', onSuccess: ['inner'], properties: { body: 'done({})' } },
          { name: 'inner', type: 'loop', onSuccess: ['work'], onFailure: ['outer'], properties: { list: '${steps.build.l}' } },
          { name: 'work', type: 'script', onSuccess: ['inner'], properties: { body: 'done({})' } },
        ],
      }),
    );
    expect(records).toHaveLength(17);
  });

  it('a loop over something that is not a list fails the execution with <loop>.error', async () => {
    const { runner, records } = harness();
    const outcome = await runner.run(input({ name: 'x', triggers: [{ type: 'manual', onSuccess: ['each'] }], steps: [{ name: 'each', type: 'loop', properties: { list: '${trigger.args.nope}' } }] }));
    expect(outcome.status).toBe('failed');
    expect(Object.keys(values(records, 'each'))).toEqual(['each.error']);
  });

  it('runs a sub-formula with args and a configuration overlay; its last output is the step output', async () => {
    const child = {
      name: 'child',
      configuration: [{ key: 'greeting', name: 'G', type: 'value' }],
      triggers: [{ type: 'manual', onSuccess: ['say'] }],
      steps: [{ name: 'say', type: 'script', properties: { body: 'done({ text: config.greeting + " " + trigger.args.who, src: config.src })' } }],
    };
    const failing = { name: 'bad', triggers: [{ type: 'manual', onSuccess: ['x'] }], steps: [{ name: 'x', type: 'script', properties: { body: "throw 'nope'" } }] };
    const { runner, records } = harness({ formulas: { 7: child, 8: failing } });
    const outcome = await runner.run(
      input(
        {
          name: 'parent',
          triggers: [{ type: 'manual', onSuccess: ['sub'] }],
          steps: [
            { name: 'sub', type: 'formula', onSuccess: ['after', 'bad'], properties: { formulaId: 7, args: '${trigger.args}', subFormulaConfigs: { greeting: 'hello' } } },
            { name: 'after', type: 'script', properties: { body: 'done({ got: steps.sub.text, greeting: config.greeting })' } },
            { name: 'bad', type: 'formula', onFailure: ['handled'], properties: { formulaId: 8 } },
            { name: 'handled', type: 'script', properties: { body: 'done({})' } },
          ],
        },
        { who: 'you' },
        { src: 5, greeting: 'hi' },
      ),
    );
    expect(values(records, 'sub')).toEqual({ 'sub.text': 'hello you', 'sub.src': '5' });
    expect(values(records, 'after')).toEqual({ 'after.got': 'hello you', 'after.greeting': 'hi' });
    expect(values(records, 'bad')['bad.error']).toMatch(/sub-formula 8 ended with an error: x: nope/);
    expect(records.map((r) => r.stepName)).toEqual(['trigger', 'sub', 'after', 'bad', 'handled']);
    expect(outcome.status).toBe('failed');
  });

  it('retryFormulaExecution ends the run as retry until its attempts are used, then fails', async () => {
    const formula = { name: 'r', triggers: [{ type: 'manual', onSuccess: ['again'] }], steps: [{ name: 'again', type: 'retryFormulaExecution', properties: { retryAttempts: '1' } }] };
    const first = harness();
    await expect(first.runner.run(input(formula))).resolves.toMatchObject({ status: 'retry', retryAttempts: 1 });
    const second = harness();
    await expect(second.runner.run({ ...input(formula), attempt: 2 })).resolves.toMatchObject({ status: 'failed' });
  });

  it('stops an execution that would run more steps than the limit (a graph that never ends)', async () => {
    const records: StepRecord[] = [];
    const runner = new FormulaRunner(
      { ...harness().runner['effects'], record: async (r: StepRecord) => void records.push(r) } as StepEffects,
      { maxStepRuns: 20, maxFormulaDepth: 2 },
    );
    const outcome = await runner.run(input({ name: 'spin', triggers: [{ type: 'manual', onSuccess: ['a'] }], steps: [{ name: 'a', type: 'script', onSuccess: ['a'], properties: { body: 'done({})' } }] }));
    expect(outcome.status).toBe('failed');
    expect(records.at(-1)?.values[0].value).toMatch(/more than 20 step executions/);
  });
});
