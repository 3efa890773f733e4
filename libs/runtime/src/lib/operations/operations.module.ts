import { enableProcessMetrics, ProcessState, scrapeGauge } from '@hub/metrics';
import type { Store } from '@hub/store';
import { type DynamicModule, Inject, Injectable, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { STORE } from '../tokens';
import { MetricsController, ProbesController } from './operations.controller';
import { OPERATIONS_OPTIONS, type OperationsOptions } from './operations.options';

/**
 * Once the app is up: readiness starts asking the database, and the gauges read at scrape time
 * (the delivery backlog, open circuits, the database pool) are registered over this app's store.
 * The backlog and circuits are the whole hub's (every replica reports the same: use max() on them).
 */
@Injectable()
class OperationsLifecycle implements OnApplicationBootstrap {
  constructor(
    @Inject(STORE) private readonly store: Store,
    private readonly state: ProcessState,
  ) {}

  onApplicationBootstrap(): void {
    const store = this.store;
    enableProcessMetrics();
    scrapeGauge('hub_delivery_backlog', 'Event notifications waiting to be delivered, by status (created, retry), across the hub', ['status'], async () =>
      (await store.deliveries.backlog()).map((r) => ({ labels: { status: r.status }, value: r.count })),
    );
    scrapeGauge('hub_delivery_circuits_open', "Callback URLs whose circuit is open or half-open, by state, as delivery workers last reported them", ['state'], async () =>
      (await store.circuits.countNotClosed()).map((r) => ({ labels: { state: r.state }, value: r.count })),
    );
    scrapeGauge('hub_db_pool_connections', 'Connections of this process to PostgreSQL, by state (total, idle, waiting: queries waiting for one)', ['state'], () => {
      const pool = store.poolStats();
      return pool ? (['total', 'idle', 'waiting'] as const).map((state) => ({ labels: { state }, value: pool[state] })) : [];
    });
    this.state.running(async () => {
      await store.ping();
      return { kind: store.kind };
    });
  }
}

/**
 * Running the hub as a service: GET /metrics (Prometheus), GET /health/live and /health/ready, and
 * the process's phase for them. One line per app; the shutdown itself is main.ts's (closeOnSignals).
 */
@Module({})
export class OperationsModule {
  static forRoot(options: OperationsOptions): DynamicModule {
    return {
      module: OperationsModule,
      global: true,
      controllers: [ProbesController, MetricsController],
      providers: [{ provide: OPERATIONS_OPTIONS, useValue: options }, { provide: ProcessState, useValue: options.state }, OperationsLifecycle],
      exports: [ProcessState],
    };
  }
}
