// npm run db:migration:create -- <name>
//
// Writes prisma/migrations/<yyyyMMddHHmmss>_<name>/migration.sql with the SQL that takes a
// database migrated by prisma/migrations to prisma/schema.prisma (compared on a throwaway
// in-memory PGlite, through Prisma's schema engine in WebAssembly). Review the SQL, then
// apply it with `npm run db:migrate`.
import * as path from 'node:path';
import { createMigration } from '@hub/store/migrations';

const root = path.resolve(__dirname, '..', '..');
const migrationsDir = path.join(root, 'prisma', 'migrations');
const schemaPath = path.join(root, 'prisma', 'schema.prisma');

async function main(args: string[]): Promise<number> {
  const names = args.filter((arg) => arg !== '--');
  if (names.length !== 1 || names[0].startsWith('-')) {
    console.error('usage: npm run db:migration:create -- <name>    e.g. npm run db:migration:create -- add_events');
    return 2;
  }
  const folder = await createMigration({ migrationsDir, schemaPath, name: names[0] });
  if (!folder) {
    console.log(`schema and migrations are in sync: ${path.relative(root, schemaPath)} needs no new migration`);
    return 0;
  }
  console.log(`created ${path.relative(process.cwd(), path.join(folder, 'migration.sql'))}`);
  console.log('review it, then apply it with: npm run db:migrate');
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`db:migration:create failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
