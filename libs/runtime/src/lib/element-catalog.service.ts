import { type ConfigurationDescriptor, type ElementDefinition, NotFoundError, type VendorNetwork, findElement } from '@hub/element-sdk';
import { vendorHostsOf, vendorNetwork } from '@hub/delivery';
import { descriptorsOf, type InstanceSettings, instanceSettingsOf, type StoredConfiguration } from '@hub/instance-config';
import type { Store } from '@hub/store';
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { HUB_ELEMENTS, STORE, PLATFORM_OPTIONS, type PlatformOptions } from './tokens';

/** The elements in code, joined with their run-time catalog state (active or not). */
@Injectable()
export class ElementCatalog implements OnApplicationBootstrap {
  private readonly descriptorCache = new Map<number, ConfigurationDescriptor[]>();
  private readonly settingsCache = new WeakMap<object, InstanceSettings>();
  private readonly networks = new Map<number, VendorNetwork>();

  constructor(
    @Inject(HUB_ELEMENTS) readonly elements: readonly ElementDefinition[],
    @Inject(STORE) private readonly store: Store,
    @Inject(PLATFORM_OPTIONS) private readonly options: PlatformOptions,
  ) {}

  /** The vendor-URL policy every connection of this element's instances goes through (one per element, so one pool). */
  vendorNetworkOf(element: ElementDefinition): VendorNetwork {
    let network = this.networks.get(element.metadata.id);
    if (!network) {
      network = vendorNetwork({
        allowPrivate: this.options.allowPrivateVendorUrls,
        hosts: vendorHostsOf(element.metadata.key, element.vendorHosts, this.options.vendorHosts),
      });
      this.networks.set(element.metadata.id, network);
    }
    return network;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.store.elements.sync(this.elements.map((e) => e.metadata));
  }

  find(keyOrId: string | number): ElementDefinition {
    const element = findElement(this.elements, keyOrId);
    if (!element) throw new NotFoundError(`No element with key or id '${keyOrId}'`);
    return element;
  }

  byId(id: number): ElementDefinition {
    return this.find(id);
  }

  descriptors(element: ElementDefinition): ConfigurationDescriptor[] {
    let descriptors = this.descriptorCache.get(element.metadata.id);
    if (!descriptors) {
      descriptors = descriptorsOf(element);
      this.descriptorCache.set(element.metadata.id, descriptors);
    }
    return descriptors;
  }

  /**
   * An instance's settings, parsed once per stored version of it: a record the store hands out is
   * not changed in place (a change is a new record), so the settings are kept beside the record.
   */
  settingsOf(instance: StoredConfiguration & { readonly elementId: number }): InstanceSettings {
    let settings = this.settingsCache.get(instance);
    if (!settings) {
      settings = instanceSettingsOf(instance, this.descriptors(this.byId(instance.elementId)));
      this.settingsCache.set(instance, settings);
    }
    return settings;
  }

  async isActive(element: ElementDefinition): Promise<boolean> {
    return (await this.store.elements.activeStates()).get(element.metadata.id) ?? true;
  }

  async activeStates(): Promise<Map<number, boolean>> {
    return this.store.elements.activeStates();
  }
}
