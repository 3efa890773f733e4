import { ELEMENTS } from '@hub/element-registry';
import { EventEngineModule, eventEngineOptionsFrom } from '@hub/event-engine';
import { FormulasModule, formulasOptionsFrom } from '@hub/formulas';
import type { ProcessState } from '@hub/metrics';
import { type HubEnvironment, OperationsModule, openHubStore, PlatformModule, platformSettingsFrom, StoreModule } from '@hub/platform';
import { type DynamicModule, Module } from '@nestjs/common';

/**
 * The poller app: the poll scheduler and the delivery workers against PostgreSQL, no HTTP API.
 * Run as many replicas as needed: they share the work through the store's claims and leases.
 */
@Module({})
export class PollerModule {
  static register(env: HubEnvironment, log: (message: string) => void, state: ProcessState): DynamicModule {
    const storeKind = 'postgresql';
    return {
      module: PollerModule,
      imports: [
        StoreModule.forRootAsync({ inject: [], useFactory: () => openHubStore(env, __dirname, log) }),
        PlatformModule.forRoot({ elements: ELEMENTS, ...platformSettingsFrom(env, storeKind) }),
        EventEngineModule.forRoot(eventEngineOptionsFrom(env, storeKind, { workers: true })),
        FormulasModule.forRoot(formulasOptionsFrom(eventEngineOptionsFrom(env, storeKind, { workers: true }))),
        // Its metrics and probes are served by main.ts's OperationsServer (HUB_METRICS_PORT).
        OperationsModule.forRoot({ state }),
      ],
    };
  }
}
