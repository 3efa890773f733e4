import { ChangeFeed } from '@hub/runtime';
import type { InstanceRecord, Store, Tenant } from '@hub/store';
import { InstanceLookup } from './instance-lookup';

describe('InstanceLookup', () => {
  const tenant = ({ organizationId: 1, userId: 1 }) as Tenant;
  let reads: number;
  let batches: number[][];
  let stored: InstanceRecord;
  let feed: ChangeFeed;
  let lookup: InstanceLookup;

  beforeEach(() => {
    reads = 0;
    batches = [];
    stored = { id: 7, organizationId: 1, updatedDate: new Date(1000), name: 'one' } as InstanceRecord;
    const others = new Map([8, 9].map((id) => [id, { id, organizationId: 1, updatedDate: new Date(1000), name: `n${id}` } as InstanceRecord]));
    const findByIds = async (refs: { tenant: Tenant; id: number }[]) => {
      reads++;
      batches.push(refs.map((r) => r.id));
      return refs.map(({ tenant: t, id }) => {
        const found = id === stored.id ? stored : others.get(id);
        return found && found.organizationId === t.organizationId ? found : null;
      });
    };
    const store = { instances: { findByIds } } as unknown as Store;
    feed = new ChangeFeed();
    lookup = new InstanceLookup(store, feed);
  });
  afterEach(() => lookup.onModuleDestroy());

  it('reads an instance once while the claims say it is unchanged, and again when its date moved', async () => {
    await lookup.find(tenant, 7, new Date(1000));
    await lookup.find(tenant, 7, new Date(1000));
    expect(reads).toBe(1);
    stored = { ...stored, updatedDate: new Date(2000), name: 'two' };
    expect((await lookup.find(tenant, 7, new Date(2000)))?.name).toBe('two');
    expect(reads).toBe(2);
  });

  it('drops an instance on its own notice, but keeps everything on the periodic full refresh (the claim’s date decides)', async () => {
    await lookup.find(tenant, 7, new Date(1000));
    feed.publish({ kind: 'everything' });
    feed.publish({ kind: 'organization', organizationId: 1 });
    await lookup.find(tenant, 7, new Date(1000));
    expect(reads).toBe(1);
    feed.publish({ kind: 'instance', instanceId: 7 });
    await lookup.find(tenant, 7, new Date(1000));
    expect(reads).toBe(2);
  });

  it('never answers one organization with another’s instance', async () => {
    await lookup.find(tenant, 7, new Date(1000));
    expect(await lookup.find({ organizationId: 2, userId: 2 } as Tenant, 7, new Date(1000))).toBeNull();
    expect(reads).toBe(2);
  });

  it('reads the misses of one claim together, and only the misses', async () => {
    await lookup.find(tenant, 7, new Date(1000));
    const found = await Promise.all([7, 8, 9, 10].map((id) => lookup.find(tenant, id, new Date(1000))));
    expect(found.map((i) => i?.name ?? null)).toEqual(['one', 'n8', 'n9', null]);
    expect(batches).toEqual([[7], [8, 9, 10]]);
  });
});
