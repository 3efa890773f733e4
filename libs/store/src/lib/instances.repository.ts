import { Prisma, type PrismaClient } from '../generated/prisma/client';
import { SecretBox, hashSecret, newSecret } from './secret-box';
import type { PollingPlan } from './events.model';
import { PollStatesRepository } from './poll-states.repository';
import { mintTenant, type Tenant } from './tenant';

export interface ConfigurationEntry {
  readonly id: number;
  readonly key: string;
  /** Decrypted: callers mask secrets before anything leaves the hub. */
  readonly value: string | null;
  readonly secret: boolean;
}

export interface InstanceRecord {
  readonly id: number;
  readonly organizationId: number;
  readonly userId: number;
  readonly elementId: number;
  readonly name: string;
  readonly tags: readonly string[];
  readonly token: string;
  readonly valid: boolean;
  readonly disabled: boolean;
  readonly eventsEnabled: boolean;
  readonly cachingEnabled: boolean;
  readonly maxCacheSize: number;
  readonly cacheTimeToLive: number;
  readonly traceLoggingEnabled: boolean;
  readonly externalAuthentication: string;
  readonly providerData: unknown;
  readonly createdDate: Date;
  readonly updatedDate: Date;
  readonly configuration: readonly ConfigurationEntry[];
  readonly user: { readonly id: number; readonly emailAddress: string };
}

/** Instance fields besides its configuration that clients may set. */
export interface InstanceAttributes {
  readonly name?: string;
  readonly tags?: readonly string[];
  readonly valid?: boolean;
  readonly disabled?: boolean;
  readonly eventsEnabled?: boolean;
  readonly cachingEnabled?: boolean;
  readonly maxCacheSize?: number;
  readonly cacheTimeToLive?: number;
  readonly traceLoggingEnabled?: boolean;
  readonly externalAuthentication?: string;
  readonly providerData?: unknown;
}

export interface NewInstance extends InstanceAttributes {
  /** How the instance is polled for events (null: not polled); its poll state is written in the same transaction. */
  readonly polling?: PollingPlan | null;
  readonly elementId: number;
  readonly name: string;
  /** Values to store, keyed by configuration key. */
  readonly configuration: Readonly<Record<string, string | null>>;
  /** Which of those keys are secret: their values are sealed with AES-256-GCM. */
  readonly secretKeys: ReadonlySet<string>;
}

export interface InstanceUpdate extends InstanceAttributes {
  /** How the instance is polled after the change (null: not polled; absent: as before). */
  readonly polling?: PollingPlan | null;
  readonly configuration?: Readonly<Record<string, string | null>>;
  readonly secretKeys?: ReadonlySet<string>;
}

export interface InstanceQuery {
  /** Instances carrying every one of these tags. */
  readonly tags?: readonly string[];
  /** Case-insensitive match on the name. */
  readonly searchText?: string;
  readonly skip: number;
  readonly take: number;
}

const TOKEN_AAD = 'instance.token';
const configurationAad = (key: string) => `instance_configuration:${key}`;

const instanceInclude = {
  configuration: { orderBy: { id: 'asc' } },
  user: { select: { id: true, emailAddress: true } },
} satisfies Prisma.InstanceInclude;

type InstanceRow = Prisma.InstanceGetPayload<{ include: typeof instanceInclude }>;

