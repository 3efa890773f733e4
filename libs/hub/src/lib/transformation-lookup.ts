import type { ElementDefinition, ObjectDefinition, Transformation } from '@hub/element-sdk';
import { ChangeFeed, CommonResourceChanges, RefreshingCache, STORE, type ResolvedTransformation } from '@hub/runtime';
import type { Store, InstanceRecord, Tenant } from '@hub/store';
import { mergeTransformations } from '@hub/transformations';
import { Inject, Injectable } from '@nestjs/common';

/**
 * How long a resolved mapping is reused by this process when the change feed says nothing of it; under
 * steady traffic it is reloaded in the background after half of it, so no call waits for the store.
 */
export const MAPPING_TTL_MS = 2_000;
const CACHE_OPTIONS = { max: 10_000, ttlMs: MAPPING_TTL_MS, refreshAfterMs: MAPPING_TTL_MS / 2 };

/**
 * The transformation that applies to an object on an instance: the organization's for the
 * instance's element (else the element's old-platform default, if it has one), with the instance's
 * over it field by field, and the object's definition (the instance's, else the organization's).
 * Resolved once per MAPPING_TTL_MS, off the request path in steady state; a change on the change feed
 * (commonResources, everything) applies at once.
 */
@Injectable()
export class TransformationLookup {
  private readonly cache = new RefreshingCache<string, ResolvedTransformation | null>(CACHE_OPTIONS);
  /** Per organization: which objects are transformed at all (most hub calls are on objects nobody transformed). */
  private readonly transformed = new RefreshingCache<string, Set<string>>(CACHE_OPTIONS);
  /** Elements' defaults as resolved, by the default itself (element definitions live as long as the process). */
  private readonly defaults = new WeakMap<Transformation, ResolvedTransformation>();

  constructor(
    @Inject(STORE) private readonly store: Store,
    private readonly changes: CommonResourceChanges,
    feed: ChangeFeed,
  ) {
    feed.subscribe((change) => {
      if (change.kind === 'commonResources' || change.kind === 'everything') {
        this.cache.clear();
        this.transformed.clear();
      }
    });
  }

  async resolve(tenant: Tenant, instance: InstanceRecord, element: ElementDefinition, objectName: string | undefined): Promise<ResolvedTransformation | undefined> {
    if (!objectName) return undefined;
    const orgKey = `${this.changes.generation}:${tenant.organizationId}`;
    const names = await this.transformed.get(orgKey, () => this.store.commonResources.transformedObjects(tenant));
    const elementDefault = element.transformations.defaults[objectName];
    const hasOwn = names.has(`e${element.metadata.id}:${objectName}`) || names.has(`i${instance.id}:${objectName}`);
    if (!hasOwn) return elementDefault && this.elementDefault(objectName, elementDefault);
    const key = `${this.changes.generation}:${instance.id}:${objectName}`;
    return (await this.cache.get(key, () => this.load(tenant, instance, element, objectName, elementDefault))) ?? undefined;
  }

  /**
   * An element's default (code, not stored) as it applies to every instance with nothing of its own or
   * its organization's, the common case: one object for all of them, so what is compiled from it (the
   * call path's mapping, kept by this object) is compiled once, not once per instance and reload.
   */
  private elementDefault(objectName: string, transformation: Transformation): ResolvedTransformation {
    let resolved = this.defaults.get(transformation);
    if (!resolved) this.defaults.set(transformation, (resolved = { objectName, transformation }));
    return resolved;
  }

  private async load(
    tenant: Tenant,
    instance: InstanceRecord,
    element: ElementDefinition,
    objectName: string,
    elementDefault: Transformation | undefined,
  ): Promise<ResolvedTransformation | null> {
    const resources = this.store.commonResources;
    const [own, shared] = await Promise.all([
      resources.findTransformation(tenant, { level: 'instance', instanceId: instance.id }, objectName),
      resources.findTransformation(tenant, { level: 'organization', elementId: element.metadata.id }, objectName),
    ]);
    const transformation = mergeTransformations(shared ? asTransformation(shared) : elementDefault, own ? asTransformation(own) : undefined);
    if (!transformation) return null;
    const definition = await resources.findEffectiveDefinition(tenant, instance.id, objectName);
    return { objectName, transformation, ...(definition ? { definition: { fields: definition.fields as ObjectDefinition['fields'] } } : {}) };
  }
}

const asTransformation = (stored: { vendorName: string; fields: unknown; configuration: unknown }): Transformation => ({
  vendorName: stored.vendorName,
  fields: stored.fields as Transformation['fields'],
  configuration: stored.configuration as Transformation['configuration'],
});
