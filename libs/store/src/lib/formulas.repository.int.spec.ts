import { randomUUID } from 'node:crypto';
import type { EventKeyInput, NewNotification } from './events.model';
import { OutboxRepository } from './outbox.repository';
import { type ClaimedExecution, FormulasRepository } from './formulas.repository';
import { InstancesRepository } from './instances.repository';
import type { Tenant } from './tenant';
import { prismaFor, seedTwoOrganizations } from './testing/repository-specs';
import { testDatabases } from './testing/test-databases';

jest.setTimeout(60_000);

const definition = { configuration: [], triggers: [], steps: [] };
const manual = (n = 1) => Array.from({ length: n }, (_, i) => ({ trigger: { data: { type: 'manual', args: { i } }, values: [] } }));

describe.each(testDatabases().map((d) => [d.name, d] as const))('formulas on %s', (_name, database) => {
  const db = prismaFor(database);
  let formulas: FormulasRepository;
  let events: { recordEvents: (t: Tenant, instanceId: number, keys: EventKeyInput[], build: (fresh: readonly EventKeyInput[]) => NewNotification[]) => Promise<number> };
  let instances: InstancesRepository;
  let tenant: Tenant;
  let stranger: Tenant;

  beforeAll(async () => {
    ({ tenant, stranger, instances } = await seedTwoOrganizations(db.prisma));
    formulas = new FormulasRepository(db.prisma);
    const outbox = new OutboxRepository(db.prisma);
    // every key is new here: the notifications are built from them as given
    events = { recordEvents: (t, instanceId, keys, build) => outbox.recordEvents(t, instanceId, { keys, notifications: build(keys) }) };
  });
  // Claims see every organization's due executions: each test leaves none behind.
  afterEach(async () => {
    await db.prisma.formulaExecution.updateMany({ where: { status: { in: ['queued', 'pending'] } }, data: { status: 'cancelled' } });
  });

  const formulaInstance = async (options: { singleThreaded?: boolean; eventInstanceId?: number } = {}) => {
    const formula = await formulas.createFormula(tenant, { name: 'f', description: null, active: true, singleThreaded: options.singleThreaded ?? false, definition });
    const instance = await formulas.createInstance(tenant, formula.id, {
      name: 'i',
      active: true,
      configuration: {},
      settings: {},
      eventInstanceId: options.eventInstanceId ?? null,
      cron: null,
      nextRunAt: null,
    });
    if (!instance) throw new Error('no instance');
    return { formula, instance };
  };

  it('keeps one organization’s formulas, instances and executions from another', async () => {
    const { formula, instance } = await formulaInstance();
    const [execution] = await formulas.createExecutions(tenant, instance.id, manual());
    expect(await formulas.findFormula(stranger, formula.id)).toBeNull();
    expect(await formulas.findInstance(stranger, instance.id)).toBeNull();
    expect(await formulas.findExecution(stranger, execution.id)).toBeNull();
    expect(await formulas.createExecutions(stranger, instance.id, manual())).toEqual([]);
    expect(await formulas.createInstance(stranger, formula.id, { name: 'x', active: true, configuration: {}, settings: {}, eventInstanceId: null, cron: null, nextRunAt: null })).toBeNull();
    expect(await formulas.cancelExecution(stranger, execution.id)).toBeNull();
    expect(await formulas.deleteFormula(stranger, formula.id)).toBe(false);
    expect((await formulas.listFormulas(stranger)).some((f) => f.id === formula.id)).toBe(false);
  });

  it('lets one worker hold an execution; a dead worker’s execution is claimed again once its lease lapses', async () => {
    const { instance } = await formulaInstance();
    const [execution] = await formulas.createExecutions(tenant, instance.id, manual());
    const [a, b] = await Promise.all([formulas.claimExecutions('a', 10, 60_000), formulas.claimExecutions('b', 10, 60_000)]);
    const held = [...a, ...b].filter((c) => c.id === execution.id);
    expect(held).toHaveLength(1);
    const owner = a.some((c) => c.id === execution.id) ? 'a' : 'b';
    expect(held[0]).toMatchObject({ claims: 1, tenant: { organizationId: tenant.organizationId } });
    expect(await formulas.recordSteps(owner, execution.id, [{ stepName: 'trigger', status: 'success', values: [{ key: 'trigger.args', value: '{}' }], createdDate: new Date() }])).toBe(true);

    // the holder dies (kill -9): nothing renews the lease, and the next claim takes it from the start
    await db.prisma.formulaExecution.update({ where: { id: execution.id }, data: { leaseUntil: new Date(Date.now() - 1) } });
    const [again] = (await formulas.claimExecutions('c', 10, 60_000)).filter((c) => c.id === execution.id);
    expect(again).toMatchObject({ claims: 2 });
    expect(await formulas.recordSteps(owner, execution.id, [{ stepName: 'late', status: 'success', values: [], createdDate: new Date() }])).toBe(false);
    expect(await formulas.restartExecution('c', execution.id)).toBe(true);
    expect((await formulas.listStepExecutions(tenant, execution.id, { includeValues: false, skip: 0, take: 10 })).total).toBe(0);
    expect(await formulas.finishExecution(owner, again as ClaimedExecution, { status: 'success' })).toBeNull();
    expect(await formulas.finishExecution('c', again as ClaimedExecution, { status: 'success' })).toEqual({ consecutiveErrors: 0, warned: false, deactivated: false });
    expect(await formulas.findExecution(tenant, execution.id)).toMatchObject({ status: 'success', finishedDate: expect.any(Date) });
  });

  it('writes buffered steps in order with their values and times, alone or with the execution’s end, and nothing once the lease is lost', async () => {
    const { instance } = await formulaInstance();
    const [execution] = await formulas.createExecutions(tenant, instance.id, manual());
    const [claim] = (await formulas.claimExecutions('a', 10, 60_000)).filter((c) => c.id === execution.id);
    const at = (ms: number) => new Date(Date.UTC(2026, 11, 7, 12, 0, 0, ms));
    const step = (stepName: string, ms: number, values: { key: string; value: string }[]) => ({ stepName, status: 'success', values, createdDate: at(ms) });
    expect(await formulas.recordSteps('a', execution.id, [step('trigger', 1, [{ key: 'trigger.args', value: '{"a":1}' }]), step('one', 2, [])])).toBe(true);
    const end = [step('two', 3, [{ key: 'two.x', value: '1' }, { key: 'two.y', value: '2' }, { key: 'two.z', value: 'with \'quotes\' and "json"' }]), step('three', 4, [{ key: 'three.v', value: '' }])];
    expect(await formulas.finishExecution('b', claim, { status: 'success' }, end)).toBeNull(); // not b's lease: nothing written
    expect(await formulas.finishExecution('a', claim, { status: 'success' }, end)).toEqual({ consecutiveErrors: 0, warned: false, deactivated: false });
    const listed = await formulas.listStepExecutions(tenant, execution.id, { includeValues: true, skip: 0, take: 10 });
    const rows = [...listed.items].sort((x, y) => x.id - y.id);
    expect(rows.map((r) => [r.stepName, r.createdDate.getTime()])).toEqual([['trigger', at(1).getTime()], ['one', at(2).getTime()], ['two', at(3).getTime()], ['three', at(4).getTime()]]);
    expect(rows[2].values?.map((v) => [v.key, v.value])).toEqual([['two.x', '1'], ['two.y', '2'], ['two.z', 'with \'quotes\' and "json"']]);
    expect(rows[3].values?.map((v) => v.value)).toEqual(['']);
    expect(await formulas.recordSteps('a', execution.id, [step('after', 5, [])])).toBe(false);
    expect((await formulas.listStepExecutions(tenant, execution.id, { includeValues: false, skip: 0, take: 10 })).total).toBe(4);
  });

  it('runs a single-threaded formula’s executions one at a time, oldest first', async () => {
    const { instance } = await formulaInstance({ singleThreaded: true });
    const created = await formulas.createExecutions(tenant, instance.id, manual(3));
    const first = (await formulas.claimExecutions('a', 10, 60_000)).filter((c) => c.formulaInstanceId === instance.id);
    expect(first.map((c) => c.id)).toEqual([created[0].id]);
    expect((await formulas.claimExecutions('b', 10, 60_000)).filter((c) => c.formulaInstanceId === instance.id)).toEqual([]);
    await formulas.finishExecution('a', first[0], { status: 'success' });
    expect((await formulas.claimExecutions('b', 10, 60_000)).filter((c) => c.formulaInstanceId === instance.id).map((c) => c.id)).toEqual([created[1].id]);
  });

  it('cancels queued and running executions only; a cancelled execution is not finished by its worker', async () => {
    const { instance } = await formulaInstance();
    const [execution] = await formulas.createExecutions(tenant, instance.id, manual());
    const [claim] = (await formulas.claimExecutions('a', 10, 60_000)).filter((c) => c.id === execution.id);
    expect(await formulas.cancelExecution(tenant, execution.id)).toBe('cancelled');
    expect(await formulas.cancelExecution(tenant, execution.id)).toBe('finished');
    expect(await formulas.stillHeld('a', execution.id)).toBe(false);
    expect(await formulas.finishExecution('a', claim, { status: 'success' })).toBeNull();
    expect((await formulas.findExecution(tenant, execution.id))?.status).toBe('cancelled');
  });

  it('counts consecutive failures: the 51st warns, the 101st deactivates the instance, a success ends the run', async () => {
    const { instance } = await formulaInstance();
    await db.prisma.formulaInstance.update({ where: { id: instance.id }, data: { consecutiveErrors: 50 } });
    const fail = async () => {
      const [e] = await formulas.createExecutions(tenant, instance.id, manual());
      const [claim] = (await formulas.claimExecutions('a', 10, 60_000)).filter((c) => c.id === e.id);
      return formulas.finishExecution('a', claim, { status: 'failed', error: 'x' });
    };
    expect(await fail()).toEqual({ consecutiveErrors: 51, warned: true, deactivated: false });
    await db.prisma.formulaInstance.update({ where: { id: instance.id }, data: { consecutiveErrors: 100 } });
    expect(await fail()).toEqual({ consecutiveErrors: 101, warned: false, deactivated: true });
    expect(await formulas.findInstance(tenant, instance.id)).toMatchObject({ active: false, consecutiveErrorWarnings: 1 });
    const [e] = await formulas.createExecutions(tenant, instance.id, manual());
    const [claim] = (await formulas.claimExecutions('a', 10, 60_000)).filter((c) => c.id === e.id);
    await formulas.finishExecution('a', claim, { status: 'success' });
    expect(await formulas.findInstance(tenant, instance.id)).toMatchObject({ consecutiveErrors: 0, firstConsecutiveErrorDate: null });
  });

  it('starts one execution per event object for the formula instances listening to the instance, with the events', async () => {
    const element = await instances.create(tenant, { elementId: 503, name: 'i', configuration: {}, secretKeys: new Set(), polling: null });
    const { instance } = await formulaInstance({ eventInstanceId: element.id });
    const body = (ids: string[]) => JSON.stringify({ message: { eventId: 'e', instanceId: element.id, events: ids.map((objectId) => ({ objectType: 'messages', objectId, eventType: 'CREATED' })), raw: {} } });
    const build = (fresh: readonly EventKeyInput[]): NewNotification[] => [
      { eventId: randomUUID(), elementKey: 'twiliov2', source: 'webhook', eventCount: fresh.length, body: body(fresh.map((k) => k.objectId)) },
    ];
    await events.recordEvents(tenant, element.id, ['SM1', 'SM2', 'SM3'].map((objectId) => ({ objectType: 'messages', objectId, version: '1' })), build);
    const { items } = await formulas.listExecutions(tenant, instance.id, { skip: 0, take: 10 });
    expect(items.map((e) => e.objectId)).toEqual(['SM3', 'SM2', 'SM1']);
    expect(items[0].trigger).toMatchObject({ data: { type: 'event', event: { objectId: 'SM3' } } });
    expect((await formulas.listExecutions(tenant, instance.id, { objectId: 'SM2', skip: 0, take: 10 })).total).toBe(1);
    // an inactive formula instance starts nothing
    await formulas.updateInstance(tenant, instance.id, { active: false });
    await events.recordEvents(tenant, element.id, [{ objectType: 'messages', objectId: 'SM4', version: '1' }], build);
    expect((await formulas.listExecutions(tenant, instance.id, { skip: 0, take: 10 })).total).toBe(3);
  });

  it('starts a due schedule once and moves it to its next run', async () => {
    const { instance } = await formulaInstance();
    await formulas.updateInstance(tenant, instance.id, { cron: '0 0/1 * 1/1 * ? *', nextRunAt: new Date(Date.now() - 1000) });
    const next = new Date(Date.now() + 60_000);
    const [a, b] = await Promise.all([formulas.startDueSchedules(10, () => next), formulas.startDueSchedules(10, () => next)]);
    expect(a + b).toBeGreaterThanOrEqual(1);
    const { items } = await formulas.listExecutions(tenant, instance.id, { skip: 0, take: 10 });
    expect(items).toHaveLength(1);
    expect(items[0].trigger).toMatchObject({ data: { type: 'scheduled' } });
    expect((await formulas.findInstance(tenant, instance.id))?.nextRunAt).toEqual(next);
  });

  it('queues a retry with the execution that ends `retry`, and cancels it on request', async () => {
    const { instance } = await formulaInstance();
    const [execution] = await formulas.createExecutions(tenant, instance.id, manual());
    const [claim] = (await formulas.claimExecutions('a', 10, 60_000)).filter((c) => c.id === execution.id);
    await formulas.finishExecution('a', claim, { status: 'retry', retry: { trigger: claim.trigger, attempt: 2, retryOf: execution.id, runAfter: new Date(Date.now() + 60_000) } });
    const { items } = await formulas.listExecutions(tenant, instance.id, { skip: 0, take: 10 });
    expect(items.map((e) => [e.status, e.attempt, e.retryOf])).toEqual([['queued', 2, execution.id], ['retry', 1, null]]);
    expect(await formulas.cancelRetries(tenant, execution.id)).toBe(1);
  });
});
