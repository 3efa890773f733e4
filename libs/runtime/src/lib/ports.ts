import type { ObjectDefinition, Transformation } from '@hub/element-sdk';
import type { InstanceRecord, Tenant } from '@hub/store';
import type { HttpAnswer } from '@hub/http';

/*
 * Contracts between features. A feature library never imports another (the lint rules refuse it);
 * where one needs another's capability it injects one of these tokens, and the app binds the token
 * to the feature that provides it (apps/api/src/app/ports.module.ts, apps/poller/src/app/poller.module.ts).
 */

/** Who makes a hub call: a tenant through one of its instances. */
export interface HubCaller {
  readonly tenant: Tenant;
  readonly instance: InstanceRecord;
  /** The organization's request.parameters.strict (PATCH /organizations/settings): strict on all its instances. */
  readonly strictParameters?: boolean;
}

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** Whether `method` (as written, upper case) is one of the platform API's methods. */
export function isHttpMethod(method: string): method is HttpMethod {
  return (HTTP_METHODS as readonly string[]).includes(method);
}

/** A hub call as it arrived: the path after `/hubs/{hub}/`, split into segments. */
export interface HubCall {
  readonly method: string;
  readonly segments: readonly string[];
  readonly query: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: unknown;
}

export interface HubResponse {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Record<string, string>;
}

/** How a hub call's object maps onto the element's vendor resource, for one instance (a transformation onto a common resource). */
export interface ResolvedTransformation {
  readonly objectName: string;
  readonly transformation: Transformation;
  readonly definition?: ObjectDefinition;
}

/** The hub call path, for features that call through an instance (polling, formulas). Bound to the hub's HubService. */
export const HUB_CALLS = Symbol('HUB_CALLS');
export interface HubCalls {
  call(caller: HubCaller, call: HubCall): Promise<HubResponse>;
  /** The transformation an object name has on the caller's instance, if it is a common resource there. */
  transformationOf(caller: HubCaller, objectName: string): Promise<ResolvedTransformation | undefined>;
}

/** Operators' event actions, for the admin feature. Bound to the events feature's EventsService. */
export const EVENT_OPERATIONS = Symbol('EVENT_OPERATIONS');
export interface EventOperations {
  pollerStatus(tenant: Tenant, instanceId: number): Promise<unknown>;
  redeliver(tenant: Tenant, eventId: string): Promise<unknown>;
  redeliverFailed(tenant: Tenant, instanceId: number): Promise<{ instanceId: number; requeued: number }>;
}

/** An instance as its owner sees it through the API (secrets masked). */
export interface InstanceViewBody {
  readonly id: number;
  readonly token: string;
  readonly [field: string]: unknown;
}

/** What operators do to a tenant's instances and secrets, for the admin feature. Bound to the instances feature's services. */
export const INSTANCE_OPERATIONS = Symbol('INSTANCE_OPERATIONS');
export interface InstanceOperations {
  get(tenant: Tenant, id: number): Promise<InstanceViewBody>;
  setEnabled(tenant: Tenant, id: number, enabled: boolean): Promise<InstanceViewBody>;
}
export const SECRET_ROTATION = Symbol('SECRET_ROTATION');
export interface SecretRotation {
  rotateUserSecret(tenant: Tenant): Promise<{ userSecret: string; previousSecretExpiresAt: string | null }>;
  rotateOrganizationSecret(tenant: Tenant): Promise<{ organizationSecret: string; previousSecretExpiresAt: string | null }>;
}

/** A hub call a client made through the API, as features that act after one see it (formulas' elementRequest trigger). */
export interface CompletedHubCall {
  readonly tenant: Tenant;
  readonly instanceId: number;
  readonly method: string;
  /** The path after /hubs/{hub}/, e.g. `messages/SM123`. */
  readonly path: string;
  readonly query: Readonly<Record<string, string | string[] | undefined>>;
  readonly requestBody: unknown;
  readonly status: number;
  readonly responseBody: unknown;
}

/** What operators see of and do to a tenant's formula executions, for the admin feature. Bound to the formulas feature's FormulasService (api app). */
export const FORMULA_OPERATIONS = Symbol('FORMULA_OPERATIONS');
export interface FormulaOperations {
  /** A formula instance's executions, newest first (`status`: only those). */
  executionsOf(tenant: Tenant, formulaInstanceId: number, query: { status?: string; page: number; pageSize: number }): Promise<{ items: unknown[]; total: number }>;
  /** One execution with its step executions (newest first) and each one's values. */
  executionWithValues(tenant: Tenant, executionId: number): Promise<unknown>;
  /** Runs an execution again: a new execution with the same trigger input. */
  replay(tenant: Tenant, executionId: number): Promise<unknown>;
}

/** A call to the hub's own platform API (`path` relative to /elements/api-v2, e.g. `/instances/5`), for formulas' `request` step. */
export interface PlatformRequest {
  readonly method: HttpMethod;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
}

/** The platform API's answer, as request steps record it. */
export type PlatformResponse = HttpAnswer;

/**
 * The platform API called as a tenant (a formula instance's owner): the request goes through the
 * same routes, guard and validation as a client's, authenticated by a short-lived signed identity
 * (formula-owner.ts) instead of the tenant's secrets. Bound in the api app to its own Fastify
 * instance (inject), in the poller to HUB_API_URL over HTTP; unbound (a poller without HUB_API_URL),
 * formulas' request steps fail saying so.
 */
export const PLATFORM_REQUESTS = Symbol('PLATFORM_REQUESTS');
export interface PlatformRequests {
  call(tenant: Tenant, request: PlatformRequest): Promise<PlatformResponse>;
}
