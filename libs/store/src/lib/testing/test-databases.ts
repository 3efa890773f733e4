// The databases integration suites run on: always an in-memory PGlite ("pglite"), and a real
// PostgreSQL ("postgresql") when TEST_DATABASE_URL names a server. Each `create()` gives a
// fresh database, migrated with the repository's migrations; `dispose()` throws it away.
//
//   describe.each(testDatabases().map((db) => [db.name, db] as const))('on %s', (_name, db) => {
//     let handle: TestDatabaseHandle;
//     beforeAll(async () => (handle = await db.create()));
//     afterAll(() => handle.dispose());
//     ...
//   });
import { randomBytes } from 'node:crypto';
import type { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { Client } from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { createMemoryPGlite } from '../migrations/memory-pglite';
import { applyMigrations } from '../migrations/migrations';
import { defaultMigrationsDir } from '../migrations/paths';

export type TestDatabaseName = 'pglite' | 'postgresql';

export interface TestDatabaseHandle {
  name: TestDatabaseName;
  /** For `new PrismaClient({ adapter })` and for the migration functions. */
  adapterFactory: SqlMigrationAwareDriverAdapterFactory;
  /** postgresql: the connection string of the new database. */
  url?: string;
  /** pglite: the database itself. */
  pglite?: PGlite;
  /** The migrations applied when it was created. */
  applied: string[];
  /** Runs one SQL statement (no parameters) on a new connection; rows as objects. */
  query(sql: string): Promise<Array<Record<string, unknown>>>;
  /** Closes and drops the database (disconnect your PrismaClient first, or not: it is forced). */
  dispose(): Promise<void>;
}

export interface TestDatabase {
  name: TestDatabaseName;
  /** A new, empty database with every migration of the folder applied. */
  create(): Promise<TestDatabaseHandle>;
}

export interface TestDatabasesOptions {
  /** Defaults to the repository's prisma/migrations. */
  migrationsDir?: string;
  /** Defaults to process.env; TEST_DATABASE_URL adds "postgresql". */
  env?: Record<string, string | undefined>;
}

export function testDatabases(options: TestDatabasesOptions = {}): TestDatabase[] {
  const env = options.env ?? process.env;
  const migrationsDir = () => options.migrationsDir ?? defaultMigrationsDir();
  const databases: TestDatabase[] = [{ name: 'pglite', create: () => createPGliteDatabase(migrationsDir()) }];
  const serverUrl = env['TEST_DATABASE_URL']?.trim();
  if (serverUrl) {
    databases.push({ name: 'postgresql', create: () => createPostgresDatabase(serverUrl, migrationsDir()) });
  }
  return databases;
}

async function createPGliteDatabase(migrationsDir: string): Promise<TestDatabaseHandle> {
  const pglite = await createMemoryPGlite();
  const adapterFactory = new PrismaPGlite(pglite);
  try {
    const { applied } = await applyMigrations({ adapterFactory, migrationsDir });
    return {
      name: 'pglite',
      adapterFactory,
      pglite,
      applied,
      query: (sql) => queryRows(adapterFactory, sql),
      dispose: async () => {
        if (!pglite.closed) await pglite.close();
      },
    };
  } catch (error) {
    await pglite.close();
    throw error;
  }
}

async function createPostgresDatabase(serverUrl: string, migrationsDir: string): Promise<TestDatabaseHandle> {
  const database = `hub_test_${randomBytes(6).toString('hex')}`;
  const url = withDatabase(serverUrl, database);
  await onServer(serverUrl, `CREATE DATABASE "${database}"`);
  const drop = () => onServer(serverUrl, `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  const adapterFactory = new PrismaPg({ connectionString: url });
  try {
    const { applied } = await applyMigrations({ adapterFactory, migrationsDir });
    let dropped: Promise<void> | undefined;
    return {
      name: 'postgresql',
      adapterFactory,
      url,
      applied,
      query: (sql) => queryRows(adapterFactory, sql),
      dispose: () => (dropped ??= drop()),
    };
  } catch (error) {
    await drop();
    throw error;
  }
}

/** The server's connection string with another database name (query parameters kept). */
export function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  if (url.protocol !== 'postgresql:' && url.protocol !== 'postgres:') {
    throw new Error(`TEST_DATABASE_URL must be a postgresql:// URL (got ${url.protocol}//…)`);
  }
  url.pathname = `/${database}`;
  return url.toString();
}

async function onServer(serverUrl: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Runs one statement on a new connection of the factory; rows as `{ column: value }`. */
export async function queryRows(
  adapterFactory: SqlMigrationAwareDriverAdapterFactory,
  sql: string,
): Promise<Array<Record<string, unknown>>> {
  const connection = await adapterFactory.connect();
  try {
    const result = await connection.queryRaw({ sql, args: [], argTypes: [] });
    return result.rows.map((row) => Object.fromEntries(result.columnNames.map((column, i) => [column, row[i]])));
  } finally {
    await connection.dispose();
  }
}
