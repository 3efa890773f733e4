// Applying the repository's migrations on each test database (PGlite always, PostgreSQL
// when TEST_DATABASE_URL is set), as `prisma migrate deploy` would.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { testDatabases, type TestDatabaseHandle } from '../testing/test-databases';
import { applyMigrations, pendingMigrations } from './migrations';
import { defaultMigrationsDir, defaultSchemaPath } from './paths';

jest.setTimeout(120_000);

const migrationsDir = defaultMigrationsDir();
const folders = fs
  .readdirSync(migrationsDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();
const schemaTables = [...fs.readFileSync(defaultSchemaPath(), 'utf8').matchAll(/@@map\("([^"]+)"\)/g)].map((m) => m[1]);

// A migrations folder with no migrations: `create()` then gives an empty database.
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-migrations-spec-'));
const emptyDir = path.join(scratch, 'empty');
fs.mkdirSync(emptyDir);
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

async function tables(handle: TestDatabaseHandle): Promise<string[]> {
  const rows = await handle.query(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
  );
  return rows.map((row) => String(row['table_name'])).sort();
}

function sha256(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

it('the repository has migrations, and the schema maps tables', () => {
  expect(folders.length).toBeGreaterThan(0);
  expect(folders[0]).toMatch(/^\d{14}_init$/);
  expect(fs.readFileSync(path.join(migrationsDir, 'migration_lock.toml'), 'utf8')).toMatch(/^provider = "postgresql"$/m);
  expect(schemaTables.length).toBeGreaterThan(0);
});

describe.each(testDatabases({ migrationsDir: emptyDir }).map((db) => [db.name, db] as const))(
  'applyMigrations on %s',
  (_name, db) => {
    let handle: TestDatabaseHandle;
    const adapterFactory = () => handle.adapterFactory;

    beforeAll(async () => {
      handle = await db.create();
    });
    afterAll(async () => {
      await handle?.dispose();
    });

    it('starts from an empty database with every migration pending', async () => {
      expect(handle.applied).toEqual([]);
      expect(await tables(handle)).toEqual([]);
      expect(await pendingMigrations({ adapterFactory: adapterFactory(), migrationsDir })).toEqual(folders);
    });

    it('applies the folder: creates the tables of the schema and records each migration', async () => {
      const logged: string[] = [];
      const { applied } = await applyMigrations({ adapterFactory: adapterFactory(), migrationsDir, log: (line) => logged.push(line) });
      expect(applied).toEqual(folders);
      expect(logged).toEqual(expect.arrayContaining(folders.map((name) => `applied ${name}`)));
      expect(await tables(handle)).toEqual([...schemaTables, '_prisma_migrations'].sort());

      const rows = await handle.query(
        'SELECT migration_name, checksum, finished_at, rolled_back_at, applied_steps_count, logs FROM _prisma_migrations ORDER BY migration_name',
      );
      expect(rows.map((row) => row['migration_name'])).toEqual(folders);
      for (const row of rows) {
        // The checksum `prisma migrate deploy` compares: SHA-256 of migration.sql as it is on disk.
        expect(row['checksum']).toBe(sha256(path.join(migrationsDir, String(row['migration_name']), 'migration.sql')));
        expect(row['finished_at']).not.toBeNull();
        expect(row['rolled_back_at']).toBeNull();
        expect(row['logs']).toBeNull();
        expect(Number(row['applied_steps_count'])).toBe(1);
      }
    });

    it('applies nothing the second time, and nothing is pending', async () => {
      expect(await applyMigrations({ adapterFactory: adapterFactory(), migrationsDir })).toEqual({ applied: [] });
      expect(await pendingMigrations({ adapterFactory: adapterFactory(), migrationsDir })).toEqual([]);
      expect(await handle.query('SELECT count(*)::int AS n FROM _prisma_migrations')).toEqual([{ n: folders.length }]);
    });

    it('a failing migration is reported, stays pending, and blocks later applies', async () => {
      const broken = path.join(scratch, `broken-${db.name}`);
      fs.cpSync(migrationsDir, broken, { recursive: true });
      const name = '29991231235959_broken';
      fs.mkdirSync(path.join(broken, name));
      fs.writeFileSync(path.join(broken, name, 'migration.sql'), 'CREATE TABLE "probe" ("id" INTEGER);\nSELECT nonsense FROM nowhere;\n');

      expect(await pendingMigrations({ adapterFactory: adapterFactory(), migrationsDir: broken })).toEqual([name]);
      await expect(applyMigrations({ adapterFactory: adapterFactory(), migrationsDir: broken })).rejects.toThrow(name);
      expect(await pendingMigrations({ adapterFactory: adapterFactory(), migrationsDir: broken })).toEqual([name]);
      await expect(applyMigrations({ adapterFactory: adapterFactory(), migrationsDir: broken })).rejects.toThrow(/failed migrations/);
    });
  },
);

describe.each(testDatabases().map((db) => [db.name, db] as const))('testDatabases() on %s', (name, db) => {
  it('creates a fresh, fully migrated database and disposes of it', async () => {
    const first = await db.create();
    const second = await db.create();
    try {
      expect(first.applied).toEqual(folders);
      expect(await pendingMigrations({ adapterFactory: first.adapterFactory, migrationsDir })).toEqual([]);
      expect(await tables(first)).toEqual([...schemaTables, '_prisma_migrations'].sort());
      // Fresh: what one holds, the other does not.
      await first.query(`INSERT INTO "elements" ("id", "key", "updated_date") VALUES (1, 'probe', now())`);
      expect(await first.query('SELECT count(*)::int AS n FROM "elements"')).toEqual([{ n: 1 }]);
      expect(await second.query('SELECT count(*)::int AS n FROM "elements"')).toEqual([{ n: 0 }]);
    } finally {
      await first.dispose();
      await second.dispose();
    }
    if (name === 'pglite') {
      expect(first.pglite?.closed).toBe(true);
    } else {
      const database = new URL(String(first.url)).pathname.slice(1);
      expect(database).toMatch(/^hub_test_[0-9a-f]{12}$/);
      const client = new Client({ connectionString: process.env['TEST_DATABASE_URL'] });
      await client.connect();
      try {
        const { rows } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
        expect(rows).toEqual([]);
      } finally {
        await client.end();
      }
    }
  });
});
