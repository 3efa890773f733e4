import { BadRequestError, ConflictError, NotFoundError, UnauthorizedError } from '@hub/element-sdk';
import {
  ChangeFeed,
  countLoginAttempt,
  ElementCatalog,
  EVENT_OPERATIONS,
  type EventOperations,
  STORE,
  INSTANCE_OPERATIONS,
  type InstanceOperations,
  PLATFORM_OPTIONS,
  type PlatformOptions,
  SECRET_ROTATION,
  type SecretRotation,
  throttleKeys,
} from '@hub/runtime';
import {
  type Store,
  INSTANCE_STATUSES,
  type InstanceStatus,
  LoginNameTakenError,
  type NewAuditEntry,
  type Operator,
  PasswordRejectedError,
  type Tenant,
} from '@hub/store';
import { type PageRequest, skipTakeOf } from '@hub/http';
import { Inject, Injectable } from '@nestjs/common';
import type { NewOrganizationDto, NewUserDto, OrganizationPatchDto, RateLimitDto } from './admin.dto';

export type Paging = PageRequest;

/** An instance as operators see it: the owner's view without the Element token (the tenant's credential for hub calls). */
const operatorView = <V extends { token: string }>(view: V): V => ({ ...view, token: '********' });


/** One operator sign-in answers the same 401 for an unknown operator, a disabled one and a wrong password. */
export const OPERATOR_LOGIN_REFUSED = 'The email address or password is not valid';

/**
 * The admin API's work: everything across organizations for operators, each change written to
 * the audit log with the operator, the target and the request id. Work on one tenant's things
 * (an instance's view, its events, enabling it) goes through the same services the tenant's own
 * calls use, acting as the instance's owner.
 */
@Injectable()
export class AdminService {
  constructor(
    @Inject(STORE) private readonly store: Store,
    @Inject(PLATFORM_OPTIONS) private readonly options: PlatformOptions,
    private readonly catalog: ElementCatalog,
    @Inject(INSTANCE_OPERATIONS) private readonly instances: InstanceOperations,
    @Inject(EVENT_OPERATIONS) private readonly events: EventOperations,
    @Inject(SECRET_ROTATION) private readonly authentication: SecretRotation,
    private readonly changes: ChangeFeed,
  ) {}

  // ---- sessions ----------------------------------------------------------------------------------

  /** Signs an operator in (throttled like the users' login, on its own keys). */
  async signIn(email: string, password: string, address: string, requestId: string) {
    const keys = throttleKeys(email, address, 'operator');
    await countLoginAttempt(this.store, this.options.login, keys);
    const operator = await this.store.operators.verifyPassword(email, password);
    if (!operator || operator.disabled) throw new UnauthorizedError(OPERATOR_LOGIN_REFUSED);
    await this.store.logins.forgiveAttempt([keys.username], [keys.address]);
    await this.store.operatorSessions.pruneSessions();
    const session = await this.store.operatorSessions.openSession(operator, this.options.admin.sessionTtlSeconds);
    await this.audit(session.operator, { action: 'session.open', targetType: 'operator', targetId: operator.id, requestId });
    return session;
  }

  async signOut(operator: Operator, token: string, requestId: string): Promise<void> {
    await this.store.operatorSessions.closeSession(token);
    await this.audit(operator, { action: 'session.close', targetType: 'operator', targetId: operator.id, requestId });
  }

  // ---- organizations and users -------------------------------------------------------------------

  listOrganizations(operator: Operator, paging: Paging, name?: string) {
    return this.store.crossTenant.listOrganizations(operator, skipTakeOf(paging), { name });
  }

  async organization(operator: Operator, id: number) {
    const found = await this.store.crossTenant.findOrganization(operator, id);
    if (!found) throw new NotFoundError(`No organization with id ${id}`);
    return { ...found, users: await this.store.crossTenant.listUsers(operator, id) };
  }

  /** Creates an organization and its first user; their secrets are in this answer only. */
  async createOrganization(operator: Operator, body: NewOrganizationDto, requestId: string) {
    const created = await this.userInput(() => this.store.tenants.createOrganization({ name: body.name, user: { ...body.user } }));
    await this.audit(operator, {
      action: 'organization.create',
      targetType: 'organization',
      targetId: created.organization.id,
      details: { name: body.name, userEmail: body.user.emailAddress, withPassword: body.user.password !== undefined },
      requestId,
    });
    return { organization: created.organization, user: created.user };
  }

