import { Prisma, type PrismaClient } from '../generated/prisma/client';
import type { Operator, Page } from './operator-sessions.repository';
import { mintTenant, type Tenant } from './tenant';

export interface OrganizationRow {
  readonly id: number;
  readonly name: string;
  readonly createdDate: Date;
  readonly suspended: boolean;
  readonly suspendedDate: Date | null;
  readonly users: number;
  readonly instances: number;
  readonly rateLimit: { readonly requestsPerSecond: number; readonly burst: number } | null;
}

export interface UserRow {
  readonly id: number;
  readonly emailAddress: string;
  readonly firstName: string | null;
  readonly lastName: string | null;
  readonly canLogIn: boolean;
  readonly previousSecretExpiresAt: Date | null;
  readonly createdDate: Date;
}

/** `status` filters of the instance search. */
export const INSTANCE_STATUSES = ['valid', 'invalid', 'enabled', 'disabled', 'eventsEnabled', 'pollerFailing'] as const;
export type InstanceStatus = (typeof INSTANCE_STATUSES)[number];

export interface InstanceSearch {
  readonly organizationId?: number;
  readonly elementId?: number;
  /** Part of the name, any case. */
  readonly name?: string;
  readonly tag?: string;
  readonly status?: InstanceStatus;
}

export interface PollerRow {
  readonly instanceId: number;
  readonly instanceName: string;
  readonly organizationId: number;
  readonly organizationName: string;
  readonly elementId: number;
  readonly intervalMs: number;
  readonly nextRunAt: Date;
  readonly lastRunAt: Date | null;
  readonly lastSuccessAt: Date | null;
  readonly lastError: string | null;
  readonly consecutiveFailures: number;
  readonly eventsFound: number;
}

export interface InstanceRow {
  readonly id: number;
  readonly name: string;
  readonly organizationId: number;
  readonly organizationName: string;
  readonly elementId: number;
  readonly tags: readonly string[];
  readonly valid: boolean;
  readonly disabled: boolean;
  readonly eventsEnabled: boolean;
  readonly createdDate: Date;
  readonly poller: Omit<PollerRow, 'instanceId' | 'instanceName' | 'organizationId' | 'organizationName' | 'elementId'> | null;
}

export interface DeliveryRow {
  readonly eventId: string;
  readonly instanceId: number;
  readonly instanceName: string;
  readonly organizationId: number;
  readonly elementKey: string;
  readonly status: string;
  readonly attempts: number;
  readonly eventCount: number;
  readonly nextAttemptAt: Date | null;
  readonly lastStatusCode: number | null;
  readonly lastError: string | null;
  readonly createdDate: Date;
}

/** Attempts per hour and outcome, for the health chart. */
export interface DeliveryHour {
  readonly hour: Date;
  readonly delivered: number;
  readonly retry: number;
  readonly failed: number;
}

/** A finished notification's next_attempt_at (see events.model.ts): shown as none. */
const PARKED_AFTER = new Date('9999-01-01T00:00:00Z');

const pollerOf = (p: {
  intervalMs: number;
  nextRunAt: Date;
  lastRunAt: Date | null;
  lastSuccessAt: Date | null;
  lastError: string | null;
  consecutiveFailures: number;
  eventsFound: bigint;
}) => ({
  intervalMs: p.intervalMs,
  nextRunAt: p.nextRunAt,
  lastRunAt: p.lastRunAt,
  lastSuccessAt: p.lastSuccessAt,
  lastError: p.lastError,
  consecutiveFailures: p.consecutiveFailures,
  eventsFound: Number(p.eventsFound),
});

/**
 * What operators read across organizations: the tenant an instance, event or organization belongs to
 * (minted for the operator, so tenant-owned work goes through the tenant-scoped repositories),
 * organizations and their users, the instance search, and poller and delivery health.
 * Every method takes an Operator: it cannot be called on a tenant's behalf by mistake.
 */
export class CrossTenantRepository {
  constructor(private readonly prisma: PrismaClient) {}

  // ---- acting for a tenant -----------------------------------------------------------------------

  /** The tenant an operator acts as on an instance (its organization and owner); null when there is none. */
  async tenantOfInstance(_operator: Operator, instanceId: number): Promise<Tenant | null> {
    const row = await this.prisma.instance.findUnique({ where: { id: instanceId }, select: { organizationId: true, userId: true } });
    return row ? mintTenant(row.organizationId, row.userId) : null;
  }

