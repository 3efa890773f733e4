/**
 * Formulas for operators (the admin API, embedded store): formula instances across organizations,
 * a formula instance's executions, an execution's steps with values and errors, and the audited
 * retry of a failed execution; a support operator reads but cannot retry.
 */
import { STORE } from '@hub/runtime';
import type { Store as HubStore } from '@hub/store';
import { eventually } from '@hub/testing';
import { ApiHarness, type Organization, type Reply, storesUnderTest } from '../testing/api-harness';

jest.setTimeout(240_000);

type Json = Record<string, unknown>;

const ADMIN = { email: 'root@hub.example', password: 'correct horse battery staple' };
const SUPPORT = { email: 'support@hub.example', password: 'support staff password' };

describe.each(storesUnderTest().slice(0, 1))('formulas in the admin API on the %s store', (_name, store) => {
  const harness = new ApiHarness(store, { HUB_ADMIN_EMAIL: ADMIN.email, HUB_ADMIN_PASSWORD: ADMIN.password, HUB_EVENT_WORKERS: 'true', HUB_EVENT_IDLE_MS: '50' });
  let orgA: Organization;
  let orgB: Organization;
  let admin: { cookie: string; csrf: string };
  let support: { cookie: string; csrf: string };

  const signIn = async (who: { email: string; password: string }) => {
    const res = await harness.call('POST', '/elements/api-v2/admin/session', { body: who });
    expect(res.status).toBe(200);
    return { cookie: String(res.headers['set-cookie']).split(';')[0], csrf: String((res.body as Json)['csrfToken']) };
  };
  const as = (who: { cookie: string; csrf: string }) => (method: string, path: string, body?: unknown) =>
    harness.call(method, `/elements/api-v2/admin${path}`, { body, headers: { cookie: who.cookie, 'x-csrf-token': who.csrf } });
  const ok = async (res: Promise<Reply>) => {
    const r = await res;
    if (r.status !== 200) throw new Error(`answered ${r.status}: ${JSON.stringify(r.body)}`);
    return r.body as Json;
  };
  const platform = (who: Organization) => (method: string, path: string, body?: unknown) => ok(harness.call(method, `/elements/api-v2${path}`, { body, auth: who.platform }));
  const finished = async (who: Organization, id: number) => {
    return eventually(`execution ${id} to finish`, async () => {
      const execution = await platform(who)('GET', `/formulas/instances/executions/${id}`);
      return ['queued', 'pending'].includes(String(execution['status'])) ? undefined : execution;
    }, 20_000);
  };

  beforeAll(async () => {
    [orgA, orgB] = await harness.start(['Formula Org A', 'Formula Org B']);
    await harness.app.get<HubStore>(STORE).operators.create({ ...SUPPORT, role: 'support' });
    admin = await signIn(ADMIN);
    support = await signIn(SUPPORT);
  });
  afterAll(() => harness.dispose());

  it('lists formula instances of every organization, shows an execution’s steps with values and errors, and retries a failed one (audited)', async () => {
    // org A: a formula whose script fails unless trigger.args.ok; org B: one that succeeds
    const formula = await platform(orgA)('POST', '/formulas', {
      name: 'checker',
      triggers: [{ type: 'manual', onSuccess: ['check'] }],
      steps: [{ name: 'check', type: 'script', properties: { body: 'console.log("checking"); if (!trigger.args.ok) throw new Error("not ok: " + trigger.args.n); done({ n: trigger.args.n })' } }],
    });
    const instance = await platform(orgA)('POST', `/formulas/${formula['id']}/instances`, { name: 'checker-a' });
    const other = await platform(orgB)('POST', '/formulas', { name: 'other', triggers: [{ type: 'manual', onSuccess: [] }], steps: [] });
    const otherInstance = await platform(orgB)('POST', `/formulas/${other['id']}/instances`, { name: 'other-b' });
    const [failedRun] = (await platform(orgA)('POST', `/formulas/${formula['id']}/instances/${instance['id']}/executions`, { n: 7 })) as unknown as Json[];
    const [goodRun] = (await platform(orgA)('POST', `/formulas/${formula['id']}/instances/${instance['id']}/executions`, { n: 8, ok: true })) as unknown as Json[];
    expect(await finished(orgA, Number(failedRun['id']))).toMatchObject({ status: 'failed' });
    expect(await finished(orgA, Number(goodRun['id']))).toMatchObject({ status: 'success' });

    // across organizations; failing=true: only the one with consecutive errors… (the success reset it: none failing now)
    const all = (await ok(as(support)('GET', '/formulas/instances'))) as unknown as Json[];
    expect(all.map((i) => i['id'])).toEqual(expect.arrayContaining([instance['id'], otherInstance['id']]));
    expect(all.find((i) => i['id'] === instance['id'])).toMatchObject({ name: 'checker-a', formula: { id: formula['id'], name: 'checker' }, executions: 2, failedExecutions: 1 });
    const failing = (await ok(as(support)('GET', '/formulas/instances?failing=true'))) as unknown as Json[];
    expect(failing.map((i) => i['id'])).not.toContain(otherInstance['id']);

    // the instance's executions, newest first, filtered by status
    const failedOnly = (await ok(as(support)('GET', `/formulas/instances/${instance['id']}/executions?status=failed`))) as unknown as Json[];
    expect(failedOnly).toMatchObject([{ id: failedRun['id'], status: 'failed', error: expect.stringContaining('not ok: 7') }]);
    const both = await as(support)('GET', `/formulas/instances/${instance['id']}/executions?pageSize=1`);
    expect(both.headers['elements-total-count']).toBe('2');
    expect((both.body as Json[])[0]['id']).toBe(goodRun['id']);

    // one execution: each step with its values, the error among them
    const detail = await ok(as(support)('GET', `/formulas/executions/${failedRun['id']}`));
    expect(detail).toMatchObject({
      id: failedRun['id'],
      status: 'failed',
      stepExecutions: [
        { stepName: 'check', status: 'failed', stepExecutionValues: expect.arrayContaining([{ id: expect.any(Number), key: 'check.error', value: expect.stringContaining('not ok: 7') }, { id: expect.any(Number), key: 'check.console', value: '["checking"]' }]) },
        { stepName: 'trigger', status: 'success', stepExecutionValues: [{ id: expect.any(Number), key: 'trigger.args', value: '{"n":7}' }] },
      ],
    });

    // retry: support may not; a successful execution is not retried; the failed one runs again (same input, fails again) and the audit log says who
    expect((await as(support)('POST', `/formulas/executions/${failedRun['id']}/retry`)).status).toBe(403);
    const refused = await as(admin)('POST', `/formulas/executions/${goodRun['id']}/retry`);
    expect({ status: refused.status, body: refused.body }).toMatchObject({ status: 400, body: { message: expect.stringContaining('only a failed execution') } });
    const retried = await ok(as(admin)('POST', `/formulas/executions/${failedRun['id']}/retry`));
    expect(retried).toMatchObject({ id: expect.any(Number), formulaInstanceId: instance['id'] });
    expect(await finished(orgA, Number(retried['id']))).toMatchObject({ status: 'failed' });
    const audit = (await ok(as(admin)('GET', '/audit?pageSize=50'))) as unknown as Json[];
    expect(audit.find((e) => e['action'] === 'formula.execution.retry')).toMatchObject({ targetType: 'formulaExecution', targetId: String(failedRun['id']) });

    // unknown ids: 404; bad ones: 400
    expect((await as(admin)('GET', '/formulas/executions/99999999')).status).toBe(404);
    expect((await as(admin)('GET', '/formulas/instances/abc/executions')).status).toBe(400);
    expect((await as(admin)('GET', `/formulas/instances/${instance['id']}/executions?status=bogus`)).status).toBe(400);
  });
});
