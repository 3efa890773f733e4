// The change feed across processes: two Store instances on one PostgreSQL database (as two
// replicas would have), a write through one heard by the other's listener within 1 s, whoever
// wrote it; the hot paths (token takes) and rolled-back writes say nothing; a lost listening
// connection comes back and says so (the caller then treats everything as changed).
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CHANGES_CHANNEL, type ChangeListener, parseChangePayload, type StoredChange } from './change-notifications';
import { defaultMigrationsDir } from './migrations/paths';
import { openStore, type Store } from './store';
import type { Tenant } from './tenant';
import { testDatabases, type TestDatabaseHandle } from './testing/test-databases';

jest.setTimeout(60_000);

describe('parseChangePayload', () => {
  it('reads the triggers’ payloads', () => {
    expect(parseChangePayload('instance:12')).toEqual({ kind: 'instance', instanceId: 12 });
    expect(parseChangePayload('organization:3')).toEqual({ kind: 'organization', organizationId: 3 });
    expect(parseChangePayload('rateLimits:3')).toEqual({ kind: 'rateLimits', organizationId: 3 });
    expect(parseChangePayload('commonResources')).toEqual({ kind: 'commonResources' });
    expect(parseChangePayload('everything')).toEqual({ kind: 'everything' });
    expect(parseChangePayload('work:deliveries')).toEqual({ kind: 'work', queue: 'deliveries' });
    expect(parseChangePayload('work:formulas')).toEqual({ kind: 'work', queue: 'formulas' });
  });

  it('ignores what it does not know rather than guessing', () => {
    for (const payload of ['', 'work', 'work:', 'work:polls', 'work:deliveries:1', 'instance', 'instance:', 'instance:x', 'instance:1:2', 'instance:-1', 'formula:3', 'commonResources:1', 'instance:12345678901234567']) {
      expect(parseChangePayload(payload)).toBeUndefined();
    }
  });
});

const postgres = testDatabases().find((d) => d.name === 'postgresql');
const onPostgres = postgres ? describe : describe.skip;