  /** The tenant an operator acts as on an event notification (its instance's). */
  async tenantOfEvent(_operator: Operator, eventId: string): Promise<Tenant | null> {
    if (!/^[0-9a-f-]{36}$/i.test(eventId)) return null;
    const row = await this.prisma.eventNotification.findUnique({ where: { eventId }, select: { instance: { select: { organizationId: true, userId: true } } } });
    return row ? mintTenant(row.instance.organizationId, row.instance.userId) : null;
  }

  /** The tenant an operator acts as on a user (or, without userId, the organization's first user). */
  async tenantOfOrganization(_operator: Operator, organizationId: number, userId?: number): Promise<Tenant | null> {
    const user = await this.prisma.user.findFirst({
      where: { organizationId, ...(userId === undefined ? {} : { id: userId }) },
      orderBy: { id: 'asc' },
      select: { id: true },
    });
    return user ? mintTenant(organizationId, user.id) : null;
  }

  // ---- organizations -----------------------------------------------------------------------------

  async listOrganizations(_operator: Operator, page: Page, filter: { name?: string } = {}): Promise<{ items: OrganizationRow[]; total: number }> {
    const where = filter.name ? { name: { contains: filter.name, mode: 'insensitive' as const } } : {};
    const [rows, total] = await Promise.all([
      this.prisma.organization.findMany({
        where,
        orderBy: { id: 'asc' },
        skip: page.skip,
        take: page.take,
        select: { id: true, name: true, createdDate: true, suspended: true, suspendedDate: true, rateLimit: true, _count: { select: { users: true, instances: true } } },
      }),
      this.prisma.organization.count({ where }),
    ]);
    return { items: rows.map((r) => this.organizationRow(r)), total };
  }

  async findOrganization(_operator: Operator, id: number): Promise<OrganizationRow | null> {
    const row = await this.prisma.organization.findUnique({
      where: { id },
      select: { id: true, name: true, createdDate: true, suspended: true, suspendedDate: true, rateLimit: true, _count: { select: { users: true, instances: true } } },
    });
    return row ? this.organizationRow(row) : null;
  }

  async renameOrganization(_operator: Operator, id: number, name: string): Promise<boolean> {
    return (await this.prisma.organization.updateMany({ where: { id }, data: { name } })).count === 1;
  }

  /** Deletes the organization with its users, instances, events and traces. */
  async deleteOrganization(_operator: Operator, id: number): Promise<boolean> {
    return (await this.prisma.organization.deleteMany({ where: { id } })).count === 1;
  }

  async listUsers(_operator: Operator, organizationId: number): Promise<UserRow[]> {
    const rows = await this.prisma.user.findMany({
      where: { organizationId },
      orderBy: { id: 'asc' },
      select: { id: true, emailAddress: true, firstName: true, lastName: true, passwordHash: true, previousSecretExpiresAt: true, createdDate: true },
    });
    return rows.map(({ passwordHash, ...r }) => ({ ...r, canLogIn: passwordHash !== null }));
  }

  // ---- instances ---------------------------------------------------------------------------------

  async searchInstances(_operator: Operator, search: InstanceSearch, page: Page): Promise<{ items: InstanceRow[]; total: number }> {
    const where: Prisma.InstanceWhereInput = {
      ...(search.organizationId !== undefined ? { organizationId: search.organizationId } : {}),
      ...(search.elementId !== undefined ? { elementId: search.elementId } : {}),
      ...(search.name ? { name: { contains: search.name, mode: 'insensitive' } } : {}),
      ...(search.tag ? { tags: { has: search.tag } } : {}),
      ...statusFilter(search.status),
    };
    const [rows, total] = await Promise.all([
      this.prisma.instance.findMany({
        where,
        orderBy: { id: 'asc' },
        skip: page.skip,
        take: page.take,
        select: {
          id: true,
          name: true,
          organizationId: true,
          organization: { select: { name: true } },
          elementId: true,
          tags: true,
          valid: true,
          disabled: true,
          eventsEnabled: true,
          createdDate: true,
          pollState: true,
        },
      }),
      this.prisma.instance.count({ where }),
    ]);
    return {
      items: rows.map(({ organization, pollState, ...r }) => ({ ...r, organizationName: organization.name, poller: pollState ? pollerOf(pollState) : null })),
      total,
    };
  }

  // ---- events ------------------------------------------------------------------------------------

