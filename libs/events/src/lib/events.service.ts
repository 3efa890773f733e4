import { BadRequestError, ConflictError, ForbiddenError, NotFoundError, type VendorWebhookRequest } from '@hub/element-sdk';
import { ElementCatalog, STORE } from '@hub/runtime';
import {
  EventKeyConflict,
  HELD,
  type Store,
  NOTIFICATION_STATUSES,
  type NotificationFilter,
  type NotificationRecord,
  type PollStatus,
  type Tenant,
} from '@hub/store';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DeliveryWorker } from './delivery-worker';
import { PollScheduler } from './poll-scheduler';
import { notificationBuilder, notificationContext, type PendingEvent } from './poll-runner';

const FILTERS: readonly string[] = [...NOTIFICATION_STATUSES, HELD];

/**
 * A notification as the delivery log shows it. A pending notification of a disabled instance or a
 * suspended organization shows as `held`: it is not attempted until that ends (or the retention expires it).
 */
export function notificationView(record: NotificationRecord) {
  const body = JSON.parse(record.body) as { message: { events: unknown[] } };
  return {
    eventId: record.eventId,
    instanceId: record.instanceId,
    elementKey: record.elementKey,
    source: record.source,
    status: record.held ? HELD : record.status,
    attempts: record.attempts,
    createdDate: record.createdDate.toISOString(),
    ...(record.deliveredDate ? { deliveredDate: record.deliveredDate.toISOString() } : {}),
    ...(record.nextAttemptAt ? { nextAttemptDate: record.nextAttemptAt.toISOString() } : {}),
    ...(record.lastStatusCode !== null ? { lastStatusCode: record.lastStatusCode } : {}),
    ...(record.lastError !== null ? { lastError: record.lastError } : {}),
    events: body.message.events,
  };
}

function pollStatusView(status: PollStatus) {
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return {
    enabled: true,
    refreshIntervalMinutes: status.intervalMs / 60_000,
    running: status.running,
    checkpoint: status.checkpoint.toISOString(),
    nextRunDate: status.nextRunAt.toISOString(),
    lastRunDate: iso(status.lastRunAt),
    lastSuccessDate: iso(status.lastSuccessAt),
    lastError: status.lastError,
    consecutiveFailures: status.consecutiveFailures,
    lastEventsFound: status.lastEventsFound,
    eventsFound: status.eventsFound,
  };
}

/** Vendor webhooks in, and the delivery log and its replay for clients. */
@Injectable()
export class EventsService {
  private readonly logger = new Logger('Events');

  constructor(
    @Inject(STORE) private readonly store: Store,
    private readonly catalog: ElementCatalog,
    private readonly delivery: DeliveryWorker,
    private readonly poller: PollScheduler,
  ) {}

  /**
   * A vendor webhook for an instance: verified with the instance's own secret (a missing or wrong
   * signature → 403, nothing stored), its events committed (deduplicated), then answered. Delivery
   * to the callback URL happens after, from the store. Into a suspended organization's instance a
   * signed webhook's events are kept, held: not delivered until the suspension is lifted (or expired
   * after the retention window). Into a disabled instance nothing is stored. The signature is checked
   * first, so an unsigned caller learns nothing.
   */
  async receiveWebhook(elementKey: string, instanceIdText: string, request: VendorWebhookRequest): Promise<{ contentType: string; body: string; events: number }> {
    const refused = () => new ForbiddenError('The webhook signature is missing or does not match this instance: nothing was stored');
    if (!/^\d{1,9}$/.test(instanceIdText)) throw refused();
    const found = await this.store.instances.resolveForWebhook(Number(instanceIdText));
    // Unknown instance, another element, no webhook support: the same 403, so the endpoint tells nothing about what exists.
    if (!found) throw refused();
    const element = this.catalog.byId(found.instance.elementId);
    if (element.metadata.key !== elementKey || !element.webhook) throw refused();
    const settings = this.catalog.settingsOf(found.instance);
    if (!element.webhook.verify(request, settings.values)) {
      this.logger.warn(`refused a ${elementKey} webhook for instance ${found.instance.id}: bad or missing signature`);
      throw refused();
    }
    let stored = 0;
    if (found.instance.eventsEnabled && !found.instance.disabled && settings.events.vendorType === 'webhook') {
      const events = element.webhook.parse(request);
      const pending = events.map((e) => ({ key: { objectType: e.objectType, objectId: e.objectId, version: e.version }, eventType: e.eventType, date: e.date, raw: e.raw }));
      stored = await this.record(found.tenant, found.instance.id, pending, notificationBuilder(notificationContext(found.instance, element), 'webhook', pending));
      if (found.organizationSuspended) {
        if (stored > 0) this.logger.log(`held ${stored} event(s) of a ${elementKey} webhook for instance ${found.instance.id}: organization ${found.instance.organizationId} is suspended`);
      } else if (stored > 0) this.delivery.wake();
    }
    return { ...element.webhook.reply, events: stored };
  }

