import type { StoredChange, WorkQueue } from '@hub/store';
import { Injectable } from '@nestjs/common';

/**
 * What changed, as caches need to know it. Every cache of stored state (credentials, instances and
 * their compiled settings, transformations, rate limits, the response cache) subscribes to the
 * ChangeFeed and drops what a change makes stale.
 */
export type Change =
  | { readonly kind: 'instance'; readonly instanceId: number }
  /** An organization: suspended or resumed, deleted, its secrets or its users' secrets rotated, its settings changed. */
  | { readonly kind: 'organization'; readonly organizationId: number }
  /** Common resource definitions or transformations, at any level. */
  | { readonly kind: 'commonResources' }
  | { readonly kind: 'rateLimits'; readonly organizationId: number }
  /** Anything may have changed (the periodic full refresh, a lost connection to the feed). */
  | { readonly kind: 'everything' }
  /** Not a cache's concern: new work was stored somewhere, and this process's workers of that queue claim now. */
  | { readonly kind: 'work'; readonly queue: WorkQueue };

export type ChangeListener = (change: Change) => void;

/** The store's notices and this feed's changes are one vocabulary (checked here, at compile time). */
const sameVocabulary: [StoredChange, Change] extends [Change, StoredChange] ? true : never = true;
void sameVocabulary;

/**
 * The change feed of this process. `publish` tells every subscriber in this process at once (a
 * writer publishes what it changed, so its own next call sees it). Other processes' changes come
 * in through ChangeFeedReplication: on PostgreSQL the database's triggers NOTIFY every committed
 * change and each process LISTENs, publishing `everything` when it (re)connects and periodically
 * as a safety net. On the embedded store there is one process, so in-process publishes are all.
 */
@Injectable()
export class ChangeFeed {
  private readonly listeners = new Set<ChangeListener>();

  publish(change: Change): void {
    for (const listener of this.listeners) listener(change);
  }

  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Calls `wake` when any process stored work of `queue` (or when anything may have changed). */
  onWork(queue: WorkQueue, wake: () => void): () => void {
    return this.subscribe((change) => {
      if ((change.kind === 'work' && change.queue === queue) || change.kind === 'everything') wake();
    });
  }
}

/** Instance changes on the change feed (updated, enabled/disabled, deleted). */
@Injectable()
export class InstanceChanges {
  constructor(private readonly feed: ChangeFeed) {}

  changed(instanceId: number): void {
    this.feed.publish({ kind: 'instance', instanceId });
  }

  /** `instanceId` undefined: anything may have changed; drop everything. */
  subscribe(listener: (instanceId: number | undefined) => void): () => void {
    return this.feed.subscribe((change) => {
      if (change.kind === 'instance') listener(change.instanceId);
      else if (change.kind === 'everything' || change.kind === 'organization') listener(undefined);
    });
  }
}

/**
 * Common resource definitions and transformations: caches key their entries by `generation`, so one
 * change makes every entry stale at once (writes are rare).
 */
@Injectable()
export class CommonResourceChanges {
  private current = 0;

  constructor(private readonly feed: ChangeFeed) {
    feed.subscribe((change) => {
      if (change.kind === 'commonResources' || change.kind === 'everything') this.current++;
    });
  }

  get generation(): number {
    return this.current;
  }

  changed(): void {
    this.feed.publish({ kind: 'commonResources' });
  }
}