  /** Poll states, the failing ones first when `failing` (consecutive failures > 0). */
  async pollers(_operator: Operator, filter: { failing?: boolean }, page: Page): Promise<{ items: PollerRow[]; total: number }> {
    const where = filter.failing ? { consecutiveFailures: { gt: 0 } } : {};
    const [rows, total] = await Promise.all([
      this.prisma.eventPollState.findMany({
        where,
        orderBy: filter.failing ? [{ consecutiveFailures: 'desc' }, { instanceId: 'asc' }] : [{ nextRunAt: 'asc' }, { instanceId: 'asc' }],
        skip: page.skip,
        take: page.take,
        include: { instance: { select: { name: true, elementId: true, organization: { select: { id: true, name: true } } } } },
      }),
      this.prisma.eventPollState.count({ where }),
    ]);
    return {
      items: rows.map((r) => ({
        instanceId: r.instanceId,
        instanceName: r.instance.name,
        organizationId: r.instance.organization.id,
        organizationName: r.instance.organization.name,
        elementId: r.instance.elementId,
        ...pollerOf(r),
      })),
      total,
    };
  }

  /** Notifications in a status (failed, retry, created, delivered), newest first. */
  async deliveries(_operator: Operator, filter: { status?: string; instanceId?: number }, page: Page): Promise<{ items: DeliveryRow[]; total: number }> {
    const where = {
      ...(filter.status ? { status: filter.status } : {}),
      ...(filter.instanceId !== undefined ? { instanceId: filter.instanceId } : {}),
    };
    const [rows, total] = await Promise.all([
      this.prisma.eventNotification.findMany({
        where,
        orderBy: { id: 'desc' },
        skip: page.skip,
        take: page.take,
        select: {
          eventId: true,
          instanceId: true,
          organizationId: true,
          elementKey: true,
          status: true,
          attempts: true,
          eventCount: true,
          nextAttemptAt: true,
          lastStatusCode: true,
          lastError: true,
          createdDate: true,
          instance: { select: { name: true } },
        },
      }),
      this.prisma.eventNotification.count({ where }),
    ]);
    return {
      items: rows.map(({ instance, nextAttemptAt, ...r }) => ({ ...r, instanceName: instance.name, nextAttemptAt: nextAttemptAt >= PARKED_AFTER ? null : nextAttemptAt })),
      total,
    };
  }

  /** Delivery attempts per hour and outcome over the last `hours` hours, oldest first. */
  async deliveryHours(_operator: Operator, hours: number, now = new Date()): Promise<DeliveryHour[]> {
    const since = new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000 - (hours - 1) * 3_600_000);
    const rows = await this.prisma.$queryRaw<{ hour: Date; outcome: string; count: bigint }[]>`
      SELECT date_trunc('hour', started_date) AS hour, outcome, count(*) AS count
      FROM event_delivery_attempts WHERE started_date >= ${since}
      GROUP BY 1, 2`;
    const byHour = new Map<number, { delivered: number; retry: number; failed: number }>();
    for (let i = 0; i < hours; i++) byHour.set(since.getTime() + i * 3_600_000, { delivered: 0, retry: 0, failed: 0 });
    for (const row of rows) {
      const bucket = byHour.get(new Date(row.hour).getTime());
      if (bucket && (row.outcome === 'delivered' || row.outcome === 'retry' || row.outcome === 'failed')) bucket[row.outcome] += Number(row.count);
    }
    return [...byHour.entries()].map(([hour, counts]) => ({ hour: new Date(hour), ...counts }));
  }

  private organizationRow(r: {
    id: number;
    name: string;
    createdDate: Date;
    suspended: boolean;
    suspendedDate: Date | null;
    rateLimit: { requestsPerSecond: number; burst: number } | null;
    _count: { users: number; instances: number };
  }): OrganizationRow {
    return {
      id: r.id,
      name: r.name,
      createdDate: r.createdDate,
      suspended: r.suspended,
      suspendedDate: r.suspendedDate,
      users: r._count.users,
      instances: r._count.instances,
      rateLimit: r.rateLimit ? { requestsPerSecond: r.rateLimit.requestsPerSecond, burst: r.rateLimit.burst } : null,
    };
  }
}

function statusFilter(status: InstanceStatus | undefined): Prisma.InstanceWhereInput {
  switch (status) {
    case undefined:
      return {};
    case 'valid':
      return { valid: true };
    case 'invalid':
      return { valid: false };
    case 'enabled':
      return { disabled: false };
    case 'disabled':
      return { disabled: true };
    case 'eventsEnabled':
      return { eventsEnabled: true };
    case 'pollerFailing':
      return { pollState: { is: { consecutiveFailures: { gt: 0 } } } };
  }
}
