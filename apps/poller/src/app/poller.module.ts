import { ELEMENTS } from '@hub/element-registry';
import { EventsModule, eventsOptionsFrom } from '@hub/events';
import { FormulasModule, formulasOptionsFrom } from '@hub/formulas';
import type { ProcessState } from '@hub/metrics';
import { HubModule, HubService } from '@hub/hub';
import { HUB_CALLS, type Environment, OperationsModule, openConfiguredStore, PLATFORM_REQUESTS, platformSettingsFrom, RuntimeModule, STORE, StoreModule } from '@hub/runtime';
import type { Store } from '@hub/store';
import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { HttpPlatformRequests } from './http-platform-requests';

/**
 * Polls and formulas call the hub through HUB_CALLS (libs/runtime ports.ts): bound here to the hub's
 * call path. Formulas' request steps call the platform API through PLATFORM_REQUESTS: bound to an api
 * replica over HTTP when HUB_API_URL is set, else left unbound (those steps then fail saying so).
 */
@Module({})
class PollerPortsModule {
  static register(env: Environment): DynamicModule {
    const platform: Provider[] = env.HUB_API_URL
      ? [{ provide: PLATFORM_REQUESTS, inject: [STORE], useFactory: (store: Store) => new HttpPlatformRequests(env.HUB_API_URL as string, store, Math.floor(env.HUB_EVENT_LEASE_MS / 3)) }]
      : [];
    return {
      module: PollerPortsModule,
      global: true,
      imports: [HubModule],
      providers: [{ provide: HUB_CALLS, useExisting: HubService }, ...platform],
      exports: [HUB_CALLS, ...(env.HUB_API_URL ? [PLATFORM_REQUESTS] : [])],
    };
  }
}

/**
 * The poller app: the poll scheduler and the delivery workers against PostgreSQL, no HTTP API.
 * Run as many replicas as needed: they share the work through the store's claims and leases.
 */
@Module({})
export class PollerModule {
  static register(env: Environment, log: (message: string) => void, state: ProcessState): DynamicModule {
    const storeKind = 'postgresql';
    return {
      module: PollerModule,
      imports: [
        StoreModule.forRootAsync({ inject: [], useFactory: () => openConfiguredStore(env, __dirname, log) }),
        RuntimeModule.forRoot({ elements: ELEMENTS, ...platformSettingsFrom(env, storeKind) }),
        PollerPortsModule.register(env),
        EventsModule.forRoot(eventsOptionsFrom(env, storeKind, { workers: true })),
        FormulasModule.forRoot(formulasOptionsFrom(eventsOptionsFrom(env, storeKind, { workers: true }))),
        // Its metrics and probes are served by main.ts's OperationsServer (HUB_METRICS_PORT).
        OperationsModule.forRoot({ state }),
      ],
    };
  }
}
