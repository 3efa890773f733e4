import {
  BadRequestError,
  ConflictError,
  type ElementDefinition,
  NotFoundError,
  type ObjectDefinition,
  SHIPPED_OBJECTS,
  type Transformation,
  vendorFieldNames,
} from '@hub/element-sdk';
import { CommonResourceChanges, ElementCatalog, STORE } from '@hub/runtime';
import {
  AlreadyExistsError,
  type DefinitionScope,
  type Store,
  InstanceNotOwnedError,
  type StoredDefinition,
  type StoredTransformation,
  type Tenant,
  type TransformationScope,
} from '@hub/store';
import { validateDefinition, validateTransformation } from '@hub/transformations';
import { Inject, Injectable } from '@nestjs/common';

const OBJECT_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

export function checkObjectName(name: string): string {
  if (!OBJECT_NAME.test(name)) {
    throw new BadRequestError(`objectName '${name}' must start with a letter and hold only letters, digits and _ (at most 64)`);
  }
  return name;
}

const definitionView = (d: StoredDefinition) => ({
  objectName: d.objectName,
  fields: d.fields,
  createdDate: d.createdDate.toISOString(),
  updatedDate: d.updatedDate.toISOString(),
});

const transformationView = (t: StoredTransformation, level: string, elementKey?: string) => ({
  objectName: t.objectName,
  level,
  ...(elementKey ? { element: { key: elementKey } } : {}),
  vendorName: t.vendorName,
  fields: t.fields,
  configuration: t.configuration,
  createdDate: t.createdDate.toISOString(),
  updatedDate: t.updatedDate.toISOString(),
});

/**
 * Common objects and their transformations, at the organization level and per instance: the
 * bodies are checked by libs/transformations (each bad field named), a transformation against the
 * object's definition (the instance's, else the organization's) and the element's declared model.
 */
@Injectable()
export class CommonResourcesService {
  constructor(
    @Inject(STORE) private readonly store: Store,
    private readonly catalog: ElementCatalog,
    private readonly changes: CommonResourceChanges,
  ) {}

  // ---- definitions -------------------------------------------------------------------------------

  /** An empty body (or `{}`) for a shipped common object (`messages`) stores the shipped fields. */
  async createDefinition(tenant: Tenant, scope: DefinitionScope, objectName: string, body: unknown) {
    const definition = validateDefinition(shippedIfEmpty(body, checkObjectName(objectName)), objectName);
    return definitionView(await this.guard(objectName, async () => this.written(await this.store.commonResources.createDefinition(tenant, scope, objectName, definition.fields))));
  }

  async getDefinition(tenant: Tenant, scope: DefinitionScope, objectName: string) {
    await this.checkScope(tenant, scope);
    const found = await this.store.commonResources.findDefinition(tenant, scope, checkObjectName(objectName));
    if (!found) throw new NotFoundError(`No definition of '${objectName}' ${describeScope(scope)}`);
    return definitionView(found);
  }

  async listDefinitions(tenant: Tenant, scope: DefinitionScope) {
    await this.checkScope(tenant, scope);
    return (await this.store.commonResources.listDefinitions(tenant, scope)).map(definitionView);
  }

  async replaceDefinition(tenant: Tenant, scope: DefinitionScope, objectName: string, body: unknown) {
    const definition = validateDefinition(shippedIfEmpty(body, checkObjectName(objectName)), objectName);
    await this.checkScope(tenant, scope);
    const replaced = this.written(await this.store.commonResources.replaceDefinition(tenant, scope, objectName, definition.fields));
    if (!replaced) throw new NotFoundError(`No definition of '${objectName}' ${describeScope(scope)}: create it with POST`);
    return definitionView(replaced);
  }

  async deleteDefinition(tenant: Tenant, scope: DefinitionScope, objectName: string) {
    await this.checkScope(tenant, scope);
    if (!(this.written(await this.store.commonResources.deleteDefinition(tenant, scope, checkObjectName(objectName))))) {
      throw new NotFoundError(`No definition of '${objectName}' ${describeScope(scope)}`);
    }
    return {};
  }

