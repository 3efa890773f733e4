import type { ChangeListener, ChangeListenerOptions } from './change-notifications';
import { type DatabasePoolStats, openDatabase, type HubDatabase, type OpenDatabaseOptions } from './database';
import { AuditLogRepository } from './audit-log.repository';
import { CrossTenantRepository } from './cross-tenant.repository';
import { OperatorSessionsRepository } from './operator-sessions.repository';
import { CircuitsRepository } from './circuits.repository';
import { CommonResourcesRepository } from './common-resources.repository';
import { ElementsRepository } from './elements.repository';
import { DeliveriesRepository } from './deliveries.repository';
import { EventKeysRepository } from './event-keys.repository';
import { EventPruningRepository } from './event-pruning.repository';
import { FormulasRepository } from './formulas.repository';
import { InstancesRepository } from './instances.repository';
import { LoginsRepository } from './logins.repository';
import { OperatorsRepository } from './operators.repository';
import { OutboxRepository } from './outbox.repository';
import { PollStatesRepository } from './poll-states.repository';
import { RateLimitsRepository } from './rate-limits.repository';
import { RedeliveryRepository } from './redelivery.repository';
import { SecretBox, loadOrCreateKeyFile, parseEncryptionKeys } from './secret-box';
import { TenantsRepository } from './tenants.repository';
import { TracesRepository } from './traces.repository';

/** The store as the rest of the hub sees it: repositories, never the raw Prisma client. */
export interface Store {
  readonly kind: HubDatabase['kind'];
  readonly tenants: TenantsRepository;
  /** Login tokens and login attempt counters (POST /authentication). */
  readonly logins: LoginsRepository;
  /** The hub's operator accounts. */
  readonly operators: OperatorsRepository;
  readonly instances: InstancesRepository;
  readonly elements: ElementsRepository;
  readonly traces: TracesRepository;
  /** Events: poll leases and checkpoints (claims and batched commits). */
  readonly pollStates: PollStatesRepository;
  /** Events: deduplication keys (what is unseen, read for many instances at once). */
  readonly eventKeys: EventKeysRepository;
  /** Events: notifications waiting to go out (webhooks' events in; the delivery log out). */
  readonly outbox: OutboxRepository;
  /** Events: delivery claims and attempts. */
  readonly deliveries: DeliveriesRepository;
  /** Events: queuing finished notifications again. */
  readonly redelivery: RedeliveryRepository;
  /** Events: retention (finished notifications, expired held ones, old keys). */
  readonly eventPruning: EventPruningRepository;
  /** Callback URLs' circuit-breaker states, as delivery workers report them (for operators). */
  readonly circuits: CircuitsRepository;
  readonly commonResources: CommonResourcesRepository;
  /** Formulas, their instances and executions (issue 19). */
  readonly formulas: FormulasRepository;
  readonly rateLimits: RateLimitsRepository;
  /** Across organizations, for operators only (its methods take an Operator). */
  readonly operatorSessions: OperatorSessionsRepository;
  readonly auditLog: AuditLogRepository;
  readonly crossTenant: CrossTenantRepository;
  /**
   * Seals a value with the hub's encryption key (AES-256-GCM), bound to `context`: for opaque,
   * tamper-evident tokens that must survive restarts and work on every replica.
   */
  seal(value: string, context: string): string;
  /** Opens what `seal` made with the same context; throws when it was altered or made for another context. */
  open(envelope: string, context: string): string;
  /**
   * Signs a value (HMAC-SHA256, base64url) with a key derived from the hub's encryption key for
   * `context`: the same on every replica of one installation, for short-lived internal identities.
   */
  sign(value: string, context: string): string;
  /** Whether `signature` is what `sign(value, context)` makes (under any of the listed encryption keys). */
  signatureMatches(value: string, context: string, signature: string): boolean;
  /** Liveness of the database, for /health. */
  ping(): Promise<void>;
  /** PostgreSQL: the connection pool's counts now; undefined on the embedded store (one in-process connection). */
  poolStats(): DatabasePoolStats | undefined;
  /**
   * PostgreSQL: hears every process's committed changes (the database's triggers NOTIFY them) on a
   * connection of its own, until closed. Undefined on the embedded store (one process: in-process
   * notices are all there is).
   */
  listenForChanges?(options: ChangeListenerOptions): ChangeListener | undefined;
  close(): Promise<void>;
}

export interface OpenStoreOptions extends OpenDatabaseOptions {
  /** HUB_ENCRYPTION_KEY. Required on PostgreSQL; the embedded store generates one into its data folder. */
  readonly encryptionKey?: string;
}

export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const keys = options.encryptionKey
    ? parseEncryptionKeys(options.encryptionKey)
    : options.databaseUrl
      ? undefined
      : await loadOrCreateKeyFile(options.dataDir);
  if (!keys) {
    throw new Error(
      'HUB_ENCRYPTION_KEY is required with DATABASE_URL: generate one with `openssl rand -base64 32` and keep it safe (without it, stored secrets cannot be read)',
    );
  }
  const database = await openDatabase(options);
  return storeOver(database, new SecretBox(keys));
}

/** Repositories over an open database (tests build their database with testDatabases()). */
export function storeOver(database: HubDatabase, secrets: SecretBox): Store {
  const { prisma } = database;
  return {
    kind: database.kind,
    tenants: new TenantsRepository(prisma, secrets),
    logins: new LoginsRepository(prisma),
    operators: new OperatorsRepository(prisma),
    instances: new InstancesRepository(prisma, secrets),
    elements: new ElementsRepository(prisma),
    traces: new TracesRepository(prisma),
    pollStates: new PollStatesRepository(prisma),
    eventKeys: new EventKeysRepository(prisma),
    outbox: new OutboxRepository(prisma),
    deliveries: new DeliveriesRepository(prisma),
    redelivery: new RedeliveryRepository(prisma),
    eventPruning: new EventPruningRepository(prisma),
    circuits: new CircuitsRepository(prisma),
    commonResources: new CommonResourcesRepository(prisma),
    formulas: new FormulasRepository(prisma),
    rateLimits: new RateLimitsRepository(prisma),
    operatorSessions: new OperatorSessionsRepository(prisma),
    auditLog: new AuditLogRepository(prisma),
    crossTenant: new CrossTenantRepository(prisma),
    seal: (value, context) => secrets.seal(value, `sealed:${context}`),
    open: (envelope, context) => secrets.open(envelope, `sealed:${context}`),
    sign: (value, context) => secrets.sign(value, `signed:${context}`),
    signatureMatches: (value, context, signature) => secrets.verify(value, `signed:${context}`, signature),
    ping: async () => {
      await prisma.$queryRaw`SELECT 1`;
    },
    poolStats: () => database.pool?.(),
    listenForChanges: (options) => database.listen?.(options),
    close: () => database.close(),
  };
}
