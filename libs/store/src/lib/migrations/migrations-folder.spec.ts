import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  checkLockfile,
  LOCKFILE_CONTENT,
  migrationNames,
  migrationTimestamp,
  newMigrationFolderName,
  readMigrationList,
  slugifyMigrationName,
} from './migrations-folder';

describe('migrations folder', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-migrations-folder-spec-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads a missing folder as an empty history without a lock file', async () => {
    const list = await readMigrationList(path.join(dir, 'missing'));
    expect(list).toEqual({
      baseDir: path.join(dir, 'missing'),
      lockfile: { path: 'migration_lock.toml', content: null },
      shadowDbInitScript: '',
      migrationDirectories: [],
    });
  });

  it('reads sub-folders in name order, with their migration.sql or the read error', async () => {
    fs.writeFileSync(path.join(dir, 'migration_lock.toml'), LOCKFILE_CONTENT);
    fs.writeFileSync(path.join(dir, 'README.md'), 'not a migration');
    for (const name of ['20250102000000_second', '20250101000000_first']) {
      fs.mkdirSync(path.join(dir, name));
      fs.writeFileSync(path.join(dir, name, 'migration.sql'), `-- ${name}\n`);
    }
    fs.mkdirSync(path.join(dir, '20250103000000_empty'));

    const list = await readMigrationList(dir);
    expect(list.lockfile.content).toBe(LOCKFILE_CONTENT);
    expect(list.migrationDirectories.map((m) => m.path)).toEqual([
      '20250101000000_first',
      '20250102000000_second',
      '20250103000000_empty',
    ]);
    expect(list.migrationDirectories[0].migrationFile).toEqual({
      path: 'migration.sql',
      content: { tag: 'ok', value: '-- 20250101000000_first\n' },
    });
    expect(list.migrationDirectories[2].migrationFile.content.tag).toBe('error');
    expect(await migrationNames(dir)).toEqual(list.migrationDirectories.map((m) => m.path));
  });

  it('accepts only a postgresql lock file (or none)', async () => {
    expect(() => checkLockfile({ baseDir: dir, lockfile: { path: 'migration_lock.toml', content: null }, shadowDbInitScript: '', migrationDirectories: [] })).not.toThrow();
    expect(() => checkLockfile({ baseDir: dir, lockfile: { path: 'migration_lock.toml', content: LOCKFILE_CONTENT }, shadowDbInitScript: '', migrationDirectories: [] })).not.toThrow();
    expect(() => checkLockfile({ baseDir: dir, lockfile: { path: 'migration_lock.toml', content: 'provider = "mysql"\n' }, shadowDbInitScript: '', migrationDirectories: [] })).toThrow(/"mysql"/);
  });
});

describe('migration names', () => {
  it('slugifies like the CLI accepts them', () => {
    expect(slugifyMigrationName('add_events')).toBe('add_events');
    expect(slugifyMigrationName('  Add Events / v2! ')).toBe('add_events_v2');
    expect(() => slugifyMigrationName(' !! ')).toThrow(/not a usable migration name/);
  });

  it('stamps yyyyMMddHHmmss in UTC', () => {
    expect(migrationTimestamp(new Date('2031-04-05T06:07:08.900Z'))).toBe('20310405060708');
  });

  it('names a new folder after the existing ones, even when the clock is behind', () => {
    const now = new Date('2031-04-05T06:07:08Z');
    expect(newMigrationFolderName('x', [], now)).toBe('20310405060708_x');
    expect(newMigrationFolderName('x', ['20310101000000_init'], now)).toBe('20310405060708_x');
    expect(newMigrationFolderName('x', ['20310405060708_init'], now)).toBe('20310405060709_x');
    expect(newMigrationFolderName('x', ['20311231235959_init', 'notes'], now)).toBe('20320101000000_x');
  });
});
