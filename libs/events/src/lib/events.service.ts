import { BadRequestError, ConflictError, ForbiddenError, NotFoundError, type VendorWebhookRequest } from '@hub/element-sdk';
import { ElementCatalog, STORE } from '@hub/runtime';
import {
  type Store,
  NOTIFICATION_STATUSES,
  type NotificationRecord,
  type NotificationStatus,
  type PollStatus,
  type Tenant,
} from '@hub/store';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DeliveryWorker } from './delivery-worker';
import { PollScheduler } from './poll-scheduler';
import { notificationBuilder, notificationContext } from './poll-runner';

/** A notification as the delivery log shows it. */
export function notificationView(record: NotificationRecord) {
  const body = JSON.parse(record.body) as { message: { events: unknown[] } };
  return {
    eventId: record.eventId,
    instanceId: record.instanceId,
    elementKey: record.elementKey,
    source: record.source,
    status: record.status,
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
   * signed webhook gets the vendor's usual answer (Twilio: empty TwiML, so it neither retries nor
   * reports an error to the account) and nothing is stored, as for a disabled instance: the events
   * of a suspension are not kept. The signature is checked first, so an unsigned caller learns nothing.
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
    if (found.organizationSuspended) {
      this.logger.debug(`dropped a ${elementKey} webhook for instance ${found.instance.id}: organization ${found.instance.organizationId} is suspended`);
    } else if (found.instance.eventsEnabled && !found.instance.disabled && settings.events.vendorType === 'webhook') {
      const events = element.webhook.parse(request);
      const pending = events.map((e) => ({ key: { objectType: e.objectType, objectId: e.objectId, version: e.version }, eventType: e.eventType, date: e.date, raw: e.raw }));
      stored = await this.store.events.recordEvents(
        found.tenant,
        found.instance.id,
        pending.map((p) => p.key),
        notificationBuilder(notificationContext(found.instance, element), 'webhook', pending),
      );
      if (stored > 0) this.delivery.wake();
    }
    return { ...element.webhook.reply, events: stored };
  }

  async list(tenant: Tenant, instanceId: number, query: { status?: string; page: number; pageSize: number }) {
    await this.instance(tenant, instanceId);
    if (query.status !== undefined && !NOTIFICATION_STATUSES.includes(query.status as NotificationStatus)) {
      throw new BadRequestError(`status must be one of ${NOTIFICATION_STATUSES.join(', ')}, not '${query.status}'`);
    }
    const { items, total } = await this.store.events.listNotifications(tenant, instanceId, {
      status: query.status as NotificationStatus | undefined,
      skip: (query.page - 1) * query.pageSize,
      take: query.pageSize,
    });
    return { items: items.map(notificationView), total };
  }

  async get(tenant: Tenant, eventId: string) {
    const record = await this.store.events.findNotification(tenant, eventId);
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
    const record = await this.store.events.redeliver(tenant, eventId);
    if (!record) throw new NotFoundError(`No event '${eventId}'`);
    this.delivery.wake();
    return notificationView(record);
  }

  async redeliverFailed(tenant: Tenant, instanceId: number) {
    await this.instance(tenant, instanceId);
    const count = await this.store.events.redeliverFailed(tenant, instanceId);
    if (count > 0) this.delivery.wake();
    return { instanceId, requeued: count };
  }

  async pollerStatus(tenant: Tenant, instanceId: number) {
    await this.instance(tenant, instanceId);
    const status = await this.store.events.pollStatus(tenant, instanceId);
    return status ? pollStatusView(status) : { enabled: false };
  }

  /** Polls the instance as soon as a worker is free, instead of at its next interval. */
  async pollNow(tenant: Tenant, instanceId: number) {
    await this.instance(tenant, instanceId);
    if (!(await this.store.events.pollNow(tenant, instanceId))) {
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
