import { ELEMENTS } from '@hub/element-registry';
import { EventsModule, eventsOptionsFrom } from '@hub/events';
import { FormulasModule, formulasOptionsFrom } from '@hub/formulas';
import type { ProcessState } from '@hub/metrics';
import { HubModule, HubService } from '@hub/hub';
import { HUB_CALLS, type Environment, OperationsModule, openConfiguredStore, platformSettingsFrom, RuntimeModule, StoreModule } from '@hub/runtime';
import { type DynamicModule, Global, Module } from '@nestjs/common';

/** Polls and formulas call the hub through HUB_CALLS (libs/runtime ports.ts): bound here to the hub's call path. */
@Global()
@Module({ imports: [HubModule], providers: [{ provide: HUB_CALLS, useExisting: HubService }], exports: [HUB_CALLS] })
class PollerPortsModule {}

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
        PollerPortsModule,
        EventsModule.forRoot(eventsOptionsFrom(env, storeKind, { workers: true })),
        FormulasModule.forRoot(formulasOptionsFrom(eventsOptionsFrom(env, storeKind, { workers: true }))),
        // Its metrics and probes are served by main.ts's OperationsServer (HUB_METRICS_PORT).
        OperationsModule.forRoot({ state }),
      ],
    };
  }
}
