
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PrismaClient } from '../generated/prisma/client';
import { collectGarbage, createPGlite, isFreshDataDir } from './pglite';
import { applyMigrations, pendingMigrations } from './migrations/migrations';
import { unloadSchemaEngineWasm } from './migrations/schema-engine-wasm';
import type { ChangeListener, ChangeListenerOptions } from './change-notifications';

export type StoreKind = 'embedded' | 'postgresql';

export interface HubDatabase {
  readonly kind: StoreKind;
  readonly prisma: PrismaClient;
  /** PostgreSQL only: the connection pool's counts now (for the hub_db_pool_connections gauge). */
  readonly pool?: () => DatabasePoolStats;
  /** PostgreSQL only: LISTEN for the change feed's notices on a connection of its own (the embedded store has one process: nobody to hear from). */
  readonly listen?: (options: ChangeListenerOptions) => ChangeListener;
  close(): Promise<void>;
}

export interface DatabasePoolStats {
  readonly total: number;
  readonly idle: number;
  /** Queries waiting for a connection. */
  readonly waiting: number;
}

export interface OpenDatabaseOptions {
  /** postgresql://… selects PostgreSQL; absent selects the embedded store in `dataDir`. */
  readonly databaseUrl?: string;
  /** Base data folder of the embedded store (its PGlite files live in `<dataDir>/pglite`). */
  readonly dataDir: string;
  readonly migrationsDir: string;
  /** PostgreSQL only: apply pending migrations instead of refusing to start. */
  readonly migrateOnStart?: boolean;
  readonly log?: (message: string) => void;
}

export class StoreStartupError extends Error {}

/**
 * Opens the hub's one database. The embedded store (PGlite, in-process) migrates itself at
 * start, since nobody else can reach it; PostgreSQL is migrated by `npm run db:migrate`, and a
 * hub started on a database that is behind refuses to run rather than fail later.
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<HubDatabase> {
  const log = options.log ?? (() => undefined);
  if (options.databaseUrl) {
    // Each store's driver is loaded by the role that uses it: pg for PostgreSQL, PGlite for the embedded store.
    const [{ PrismaPg }, { Pool }, { listenForChanges }] = await Promise.all([import('@prisma/adapter-pg'), import('pg'), import('./change-notifications')]);
    const adapterFactory = new PrismaPg({ connectionString: options.databaseUrl });
    const pending = await pendingMigrations({ adapterFactory, migrationsDir: options.migrationsDir });
    if (pending.length > 0) {
      if (!options.migrateOnStart) {
        throw new StoreStartupError(
          `The database is missing ${pending.length} migration(s) (${pending.join(', ')}): run \`npm run db:migrate\` with the same DATABASE_URL, or set HUB_MIGRATE_ON_START=true`,
        );
      }
      const { applied } = await applyMigrations({ adapterFactory, migrationsDir: options.migrationsDir, log });
      // The engine is not needed again in this process: let its memory go.
      unloadSchemaEngineWasm();
      log(`applied ${applied.length} migration(s) to PostgreSQL`);
    }
    // The client's own pool (migrations above used a short-lived one), kept to report its counts.
    const pool = new Pool({ connectionString: options.databaseUrl });
    const prisma = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
    await prisma.$connect();
    return {
      kind: 'postgresql',
      prisma,
      pool: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
      listen: (listenOptions) => listenForChanges(options.databaseUrl as string, listenOptions),
      close: () => prisma.$disconnect(),
    };
  }

  const pgliteDir = path.join(options.dataDir, 'pglite');
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  const releaseLock = await lockDataDir(options.dataDir);
  try {
    const fresh = isFreshDataDir(pgliteDir); // createPGlite runs initdb in it
    let pglite = await createPGlite({ dataDir: pgliteDir });
    const { PrismaPGlite } = await import('pglite-prisma-adapter');
    let adapterFactory = new PrismaPGlite(pglite);
    // The schema engine (a 5 MB WebAssembly module, ~0.4 s to compile and ~30 MB resident) runs
    // only when a migration is pending: one query on _prisma_migrations says so. A failed or
    // rolled-back migration counts as pending, so the engine still reports it as before.
    const pending = await pendingMigrations({ adapterFactory, migrationsDir: options.migrationsDir });
    if (pending.length > 0) {
      const { applied } = await applyMigrations({ adapterFactory, migrationsDir: options.migrationsDir, log });
      unloadSchemaEngineWasm();
      if (applied.length > 0) log(`embedded store at ${pgliteDir}: applied ${applied.join(', ')}`);
    }
    if (fresh || pending.length > 0) {
      // initdb and migrating grow PGlite's WebAssembly memory, which never shrinks (external memory
      // 569 MB after initdb; 144 MB in a PGlite opened afresh): the process goes on with a PGlite
      // opened again (~130 ms), and what the closed one held is freed now, not at V8's leisure.
      await pglite.close();
      pglite = await createPGlite({ dataDir: pgliteDir });
      adapterFactory = new PrismaPGlite(pglite);
      collectGarbage();
    }
    const prisma = new PrismaClient({ adapter: adapterFactory });
    return {
      kind: 'embedded',
      prisma,
      close: async () => {
        await prisma.$disconnect();
        await pglite.close();
        await releaseLock();
      },
    };
  } catch (error) {
    await releaseLock();
    throw error;
  }
}

/**
 * One PGlite data folder can be opened by one process only; a second opener would corrupt it.
 * A pid file refuses the second process with a clear message (a stale file from a dead process is taken over).
 * Returns the release function.
 */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const file = path.join(dataDir, 'hub.pid');
  const holder = await readFile(file, 'utf8').then(Number, () => NaN);
  if (Number.isInteger(holder) && holder !== process.pid && isAlive(holder)) {
    throw new StoreStartupError(
      `The embedded store in ${dataDir} is in use by process ${holder}. Stop it first (the embedded store serves one process), or use PostgreSQL (DATABASE_URL) to run several.`,
    );
  }
  await writeFile(file, String(process.pid), { mode: 0o600 });
  return async () => {
    const current = await readFile(file, 'utf8').then(Number, () => NaN);
    if (current === process.pid) await rm(file, { force: true });
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