  /** The definition that applies to an instance: its own, else its organization's. */
  async effectiveDefinition(tenant: Tenant, instanceId: number | undefined, objectName: string): Promise<ObjectDefinition | undefined> {
    const found = await this.store.commonResources.findEffectiveDefinition(tenant, instanceId, objectName);
    return found ? { fields: found.fields as ObjectDefinition['fields'] } : undefined;
  }

  // ---- transformations ---------------------------------------------------------------------------

  /**
   * An empty body (or `{}`) stores the element's own mapping of a shipped common object (the
   * organization opts in to `messages` on this element), defining the object first at the
   * organization level if it is not defined yet.
   */
  async createTransformation(tenant: Tenant, scope: TransformationScope, objectName: string, body: unknown) {
    const element = await this.elementOf(tenant, scope);
    const transformation = await this.validate(tenant, scope, element, objectName, await this.bodyOrShipped(tenant, scope, element, objectName, body));
    const stored = await this.guard(objectName, async () => this.written(await this.store.commonResources.createTransformation(tenant, scope, objectName, toBody(transformation))));
    return transformationView(stored, scope.level, element.metadata.key);
  }

  async getTransformation(tenant: Tenant, scope: TransformationScope, objectName: string) {
    const element = await this.elementOf(tenant, scope);
    const found = await this.store.commonResources.findTransformation(tenant, scope, checkObjectName(objectName));
    if (!found) throw new NotFoundError(`No transformation of '${objectName}' ${describeScope(scope, element)}`);
    return transformationView(found, scope.level, element.metadata.key);
  }

  async listTransformations(tenant: Tenant, scope: TransformationScope) {
    const element = await this.elementOf(tenant, scope);
    return (await this.store.commonResources.listTransformations(tenant, scope)).map((t) => transformationView(t, scope.level, element.metadata.key));
  }

  async replaceTransformation(tenant: Tenant, scope: TransformationScope, objectName: string, body: unknown) {
    const element = await this.elementOf(tenant, scope);
    const transformation = await this.validate(tenant, scope, element, objectName, await this.bodyOrShipped(tenant, scope, element, objectName, body));
    const replaced = this.written(await this.store.commonResources.replaceTransformation(tenant, scope, objectName, toBody(transformation)));
    if (!replaced) throw new NotFoundError(`No transformation of '${objectName}' ${describeScope(scope, element)}: create it with POST`);
    return transformationView(replaced, scope.level, element.metadata.key);
  }

  async deleteTransformations(tenant: Tenant, scope: TransformationScope, objectName?: string) {
    const element = await this.elementOf(tenant, scope);
    const count = this.written(await this.store.commonResources.deleteTransformations(tenant, scope, objectName === undefined ? undefined : checkObjectName(objectName)));
    if (objectName !== undefined && count === 0) throw new NotFoundError(`No transformation of '${objectName}' ${describeScope(scope, element)}`);
    return objectName === undefined ? { deleted: count } : {};
  }

  /** What the element ships about common objects: its mappings of them, and its old-platform defaults. */
  shippedTransformations(keyOrId: string) {
    const element = this.catalog.find(keyOrId);
    const view = (level: string) => ([objectName, t]: [string, Transformation]) => ({ objectName, level, element: { key: element.metadata.key }, ...t });
    return [...Object.entries(element.transformations.common).map(view('shipped')), ...Object.entries(element.transformations.defaults).map(view('default'))];
  }

  // ---- helpers -----------------------------------------------------------------------------------

