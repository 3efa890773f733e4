import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { openDatabase } from './database';
import { defaultMigrationsDir } from './migrations/paths';

/** The embedded store on a data folder: migrations applied only when pending, small-footprint settings. */
describe('the embedded store (openDatabase without a URL)', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(tmpdir(), 'hub-store-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('applies the migrations it lacks at open, and runs none when it is up to date', async () => {
    // A migrations folder holding all but the last migration: the first open applies those.
    const all = fs.readdirSync(defaultMigrationsDir(), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
    const migrations = path.join(dir, 'migrations');
    fs.mkdirSync(migrations);
    fs.copyFileSync(path.join(defaultMigrationsDir(), 'migration_lock.toml'), path.join(migrations, 'migration_lock.toml'));
    const copy = (name: string) => fs.cpSync(path.join(defaultMigrationsDir(), name), path.join(migrations, name), { recursive: true });
    all.slice(0, -1).forEach(copy);
    const dataDir = path.join(dir, 'data');

    const open = async () => {
      const lines: string[] = [];
      const database = await openDatabase({ dataDir, migrationsDir: migrations, log: (line) => lines.push(line) });
      return { database, lines };
    };

    let { database, lines } = await open();
    expect(lines.filter((l) => l.startsWith('applied '))).toHaveLength(all.length - 1);
    expect(fs.existsSync(path.join(dataDir, 'pglite', 'PG_VERSION'))).toBe(true);
    // What the store writes after the first open (PGlite was opened again after initdb and after
    // migrating) is in the data folder for the next open.
    await database.prisma.$executeRaw`CREATE TABLE first_open_probe (note text)`;
    await database.prisma.$executeRaw`INSERT INTO first_open_probe VALUES ('kept')`;
    await database.close();

    // A new release adds a migration: the next open applies just that one.
    copy(all[all.length - 1]);
    ({ database, lines } = await open());
    expect(lines.filter((l) => l.startsWith('applied '))).toEqual([`applied ${all[all.length - 1]}`]);
    await database.close();

    // Up to date: nothing applied, nothing logged (the schema engine is not started).
    ({ database, lines } = await open());
    expect(lines).toEqual([]);
    expect(await database.prisma.$queryRaw`SELECT note FROM first_open_probe`).toEqual([{ note: 'kept' }]);
    const settings = await database.prisma.$queryRaw<{ name: string; setting: string }[]>`
      SELECT name, setting FROM pg_settings WHERE name IN ('shared_buffers', 'max_connections') ORDER BY name`;
    // shared_buffers is counted in 8 kB pages: 16 MB.
    expect(settings).toEqual([
      { name: 'max_connections', setting: '5' },
      { name: 'shared_buffers', setting: String((16 * 1024) / 8) },
    ]);
    await database.close();
  }, 180_000);
});