  /** Stores a webhook's new events (the store takes data: unseen keys read, notifications built here, then written). */
  private async record(tenant: Tenant, instanceId: number, pending: readonly PendingEvent[], build: ReturnType<typeof notificationBuilder>): Promise<number> {
    for (let attempt = 1; ; attempt++) {
      const [unseen] = await this.store.eventKeys.unseen([{ instanceId, keys: pending.map((p) => p.key) }]);
      if (unseen.fresh.length === 0) return 0;
      try {
        return await this.store.outbox.recordEvents(tenant, instanceId, { keys: unseen.fresh, notifications: build(unseen.fresh, unseen.knownObjects) });
      } catch (error) {
        // The same change came twice at once (a vendor's retry): the other request stored it; read again.
        if (!(error instanceof EventKeyConflict) || attempt >= 3) throw error;
      }
    }
  }

  async list(tenant: Tenant, instanceId: number, query: { status?: string; page: number; pageSize: number }) {
    await this.instance(tenant, instanceId);
    if (query.status !== undefined && !FILTERS.includes(query.status)) {
      throw new BadRequestError(`status must be one of ${FILTERS.join(', ')}, not '${query.status}'`);
    }
    const { items, total } = await this.store.outbox.listNotifications(tenant, instanceId, {
      status: query.status as NotificationFilter | undefined,
      skip: (query.page - 1) * query.pageSize,
      take: query.pageSize,
    });
    return { items: items.map(notificationView), total };
  }

  async get(tenant: Tenant, eventId: string) {
    const record = await this.store.outbox.findNotification(tenant, eventId);
    if (!record) throw new NotFoundError(`No event '${eventId}'`);
    return {
      ...notificationView(record),
      deliveryAttempts: record.deliveryLog.map((a) => ({
        attempt: a.attempt,
        date: a.startedDate.toISOString(),
        durationMs: a.durationMs,
        outcome: a.outcome,
        ...(a.statusCode !== null ? { statusCode: a.statusCode } : {}),
        ...(a.error !== null ? { error: a.error } : {}),
      })),
      notification: JSON.parse(record.body) as unknown,
    };
  }

  async redeliver(tenant: Tenant, eventId: string) {
    const record = await this.store.redelivery.redeliver(tenant, eventId);
    if (!record) throw new NotFoundError(`No event '${eventId}'`);
    this.delivery.wake();
    return notificationView(record);
  }

  async redeliverFailed(tenant: Tenant, instanceId: number) {
    await this.instance(tenant, instanceId);
    const count = await this.store.redelivery.redeliverFailed(tenant, instanceId);
    if (count > 0) this.delivery.wake();
    return { instanceId, requeued: count };
  }

  async pollerStatus(tenant: Tenant, instanceId: number) {
    await this.instance(tenant, instanceId);
    const status = await this.store.pollStates.pollStatus(tenant, instanceId);
    return status ? pollStatusView(status) : { enabled: false };
  }

  /** Polls the instance as soon as a worker is free, instead of at its next interval. */
  async pollNow(tenant: Tenant, instanceId: number) {
    await this.instance(tenant, instanceId);
    if (!(await this.store.pollStates.pollNow(tenant, instanceId))) {
      throw new ConflictError(`Instance ${instanceId} is not polled: its events are off or come by webhook`);
    }
    this.poller.wake();
    return this.pollerStatus(tenant, instanceId);
  }

  private async instance(tenant: Tenant, id: number) {
    const instance = await this.store.instances.findById(tenant, id);
    if (!instance) throw new NotFoundError(`No instance with id ${id}`);
    return instance;
  }
}