  async updateOrganization(operator: Operator, id: number, body: OrganizationPatchDto, requestId: string) {
    if (body.name === undefined && body.suspended === undefined) throw new BadRequestError('Send name and/or suspended');
    await this.organization(operator, id);
    if (body.name !== undefined) {
      await this.store.crossTenant.renameOrganization(operator, id, body.name);
      await this.audit(operator, { action: 'organization.update', targetType: 'organization', targetId: id, details: { name: body.name }, requestId });
    }
    if (body.suspended !== undefined) {
      await this.store.tenants.setOrganizationSuspended(id, body.suspended);
      this.changes.publish({ kind: 'organization', organizationId: id });
      await this.audit(operator, { action: body.suspended ? 'organization.suspend' : 'organization.resume', targetType: 'organization', targetId: id, requestId });
    }
    return this.organization(operator, id);
  }

  async deleteOrganization(operator: Operator, id: number, requestId: string) {
    const found = await this.store.crossTenant.findOrganization(operator, id);
    if (!found || !(await this.store.crossTenant.deleteOrganization(operator, id))) throw new NotFoundError(`No organization with id ${id}`);
    this.changes.publish({ kind: 'organization', organizationId: id });
    await this.audit(operator, { action: 'organization.delete', targetType: 'organization', targetId: id, details: { name: found.name, instances: found.instances }, requestId });
    return {};
  }

  async createUser(operator: Operator, organizationId: number, body: NewUserDto, requestId: string) {
    const tenant = await this.tenantOfOrganization(operator, organizationId);
    const user = await this.userInput(() => this.store.tenants.createUser(tenant, { ...body }));
    await this.audit(operator, {
      action: 'user.create',
      targetType: 'user',
      targetId: user.id,
      details: { organizationId, emailAddress: body.emailAddress, withPassword: body.password !== undefined },
      requestId,
    });
    return user;
  }

  async rotateOrganizationSecret(operator: Operator, organizationId: number, requestId: string) {
    const rotated = await this.authentication.rotateOrganizationSecret(await this.tenantOfOrganization(operator, organizationId));
    await this.audit(operator, { action: 'organization.secret.rotate', targetType: 'organization', targetId: organizationId, details: { previousSecretExpiresAt: rotated.previousSecretExpiresAt }, requestId });
    return rotated;
  }

  async rotateUserSecret(operator: Operator, organizationId: number, userId: number, requestId: string) {
    const tenant = await this.store.crossTenant.tenantOfOrganization(operator, organizationId, userId);
    if (!tenant) throw new NotFoundError(`No user ${userId} in organization ${organizationId}`);
    const rotated = await this.authentication.rotateUserSecret(tenant);
    await this.audit(operator, { action: 'user.secret.rotate', targetType: 'user', targetId: userId, details: { organizationId, previousSecretExpiresAt: rotated.previousSecretExpiresAt }, requestId });
    return rotated;
  }

  async setRateLimit(operator: Operator, organizationId: number, limit: RateLimitDto | null, requestId: string) {
    await this.organization(operator, organizationId);
    await this.store.rateLimits.set(organizationId, limit && { requestsPerSecond: limit.requestsPerSecond, burst: limit.burst });
    this.changes.publish({ kind: 'rateLimits', organizationId });
    await this.audit(operator, {
      action: limit ? 'organization.rateLimit.set' : 'organization.rateLimit.remove',
      targetType: 'organization',
      targetId: organizationId,
      details: limit ? { requestsPerSecond: limit.requestsPerSecond, burst: limit.burst } : undefined,
      requestId,
    });
    return { rateLimit: limit && { requestsPerSecond: limit.requestsPerSecond, burst: limit.burst } };
  }

  // ---- instances ---------------------------------------------------------------------------------

  async searchInstances(
    operator: Operator,
    query: { organizationId?: number; element?: string; name?: string; tag?: string; status?: string },
    paging: Paging,
  ) {
    if (query.status !== undefined && !(INSTANCE_STATUSES as readonly string[]).includes(query.status)) {
      throw new BadRequestError(`status must be one of ${INSTANCE_STATUSES.join(', ')} (got '${query.status}')`);
    }
    const elementId = query.element === undefined ? undefined : this.catalog.find(query.element).metadata.id;
    const found = await this.store.crossTenant.searchInstances(
      operator,
      { organizationId: query.organizationId, elementId, name: query.name, tag: query.tag, status: query.status as InstanceStatus | undefined },
      skipTakeOf(paging),
    );
    return { total: found.total, items: found.items.map((i) => ({ ...i, element: this.elementSummary(i.elementId) })) };
  }

