// npm run db:migrate [-- --verbose]
//
// Applies the pending migrations of prisma/migrations, the way `prisma migrate deploy` does
// (same engine, in WebAssembly; same `_prisma_migrations` records):
//   - DATABASE_URL=postgresql://… set: to that PostgreSQL database;
//   - otherwise: to the embedded store, the PGlite folder <HUB_DATA_DIR or .data>/pglite
//     (created when missing). The hub migrates that store itself when it starts; this is for
//     preparing a folder beforehand. A PGlite folder serves one process: stop the hub first.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { createPGlite, lockDataDir } from '@hub/store';
import { applyMigrations, embeddedDataDir, redactDatabaseUrl, redactPassword, resolveDataDir } from '@hub/store/migrations';

const root = path.resolve(__dirname, '..', '..');
const migrationsDir = path.join(root, 'prisma', 'migrations');

/** A path relative to the working directory when it is inside it, else absolute. */
function display(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}

interface Target {
  description: string;
  adapterFactory: SqlMigrationAwareDriverAdapterFactory;
  close(): Promise<void>;
}

async function openTarget(databaseUrl: string | undefined): Promise<Target> {
  if (databaseUrl) {
    if (!/^postgres(ql)?:\/\//i.test(databaseUrl)) {
      throw new Error(`DATABASE_URL must be a postgresql:// URL (got ${redactDatabaseUrl(databaseUrl)})`);
    }
    return {
      description: `PostgreSQL ${redactDatabaseUrl(databaseUrl)}`,
      adapterFactory: new PrismaPg({ connectionString: databaseUrl }),
      close: async () => undefined,
    };
  }
  const dataDir = path.resolve(embeddedDataDir());
  const created = !fs.existsSync(dataDir);
  await fs.promises.mkdir(dataDir, { recursive: true });
  const unlock = await lockDataDir(path.resolve(resolveDataDir()));
  try {
    const pglite = await createPGlite({ dataDir });
    return {
      description: `embedded PGlite ${display(dataDir)}${created ? ' (new)' : ''}`,
      adapterFactory: new PrismaPGlite(pglite),
      close: async () => {
        try {
          await pglite.close();
        } finally {
          await unlock();
        }
      },
    };
  } catch (error) {
    await unlock();
    throw error;
  }
}



async function main(args: string[]): Promise<void> {
  const verbose = args.includes('--verbose') || args.includes('-v');
  const databaseUrl = process.env['DATABASE_URL']?.trim() || undefined;
  const started = Date.now();
  const target = await openTarget(databaseUrl);
  try {
    console.log(`migrating ${target.description} with ${display(migrationsDir)}`);
    const { applied } = await applyMigrations({
      adapterFactory: target.adapterFactory,
      migrationsDir,
      // The engine's own lines ("Applying `…`", warnings); the applied ones are printed below.
      log: verbose
        ? (line) => {
            if (!line.startsWith('applied ')) console.log(`  ${redactPassword(line, databaseUrl)}`);
          }
        : undefined,
    });
    for (const name of applied) console.log(`  applied ${name}`);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(
      applied.length === 0
        ? `database is up to date: no pending migrations (${seconds}s)`
        : `applied ${applied.length} migration${applied.length === 1 ? '' : 's'} (${seconds}s)`,
    );
  } finally {
    await target.close();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`db:migrate failed: ${redactPassword(message, process.env['DATABASE_URL'])}`);
  process.exitCode = 1;
});