  private async bodyOrShipped(tenant: Tenant, scope: TransformationScope, element: ElementDefinition, objectName: string, body: unknown): Promise<unknown> {
    if (!isEmptyBody(body)) return body;
    const shipped = element.transformations.common[checkObjectName(objectName)];
    if (!shipped) {
      const offered = Object.keys(element.transformations.common);
      throw new BadRequestError(
        `element '${element.metadata.key}' ships no mapping of '${objectName}'${offered.length ? ` (it ships: ${offered.join(', ')})` : ''}: send {"vendorName": …, "fields": [{"path", "vendorPath"}, …]}`,
      );
    }
    const definition = SHIPPED_OBJECTS[objectName];
    if (definition && !(await this.effectiveDefinition(tenant, scope.level === 'instance' ? scope.instanceId : undefined, objectName))) {
      try {
        this.written(await this.store.commonResources.createDefinition(tenant, ORGANIZATION, objectName, plainFields(definition)));
      } catch (error) {
        if (!(error instanceof AlreadyExistsError)) throw error; // defined meanwhile: use that one
      }
    }
    return JSON.parse(JSON.stringify(shipped)) as unknown;
  }

  private async validate(tenant: Tenant, scope: TransformationScope, element: ElementDefinition, objectName: string, body: unknown) {
    checkObjectName(objectName);
    const definition = await this.effectiveDefinition(tenant, scope.level === 'instance' ? scope.instanceId : undefined, objectName);
    if (!definition) {
      throw new BadRequestError(`'${objectName}' is not a defined object: define it first (POST /organizations/objects/${objectName}/definitions)`);
    }
    const vendorName = (body as { vendorName?: unknown } | null)?.vendorName;
    const resource = element.resources.find((r) => r.name === vendorName);
    if (typeof vendorName === 'string' && vendorName !== '' && !resource) {
      throw new BadRequestError(
        `vendorName '${vendorName}' is not a resource of element '${element.metadata.key}' (resources: ${element.resources.map((r) => r.name).join(', ')})`,
      );
    }
    const vendorFields = resource ? vendorFieldNames(resource) : undefined;
    return validateTransformation(body, objectName, { definition, ...(vendorFields ? { vendorFields } : {}) });
  }

  private async elementOf(tenant: Tenant, scope: TransformationScope): Promise<ElementDefinition> {
    if (scope.level === 'organization') return this.catalog.byId(scope.elementId);
    const instance = await this.store.instances.findById(tenant, scope.instanceId);
    if (!instance) throw new NotFoundError(`No instance with id ${scope.instanceId}`);
    return this.catalog.byId(instance.elementId);
  }

  private async checkScope(tenant: Tenant, scope: DefinitionScope): Promise<void> {
    if (scope.level === 'instance' && !(await this.store.instances.findById(tenant, scope.instanceId))) {
      throw new NotFoundError(`No instance with id ${scope.instanceId}`);
    }
  }

  /** Every write makes the hub's resolved mappings stale at once. */
  private written<T>(result: T): T {
    this.changes.changed();
    return result;
  }

  private async guard<T>(objectName: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof AlreadyExistsError) throw new ConflictError(`'${objectName}' already exists here: change it with PUT, or DELETE it first`);
      if (error instanceof InstanceNotOwnedError) throw new NotFoundError(`No ${error.message}`);
      throw error;
    }
  }
}

/**
 * A definition body as sent, or the shipped object's fields when the body is empty and the object
 * is one the hub ships; an empty body for any other object is refused by validateDefinition.
 */
function shippedIfEmpty(body: unknown, objectName: string): unknown {
  const shipped = SHIPPED_OBJECTS[objectName];
  return shipped && isEmptyBody(body) ? { fields: plainFields(shipped) } : body;
}

const ORGANIZATION = { level: 'organization' } as const;

const isEmptyBody = (body: unknown) =>
  body === undefined || body === null || (typeof body === 'object' && !Array.isArray(body) && Object.keys(body).length === 0);

/** A shipped definition's fields as a stored definition holds them (descriptions stay in the code). */
const plainFields = (definition: ObjectDefinition) => definition.fields.map(({ path, type }) => ({ path, type }));

function toBody(t: ReturnType<typeof validateTransformation>) {
  return { vendorName: t.vendorName, fields: t.fields, configuration: t.configuration ?? [] };
}

function describeScope(scope: DefinitionScope | TransformationScope, element?: ElementDefinition): string {
  if (scope.level === 'instance') return `on instance ${scope.instanceId}`;
  return element ? `for element '${element.metadata.key}' in this organization` : 'in this organization';
}
