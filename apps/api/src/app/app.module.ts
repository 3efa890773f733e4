import { ELEMENTS } from '@hub/element-registry';
import { HubModule } from '@hub/hub';
import { PlatformModule, StoreModule } from '@hub/platform';
import { openStore } from '@hub/store';
import { type DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { FirstOrganizationBootstrap } from './first-organization';
import { type HubEnvironment, validateHubEnvironment } from './hub-environment';

/** The migration folders: HUB_MIGRATIONS_DIR, those shipped beside the build, or the repository's. */
export function migrationsDir(env: HubEnvironment): string {
  const candidates = [env.HUB_MIGRATIONS_DIR, path.join(__dirname, 'migrations'), path.resolve('prisma/migrations')];
  const found = candidates.find((c): c is string => !!c && existsSync(c));
  if (!found) throw new Error(`No migrations folder found (looked in ${candidates.filter(Boolean).join(', ')})`);
  return found;
}

/** The api app: configuration, store, platform API. Logic lives in the libraries it composes. */
@Module({})
export class AppModule {
  static register(env: HubEnvironment, log: (message: string) => void): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, validate: validateHubEnvironment }),
        StoreModule.forRootAsync({
          inject: [],
          useFactory: () =>
            openStore({
              databaseUrl: env.DATABASE_URL,
              dataDir: env.HUB_DATA_DIR,
              encryptionKey: env.HUB_ENCRYPTION_KEY,
              migrationsDir: migrationsDir(env),
              migrateOnStart: env.HUB_MIGRATE_ON_START,
              log,
            }),
        }),
        PlatformModule.forRoot({ elements: ELEMENTS, vendorTimeoutMs: env.HUB_VENDOR_TIMEOUT_MS }),
        HubModule,
      ],
      providers: [{ provide: FirstOrganizationBootstrap.ENABLED, useValue: env.HUB_BOOTSTRAP_ORGANIZATION }, FirstOrganizationBootstrap],
    };
  }
}
