import { ChangeFeed } from '@hub/runtime';
import type { InstanceRecord, Store, Tenant } from '@hub/store';
import { InstanceLookup } from './instance-lookup';

describe('InstanceLookup', () => {
  const tenant = ({ organizationId: 1, userId: 1 }) as Tenant;
  let reads: number;
  let stored: InstanceRecord;
  let feed: ChangeFeed;
  let lookup: InstanceLookup;

  beforeEach(() => {
    reads = 0;
    stored = { id: 7, organizationId: 1, updatedDate: new Date(1000), name: 'one' } as InstanceRecord;
    const store = { instances: { findById: async () => (reads++, stored) } } as unknown as Store;
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
    await lookup.find({ organizationId: 2, userId: 2 } as Tenant, 7, new Date(1000));
    expect(reads).toBe(2);
  });
});
