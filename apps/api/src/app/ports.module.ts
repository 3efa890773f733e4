import { EventsService } from '@hub/events';
import { FormulasService } from '@hub/formulas';
import { HubModule, HubService } from '@hub/hub';
import { AuthenticationService, InstancesModule, InstancesService } from '@hub/instances';
import { EVENT_OPERATIONS, FORMULA_OPERATIONS, HUB_CALLS, INSTANCE_OPERATIONS, PLATFORM_REQUESTS, SECRET_ROTATION } from '@hub/runtime';
import { type DynamicModule, Module } from '@nestjs/common';
import { InProcessPlatformRequests } from './platform-requests';

/**
 * Binds the contracts between features (libs/runtime ports.ts) to the features that keep them:
 * polling and formulas call the hub through HUB_CALLS, the admin API reaches events, instances,
 * secrets and formula executions through their operations, formulas' request steps call the platform
 * API through this process's own Fastify instance (PLATFORM_REQUESTS). Global, so a feature injects the token without importing the
 * feature behind it.
 */
@Module({})
export class PortsModule {
  static register(events: DynamicModule, formulas: DynamicModule): DynamicModule {
    return {
      module: PortsModule,
      global: true,
      imports: [HubModule, InstancesModule, events, formulas],
      providers: [
        { provide: HUB_CALLS, useExisting: HubService },
        { provide: EVENT_OPERATIONS, useExisting: EventsService },
        { provide: INSTANCE_OPERATIONS, useExisting: InstancesService },
        { provide: SECRET_ROTATION, useExisting: AuthenticationService },
        { provide: FORMULA_OPERATIONS, useExisting: FormulasService },
        { provide: PLATFORM_REQUESTS, useClass: InProcessPlatformRequests },
      ],
      exports: [HUB_CALLS, EVENT_OPERATIONS, INSTANCE_OPERATIONS, SECRET_ROTATION, FORMULA_OPERATIONS, PLATFORM_REQUESTS],
    };
  }
}
