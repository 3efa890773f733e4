import type { PrismaClient } from '../generated/prisma/client';
import { isUuid, type NotificationRecord, PENDING } from './events.model';
import { OutboxRepository } from './outbox.repository';
import type { Tenant } from './tenant';

/** Queuing finished notifications again, on a client's or an operator's request. */
export class RedeliveryRepository {
  private readonly outbox: OutboxRepository;

  constructor(private readonly prisma: PrismaClient) {
    this.outbox = new OutboxRepository(prisma);
  }

  /** Queues one notification again (delivered or failed ones too), with a fresh retry schedule. */
  async redeliver(tenant: Tenant, eventId: string): Promise<NotificationRecord | null> {
    if (!isUuid(eventId)) return null;
    const { count } = await this.prisma.eventNotification.updateMany({
      where: { eventId, organizationId: tenant.organizationId, status: { notIn: [...PENDING] } },
      data: { status: 'retry', attempts: 0, nextAttemptAt: new Date(), leaseOwner: null, leaseUntil: null },
    });
    const record = await this.outbox.notification(tenant, eventId);
    return record && (count > 0 || PENDING.includes(record.status)) ? record : null;
  }

  /** Queues every failed notification of an instance again; returns how many. */
  async redeliverFailed(tenant: Tenant, instanceId: number): Promise<number> {
    const { count } = await this.prisma.eventNotification.updateMany({
      where: { instanceId, organizationId: tenant.organizationId, status: 'failed' },
      data: { status: 'retry', attempts: 0, nextAttemptAt: new Date(), leaseOwner: null, leaseUntil: null },
    });
    return count;
  }
}
