import type { ElementDefinition } from '@hub/element-sdk';
import { type DynamicModule, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { HubStore } from '@hub/store';
import { ElementCatalog } from './element-catalog.service';
import { CommonResourceChanges, InstanceChanges } from './instance-changes';
import { ElementsController } from './elements.controller';
import { HealthController } from './health.controller';
import { InstancesController } from './instances.controller';
import { InstancesService } from './instances.service';
import { PlatformAuthGuard } from './auth.guard';
import { AuthenticationController, SecretRotationController } from './authentication.controller';
import { OrganizationSettingsController } from './organization-settings.controller';
import { AuthenticationService } from './authentication.service';
import { HUB_ELEMENTS, HUB_STORE, PLATFORM_OPTIONS, type PlatformOptions } from './tokens';

export interface PlatformModuleOptions extends PlatformOptions {
  readonly elements: readonly ElementDefinition[];
}

/** The platform API: /instances, /elements, /authentication, secret rotation, /health. Needs StoreModule; the app supplies the element registry. */
@Module({})
export class PlatformModule {
  static forRoot(options: PlatformModuleOptions): DynamicModule {
    return {
      module: PlatformModule,
      global: true,
      controllers: [InstancesController, ElementsController, HealthController, AuthenticationController, SecretRotationController, OrganizationSettingsController],
      providers: [
        { provide: HUB_ELEMENTS, useValue: options.elements },
        {
          provide: PLATFORM_OPTIONS,
          useValue: {
            vendorTimeoutMs: options.vendorTimeoutMs,
            publicUrl: options.publicUrl,
            allowPrivateCallbackUrls: options.allowPrivateCallbackUrls,
            allowPrivateVendorUrls: options.allowPrivateVendorUrls,
            vendorHosts: options.vendorHosts,
            login: options.login,
            secretGraceSeconds: options.secretGraceSeconds,
            admin: options.admin,
          } satisfies PlatformOptions,
        },
        ElementCatalog,
        InstanceChanges,
        CommonResourceChanges,
        InstancesService,
        AuthenticationService,
        PlatformAuthGuard,
      ],
      exports: [HUB_ELEMENTS, PLATFORM_OPTIONS, ElementCatalog, InstanceChanges, CommonResourceChanges, PlatformAuthGuard, InstancesService, AuthenticationService],
    };
  }
}

/** Makes the hub's store injectable (HUB_STORE) and closes it when the app shuts down. */
@Injectable()
class StoreLifecycle implements OnApplicationShutdown {
  constructor(@Inject(HUB_STORE) private readonly store: HubStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}

@Module({})
export class StoreModule {
  static forRootAsync<TDeps extends unknown[]>(options: {
    inject: { [K in keyof TDeps]: unknown };
    useFactory: (...deps: TDeps) => Promise<HubStore>;
  }): DynamicModule {
    return {
      module: StoreModule,
      global: true,
      providers: [
        { provide: HUB_STORE, inject: options.inject as never[], useFactory: options.useFactory },
        StoreLifecycle,
      ],
      exports: [HUB_STORE],
    };
  }
}
