// Migrations in Prisma's own folder format, applied by Prisma's schema engine (WebAssembly):
// the same engine code as `prisma migrate deploy`, recording in `_prisma_migrations` the
// same rows, so the native CLI can take over the same folder and database at any time.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { engineError, NO_FILTER, withSchemaEngine, type MigrationLog } from './engine';
import {
  checkLockfile,
  LOCKFILE_CONTENT,
  LOCKFILE_NAME,
  MIGRATION_FILE_NAME,
  migrationNames,
  newMigrationFolderName,
  readMigrationList,
} from './migrations-folder';
import { errorMessage } from './schema-engine-wasm';

export type { MigrationLog } from './engine';

export interface ApplyMigrationsOptions {
  /** The database: e.g. `new PrismaPGlite(pglite)` or `new PrismaPg({ connectionString })`. */
  adapterFactory: SqlMigrationAwareDriverAdapterFactory;
  /** The folder holding `migration_lock.toml` and the `<timestamp>_<name>` folders. */
  migrationsDir: string;
  /** Progress: one line per applied migration, and the engine's own log lines. */
  log?: MigrationLog;
}

/**
 * Applies the migrations the database has not had yet, in order, each recorded in
 * `_prisma_migrations` (as `prisma migrate deploy` does). Resolves with the names of the
 * ones it applied: empty when the database was up to date.
 */
export async function applyMigrations({
  adapterFactory,
  migrationsDir,
  log,
}: ApplyMigrationsOptions): Promise<{ applied: string[] }> {
  const migrationsList = await readMigrationList(migrationsDir);
  checkLockfile(migrationsList);
  if (migrationsList.migrationDirectories.length === 0) {
    log?.(`no migrations in ${migrationsList.baseDir}`);
    return { applied: [] };
  }
  const output = await withSchemaEngine({ adapterFactory, log }, (engine) =>
    engine.applyMigrations({ migrationsList, filters: NO_FILTER }).catch((error: unknown) => {
      throw engineError(`Applying the migrations in ${migrationsList.baseDir} failed`, error);
    }),
  );
  for (const name of output.appliedMigrationNames) log?.(`applied ${name}`);
  return { applied: output.appliedMigrationNames };
}

export interface PendingMigrationsOptions {
  adapterFactory: SqlMigrationAwareDriverAdapterFactory;
  migrationsDir: string;
}

/**
 * The migration folders the database has not successfully applied (no row in
 * `_prisma_migrations`, or only a failed or rolled-back one), in order. Without a
 * `_prisma_migrations` table, all of them.
 */
export async function pendingMigrations({ adapterFactory, migrationsDir }: PendingMigrationsOptions): Promise<string[]> {
  const names = await migrationNames(migrationsDir);
  if (names.length === 0) return [];
  const applied = await appliedMigrationNames(adapterFactory);
  return names.filter((name) => !applied.has(name));
}

async function appliedMigrationNames(adapterFactory: SqlMigrationAwareDriverAdapterFactory): Promise<Set<string>> {
  const connection = await adapterFactory.connect();
  try {
    const table = await connection.queryRaw({
      sql: `SELECT to_regclass('_prisma_migrations') IS NOT NULL AS present`,
      args: [],
      argTypes: [],
    });
    if (table.rows[0]?.[0] !== true) return new Set();
    const result = await connection.queryRaw({
      sql: 'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
      args: [],
      argTypes: [],
    });
    return new Set(result.rows.map((row) => String(row[0])));
  } finally {
    await connection.dispose();
  }
}

export interface DiffMigrationsOptions {
  migrationsDir: string;
  /** A schema file, or a folder of `.prisma` files. */
  schemaPath: string;
}

/**
 * The SQL that brings a database migrated by the folder to the schema: empty when the
 * migrations already produce the schema. The migrations are replayed on a throwaway
 * in-memory PGlite (the shadow database), nothing else is touched.
 */
