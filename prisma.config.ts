import { defineConfig } from 'prisma/config';

// Used by the Prisma CLI where it can run (generate). Migrations are applied by
// `npm run db:migrate` (tools/scripts/db-migrate.ts), which drives Prisma's schema
// engine through WebAssembly: it needs no native binary and no download.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
});