/** Element instances. Every query but token resolution is scoped to a tenant's organization. */
export class InstancesRepository {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly secrets: SecretBox,
  ) {}

  async create(tenant: Tenant, input: NewInstance): Promise<InstanceRecord> {
    const token = newSecret();
    return this.prisma.$transaction(async (tx) => {
      const row = await tx.instance.create({
        data: {
          ...this.settingsData(input),
          name: input.name,
          organizationId: tenant.organizationId,
          userId: tenant.userId,
          elementId: input.elementId,
          tokenHash: hashSecret(token),
          tokenCiphertext: this.secrets.seal(token, TOKEN_AAD),
          configuration: {
            create: Object.entries(input.configuration).map(([key, value]) => this.configurationRow(key, value, input.secretKeys)),
          },
        },
        include: instanceInclude,
      });
      const record = this.toRecord(row);
      if (input.polling !== undefined) await PollStatesRepository.syncPollState(tx, tenant, record.id, input.polling);
      return record;
    });
  }

  async findById(tenant: Tenant, id: number): Promise<InstanceRecord | null> {
    const row = await this.prisma.instance.findFirst({
      where: { id, organizationId: tenant.organizationId },
      include: instanceInclude,
    });
    return row ? this.toRecord(row) : null;
  }

  /**
   * Several instances in one read (the event workers' cache misses of one claim): one statement for
   * the instances and one per relation, not one round per instance. Each id is looked up within its
   * own tenant's organization, as findById does: an answer is null where that tenant has no such instance.
   */
  async findByIds(refs: readonly { tenant: Tenant; id: number }[]): Promise<(InstanceRecord | null)[]> {
    if (refs.length === 0) return [];
    const rows = await this.prisma.instance.findMany({
      where: { id: { in: [...new Set(refs.map((r) => r.id))] } },
      include: instanceInclude,
    });
    const byId = new Map(rows.map((row) => [row.id, row]));
    const records = new Map<number, InstanceRecord>();
    return refs.map(({ tenant, id }) => {
      const row = byId.get(id);
      if (!row || row.organizationId !== tenant.organizationId) return null;
      let record = records.get(id);
      if (!record) records.set(id, (record = this.toRecord(row)));
      return record;
    });
  }

  async list(tenant: Tenant, query: InstanceQuery): Promise<{ items: InstanceRecord[]; total: number }> {
    const where: Prisma.InstanceWhereInput = {
      organizationId: tenant.organizationId,
      ...(query.tags && query.tags.length > 0 ? { tags: { hasEvery: [...query.tags] } } : {}),
      ...(query.searchText ? { name: { contains: query.searchText, mode: 'insensitive' } } : {}),
    };
    const [rows, total] = await this.prisma.$transaction([
      this.prisma.instance.findMany({ where, include: instanceInclude, orderBy: { id: 'asc' }, skip: query.skip, take: query.take }),
      this.prisma.instance.count({ where }),
    ]);
    return { items: rows.map((r) => this.toRecord(r)), total };
  }

  /** Applies changes in one transaction; configuration entries are upserted key by key. */
  async update(tenant: Tenant, id: number, changes: InstanceUpdate): Promise<InstanceRecord | null> {
    return this.prisma.$transaction(async (tx) => {
      const owned = await tx.instance.findFirst({ where: { id, organizationId: tenant.organizationId }, select: { id: true } });
      if (!owned) return null;
      for (const [key, value] of Object.entries(changes.configuration ?? {})) {
        const row = this.configurationRow(key, value, changes.secretKeys ?? new Set());
        await tx.instanceConfiguration.upsert({
          where: { instanceId_key: { instanceId: id, key } },
          create: { ...row, instanceId: id },
          update: { value: row.value, secret: row.secret },
        });
      }
      // updatedDate moves on every change, a configuration-only one too (Prisma's @updatedAt would not:
      // the instance row itself may be untouched). The event workers' copies of the instance are checked by it.
      const row = await tx.instance.update({ where: { id }, data: { ...this.settingsData(changes), updatedDate: new Date() }, include: instanceInclude });
      const record = this.toRecord(row);
      if (changes.polling !== undefined) await PollStatesRepository.syncPollState(tx, tenant, id, changes.polling);
      return record;
    });
  }

  async delete(tenant: Tenant, id: number): Promise<boolean> {
    const { count } = await this.prisma.instance.deleteMany({ where: { id, organizationId: tenant.organizationId } });
    return count > 0;
  }

  /**
   * Hub calls name their instance by its token alone (`Element <token>`); the token is
   * the tenant selector here, and the caller checks that the user belongs to the same organization.
   * The organization's strict-parameters switch comes in the same query (hub calls read it on every resolve).
   */
  async resolveByToken(token: string): Promise<{ tenant: Tenant; instance: InstanceRecord; organizationStrictParameters: boolean } | null> {
    const row = await this.prisma.instance.findUnique({
      where: { tokenHash: hashSecret(token) },
      include: { ...instanceInclude, organization: { select: { strictParameters: true } } },
    });
    return row
      ? { tenant: mintTenant(row.organizationId, row.userId), instance: this.toRecord(row), organizationStrictParameters: row.organization.strictParameters }
      : null;
  }

  /**
   * A vendor webhook names its instance by id in the URL the hub gave the vendor; it is not
   * trusted until the vendor's signature, made with this instance's secret, checks out.
   * `organizationSuspended`: the operators suspended the instance's organization (its webhooks' events are held).
   */
  async resolveForWebhook(id: number): Promise<{ tenant: Tenant; instance: InstanceRecord; organizationSuspended: boolean } | null> {
    const row = await this.prisma.instance.findUnique({
      where: { id },
      include: { ...instanceInclude, organization: { select: { suspended: true } } },
    });
    return row
      ? { tenant: mintTenant(row.organizationId, row.userId), instance: this.toRecord(row), organizationSuspended: row.organization.suspended }
      : null;
  }

  private settingsData(s: InstanceAttributes) {
    return {
      name: s.name,
      tags: s.tags ? [...s.tags] : undefined,
      valid: s.valid,
      disabled: s.disabled,
      eventsEnabled: s.eventsEnabled,
      cachingEnabled: s.cachingEnabled,
      maxCacheSize: s.maxCacheSize,
      cacheTimeToLive: s.cacheTimeToLive,
      traceLoggingEnabled: s.traceLoggingEnabled,
      externalAuthentication: s.externalAuthentication,
      providerData:
        s.providerData === undefined ? undefined : s.providerData === null ? Prisma.DbNull : (s.providerData as Prisma.InputJsonValue),
    };
  }

  private configurationRow(key: string, value: string | null, secretKeys: ReadonlySet<string>) {
    const secret = secretKeys.has(key);
    return { key, secret, value: secret && value !== null ? this.secrets.seal(value, configurationAad(key)) : value };
  }

  private toRecord(row: InstanceRow): InstanceRecord {
    return {
      id: row.id,
      organizationId: row.organizationId,
      userId: row.userId,
      elementId: row.elementId,
      name: row.name,
      tags: row.tags,
      token: this.secrets.open(row.tokenCiphertext, TOKEN_AAD),
      valid: row.valid,
      disabled: row.disabled,
      eventsEnabled: row.eventsEnabled,
      cachingEnabled: row.cachingEnabled,
      maxCacheSize: row.maxCacheSize,
      cacheTimeToLive: row.cacheTimeToLive,
      traceLoggingEnabled: row.traceLoggingEnabled,
      externalAuthentication: row.externalAuthentication,
      providerData: row.providerData,
      createdDate: row.createdDate,
      updatedDate: row.updatedDate,
      user: row.user,
      configuration: row.configuration.map((c) => ({
        id: c.id,
        key: c.key,
        secret: c.secret,
        value: c.secret && c.value !== null ? this.secrets.open(c.value, configurationAad(c.key)) : c.value,
      })),
    };
  }
}
