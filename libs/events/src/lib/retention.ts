import { hubMetrics } from '@hub/metrics';
import { STORE } from '@hub/runtime';
import type { Store } from '@hub/store';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { EVENTS_OPTIONS, type EventsOptions } from './events.options';

/** Deduplication keys outlive any poll window by far (the seed's poller re-reads the day of its last poll). */
export const EVENT_KEY_RETENTION_MS = 7 * 86_400_000;
const EVERY_MS = 3_600_000;

/**
 * Keeps the event tables from growing without end: delivered and failed notifications (with their
 * attempt log) older than the retention, held notifications (a disabled instance's, a suspended
 * organization's) kept for the retention and still held (counted: hub_held_notifications_expired_total),
 * and deduplication keys older than a week. Runs hourly in
 * every process that runs the workers (deleting is idempotent; replicas do not need to agree).
 */
@Injectable()
export class EventRetention {
  private readonly logger = new Logger('EventRetention');
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(STORE) private readonly store: Store,
    @Inject(EVENTS_OPTIONS) private readonly options: EventsOptions,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.prune(), EVERY_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async prune(): Promise<{ notifications: number; expired: number; keys: number }> {
    try {
      const notifications = await this.store.eventPruning.pruneNotifications(this.options.retentionMs);
      const expired = await this.store.eventPruning.expireHeld(this.options.retentionMs);
      hubMetrics.heldNotificationsExpired.inc(expired);
      const keys = await this.store.eventPruning.pruneEventKeys(Math.max(EVENT_KEY_RETENTION_MS, this.options.retentionMs));
      await this.store.circuits.prune(this.options.retentionMs);
      if (notifications + keys > 0) this.logger.log(`pruned ${notifications} old notification(s) and ${keys} deduplication key(s)`);
      if (expired > 0) this.logger.warn(`${expired} held notification(s) expired unsent: their instance stayed disabled or their organization suspended past the retention window`);
      return { notifications, expired, keys };
    } catch (error) {
      this.logger.warn(`pruning old events failed (tried again in an hour): ${(error as Error).message}`);
      return { notifications: 0, expired: 0, keys: 0 };
    }
  }
}
