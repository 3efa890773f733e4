import type { CeqlExpression, QueryFieldSpec, QueryPlan } from './ceql';
import type { ResolvedConfiguration } from './descriptors';

/** What a hub call asks of a resource. */
export type Operation = 'list' | 'get' | 'create' | 'update' | 'delete';

export const OPERATIONS: readonly Operation[] = ['list', 'get', 'create', 'update', 'delete'];

/** A vendor record, as the vendor shapes it (vendor-native models). */
export type VendorRecord = Record<string, unknown>;

/** One page of a list. */
export interface ListPage {
  readonly records: readonly VendorRecord[];
  /** The vendor's own cursor to the next page; absent on the last page. The hub wraps it in its own token. */
  readonly cursor?: string;
  /** Total number of records, when the vendor tells. */
  readonly totalCount?: number;
}

/** How the hub asks for a page: a size, then either a page number (0-based) or a cursor from the previous page. */
export interface PageRequest {
  readonly pageSize: number;
  readonly pageIndex?: number;
  readonly cursor?: string;
}

export interface ResourceRequest {
  /** The record id in the path (`/messages/{id}`), or the parent's id for a sub-resource. */
  readonly id?: string;
  /** The sub-resource record id (`/messages/{id}/media/{subId}`). */
  readonly subId?: string;
  /** The vendor-native query parameters the client sent, checked against the declared parameters. */
  readonly query: Readonly<Record<string, string>>;
  /** The request body (create/update), checked against the declared parameters. */
  readonly body: Readonly<Record<string, unknown>>;
  readonly page: PageRequest;
  /** The parsed `where` of a list, as the client wrote it (its vendor part is already in `query`). */
  readonly where?: CeqlExpression;
  /** The instance's configuration (decrypted), e.g. a default sender. */
  readonly configuration: ResolvedConfiguration;
  /**
   * Where the vendor should post its webhooks for this instance, when the instance receives its
   * events by webhook (e.g. the StatusCallback of a message sent through the hub).
   */
  readonly eventsWebhookUrl?: string;
}

export type ParameterType = 'string' | 'integer' | 'boolean' | 'date' | 'string[]' | 'url';

/** A query parameter (list, get) or body field (create, update) a resource accepts. */
export interface ParameterSpec {
  readonly name: string;
  readonly type: ParameterType;
  readonly required?: boolean;
  readonly description: string;
  readonly allowedValues?: readonly string[];
  /** A value must match this, e.g. an E.164 phone number. */
  readonly pattern?: RegExp;
}

/** A field of the vendor's model, for documentation (and mapping to common resources). */
export interface FieldSpec {
  readonly path: string;
  readonly type: 'string' | 'number' | 'boolean' | 'date' | 'object' | 'array';
  readonly description?: string;
}

/** The handlers of a resource over an adapter's own connection type `C`. */
export interface ResourceHandlers<C> {
  list?(connection: C, request: ResourceRequest): Promise<ListPage>;
  get?(connection: C, request: ResourceRequest): Promise<VendorRecord>;
  create?(connection: C, request: ResourceRequest): Promise<VendorRecord>;
  update?(connection: C, request: ResourceRequest): Promise<VendorRecord>;
  delete?(connection: C, request: ResourceRequest): Promise<void>;
}

/** What an adapter declares for one resource. */
export interface ResourceSpec<C> {
  /** The path segment: `messages`. */
  readonly name: string;
  readonly description: string;
  /** The field that identifies a record (`sid` for Twilio). */
  readonly idField: string;
  /**
   * `collection` (default): list/create on `/name`, get/update/delete on `/name/{id}`.
   * `singleton`: one record at `/name` (get, update), e.g. `ping`.
   */
  readonly kind?: 'collection' | 'singleton';
  readonly handlers: ResourceHandlers<C>;
  /** Accepted query parameters (list, get) and body fields (create, update) per operation. */
  readonly parameters?: Partial<Record<Operation, readonly ParameterSpec[]>>;
  readonly fields?: readonly FieldSpec[];
  /** Fields a list can be queried on with CEQL (`where`). */
  readonly queryFields?: readonly QueryFieldSpec[];
  /** `orderBy` expressions the vendor honours, e.g. its natural order (`DateCreated desc`). */
  readonly orderBy?: readonly string[];
  /**
   * Translates a parsed `where` for this vendor, for vendors whose query language goes beyond
   * field-and-operator parameters. Without it the hub plans from `queryFields`. Whatever it leaves
   * in the residual the hub applies to each page, so it must keep every predicate it does not send.
   */
  readonly translateQuery?: (where: CeqlExpression) => QueryPlan;
  /** Resources under a record: `/messages/{id}/media`. */
  readonly subresources?: readonly ResourceSpec<C>[];
}

/** A resource as the hub sees it: what it offers, not how. */
export interface ResourceDescriptor {
  readonly name: string;
  readonly description: string;
  readonly idField: string;
  readonly kind: 'collection' | 'singleton';
  readonly operations: readonly Operation[];
  readonly parameters: Partial<Record<Operation, readonly ParameterSpec[]>>;
  readonly fields: readonly FieldSpec[];
  readonly queryFields: readonly QueryFieldSpec[];
  readonly orderBy: readonly string[];
  readonly translateQuery?: (where: CeqlExpression) => QueryPlan;
  readonly subresources: readonly ResourceDescriptor[];
}

/** Which resource a call is for: the resource, and the sub-resource under one of its records. */
export interface ResourceCall {
  /** `['messages']` or `['messages', 'media']`. */
  readonly resourcePath: readonly string[];
  readonly operation: Operation;
  readonly request: ResourceRequest;
}

export type ResourceResult =
  | { readonly operation: 'list'; readonly page: ListPage }
  | { readonly operation: 'get' | 'create' | 'update'; readonly record: VendorRecord }
  | { readonly operation: 'delete' };

export function describeResource<C>(spec: ResourceSpec<C>): ResourceDescriptor {
  const operations = OPERATIONS.filter((op) => spec.handlers[op] !== undefined);
  return {
    name: spec.name,
    description: spec.description,
    idField: spec.idField,
    kind: spec.kind ?? 'collection',
    operations,
    parameters: spec.parameters ?? {},
    fields: spec.fields ?? [],
    queryFields: spec.queryFields ?? [],
    orderBy: spec.orderBy ?? [],
    ...(spec.translateQuery ? { translateQuery: spec.translateQuery } : {}),
    subresources: (spec.subresources ?? []).map(describeResource),
  };
}
