import type { ElementDefinition, ObjectDefinition, Transformation } from '@hub/element-sdk';
import { CommonResourceChanges, STORE, type ResolvedTransformation } from '@hub/runtime';
import type { Store, InstanceRecord, Tenant } from '@hub/store';
import { mergeTransformations } from '@hub/transformations';
import { Inject, Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';

/** How long a resolved mapping is reused by this process when no change was made through it. */
export const MAPPING_TTL_MS = 2_000;

/**
 * The transformation that applies to an object on an instance: the organization's for the
 * instance's element (else the element's old-platform default, if it has one), with the instance's
 * over it field by field, and the object's definition (the instance's, else the organization's).
 * Resolved once per MAPPING_TTL_MS; a change made through this process applies at once.
 */
@Injectable()
export class TransformationLookup {
  private readonly cache = new LRUCache<string, { mapping: ResolvedTransformation | null }>({ max: 10_000, ttl: MAPPING_TTL_MS });
  /** Per organization: which objects are transformed at all (most hub calls are on objects nobody transformed). */
  private readonly transformed = new LRUCache<string, Set<string>>({ max: 10_000, ttl: MAPPING_TTL_MS });

  constructor(
    @Inject(STORE) private readonly store: Store,
    private readonly changes: CommonResourceChanges,
  ) {}

  async resolve(tenant: Tenant, instance: InstanceRecord, element: ElementDefinition, objectName: string | undefined): Promise<ResolvedTransformation | undefined> {
    if (!objectName) return undefined;
    const orgKey = `${this.changes.generation}:${tenant.organizationId}`;
    let names = this.transformed.get(orgKey);
    if (!names) {
      names = await this.store.commonResources.transformedObjects(tenant);
      this.transformed.set(orgKey, names);
    }
    const elementDefault = element.transformations.defaults[objectName];
    const hasOwn = names.has(`e${element.metadata.id}:${objectName}`) || names.has(`i${instance.id}:${objectName}`);
    if (!hasOwn && !elementDefault) return undefined;
    const key = `${this.changes.generation}:${instance.id}:${objectName}`;
    const cached = this.cache.get(key);
    if (cached) return cached.mapping ?? undefined;
    const resources = this.store.commonResources;
    const [own, shared] = hasOwn
      ? await Promise.all([
          resources.findTransformation(tenant, { level: 'instance', instanceId: instance.id }, objectName),
          resources.findTransformation(tenant, { level: 'organization', elementId: element.metadata.id }, objectName),
        ])
      : [null, null];
    const transformation = mergeTransformations(shared ? asTransformation(shared) : elementDefault, own ? asTransformation(own) : undefined);
    let mapping: ResolvedTransformation | null = null;
    if (transformation) {
      const definition = hasOwn ? await resources.findEffectiveDefinition(tenant, instance.id, objectName) : null;
      mapping = { objectName, transformation, ...(definition ? { definition: { fields: definition.fields as ObjectDefinition['fields'] } } : {}) };
    }
    this.cache.set(key, { mapping });
    return mapping ?? undefined;
  }
}

const asTransformation = (stored: { vendorName: string; fields: unknown; configuration: unknown }): Transformation => ({
  vendorName: stored.vendorName,
  fields: stored.fields as Transformation['fields'],
  configuration: stored.configuration as Transformation['configuration'],
});
