import { ChangeFeed, STORE } from '@hub/runtime';
import type { Store, InstanceRecord, Tenant } from '@hub/store';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import DataLoader from 'dataloader';
import { LRUCache } from 'lru-cache';

/**
 * The instances the event workers need, read once and reused while the instance's updatedDate (which
 * every claim returns, and every change of the instance or its configuration moves) is the same:
 * a change made anywhere applies to the next poll or delivery, and an unchanged instance is not read
 * again (its configuration decrypted again) for every poll.
 *
 * The claim's date decides, so this cache drops an entry on that instance's own notice only (a
 * deletion frees it early; a write by hand that did not move the date is still seen) and not on the
 * change feed's periodic `everything`: that would empty it every HUB_CHANGE_FEED_REFRESH_SECONDS
 * (30 s), and with one-minute intervals make nearly every poll a read and a decryption again.
 *
 * Misses are read together: the polls and deliveries of one claim start in the same tick, and their
 * instances not in memory (a replica's first round; with several replicas, the instances another
 * replica polled last time) are read in one query (DataLoader's batch; ~4 statements per batch
 * instead of ~4 per instance).
 */
@Injectable()
export class InstanceLookup implements OnModuleDestroy {
  private readonly cache = new LRUCache<number, InstanceRecord>({ max: 20_000 });
  private readonly unsubscribe: () => void;
  private readonly reads = new DataLoader<{ tenant: Tenant; id: number }, InstanceRecord | null>((refs) => this.store.instances.findByIds(refs), {
    cache: false,
    maxBatchSize: 500,
  });

  constructor(
    @Inject(STORE) private readonly store: Store,
    feed: ChangeFeed,
  ) {
    this.unsubscribe = feed.subscribe((change) => {
      if (change.kind === 'instance') this.cache.delete(change.instanceId);
    });
  }

  async find(tenant: Tenant, instanceId: number, updatedDate: Date): Promise<InstanceRecord | null> {
    const cached = this.cache.get(instanceId);
    if (cached && cached.organizationId === tenant.organizationId && cached.updatedDate.getTime() === updatedDate.getTime()) return cached;
    const instance = await this.reads.load({ tenant, id: instanceId });
    if (instance) this.cache.set(instanceId, instance);
    return instance;
  }

  onModuleDestroy(): void {
    this.unsubscribe();
  }
}
