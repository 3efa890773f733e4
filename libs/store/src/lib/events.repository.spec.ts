import { randomBytes, randomUUID } from 'node:crypto';
import { PrismaClient } from '../generated/prisma/client';
import { EventsRepository, type EventKeyInput, type NewNotification } from './events.repository';
import { InstancesRepository } from './instances.repository';
import { SecretBox } from './secret-box';
import type { Tenant } from './tenant';
import { TenantsRepository } from './tenants.repository';
import { testDatabases, type TestDatabaseHandle } from './testing/test-databases';

jest.setTimeout(60_000);

const EVERY_MINUTE = { intervalMs: 60_000 };

/** One notification per fresh key, its body naming the key: enough to see what was built. */
const onePerKey = (fresh: readonly EventKeyInput[]): NewNotification[] =>
  fresh.map((k) => ({ eventId: randomUUID(), elementKey: 'twiliov2', source: 'polling', eventCount: 1, body: JSON.stringify(k) }));

describe.each(testDatabases().map((d) => [d.name, d] as const))('events on %s', (_name, database) => {
  let handle: TestDatabaseHandle;
  let prisma: PrismaClient;
  let events: EventsRepository;
  let instances: InstancesRepository;
  let tenant: Tenant;
  let stranger: Tenant;

  beforeAll(async () => {
    handle = await database.create();
    prisma = new PrismaClient({ adapter: handle.adapterFactory });
    const tenants = new TenantsRepository(prisma, new SecretBox([{ id: 'k', key: randomBytes(32) }]));
    ({ tenant } = await tenants.createOrganization({ name: 'A', user: { emailAddress: 'a@x.test' } }));
    ({ tenant: stranger } = await tenants.createOrganization({ name: 'B', user: { emailAddress: 'b@x.test' } }));
    await prisma.element.create({ data: { id: 503, key: 'twiliov2' } });
    instances = new InstancesRepository(prisma, new SecretBox([{ id: 'k', key: randomBytes(32) }]));
    events = new EventsRepository(prisma);
  });
  afterAll(async () => {
    await prisma.$disconnect();
    await handle.dispose();
  });

  const polledInstance = async (plan = EVERY_MINUTE) => {
    const instance = await instances.create(tenant, { elementId: 503, name: 'i', configuration: {}, secretKeys: new Set(), polling: plan });
    // due now
    await prisma.eventPollState.update({ where: { instanceId: instance.id }, data: { nextRunAt: new Date(Date.now() - 1000) } });
    return instance;
  };

  it('starts, keeps and stops an instance’s polling in the transaction that changes it', async () => {
    const instance = await polledInstance();
    const before = await events.pollStatus(tenant, instance.id);
    expect(before).toMatchObject({ intervalMs: 60_000, running: false, eventsFound: 0 });
    expect(await events.pollStatus(stranger, instance.id)).toBeNull();

    await instances.update(tenant, instance.id, { polling: { intervalMs: 120_000 } });
    const changed = await events.pollStatus(tenant, instance.id);
    expect(changed?.intervalMs).toBe(120_000);
    expect(changed?.checkpoint).toEqual(before?.checkpoint); // a new interval keeps the checkpoint

    await instances.update(tenant, instance.id, { polling: null });
    expect(await events.pollStatus(tenant, instance.id)).toBeNull();
  });

  it('moves an instance’s updatedDate on a configuration-only change, which claims return (the workers’ copies are checked by it)', async () => {
    const instance = await polledInstance();
    const [claim] = (await events.claimPolls('a', 100, 60_000)).filter((c) => c.instanceId === instance.id);
    expect(claim.instanceUpdatedDate).toEqual(instance.updatedDate);
    await new Promise((r) => setTimeout(r, 5));
    const changed = await instances.update(tenant, instance.id, { configuration: { 'event.notification.callback.url': 'https://elsewhere.example' }, secretKeys: new Set() });
    expect(changed?.updatedDate.getTime()).toBeGreaterThan(instance.updatedDate.getTime());
    await events.releasePolls('a');
    const [again] = (await events.claimPolls('a', 100, 60_000)).filter((c) => c.instanceId === instance.id);
    expect(again.instanceUpdatedDate).toEqual(changed?.updatedDate);
  });

  it('lets one replica at a time hold a poll, and takes it back when its lease runs out', async () => {
    const instance = await polledInstance();
    const [a, b] = await Promise.all([events.claimPolls('a', 100, 60_000), events.claimPolls('b', 100, 60_000)]);
    const holders = [...a, ...b].filter((c) => c.instanceId === instance.id);
    expect(holders).toHaveLength(1);
    expect(holders[0].tenant.organizationId).toBe(tenant.organizationId);
    const owner = a.some((c) => c.instanceId === instance.id) ? 'a' : 'b';
    expect((await events.claimPolls('c', 100, 60_000)).some((c) => c.instanceId === instance.id)).toBe(false);
    expect((await events.pollStatus(tenant, instance.id))?.running).toBe(true);

    // the holder dies: its lease runs out, and another replica takes the poll
    await prisma.eventPollState.update({ where: { instanceId: instance.id }, data: { leaseUntil: new Date(Date.now() - 1) } });
    const taken = (await events.claimPolls('c', 100, 60_000)).find((c) => c.instanceId === instance.id);
    expect(taken).toBeDefined();
    if (!taken) return;
    // the old holder comes back: what it found is not committed, and the new holder's is
    const late = await events.completePoll(owner, holders[0], { keys: [{ objectType: 'messages', objectId: 'SM1', version: 'v1' }], build: onePerKey, checkpoint: new Date(), nextRunAt: new Date() });
    expect(late).toEqual({ committed: false, events: 0 });
    expect(await events.failPoll(owner, holders[0], 'late', new Date())).toBe(false);
    const done = await events.completePoll('c', taken, {
      keys: [{ objectType: 'messages', objectId: 'SM1', version: 'v1' }],
      build: onePerKey,
      checkpoint: taken.claimedAt,
      nextRunAt: new Date(Date.now() + 60_000),
    });
    expect(done).toEqual({ committed: true, events: 1 });
    expect(await events.pollStatus(tenant, instance.id)).toMatchObject({ running: false, lastEventsFound: 1, eventsFound: 1, lastError: null });
  });

  it('never makes the same change an event twice, and tells new objects from changed ones', async () => {
    const instance = await polledInstance();
    const claim = async () => (await events.claimPolls('a', 100, 60_000)).find((c) => c.instanceId === instance.id);
    const due = () => prisma.eventPollState.update({ where: { instanceId: instance.id }, data: { nextRunAt: new Date(0) } });
    const seen: { fresh: string[]; known: string[] }[] = [];
    const build = (fresh: readonly EventKeyInput[], known: ReadonlySet<string>) => {
      seen.push({ fresh: fresh.map((k) => `${k.objectId}@${k.version}`), known: [...known].sort() });
      return onePerKey(fresh);
    };
    const first = await claim();
    if (!first) throw new Error('not claimed');
    await events.completePoll('a', first, {
      keys: [
        { objectType: 'messages', objectId: 'SM1', version: 'v1' },
        { objectType: 'messages', objectId: 'SM2', version: 'v1' },
        { objectType: 'messages', objectId: 'SM2', version: 'v1' }, // twice in one page
      ],
      build,
      checkpoint: first.claimedAt,
      nextRunAt: new Date(0),
    });
    await due();
    const second = await claim();
    if (!second) throw new Error('not claimed');
    const { events: count } = await events.completePoll('a', second, {
      keys: [
        { objectType: 'messages', objectId: 'SM1', version: 'v1' }, // the overlap window: seen
        { objectType: 'messages', objectId: 'SM2', version: 'v2' }, // changed
        { objectType: 'messages', objectId: 'SM3', version: 'v1' }, // new
      ],
      build,
      checkpoint: second.claimedAt,
      nextRunAt: new Date(0),
    });
    expect(count).toBe(2);
    expect(seen).toEqual([
      { fresh: ['SM1@v1', 'SM2@v1'], known: [] },
      { fresh: ['SM2@v2', 'SM3@v1'], known: ['messages/SM1', 'messages/SM2'] },
    ]);
    // a webhook bringing a change the poller already saw adds nothing
    expect(await events.recordEvents(tenant, instance.id, [{ objectType: 'messages', objectId: 'SM3', version: 'v1' }], onePerKey)).toBe(0);
  });

  it('delivers an instance’s notifications in order, one at a time, and logs every attempt', async () => {
    const instance = await polledInstance();
    const built = await events.recordEvents(
      tenant,
      instance.id,
      ['a', 'b', 'c'].map((id) => ({ objectType: 'messages', objectId: id, version: '1' })),
      onePerKey,
    );
    expect(built).toBe(3);
    const mine = async (owner: string) => (await events.claimDeliveries(owner, 100, 60_000)).filter((d) => d.instanceId === instance.id);

    const [first, ...others] = await mine('a');
    expect(others).toHaveLength(0); // the head only
    expect(JSON.parse(first.body).objectId).toBe('a');
    expect(first.attempt).toBe(1);
    expect(await mine('b')).toHaveLength(0); // leased, and the rest wait behind it

    const started = new Date();
    await events.finishAttempt('a', first, { startedDate: started, durationMs: 5, outcome: 'retry', statusCode: 503, status: 'retry', nextAttemptAt: new Date(Date.now() - 1) });
    const again = await mine('b');
    expect(again.map((d) => [JSON.parse(d.body).objectId, d.attempt])).toEqual([['a', 2]]);
    await events.finishAttempt('b', again[0], { startedDate: started, durationMs: 5, outcome: 'delivered', statusCode: 200, status: 'delivered' });
    const next = await mine('a');
    expect(next.map((d) => JSON.parse(d.body).objectId)).toEqual(['b']);
    await events.finishAttempt('a', next[0], { startedDate: started, durationMs: 5, outcome: 'failed', statusCode: 410, status: 'failed' });
    expect((await mine('a')).map((d) => JSON.parse(d.body).objectId)).toEqual(['c']); // a failed one does not block

    const record = await events.findNotification(tenant, again[0].eventId);
    expect(record).toMatchObject({ status: 'delivered', attempts: 2, lastStatusCode: 200, nextAttemptAt: null });
    expect(record?.deliveryLog.map((a) => [a.attempt, a.outcome, a.statusCode])).toEqual([
      [1, 'retry', 503],
      [2, 'delivered', 200],
    ]);
    expect(await events.findNotification(stranger, again[0].eventId)).toBeNull();
    expect(await events.findNotification(tenant, 'not-a-uuid')).toBeNull();

    const failed = await events.listNotifications(tenant, instance.id, { status: 'failed', skip: 0, take: 10 });
    expect(failed.total).toBe(1);
    expect(await events.redeliverFailed(stranger, instance.id)).toBe(0);
    expect(await events.redeliverFailed(tenant, instance.id)).toBe(1);
    expect((await events.findNotification(tenant, failed.items[0].eventId))).toMatchObject({ status: 'retry', attempts: 0 });
    expect(await events.redeliver(tenant, again[0].eventId)).toMatchObject({ status: 'retry' });
    expect(await events.redeliver(stranger, again[0].eventId)).toBeNull();
  });

  it('prunes finished notifications and old keys, never pending ones', async () => {
    const instance = await polledInstance();
    await events.recordEvents(tenant, instance.id, ['p1', 'p2'].map((id) => ({ objectType: 'messages', objectId: id, version: '1' })), onePerKey);
    const [first] = (await events.claimDeliveries('a', 100, 60_000)).filter((d) => d.instanceId === instance.id);
    await events.finishAttempt('a', first, { startedDate: new Date(), durationMs: 1, outcome: 'delivered', statusCode: 200, status: 'delivered' });
    await prisma.eventNotification.updateMany({ where: { instanceId: instance.id }, data: { createdDate: new Date(Date.now() - 40 * 86_400_000) } });
    await prisma.eventKey.updateMany({ where: { instanceId: instance.id }, data: { createdDate: new Date(Date.now() - 40 * 86_400_000) } });
    expect(await events.pruneNotifications(30 * 86_400_000)).toBeGreaterThanOrEqual(1);
    const left = await events.listNotifications(tenant, instance.id, { skip: 0, take: 10 });
    expect(left.items.map((n) => n.status)).toEqual(['created']); // the pending one stays, however old
    expect(await events.pruneEventKeys(30 * 86_400_000)).toBeGreaterThanOrEqual(2);
  });

  it('neither polls nor delivers for a suspended organization, and keeps its notifications for after', async () => {
    const tenants = new TenantsRepository(prisma, new SecretBox([{ id: 'k', key: randomBytes(32) }]));
    const mine = await polledInstance();
    const theirs = await instances.create(stranger, { elementId: 503, name: 'j', configuration: {}, secretKeys: new Set(), polling: EVERY_MINUTE });
    await prisma.eventPollState.update({ where: { instanceId: theirs.id }, data: { nextRunAt: new Date(Date.now() - 1000) } });
    const keys = ['s1', 's2'].map((id) => ({ objectType: 'messages', objectId: id, version: '1' }));
    await events.recordEvents(tenant, mine.id, keys, onePerKey);
    // the head of mine failed once and waits for its retry, which is due
    const [head] = (await events.claimDeliveries('a', 100, 60_000)).filter((d) => d.instanceId === mine.id);
    await events.finishAttempt('a', head, { startedDate: new Date(), durationMs: 1, outcome: 'retry', statusCode: 503, status: 'retry', nextAttemptAt: new Date(Date.now() - 1) });
    await events.recordEvents(stranger, theirs.id, keys, onePerKey);
    const ids = [mine.id, theirs.id];
    const polls = async (owner: string) => (await events.claimPolls(owner, 100, 60_000)).filter((c) => ids.includes(c.instanceId)).map((c) => c.instanceId);
    const deliveries = async (owner: string) => (await events.claimDeliveries(owner, 100, 60_000)).filter((d) => ids.includes(d.instanceId));

    expect(await tenants.setOrganizationSuspended(tenant.organizationId, true)).toBe(true);
    try {
      expect(await polls('b')).toEqual([theirs.id]);
      expect((await deliveries('b')).map((d) => d.instanceId)).toEqual([theirs.id]);
      // nothing of mine was claimed, leased or counted as an attempt
      expect(await polls('c')).toEqual([]);
      expect(await deliveries('c')).toEqual([]);
      expect((await events.listNotifications(tenant, mine.id, { skip: 0, take: 10 })).items.map((n) => [n.status, n.attempts])).toEqual([
        ['created', 0],
        ['retry', 1],
      ]);
    } finally {
      await tenants.setOrganizationSuspended(tenant.organizationId, false);
    }
    // lifted: the poll that came due meanwhile runs, and the notifications go out in order, the retry first
    expect(await polls('d')).toEqual([mine.id]);
    const resumed = await deliveries('d');
    expect(resumed.map((d) => [d.instanceId, d.eventId, d.attempt])).toEqual([[mine.id, head.eventId, 2]]);
  });

  it('gives back what a stopping replica holds', async () => {
    const instance = await polledInstance();
    await events.recordEvents(tenant, instance.id, [{ objectType: 'messages', objectId: 'z', version: '1' }], onePerKey);
    const held = (await events.claimDeliveries('leaving', 100, 60_000)).filter((d) => d.instanceId === instance.id);
    expect(held).toHaveLength(1);
    expect((await events.claimPolls('leaving', 100, 60_000)).some((c) => c.instanceId === instance.id)).toBe(true);
    await events.releaseDeliveries('leaving');
    await events.releasePolls('leaving');
    const retaken = (await events.claimDeliveries('staying', 100, 60_000)).filter((d) => d.instanceId === instance.id);
    expect(retaken.map((d) => d.attempt)).toEqual([1]);
    expect((await events.claimPolls('staying', 100, 60_000)).some((c) => c.instanceId === instance.id)).toBe(true);
  });
});
