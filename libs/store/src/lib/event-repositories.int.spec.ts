import { randomBytes, randomUUID } from 'node:crypto';
import { DeliveriesRepository } from './deliveries.repository';
import { EventKeysRepository } from './event-keys.repository';
import { EventPruningRepository } from './event-pruning.repository';
import { type ClaimedPoll, EventKeyConflict, type EventKeyInput, type NewNotification } from './events.model';
import { OutboxRepository } from './outbox.repository';
import { PollStatesRepository } from './poll-states.repository';
import { RedeliveryRepository } from './redelivery.repository';
import { InstancesRepository } from './instances.repository';
import { SecretBox } from './secret-box';
import type { Tenant } from './tenant';
import { TenantsRepository } from './tenants.repository';
import { prismaFor, seedTwoOrganizations } from './testing/repository-specs';
import { testDatabases } from './testing/test-databases';

jest.setTimeout(60_000);

const EVERY_MINUTE = { intervalMs: 60_000 };

/** One notification per fresh key, its body naming the key: enough to see what was built. */
const onePerKey = (fresh: readonly EventKeyInput[]): NewNotification[] =>
  fresh.map((k) => ({ eventId: randomUUID(), elementKey: 'twiliov2', source: 'polling', eventCount: 1, body: JSON.stringify(k) }));

