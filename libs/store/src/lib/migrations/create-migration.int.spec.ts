import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { testDatabases } from '../testing/test-databases';
import { createMigration, pendingMigrations } from './migrations';
import { defaultMigrationsDir, defaultSchemaPath } from './paths';

jest.setTimeout(120_000);

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-create-migration-spec-'));
const migrationsDir = path.join(scratch, 'migrations');
const schemaPath = path.join(scratch, 'schema.prisma');
fs.copyFileSync(defaultSchemaPath(), schemaPath);
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

describe('createMigration', () => {
  let first: string;
  let second: string;

  it('writes the first migration and the lock file into a new folder', async () => {
    const folder = await createMigration({ migrationsDir, schemaPath, name: 'Init', now: new Date(Date.UTC(2030, 0, 2, 3, 4, 5)) });
    expect(folder).toBe(path.join(migrationsDir, '20300102030405_init'));
    first = String(folder);
    expect(fs.readFileSync(path.join(migrationsDir, 'migration_lock.toml'), 'utf8')).toMatch(/^provider = "postgresql"$/m);
    const sql = fs.readFileSync(path.join(first, 'migration.sql'), 'utf8');
    expect(sql).toContain('CREATE TABLE "organizations"');
    // From an empty folder, one migration creates every table the repository's migrations create, one by one.
    const tables = (text: string) => [...text.matchAll(/CREATE TABLE "([^"]+)"/g)].map((m) => m[1]).sort();
    const repoSql = fs
      .readdirSync(defaultMigrationsDir())
      .filter((name) => fs.existsSync(path.join(defaultMigrationsDir(), name, 'migration.sql')))
      .map((name) => fs.readFileSync(path.join(defaultMigrationsDir(), name, 'migration.sql'), 'utf8'))
      .join('\n');
    expect(tables(sql)).toEqual(tables(repoSql));
  });

  it('writes nothing when schema and migrations are in sync', async () => {
    expect(await createMigration({ migrationsDir, schemaPath, name: 'nothing' })).toBeNull();
    expect(fs.readdirSync(migrationsDir).sort()).toEqual([path.basename(first), 'migration_lock.toml']);
  });

  it('writes only the change, in a folder that sorts after the last one', async () => {
    fs.appendFileSync(schemaPath, '\nmodel Event {\n  id   Int    @id @default(autoincrement())\n  kind String\n\n  @@map("events")\n}\n');
    // A clock behind the last migration still gives a later folder name.
    const folder = await createMigration({ migrationsDir, schemaPath, name: 'add events', now: new Date(Date.UTC(2029, 0, 1)) });
    expect(folder).toBe(path.join(migrationsDir, '20300102030406_add_events'));
    second = String(folder);
    const sql = fs.readFileSync(path.join(second, 'migration.sql'), 'utf8');
    expect(sql).toContain('CREATE TABLE "events"');
    expect(sql).not.toContain('"organizations"');
  });

  // Databases migrated with the temp folder (not the repository's).
  it.each(testDatabases({ migrationsDir }).map((db) => [db.name, db] as const))('the written migrations apply on %s', async (_name, db) => {
    const migrated = await db.create();
    try {
      expect(migrated.applied).toEqual([path.basename(first), path.basename(second)]);
      expect(await pendingMigrations({ adapterFactory: migrated.adapterFactory, migrationsDir })).toEqual([]);
      expect(await migrated.query(`SELECT count(*)::int AS n FROM "events"`)).toEqual([{ n: 0 }]);
    } finally {
      await migrated.dispose();
    }
  });
});