onPostgres('the change feed between two stores on one PostgreSQL database', () => {
  let handle: TestDatabaseHandle;
  let dataDir: string;
  let a: Store;
  let b: Store;
  let listener: ChangeListener;
  let heard: StoredChange[] = [];
  let connections = 0;
  let tenant: Tenant;
  let instanceId: number;

  beforeAll(async () => {
    handle = await (postgres as NonNullable<typeof postgres>).create();
    dataDir = mkdtempSync(path.join(tmpdir(), 'hub-change-feed-'));
    const options = { databaseUrl: handle.url, dataDir, migrationsDir: defaultMigrationsDir(), encryptionKey: randomBytes(32).toString('base64') };
    [a, b] = await Promise.all([openStore(options), openStore(options)]);
    listener = b.listenForChanges?.({
      onChange: (change) => heard.push(change),
      onConnected: () => connections++,
      minBackoffMs: 20,
      maxBackoffMs: 200,
    }) as ChangeListener;
    await until(() => listener.connected, 5_000);
    await a.elements.sync([{ id: 9001, key: 'feedtest' }]);
    tenant = (await a.tenants.createOrganization({ name: 'Feed', user: { emailAddress: 'feed@x.test' } })).tenant;
    instanceId = (await a.instances.create(tenant, { elementId: 9001, name: 'one', configuration: { 'base.url': 'https://x.test' }, secretKeys: new Set() })).id;
  });

  afterAll(async () => {
    await listener?.close();
    await Promise.all([a?.close(), b?.close()]);
    await handle?.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  });

  beforeEach(() => (heard = []));

  /** Waits until B has heard `expected`; returns how long it took (the caller asserts < 1 s). */
  async function heardWithin(expected: StoredChange): Promise<number> {
    const started = Date.now();
    await until(() => heard.some((c) => JSON.stringify(c) === JSON.stringify(expected)), 1_000);
    return Date.now() - started;
  }

  it('has B hear an instance change A made: configuration, disable, deletion', async () => {
    await a.instances.update(tenant, instanceId, { configuration: { 'base.url': 'https://y.test' } });
    expect(await heardWithin({ kind: 'instance', instanceId })).toBeLessThan(1_000);
    heard = [];
    await a.instances.update(tenant, instanceId, { disabled: true });
    expect(await heardWithin({ kind: 'instance', instanceId })).toBeLessThan(1_000);
    const other = (await a.instances.create(tenant, { elementId: 9001, name: 'two', configuration: {}, secretKeys: new Set() })).id;
    heard = [];
    await a.instances.delete(tenant, other);
    expect(await heardWithin({ kind: 'instance', instanceId: other })).toBeLessThan(1_000);
  });

  it('hears secret rotations, suspension and settings as organization changes', async () => {
    const organization = { kind: 'organization', organizationId: tenant.organizationId } as const;
    await a.tenants.rotateUserSecret(tenant, 0);
    expect(await heardWithin(organization)).toBeLessThan(1_000);
    heard = [];
    await a.tenants.rotateOrganizationSecret(tenant, 0);
    expect(await heardWithin(organization)).toBeLessThan(1_000);
    heard = [];
    await a.tenants.setOrganizationSuspended(tenant.organizationId, true);
    expect(await heardWithin(organization)).toBeLessThan(1_000);
    await a.tenants.setOrganizationSuspended(tenant.organizationId, false);
    heard = [];
    await a.tenants.setOrganizationSettings(tenant, { strictParameters: true });
    expect(await heardWithin(organization)).toBeLessThan(1_000);
  });

  it('hears rate limits set and removed, but not the token takes of hub calls', async () => {
    const limit = { kind: 'rateLimits', organizationId: tenant.organizationId } as const;
    await a.rateLimits.set(tenant.organizationId, { requestsPerSecond: 100, burst: 100 });
    expect(await heardWithin(limit)).toBeLessThan(1_000);
    heard = [];
    for (let i = 0; i < 5; i++) await a.rateLimits.take(tenant.organizationId, 1);
    await a.tenants.rotateUserSecret(tenant, 0); // a later change, to know the takes' (absent) notices would have arrived
    await heardWithin({ kind: 'organization', organizationId: tenant.organizationId });
    expect(heard.filter((c) => c.kind === 'rateLimits')).toEqual([]);
    await a.rateLimits.set(tenant.organizationId, null);
    expect(await heardWithin(limit)).toBeLessThan(1_000);
  });

  it('hears common resource definitions and transformations', async () => {
    await a.commonResources.createDefinition(tenant, { level: 'organization' }, 'contact', [{ path: 'name', type: 'string' }]);
    expect(await heardWithin({ kind: 'commonResources' })).toBeLessThan(1_000);
  });

  it('hears new work: notifications stored (a webhook’s, on another process) wake the delivery workers', async () => {
    const eventId = randomUUID();
    await a.outbox.recordEvents(tenant, instanceId, {
      keys: [{ objectType: 'messages', objectId: `SM${eventId}`, version: '1' }],
      notifications: [{ eventId, elementKey: 'feedtest', source: 'webhook', eventCount: 1, body: '{}' }],
    });
    expect(await heardWithin({ kind: 'work', queue: 'deliveries' })).toBeLessThan(1_000);
    expect(heard.filter((c) => c.kind === 'work' && c.queue === 'formulas')).toEqual([]); // nobody listens to this instance's events
  });

  it('hears a write no hub code made (direct SQL), and nothing of a rolled-back one', async () => {
    await handle.query(`UPDATE instances SET name = 'renamed by hand' WHERE id = ${instanceId}`);
    expect(await heardWithin({ kind: 'instance', instanceId })).toBeLessThan(1_000);
    heard = [];
    await handle.query(`DO $$ BEGIN UPDATE organizations SET name = 'never' WHERE id = ${tenant.organizationId}; RAISE EXCEPTION 'rolled back'; END $$`).catch(() => undefined);
    await a.instances.update(tenant, instanceId, { name: 'after' });
    await heardWithin({ kind: 'instance', instanceId });
    expect(heard.filter((c) => c.kind === 'organization')).toEqual([]);
  });

  it('comes back after its connection is killed, says so (onConnected), and hears changes again', async () => {
    const before = connections;
    await handle.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = 'LISTEN ${CHANGES_CHANNEL}' AND datname = current_database()`);
    await until(() => connections > before && listener.connected, 5_000);
    await a.instances.update(tenant, instanceId, { name: 'after reconnect' });
    expect(await heardWithin({ kind: 'instance', instanceId })).toBeLessThan(1_000);
  });

  it('check() answers on a live connection and finds a dead one', async () => {
    expect(await listener.check()).toBe(true);
    const before = connections;
    await handle.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'hub change feed' AND datname = current_database()`);
    await until(() => connections > before && listener.connected, 5_000);
    expect(await listener.check()).toBe(true);
  });
});

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
