// The drift check: the repository's migrations must produce exactly prisma/schema.prisma.
// A schema change without its migration (npm run db:migration:create -- <name>) fails here.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { diffMigrationsToSchema } from './migrations';
import { defaultMigrationsDir, defaultSchemaPath } from './paths';

jest.setTimeout(120_000);

describe('diffMigrationsToSchema', () => {
  let scratch: string;
  beforeAll(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-drift-spec-'));
  });
  afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

  it('is empty for prisma/schema.prisma and prisma/migrations (run `npm run db:migration:create -- <name>` if not)', async () => {
    const sql = await diffMigrationsToSchema({ migrationsDir: defaultMigrationsDir(), schemaPath: defaultSchemaPath() });
    expect(sql).toBe('');
  });

  it('gives the missing CREATE TABLE when the schema has a model no migration creates', async () => {
    const schemaPath = path.join(scratch, 'schema.prisma');
    fs.writeFileSync(
      schemaPath,
      `${fs.readFileSync(defaultSchemaPath(), 'utf8')}

model DriftProbe {
  id   Int    @id @default(autoincrement())
  note String

  @@map("drift_probes")
}
`,
    );
    const sql = await diffMigrationsToSchema({ migrationsDir: defaultMigrationsDir(), schemaPath });
    expect(sql).toContain('CREATE TABLE "drift_probes"');
    // Only the difference: the tables the migrations already create are not in it.
    expect(sql).not.toContain('CREATE TABLE "organizations"');
  });

  it('gives the whole schema when there are no migrations yet', async () => {
    const sql = await diffMigrationsToSchema({ migrationsDir: path.join(scratch, 'none'), schemaPath: defaultSchemaPath() });
    expect(sql).toContain('CREATE TABLE "organizations"');
    expect(fs.existsSync(path.join(scratch, 'none'))).toBe(false);
  });

  it('refuses a migrations folder locked to another provider', async () => {
    const dir = path.join(scratch, 'sqlite');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'migration_lock.toml'), 'provider = "sqlite"\n');
    await expect(diffMigrationsToSchema({ migrationsDir: dir, schemaPath: defaultSchemaPath() })).rejects.toThrow(/"sqlite"/);
  });
});
