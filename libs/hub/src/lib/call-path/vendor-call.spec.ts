import type { Tenant } from '@hub/store';
import { compileInstancePlan } from './instance-plan';
import { checkCallParameters } from './parameters';
import { planCall } from './query-plan';
import { route } from './resolve';
import { callVendor } from './vendor-call';
import { element, instance, settings } from './fixtures.spec-helper';

describe('callVendor (stage 5)', () => {
  it('invokes the operation on the plan’s one connection with the checked parameters, the page and the where', async () => {
    const invocations: unknown[] = [];
    let built = 0;
    const connection = { invoke: async (i: unknown) => (invocations.push(i), { operation: 'list', page: { records: [] } }) };
    const plan = compileInstancePlan(instance(), {
      elementOf: () => element,
      settingsOf: () => settings({ max: 20 }),
      connect: () => (built++, connection) as never,
      publicUrl: 'http://hub',
    });
    const query = { where: "To = '+1'", page: '2' };
    const call = { method: 'GET', segments: ['messages'], query, body: undefined };
    const target = route(element, call);
    const checked = checkCallParameters(element, target, call, undefined);
    const planned = planCall(target, query, checked, plan.settings, {});
    const tenant = { organizationId: 1, userId: 1 } as unknown as Tenant;
    await callVendor(tenant, plan, target, checked, planned, undefined);
    await callVendor(tenant, plan, target, checked, planned, 'cursor-2');
    expect(built).toBe(1);
    expect(invocations[0]).toMatchObject({
      resourcePath: ['messages'],
      operation: 'list',
      request: { query: { To: '+1' }, page: { pageSize: 20, pageIndex: 1 }, where: { kind: 'comparison' }, configuration: plan.settings.values },
    });
    expect((invocations[1] as { request: { page: unknown } }).request.page).toEqual({ pageSize: 20, pageIndex: 1, cursor: 'cursor-2' });
  });
});
