import { type ConfigurationDescriptor, type ElementDefinition, NotFoundError, findElement } from '@hub/element-sdk';
import { descriptorsOf } from '@hub/instance-config';
import type { HubStore } from '@hub/store';
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { HUB_ELEMENTS, HUB_STORE } from './tokens';

/** The elements in code, joined with their run-time catalog state (active or not). */
@Injectable()
export class ElementCatalog implements OnApplicationBootstrap {
  private readonly descriptorCache = new Map<number, ConfigurationDescriptor[]>();

  constructor(
    @Inject(HUB_ELEMENTS) readonly elements: readonly ElementDefinition[],
    @Inject(HUB_STORE) private readonly store: HubStore,
  ) {}

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

  async isActive(element: ElementDefinition): Promise<boolean> {
    return (await this.store.elements.activeStates()).get(element.metadata.id) ?? true;
  }

  async activeStates(): Promise<Map<number, boolean>> {
    return this.store.elements.activeStates();
  }
}
