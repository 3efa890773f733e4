import type { ElementDefinition } from '@hub/element-sdk';
import type { Store } from '@hub/store';
import { type DynamicModule, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { PlatformAuthGuard } from './auth.guard';
import { ElementCatalog } from './element-catalog.service';
import { HubAuthGuard } from './hub-auth.guard';
import { HubCallEvents } from './hub-call-events';
import { ChangeFeedReplication } from './change-feed-replication';
import { ChangeFeed, CommonResourceChanges, InstanceChanges } from './instance-changes';
import { RateLimiter } from './rate-limiter';
import { HUB_ELEMENTS, STORE, PLATFORM_OPTIONS, type PlatformOptions } from './tokens';

export interface RuntimeModuleOptions extends PlatformOptions {
  readonly elements: readonly ElementDefinition[];
}

/**
 * What every feature of an app may inject: the element catalog, the platform options, the change
 * feed every cache subscribes to (other processes' changes carried in by ChangeFeedReplication), and the two request guards (platform calls, hub calls with the
 * organization's rate limit). Global; needs StoreModule.
 */
@Module({})
export class RuntimeModule {
  static forRoot(options: RuntimeModuleOptions): DynamicModule {
    const { elements, ...platform } = options;
    return {
      module: RuntimeModule,
      global: true,
      providers: [
        { provide: HUB_ELEMENTS, useValue: elements },
        { provide: PLATFORM_OPTIONS, useValue: platform satisfies PlatformOptions },
        ElementCatalog,
        ChangeFeed,
        ChangeFeedReplication,
        InstanceChanges,
        CommonResourceChanges,
        PlatformAuthGuard,
        RateLimiter,
        HubAuthGuard,
        HubCallEvents,
      ],
      exports: [HUB_ELEMENTS, PLATFORM_OPTIONS, ElementCatalog, ChangeFeed, ChangeFeedReplication, InstanceChanges, CommonResourceChanges, PlatformAuthGuard, RateLimiter, HubAuthGuard, HubCallEvents],
    };
  }
}

/** Makes the hub's store injectable (STORE) and closes it when the app shuts down. */
@Injectable()
class StoreLifecycle implements OnApplicationShutdown {
  constructor(@Inject(STORE) private readonly store: Store) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}

@Module({})
export class StoreModule {
  static forRootAsync<TDeps extends unknown[]>(options: {
    inject: { [K in keyof TDeps]: unknown };
    useFactory: (...deps: TDeps) => Promise<Store>;
  }): DynamicModule {
    return {
      module: StoreModule,
      global: true,
      providers: [
        { provide: STORE, inject: options.inject as never[], useFactory: options.useFactory },
        StoreLifecycle,
      ],
      exports: [STORE],
    };
  }
}
