import {
  type BeforeApplicationShutdown,
  type DynamicModule,
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { DeliveryWorker } from './delivery-worker';
import { EVENTS_OPTIONS, type EventsOptions } from './events.options';
import { EventsController, VendorWebhookController } from './events.controller';
import { EventsService } from './events.service';
import { InstanceLookup } from './instance-lookup';
import { PollScheduler } from './poll-scheduler';
import { EventRetention } from './retention';

/** Starts the scheduler and the delivery workers with the app when this process runs them, and stops them first on shutdown. */
@Injectable()
class EventWorkersLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('EventWorkers');

  constructor(
    @Inject(EVENTS_OPTIONS) private readonly options: EventsOptions,
    private readonly poller: PollScheduler,
    private readonly delivery: DeliveryWorker,
    private readonly retention: EventRetention,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.options.workers) return;
    this.poller.start();
    this.delivery.start();
    this.retention.start();
    this.logger.log(`event workers started (${this.options.owner})`);
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (!this.options.workers) return;
    this.retention.stop();
    await Promise.all([this.poller.stop(this.options.stopWaitMs), this.delivery.stop(this.options.stopWaitMs)]);
    this.logger.log('event workers stopped; their claims were given back');
  }
}

/**
 * Events: vendor webhooks in, the delivery log API, and (when `workers`) the poll scheduler and the
 * delivery workers. Needs RuntimeModule, StoreModule and HUB_CALLS bound by the app.
 */
@Module({})
export class EventsModule {
  static forRoot(options: EventsOptions): DynamicModule {
    return {
      module: EventsModule,
      controllers: [EventsController, VendorWebhookController],
      providers: [
        { provide: EVENTS_OPTIONS, useValue: options },
        InstanceLookup,
        EventRetention,
        DeliveryWorker,
        PollScheduler,
        EventsService,
        EventWorkersLifecycle,
      ],
      exports: [EventsService, PollScheduler, DeliveryWorker],
    };
  }
}
