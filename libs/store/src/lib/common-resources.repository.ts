import { Prisma, type PrismaClient } from '../generated/prisma/client';
import type { Tenant } from './tenant';

/** Where a definition or transformation applies: the organization (for one element), or one instance. */
export type DefinitionScope = { readonly level: 'organization' } | { readonly level: 'instance'; readonly instanceId: number };
export type TransformationScope =
  | { readonly level: 'organization'; readonly elementId: number }
  | { readonly level: 'instance'; readonly instanceId: number };

export interface StoredDefinition {
  readonly objectName: string;
  /** As validated by libs/transformations (a list of {path, type}). */
  readonly fields: unknown;
  readonly createdDate: Date;
  readonly updatedDate: Date;
}

export interface StoredTransformation {
  readonly objectName: string;
  readonly vendorName: string;
  readonly fields: unknown;
  readonly configuration: unknown;
  readonly createdDate: Date;
  readonly updatedDate: Date;
}

export interface TransformationBody {
  readonly vendorName: string;
  readonly fields: unknown;
  readonly configuration: unknown;
}

/** Thrown by create when the name is taken at that scope (the API answers 409). */
export class AlreadyExistsError extends Error {}

/** Thrown when an instance scope names an instance the tenant does not own (the API answers 404). */
export class InstanceNotOwnedError extends Error {}

const json = (value: unknown) => value as Prisma.InputJsonValue;
const isUniqueViolation = (error: unknown) => error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';

/**
 * Common objects (definitions) and how vendor resources map onto them (transformations), at the
 * organization level and per instance. Every call is scoped to the tenant's organization; an
 * instance scope is only reached through an instance of that organization.
 */