  /** An instance as its owner sees it (secrets masked), with its poller, recent deliveries and traces. */
  async instance(operator: Operator, id: number) {
    const tenant = await this.tenantOfInstance(operator, id);
    const [view, poller, deliveries, traces, organization] = await Promise.all([
      this.instances.get(tenant, id),
      this.events.pollerStatus(tenant, id),
      this.store.crossTenant.deliveries(operator, { instanceId: id }, { skip: 0, take: 20 }),
      this.store.traces.list(tenant, id, { skip: 0, take: 20 }),
      this.store.crossTenant.findOrganization(operator, tenant.organizationId),
    ]);
    return { instance: operatorView(view), organization: organization && { id: organization.id, name: organization.name }, poller, deliveries: deliveries.items, traces: traces.items };
  }

  async setInstanceEnabled(operator: Operator, id: number, enabled: boolean, requestId: string) {
    const view = await this.instances.setEnabled(await this.tenantOfInstance(operator, id), id, enabled);
    await this.audit(operator, { action: enabled ? 'instance.enable' : 'instance.disable', targetType: 'instance', targetId: id, requestId });
    return operatorView(view);
  }

  // ---- events ------------------------------------------------------------------------------------

  pollers(operator: Operator, failing: boolean, paging: Paging) {
    return this.store.crossTenant.pollers(operator, { failing }, skipTakeOf(paging));
  }

  deliveries(operator: Operator, status: string | undefined, paging: Paging) {
    const statuses = ['created', 'retry', 'delivered', 'failed'];
    if (status !== undefined && !statuses.includes(status)) throw new BadRequestError(`status must be one of ${statuses.join(', ')} (got '${status}')`);
    return this.store.crossTenant.deliveries(operator, { status }, skipTakeOf(paging));
  }

  deliveryHours(operator: Operator, hours: number) {
    return this.store.crossTenant.deliveryHours(operator, hours);
  }

  /** Circuit-breaker states per callback URL (query and credentials never shown). */
  circuits(all: boolean) {
    return this.store.circuits.list({ all });
  }

  async redeliver(operator: Operator, eventId: string, requestId: string) {
    const tenant = await this.store.crossTenant.tenantOfEvent(operator, eventId);
    if (!tenant) throw new NotFoundError(`No event notification ${eventId}`);
    const result = await this.events.redeliver(tenant, eventId);
    await this.audit(operator, { action: 'event.redeliver', targetType: 'event', targetId: eventId, requestId });
    return result;
  }

  async redeliverFailed(operator: Operator, instanceId: number, requestId: string) {
    const result = await this.events.redeliverFailed(await this.tenantOfInstance(operator, instanceId), instanceId);
    await this.audit(operator, { action: 'instance.events.redeliverFailed', targetType: 'instance', targetId: instanceId, details: { ...result }, requestId });
    return result;
  }

  // ---- elements and audit ------------------------------------------------------------------------

  async elements() {
    const active = await this.catalog.activeStates();
    return this.catalog.elements.map((e) => ({ ...this.elementSummary(e.metadata.id), name: e.metadata.name, active: active.get(e.metadata.id) ?? true }));
  }

  async setElementActive(operator: Operator, keyOrId: string, active: boolean, requestId: string) {
    const element = this.catalog.find(keyOrId);
    await this.store.elements.setActive(element.metadata.id, active);
    await this.audit(operator, { action: active ? 'element.activate' : 'element.deactivate', targetType: 'element', targetId: element.metadata.key, requestId });
    return { ...this.elementSummary(element.metadata.id), name: element.metadata.name, active };
  }

  auditLog(operator: Operator, paging: Paging, action?: string) {
    return this.store.auditLog.listAudit(operator, skipTakeOf(paging), { action });
  }

  // ---- helpers -----------------------------------------------------------------------------------

  private audit(operator: Operator, entry: NewAuditEntry): Promise<void> {
    return this.store.auditLog.audit(operator, entry);
  }

  private elementSummary(elementId: number) {
    const element = this.catalog.elements.find((e) => e.metadata.id === elementId);
    return { id: elementId, key: element?.metadata.key ?? `unknown-${elementId}` };
  }

  private async tenantOfInstance(operator: Operator, id: number): Promise<Tenant> {
    const tenant = await this.store.crossTenant.tenantOfInstance(operator, id);
    if (!tenant) throw new NotFoundError(`No instance with id ${id}`);
    return tenant;
  }

  private async tenantOfOrganization(operator: Operator, id: number): Promise<Tenant> {
    const tenant = await this.store.crossTenant.tenantOfOrganization(operator, id);
    if (!tenant) throw new NotFoundError(`No organization with id ${id}`);
    return tenant;
  }

  /** The store's refusals of what an operator typed, as 400/409 naming it. */
  private async userInput<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof PasswordRejectedError) throw new BadRequestError(`user.password: ${error.message}`);
      if (error instanceof LoginNameTakenError) throw new ConflictError(error.message);
      throw error;
    }
  }
}