export async function diffMigrationsToSchema({ migrationsDir, schemaPath }: DiffMigrationsOptions): Promise<string> {
  const files = await readSchemaFiles(schemaPath);
  const migrationsList = await readMigrationList(migrationsDir);
  checkLockfile(migrationsList);
  // The engine's `migrations` target needs the lock file; a new folder has none yet.
  if (migrationsList.lockfile.content === null) migrationsList.lockfile.content = LOCKFILE_CONTENT;

  // Only diffs need a shadow database: PGlite's code is not loaded by a process that only applies migrations.
  const { memoryAdapterFactory } = await import(/* webpackMode: "eager" */ './memory-pglite');
  const adapterFactory = memoryAdapterFactory();
  try {
    const result = await withSchemaEngine(
      { adapterFactory, datamodels: files.map((file) => [file.path, file.content]) },
      (engine) =>
        engine
          .diff({
            from: { tag: 'migrations', ...migrationsList },
            to: { tag: 'schemaDatamodel', files },
            script: true,
            exitCode: true,
            filters: NO_FILTER,
          })
          .catch((error: unknown) => {
            throw engineError(`Comparing ${migrationsList.baseDir} with ${schemaPath} failed`, error);
          }),
    );
    // exitCode 0: nothing to do; 2: the script holds the changes.
    if (result.exitCode === 0) return '';
    if (result.exitCode !== 2) throw new Error(`The schema engine's diff ended with exit code ${result.exitCode}`);
    return result.stdout ?? '';
  } finally {
    await adapterFactory.close();
  }
}

export interface CreateMigrationOptions extends DiffMigrationsOptions {
  /** e.g. `add_events`; becomes `<yyyyMMddHHmmss>_add_events`. */
  name: string;
  /** The clock, for tests. */
  now?: Date;
}

/**
 * Writes `<migrationsDir>/<timestamp>_<name>/migration.sql` holding the changes from the
 * migrations to the schema (and `migration_lock.toml` when the folder has none). Resolves
 * with the new folder's path, or null when the schema and the migrations are in sync.
 */
export async function createMigration({ migrationsDir, schemaPath, name, now }: CreateMigrationOptions): Promise<string | null> {
  const existing = await migrationNames(migrationsDir);
  const folderName = newMigrationFolderName(name, existing, now);
  const script = await diffMigrationsToSchema({ migrationsDir, schemaPath });
  if (!script.trim()) return null;

  const baseDir = path.resolve(migrationsDir);
  await fs.promises.mkdir(baseDir, { recursive: true });
  const lockfile = path.join(baseDir, LOCKFILE_NAME);
  if (!fs.existsSync(lockfile)) await fs.promises.writeFile(lockfile, LOCKFILE_CONTENT, 'utf8');
  const folder = path.join(baseDir, folderName);
  try {
    await fs.promises.mkdir(folder);
  } catch (error) {
    throw new Error(`Could not create the migration folder ${folder}: ${errorMessage(error)}`);
  }
  await fs.promises.writeFile(path.join(folder, MIGRATION_FILE_NAME), script, 'utf8');
  return folder;
}

interface SchemaFile {
  path: string;
  content: string;
}

async function readSchemaFiles(schemaPath: string): Promise<SchemaFile[]> {
  const resolved = path.resolve(schemaPath);
  const stat = await fs.promises.stat(resolved).catch((error: unknown) => {
    throw new Error(`Cannot read the Prisma schema at ${resolved}: ${errorMessage(error)}`);
  });
  const paths = stat.isDirectory()
    ? (await fs.promises.readdir(resolved, { recursive: true, withFileTypes: true }))
        .filter((entry) => entry.isFile() && entry.name.endsWith('.prisma'))
        // `parentPath` is Node 20.12+; `path` is its older name.
        .map((entry) => path.join(entry.parentPath ?? entry.path, entry.name))
        .sort()
    : [resolved];
  if (paths.length === 0) throw new Error(`No .prisma files in ${resolved}`);
  return Promise.all(paths.map(async (file) => ({ path: file, content: await fs.promises.readFile(file, 'utf8') })));
}
