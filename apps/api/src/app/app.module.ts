import { AdminModule } from '@hub/admin';
import { CommonResourcesModule } from '@hub/common-resources';
import { ELEMENTS } from '@hub/element-registry';
import { EventsModule, eventsOptionsFrom } from '@hub/events';
import { FormulasModule, formulasOptionsFrom } from '@hub/formulas';
import { HubModule } from '@hub/hub';
import type { ProcessState } from '@hub/metrics';
import { InstancesModule } from '@hub/instances';
import { type Environment, OperationsModule, openConfiguredStore, platformSettingsFrom, RuntimeModule, StoreModule, validateEnvironment } from '@hub/runtime';
import { type DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { FirstOperatorBootstrap } from './first-operator';
import { FirstOrganizationBootstrap } from './first-organization';
import { PortsModule } from './ports.module';

/**
 * The api app: configuration, store, platform API, hub, events. Logic lives in the libraries it
 * composes. On the embedded store it also runs the event workers (one PGlite cannot be shared
 * with a poller process); on PostgreSQL they run in apps/poller unless HUB_EVENT_WORKERS=true.
 */
@Module({})
export class AppModule {
  static register(env: Environment, log: (message: string) => void, state: ProcessState): DynamicModule {
    const storeKind = env.DATABASE_URL ? 'postgresql' : 'embedded';
    const events = EventsModule.forRoot(eventsOptionsFrom(env, storeKind));
    const formulas = FormulasModule.forRoot(formulasOptionsFrom(eventsOptionsFrom(env, storeKind)));
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, validate: validateEnvironment }),
        StoreModule.forRootAsync({ inject: [], useFactory: () => openConfiguredStore(env, __dirname, log) }),
        RuntimeModule.forRoot({ elements: ELEMENTS, ...platformSettingsFrom(env, storeKind) }),
        InstancesModule,
        HubModule,
        CommonResourcesModule,
        events,
        formulas,
        AdminModule,
        PortsModule.register(events, formulas),
        OperationsModule.forRoot({ state, metricsToken: env.HUB_METRICS_TOKEN }),
      ],
      providers: [
        { provide: FirstOrganizationBootstrap.ENABLED, useValue: env.HUB_BOOTSTRAP_ORGANIZATION },
        FirstOrganizationBootstrap,
        {
          provide: FirstOperatorBootstrap.ADMIN,
          useValue:
            env.HUB_ADMIN_EMAIL && env.HUB_ADMIN_PASSWORD ? { email: env.HUB_ADMIN_EMAIL, password: env.HUB_ADMIN_PASSWORD } : undefined,
        },
        FirstOperatorBootstrap,
      ],
    };
  }
}
