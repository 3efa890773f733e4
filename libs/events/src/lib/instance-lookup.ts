import { STORE, InstanceChanges } from '@hub/runtime';
import type { Store, InstanceRecord, Tenant } from '@hub/store';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { LRUCache } from 'lru-cache';

/**
 * The instances the event workers need, read once and reused while the instance's updatedDate (which
 * every claim returns, and every change of the instance or its configuration moves) is the same:
 * a change made anywhere applies to the next poll or delivery, and an unchanged instance is not read
 * again (its configuration decrypted again) for every poll.
 */
@Injectable()
export class InstanceLookup implements OnModuleDestroy {
  private readonly cache = new LRUCache<number, InstanceRecord>({ max: 20_000 });
  private readonly unsubscribe: () => void;

  constructor(
    @Inject(STORE) private readonly store: Store,
    changes: InstanceChanges,
  ) {
    this.unsubscribe = changes.subscribe((id) => (id === undefined ? this.cache.clear() : this.cache.delete(id)));
  }

  async find(tenant: Tenant, instanceId: number, updatedDate: Date): Promise<InstanceRecord | null> {
    const cached = this.cache.get(instanceId);
    if (cached && cached.organizationId === tenant.organizationId && cached.updatedDate.getTime() === updatedDate.getTime()) return cached;
    const instance = await this.store.instances.findById(tenant, instanceId);
    if (instance) this.cache.set(instanceId, instance);
    return instance;
  }

  onModuleDestroy(): void {
    this.unsubscribe();
  }
}
