import { type Store, openStore } from '@hub/store';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Environment } from './environment';

/** The migration folders: HUB_MIGRATIONS_DIR, those shipped beside the build, or the repository's. */
export function migrationsDir(env: Environment, buildDir: string): string {
  const candidates = [env.HUB_MIGRATIONS_DIR, path.join(buildDir, 'migrations'), path.resolve('prisma/migrations')];
  const found = candidates.find((c): c is string => !!c && existsSync(c));
  if (!found) throw new Error(`No migrations folder found (looked in ${candidates.filter(Boolean).join(', ')})`);
  return found;
}

/** Opens the store the environment names (the apps' one way to do it). `buildDir`: the running bundle's folder. */
export function openConfiguredStore(env: Environment, buildDir: string, log: (message: string) => void): Promise<Store> {
  return openStore({
    databaseUrl: env.DATABASE_URL,
    dataDir: env.HUB_DATA_DIR,
    encryptionKey: env.HUB_ENCRYPTION_KEY,
    migrationsDir: migrationsDir(env, buildDir),
    migrateOnStart: env.HUB_MIGRATE_ON_START,
    log,
  });
}