describe.each(testDatabases().map((d) => [d.name, d] as const))('event repositories on %s', (_name, database) => {
  const db = prismaFor(database);
  let pollRepo: PollStatesRepository;
  let eventKeys: EventKeysRepository;
  let outbox: OutboxRepository;
  let deliveryRepo: DeliveriesRepository;
  let redelivery: RedeliveryRepository;
  let pruning: EventPruningRepository;
  let instances: InstancesRepository;
  let tenant: Tenant;
  let stranger: Tenant;

  beforeAll(async () => {
    ({ tenant, stranger, instances } = await seedTwoOrganizations(db.prisma));
    pollRepo = new PollStatesRepository(db.prisma);
    eventKeys = new EventKeysRepository(db.prisma);
    outbox = new OutboxRepository(db.prisma);
    deliveryRepo = new DeliveriesRepository(db.prisma);
    redelivery = new RedeliveryRepository(db.prisma);
    pruning = new EventPruningRepository(db.prisma);
  });

  type Build = (fresh: readonly EventKeyInput[], known: ReadonlySet<string>) => NewNotification[];
  /** What the event workers do: read the unseen keys, build the notifications (data), store them. */
  const recordEvents = async (t: Tenant, instanceId: number, keys: EventKeyInput[], build: Build) => {
    const [unseen] = await eventKeys.unseen([{ instanceId, keys }]);
    if (unseen.fresh.length === 0) return 0;
    return outbox.recordEvents(t, instanceId, { keys: unseen.fresh, notifications: build(unseen.fresh, unseen.knownObjects) });
  };
  const commitOf = async (poll: ClaimedPoll, r: { keys: EventKeyInput[]; build: Build; checkpoint: Date; nextRunAt: Date }) => {
    const [unseen] = await eventKeys.unseen([{ instanceId: poll.instanceId, keys: r.keys }]);
    const notifications = unseen.fresh.length > 0 ? r.build(unseen.fresh, unseen.knownObjects) : [];
    return { poll, events: { keys: unseen.fresh, notifications }, checkpoint: r.checkpoint, nextRunAt: r.nextRunAt };
  };
  const complete = async (owner: string, poll: ClaimedPoll, r: { keys: EventKeyInput[]; build: Build; checkpoint: Date; nextRunAt: Date }) => {
    const commit = await commitOf(poll, r);
    const kept = await pollRepo.commitPolls(owner, [commit]);
    const committed = kept.has(poll.instanceId);
    return { committed, events: committed ? commit.events.notifications.reduce((n, x) => n + x.eventCount, 0) : 0 };
  };

  const polledInstance = async (plan = EVERY_MINUTE) => {
    const instance = await instances.create(tenant, { elementId: 503, name: 'i', configuration: {}, secretKeys: new Set(), polling: plan });
    // due now
    await db.prisma.eventPollState.update({ where: { instanceId: instance.id }, data: { nextRunAt: new Date(Date.now() - 1000) } });
    return instance;
  };

  it('starts, keeps and stops an instance’s polling in the transaction that changes it', async () => {
    const instance = await polledInstance();
    const before = await pollRepo.pollStatus(tenant, instance.id);
    expect(before).toMatchObject({ intervalMs: 60_000, running: false, eventsFound: 0 });
    expect(await pollRepo.pollStatus(stranger, instance.id)).toBeNull();

    await instances.update(tenant, instance.id, { polling: { intervalMs: 120_000 } });
    const changed = await pollRepo.pollStatus(tenant, instance.id);
    expect(changed?.intervalMs).toBe(120_000);
    expect(changed?.checkpoint).toEqual(before?.checkpoint); // a new interval keeps the checkpoint

    await instances.update(tenant, instance.id, { polling: null });
    expect(await pollRepo.pollStatus(tenant, instance.id)).toBeNull();
  });

  it('moves an instance’s updatedDate on a configuration-only change, which claims return (the workers’ copies are checked by it)', async () => {
    const instance = await polledInstance();
    const [claim] = (await pollRepo.claimPolls('a', 100, 60_000)).filter((c) => c.instanceId === instance.id);
    expect(claim.instanceUpdatedDate).toEqual(instance.updatedDate);
    await new Promise((r) => setTimeout(r, 5));
    const changed = await instances.update(tenant, instance.id, { configuration: { 'event.notification.callback.url': 'https://elsewhere.example' }, secretKeys: new Set() });
    expect(changed?.updatedDate.getTime()).toBeGreaterThan(instance.updatedDate.getTime());
    await pollRepo.releasePolls('a');
    const [again] = (await pollRepo.claimPolls('a', 100, 60_000)).filter((c) => c.instanceId === instance.id);
    expect(again.instanceUpdatedDate).toEqual(changed?.updatedDate);
  });

  it('reads several instances in one call as findById reads each, each within its own organization', async () => {
    const mine = await instances.create(tenant, { elementId: 503, name: 'm', configuration: { 'api.key': 'k1', plain: 'p' }, secretKeys: new Set(['api.key']) });
    const theirs = await instances.create(stranger, { elementId: 503, name: 't', configuration: {}, secretKeys: new Set() });
    const read = await instances.findByIds([
      { tenant, id: mine.id },
      { tenant, id: theirs.id },
      { tenant: stranger, id: theirs.id },
      { tenant, id: 999_999 },
      { tenant, id: mine.id },
    ]);
    expect(read[0]).toEqual(await instances.findById(tenant, mine.id));
    expect(read[0]?.configuration.find((c) => c.key === 'api.key')?.value).toBe('k1');
    expect(read[1]).toBeNull();
    expect(read[2]?.name).toBe('t');
    expect(read[3]).toBeNull();
    expect(read[4]).toBe(read[0]);
    expect(await instances.findByIds([])).toEqual([]);
  });

  it('lets one replica at a time hold a poll, and takes it back when its lease runs out', async () => {
    const instance = await polledInstance();
    const [a, b] = await Promise.all([pollRepo.claimPolls('a', 100, 60_000), pollRepo.claimPolls('b', 100, 60_000)]);
    const holders = [...a, ...b].filter((c) => c.instanceId === instance.id);
    expect(holders).toHaveLength(1);
    expect(holders[0].tenant.organizationId).toBe(tenant.organizationId);
    const owner = a.some((c) => c.instanceId === instance.id) ? 'a' : 'b';
    expect((await pollRepo.claimPolls('c', 100, 60_000)).some((c) => c.instanceId === instance.id)).toBe(false);
    expect((await pollRepo.pollStatus(tenant, instance.id))?.running).toBe(true);

    // the holder dies: its lease runs out, and another replica takes the poll
    await db.prisma.eventPollState.update({ where: { instanceId: instance.id }, data: { leaseUntil: new Date(Date.now() - 1) } });
    const taken = (await pollRepo.claimPolls('c', 100, 60_000)).find((c) => c.instanceId === instance.id);
    expect(taken).toBeDefined();
    if (!taken) return;
    // the old holder comes back: what it found is not committed, and the new holder's is
    const late = await complete(owner, holders[0], { keys: [{ objectType: 'messages', objectId: 'SM1', version: 'v1' }], build: onePerKey, checkpoint: new Date(), nextRunAt: new Date() });
    expect(late).toEqual({ committed: false, events: 0 });
    expect(await pollRepo.failPoll(owner, holders[0], 'late', new Date())).toBe(false);
    const done = await complete('c', taken, {
      keys: [{ objectType: 'messages', objectId: 'SM1', version: 'v1' }],
      build: onePerKey,
      checkpoint: taken.claimedAt,
      nextRunAt: new Date(Date.now() + 60_000),
    });
    expect(done).toEqual({ committed: true, events: 1 });
    expect(await pollRepo.pollStatus(tenant, instance.id)).toMatchObject({ running: false, lastEventsFound: 1, eventsFound: 1, lastError: null });
  });

  it('never makes the same change an event twice, and tells new objects from changed ones', async () => {
    const instance = await polledInstance();
    const claim = async () => (await pollRepo.claimPolls('a', 100, 60_000)).find((c) => c.instanceId === instance.id);
    const due = () => db.prisma.eventPollState.update({ where: { instanceId: instance.id }, data: { nextRunAt: new Date(0) } });
    const seen: { fresh: string[]; known: string[] }[] = [];
    const build = (fresh: readonly EventKeyInput[], known: ReadonlySet<string>) => {
      seen.push({ fresh: fresh.map((k) => `${k.objectId}@${k.version}`), known: [...known].sort() });
      return onePerKey(fresh);
    };
    const first = await claim();
    if (!first) throw new Error('not claimed');
    await complete('a', first, {
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
    const { events: count } = await complete('a', second, {
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
    expect(await recordEvents(tenant, instance.id, [{ objectType: 'messages', objectId: 'SM3', version: 'v1' }], onePerKey)).toBe(0);
  });

  it('delivers an instance’s notifications in order, one at a time, and logs every attempt', async () => {
    const instance = await polledInstance();
    const built = await recordEvents(
      tenant,
      instance.id,
      ['a', 'b', 'c'].map((id) => ({ objectType: 'messages', objectId: id, version: '1' })),
      onePerKey,
    );
    expect(built).toBe(3);
    const mine = async (owner: string) => (await deliveryRepo.claimDeliveries(owner, 100, 60_000)).filter((d) => d.instanceId === instance.id);

    const [first, ...others] = await mine('a');
    expect(others).toHaveLength(0); // the head only
    expect(JSON.parse(first.body).objectId).toBe('a');
    expect(first.attempt).toBe(1);
    expect(await mine('b')).toHaveLength(0); // leased, and the rest wait behind it

    const started = new Date();
    await deliveryRepo.finishAttempt('a', first, { startedDate: started, durationMs: 5, outcome: 'retry', statusCode: 503, status: 'retry', nextAttemptAt: new Date(Date.now() - 1) });
    const again = await mine('b');
    expect(again.map((d) => [JSON.parse(d.body).objectId, d.attempt])).toEqual([['a', 2]]);
    await deliveryRepo.finishAttempt('b', again[0], { startedDate: started, durationMs: 5, outcome: 'delivered', statusCode: 200, status: 'delivered' });
    const next = await mine('a');
    expect(next.map((d) => JSON.parse(d.body).objectId)).toEqual(['b']);
    await deliveryRepo.finishAttempt('a', next[0], { startedDate: started, durationMs: 5, outcome: 'failed', statusCode: 410, status: 'failed' });
    expect((await mine('a')).map((d) => JSON.parse(d.body).objectId)).toEqual(['c']); // a failed one does not block

    const record = await outbox.findNotification(tenant, again[0].eventId);
    expect(record).toMatchObject({ status: 'delivered', attempts: 2, lastStatusCode: 200, nextAttemptAt: null });
    expect(record?.deliveryLog.map((a) => [a.attempt, a.outcome, a.statusCode])).toEqual([
      [1, 'retry', 503],
      [2, 'delivered', 200],
    ]);
    expect(await outbox.findNotification(stranger, again[0].eventId)).toBeNull();
    expect(await outbox.findNotification(tenant, 'not-a-uuid')).toBeNull();

    const failed = await outbox.listNotifications(tenant, instance.id, { status: 'failed', skip: 0, take: 10 });
    expect(failed.total).toBe(1);
    expect(await redelivery.redeliverFailed(stranger, instance.id)).toBe(0);
    expect(await redelivery.redeliverFailed(tenant, instance.id)).toBe(1);
    expect((await outbox.findNotification(tenant, failed.items[0].eventId))).toMatchObject({ status: 'retry', attempts: 0 });
    expect(await redelivery.redeliver(tenant, again[0].eventId)).toMatchObject({ status: 'retry' });
    expect(await redelivery.redeliver(stranger, again[0].eventId)).toBeNull();
  });

  it('prunes finished notifications and old keys, never pending ones', async () => {
    const instance = await polledInstance();
    await recordEvents(tenant, instance.id, ['p1', 'p2'].map((id) => ({ objectType: 'messages', objectId: id, version: '1' })), onePerKey);
    const [first] = (await deliveryRepo.claimDeliveries('a', 100, 60_000)).filter((d) => d.instanceId === instance.id);
    await deliveryRepo.finishAttempt('a', first, { startedDate: new Date(), durationMs: 1, outcome: 'delivered', statusCode: 200, status: 'delivered' });
    await db.prisma.eventNotification.updateMany({ where: { instanceId: instance.id }, data: { createdDate: new Date(Date.now() - 40 * 86_400_000) } });
    await db.prisma.eventKey.updateMany({ where: { instanceId: instance.id }, data: { createdDate: new Date(Date.now() - 40 * 86_400_000) } });
    expect(await pruning.pruneNotifications(30 * 86_400_000)).toBeGreaterThanOrEqual(1);
    const left = await outbox.listNotifications(tenant, instance.id, { skip: 0, take: 10 });
    expect(left.items.map((n) => n.status)).toEqual(['created']); // the pending one stays, however old
    expect(await pruning.pruneEventKeys(30 * 86_400_000)).toBeGreaterThanOrEqual(2);
  });

  it('neither polls nor delivers for a suspended organization, and keeps its notifications for after', async () => {
    const tenants = new TenantsRepository(db.prisma, new SecretBox([{ id: 'k', key: randomBytes(32) }]));
    const mine = await polledInstance();
    const theirs = await instances.create(stranger, { elementId: 503, name: 'j', configuration: {}, secretKeys: new Set(), polling: EVERY_MINUTE });
    await db.prisma.eventPollState.update({ where: { instanceId: theirs.id }, data: { nextRunAt: new Date(Date.now() - 1000) } });
    const keys = ['s1', 's2'].map((id) => ({ objectType: 'messages', objectId: id, version: '1' }));
    await recordEvents(tenant, mine.id, keys, onePerKey);
    // the head of mine failed once and waits for its retry, which is due
    const [head] = (await deliveryRepo.claimDeliveries('a', 100, 60_000)).filter((d) => d.instanceId === mine.id);
    await deliveryRepo.finishAttempt('a', head, { startedDate: new Date(), durationMs: 1, outcome: 'retry', statusCode: 503, status: 'retry', nextAttemptAt: new Date(Date.now() - 1) });
    await recordEvents(stranger, theirs.id, keys, onePerKey);
    const ids = [mine.id, theirs.id];
    const polls = async (owner: string) => (await pollRepo.claimPolls(owner, 100, 60_000)).filter((c) => ids.includes(c.instanceId)).map((c) => c.instanceId);
    const deliveries = async (owner: string) => (await deliveryRepo.claimDeliveries(owner, 100, 60_000)).filter((d) => ids.includes(d.instanceId));

    expect(await tenants.setOrganizationSuspended(tenant.organizationId, true)).toBe(true);
    try {
      expect(await polls('b')).toEqual([theirs.id]);
      expect((await deliveries('b')).map((d) => d.instanceId)).toEqual([theirs.id]);
      // nothing of mine was claimed, leased or counted as an attempt
      expect(await polls('c')).toEqual([]);
      expect(await deliveries('c')).toEqual([]);
      expect((await outbox.listNotifications(tenant, mine.id, { skip: 0, take: 10 })).items.map((n) => [n.status, n.attempts])).toEqual([
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
    await recordEvents(tenant, instance.id, [{ objectType: 'messages', objectId: 'z', version: '1' }], onePerKey);
    const held = (await deliveryRepo.claimDeliveries('leaving', 100, 60_000)).filter((d) => d.instanceId === instance.id);
    expect(held).toHaveLength(1);
    expect((await pollRepo.claimPolls('leaving', 100, 60_000)).some((c) => c.instanceId === instance.id)).toBe(true);
    await deliveryRepo.releaseDeliveries('leaving');
    await pollRepo.releasePolls('leaving');
    const retaken = (await deliveryRepo.claimDeliveries('staying', 100, 60_000)).filter((d) => d.instanceId === instance.id);
    expect(retaken.map((d) => d.attempt)).toEqual([1]);
    expect((await pollRepo.claimPolls('staying', 100, 60_000)).some((c) => c.instanceId === instance.id)).toBe(true);
  });

  it('commits many polls in one call, writing nothing for a poll whose lease was lost', async () => {
    const [one, two] = [await polledInstance(), await polledInstance()];
    const claimed = (await pollRepo.claimPolls('a', 100, 60_000)).filter((c) => [one.id, two.id].includes(c.instanceId));
    expect(claimed).toHaveLength(2);
    const [p1, p2] = [claimed.find((c) => c.instanceId === one.id), claimed.find((c) => c.instanceId === two.id)] as ClaimedPoll[];
    // two's lease runs out and another replica takes it
    await db.prisma.eventPollState.update({ where: { instanceId: two.id }, data: { leaseUntil: new Date(Date.now() - 1) } });
    expect((await pollRepo.claimPolls('b', 100, 60_000)).some((c) => c.instanceId === two.id)).toBe(true);
    const keys = (id: string) => [{ objectType: 'messages', objectId: id, version: 'v1' }];
    const commits = [
      await commitOf(p1, { keys: keys('B1'), build: onePerKey, checkpoint: p1.claimedAt, nextRunAt: new Date(Date.now() + 60_000) }),
      await commitOf(p2, { keys: keys('B2'), build: onePerKey, checkpoint: p2.claimedAt, nextRunAt: new Date(Date.now() + 60_000) }),
    ];
    expect([...(await pollRepo.commitPolls('a', commits))]).toEqual([one.id]);
    expect((await outbox.listNotifications(tenant, one.id, { skip: 0, take: 10 })).total).toBe(1);
    expect((await outbox.listNotifications(tenant, two.id, { skip: 0, take: 10 })).total).toBe(0);
    // the key of the poll not committed is still unseen: the holder's poll makes it an event
    expect((await eventKeys.unseen([{ instanceId: two.id, keys: keys('B2') }]))[0].fresh).toHaveLength(1);
    expect(await pollRepo.pollStatus(tenant, two.id)).toMatchObject({ running: true, eventsFound: 0 });
    expect(await pollRepo.pollStatus(tenant, one.id)).toMatchObject({ running: false, lastEventsFound: 1 });
  });

  it('refuses, storing nothing, events whose keys were stored meanwhile (read again, build again)', async () => {
    const instance = await polledInstance();
    const [poll] = (await pollRepo.claimPolls('a', 100, 60_000)).filter((c) => c.instanceId === instance.id);
    const keys = [{ objectType: 'messages', objectId: 'C1', version: 'v1' }, { objectType: 'messages', objectId: 'C2', version: 'v1' }];
    const commit = await commitOf(poll, { keys, build: onePerKey, checkpoint: poll.claimedAt, nextRunAt: new Date(Date.now() + 60_000) });
    // a webhook stores one of the same changes first
    expect(await recordEvents(tenant, instance.id, keys.slice(0, 1), onePerKey)).toBe(1);
    await expect(pollRepo.commitPolls('a', [commit])).rejects.toBeInstanceOf(EventKeyConflict);
    expect((await outbox.listNotifications(tenant, instance.id, { skip: 0, take: 10 })).total).toBe(1);
    expect(await pollRepo.pollStatus(tenant, instance.id)).toMatchObject({ running: true });
    const again = await commitOf(poll, { keys, build: onePerKey, checkpoint: poll.claimedAt, nextRunAt: new Date(Date.now() + 60_000) });
    expect(again.events.keys.map((k) => k.objectId)).toEqual(['C2']);
    expect([...(await pollRepo.commitPolls('a', [again]))]).toEqual([instance.id]);
    expect((await outbox.listNotifications(tenant, instance.id, { skip: 0, take: 10 })).total).toBe(2);
  });

  it('holds a disabled instance’s notifications: not claimed, listed as held, sent once it is enabled, expired after the retention', async () => {
    const instance = await polledInstance();
    await recordEvents(tenant, instance.id, ['h1', 'h2'].map((id) => ({ objectType: 'messages', objectId: id, version: '1' })), onePerKey);
    const mine = async (owner: string) => (await deliveryRepo.claimDeliveries(owner, 100, 60_000)).filter((d) => d.instanceId === instance.id);
    await db.prisma.instance.update({ where: { id: instance.id }, data: { disabled: true } });
    expect(await mine('a')).toEqual([]);
    const listed = await outbox.listNotifications(tenant, instance.id, { skip: 0, take: 10 });
    expect(listed.items.map((n) => [n.status, n.held, n.attempts])).toEqual([
      ['created', true, 0],
      ['created', true, 0],
    ]);
    expect((await outbox.listNotifications(tenant, instance.id, { status: 'held', skip: 0, take: 10 })).total).toBe(2);
    // not old enough to expire
    expect(await pruning.expireHeld(60_000)).toBe(0);
    await db.prisma.instance.update({ where: { id: instance.id }, data: { disabled: false } });
    expect((await outbox.listNotifications(tenant, instance.id, { status: 'held', skip: 0, take: 10 })).total).toBe(0);
    const [first] = await mine('a');
    expect(first.attempt).toBe(1);
    await deliveryRepo.finishAttempt('a', first, { startedDate: new Date(), durationMs: 1, outcome: 'delivered', statusCode: 200, status: 'delivered' });
    // disabled again for longer than the retention: the pending one expires, the delivered one is the pruner's
    await db.prisma.instance.update({ where: { id: instance.id }, data: { disabled: true } });
    await db.prisma.eventNotification.updateMany({ where: { instanceId: instance.id }, data: { createdDate: new Date(Date.now() - 2 * 60_000) } });
    expect(await pruning.expireHeld(60_000)).toBe(1);
    expect((await outbox.listNotifications(tenant, instance.id, { skip: 0, take: 10 })).items.map((n) => n.status)).toEqual(['delivered']);
  });

  it('logs many attempts in one statement, moving on only the notifications whose lease is still held', async () => {
    const [one, two] = [await polledInstance(), await polledInstance()];
    for (const i of [one, two]) await recordEvents(tenant, i.id, [{ objectType: 'messages', objectId: `f${i.id}`, version: '1' }], onePerKey);
    const claimed = (await deliveryRepo.claimDeliveries('a', 100, 60_000)).filter((d) => [one.id, two.id].includes(d.instanceId));
    expect(claimed).toHaveLength(2);
    await db.prisma.eventNotification.updateMany({ where: { instanceId: two.id }, data: { leaseOwner: 'b' } });
    const started = new Date();
    const kept = await deliveryRepo.finishAttempts(
      'a',
      claimed.map((delivery) => ({ delivery, result: { startedDate: started, durationMs: 3, outcome: 'retry' as const, statusCode: 503, error: 'busy', status: 'retry' as const, nextAttemptAt: new Date(Date.now() + 60_000) } })),
    );
    expect(kept).toEqual(claimed.map((d) => d.instanceId === one.id));
    for (const d of claimed) {
      const found = await outbox.findNotification(tenant, d.eventId);
      expect(found?.deliveryLog).toEqual([{ attempt: 1, startedDate: started, durationMs: 3, outcome: 'retry', statusCode: 503, error: 'busy' }]);
      expect(found?.status).toBe(d.instanceId === one.id ? 'retry' : 'created');
    }
  });
});
