// @hub/store/migrations: the database schema's history (prisma/migrations, Prisma's folder
// format) and how it is applied, through Prisma's schema engine compiled to WebAssembly.
export {
  applyMigrations,
  createMigration,
  diffMigrationsToSchema,
  pendingMigrations,
  type ApplyMigrationsOptions,
  type CreateMigrationOptions,
  type DiffMigrationsOptions,
  type MigrationLog,
  type PendingMigrationsOptions,
} from './lib/migrations/migrations';
export { defaultMigrationsDir, defaultSchemaPath, embeddedDataDir, resolveDataDir, workspaceRoot } from './lib/migrations/paths';
export { redactDatabaseUrl, redactPassword } from './lib/migrations/database-url';
export { createMemoryPGlite } from './lib/migrations/memory-pglite';
export { loadSchemaEngineWasm } from './lib/migrations/schema-engine-wasm';
export {
  queryRows,
  testDatabases,
  type TestDatabase,
  type TestDatabaseHandle,
  type TestDatabaseName,
  type TestDatabasesOptions,
} from './lib/testing/test-databases';