export class CommonResourcesRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async createDefinition(tenant: Tenant, scope: DefinitionScope, objectName: string, fields: unknown): Promise<StoredDefinition> {
    await this.checkOwner(tenant, scope);
    try {
      return scope.level === 'organization'
        ? await this.prisma.organizationObjectDefinition.create({ data: { organizationId: tenant.organizationId, objectName, fields: json(fields) } })
        : await this.prisma.instanceObjectDefinition.create({
            data: { instanceId: scope.instanceId, organizationId: tenant.organizationId, objectName, fields: json(fields) },
          });
    } catch (error) {
      if (isUniqueViolation(error)) throw new AlreadyExistsError(objectName);
      throw error;
    }
  }

  /** Writes at an instance scope only go to an instance of the tenant's organization. */
  private async checkOwner(tenant: Tenant, scope: DefinitionScope | TransformationScope): Promise<void> {
    if (scope.level !== 'instance') return;
    const owned = await this.prisma.instance.count({ where: { id: scope.instanceId, organizationId: tenant.organizationId } });
    if (owned === 0) throw new InstanceNotOwnedError(`instance ${scope.instanceId}`);
  }

  async findDefinition(tenant: Tenant, scope: DefinitionScope, objectName: string): Promise<StoredDefinition | null> {
    return scope.level === 'organization'
      ? this.prisma.organizationObjectDefinition.findFirst({ where: { organizationId: tenant.organizationId, objectName } })
      : this.prisma.instanceObjectDefinition.findFirst({ where: { instanceId: scope.instanceId, organizationId: tenant.organizationId, objectName } });
  }

  /** The definition that applies on an instance: its own, else its organization's (without an instance: the organization's). */
  async findEffectiveDefinition(tenant: Tenant, instanceId: number | undefined, objectName: string): Promise<StoredDefinition | null> {
    const own = instanceId === undefined ? null : await this.findDefinition(tenant, { level: 'instance', instanceId }, objectName);
    return own ?? this.findDefinition(tenant, { level: 'organization' }, objectName);
  }

  async listDefinitions(tenant: Tenant, scope: DefinitionScope): Promise<StoredDefinition[]> {
    return scope.level === 'organization'
      ? this.prisma.organizationObjectDefinition.findMany({ where: { organizationId: tenant.organizationId }, orderBy: { objectName: 'asc' } })
      : this.prisma.instanceObjectDefinition.findMany({ where: { instanceId: scope.instanceId, organizationId: tenant.organizationId }, orderBy: { objectName: 'asc' } });
  }

  /** Replaces an existing definition; null when there is none. */
  async replaceDefinition(tenant: Tenant, scope: DefinitionScope, objectName: string, fields: unknown): Promise<StoredDefinition | null> {
    const where = { organizationId: tenant.organizationId, objectName, ...(scope.level === 'instance' ? { instanceId: scope.instanceId } : {}) };
    const { count } =
      scope.level === 'organization'
        ? await this.prisma.organizationObjectDefinition.updateMany({ where, data: { fields: json(fields) } })
        : await this.prisma.instanceObjectDefinition.updateMany({ where, data: { fields: json(fields) } });
    return count > 0 ? this.findDefinition(tenant, scope, objectName) : null;
  }

  async deleteDefinition(tenant: Tenant, scope: DefinitionScope, objectName: string): Promise<boolean> {
    const where = { organizationId: tenant.organizationId, objectName, ...(scope.level === 'instance' ? { instanceId: scope.instanceId } : {}) };
    const { count } =
      scope.level === 'organization'
        ? await this.prisma.organizationObjectDefinition.deleteMany({ where })
        : await this.prisma.instanceObjectDefinition.deleteMany({ where });
    return count > 0;
  }

  async createTransformation(tenant: Tenant, scope: TransformationScope, objectName: string, body: TransformationBody): Promise<StoredTransformation> {
    await this.checkOwner(tenant, scope);
    const data = { organizationId: tenant.organizationId, objectName, vendorName: body.vendorName, fields: json(body.fields), configuration: json(body.configuration) };
    try {
      return scope.level === 'organization'
        ? await this.prisma.organizationTransformation.create({ data: { ...data, elementId: scope.elementId } })
        : await this.prisma.instanceTransformation.create({ data: { ...data, instanceId: scope.instanceId } });
    } catch (error) {
      if (isUniqueViolation(error)) throw new AlreadyExistsError(objectName);
      throw error;
    }
  }

  async findTransformation(tenant: Tenant, scope: TransformationScope, objectName: string): Promise<StoredTransformation | null> {
    return scope.level === 'organization'
      ? this.prisma.organizationTransformation.findFirst({ where: { organizationId: tenant.organizationId, elementId: scope.elementId, objectName } })
      : this.prisma.instanceTransformation.findFirst({ where: { organizationId: tenant.organizationId, instanceId: scope.instanceId, objectName } });
  }

  async listTransformations(tenant: Tenant, scope: TransformationScope): Promise<StoredTransformation[]> {
    return scope.level === 'organization'
      ? this.prisma.organizationTransformation.findMany({ where: { organizationId: tenant.organizationId, elementId: scope.elementId }, orderBy: { objectName: 'asc' } })
      : this.prisma.instanceTransformation.findMany({ where: { organizationId: tenant.organizationId, instanceId: scope.instanceId }, orderBy: { objectName: 'asc' } });
  }

  async replaceTransformation(tenant: Tenant, scope: TransformationScope, objectName: string, body: TransformationBody): Promise<StoredTransformation | null> {
    const data = { vendorName: body.vendorName, fields: json(body.fields), configuration: json(body.configuration) };
    const { count } =
      scope.level === 'organization'
        ? await this.prisma.organizationTransformation.updateMany({ where: { organizationId: tenant.organizationId, elementId: scope.elementId, objectName }, data })
        : await this.prisma.instanceTransformation.updateMany({ where: { organizationId: tenant.organizationId, instanceId: scope.instanceId, objectName }, data });
    return count > 0 ? this.findTransformation(tenant, scope, objectName) : null;
  }

  /**
   * Which objects are transformed anywhere in the organization: `e<elementId>:<objectName>` for the
   * organization's, `i<instanceId>:<objectName>` for instances'. Two small reads that let a hub call on
   * an object nobody transformed skip looking for its transformation.
   */
  async transformedObjects(tenant: Tenant): Promise<Set<string>> {
    const [shared, own] = await Promise.all([
      this.prisma.organizationTransformation.findMany({ where: { organizationId: tenant.organizationId }, select: { elementId: true, objectName: true } }),
      this.prisma.instanceTransformation.findMany({ where: { organizationId: tenant.organizationId }, select: { instanceId: true, objectName: true } }),
    ]);
    return new Set([...shared.map((t) => `e${t.elementId}:${t.objectName}`), ...own.map((t) => `i${t.instanceId}:${t.objectName}`)]);
  }

  /** Deletes one transformation (objectName) or, without it, every one at that scope; returns how many. */
  async deleteTransformations(tenant: Tenant, scope: TransformationScope, objectName?: string): Promise<number> {
    const named = objectName === undefined ? {} : { objectName };
    const { count } =
      scope.level === 'organization'
        ? await this.prisma.organizationTransformation.deleteMany({ where: { organizationId: tenant.organizationId, elementId: scope.elementId, ...named } })
        : await this.prisma.instanceTransformation.deleteMany({ where: { organizationId: tenant.organizationId, instanceId: scope.instanceId, ...named } });
    return count;
  }
}
