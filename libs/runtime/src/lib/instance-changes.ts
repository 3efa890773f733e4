import { Injectable } from '@nestjs/common';

/**
 * Tells in-process caches that an instance changed (updated, enabled/disabled, deleted), so
 * they drop what they hold about it at once. Other replicas' caches expire on their own short TTL.
 */
@Injectable()
export class InstanceChanges {
  private readonly listeners = new Set<(instanceId: number) => void>();

  changed(instanceId: number): void {
    for (const listener of this.listeners) listener(instanceId);
  }

  subscribe(listener: (instanceId: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/**
 * Tells in-process caches that a common object definition or transformation changed somewhere:
 * they key their entries by `generation`, so one write makes every entry stale at once (writes are
 * rare). Other replicas' caches expire on their own short TTL.
 */
@Injectable()
export class CommonResourceChanges {
  private current = 0;

  get generation(): number {
    return this.current;
  }

  changed(): void {
    this.current++;
  }
}
