import {
  BadRequestError,
  type ElementDefinition,
  MethodNotAllowedError,
  NotFoundError,
  type Operation,
  type ResourceDescriptor,
  type ResourceResult,
  type VendorRecord,
} from '@hub/element-sdk';
import { ElementCatalog, STORE, type HubCall, type HubCaller, type HubCalls, type HubResponse, type ResolvedTransformation, PLATFORM_OPTIONS, type PlatformOptions } from '@hub/runtime';
import type { Store } from '@hub/store';
import { Inject, Injectable } from '@nestjs/common';
import { ConnectionPool } from './connection-pool';
import { PageTokens, type QueryIdentity } from './page-tokens';
import { ResponseCache } from './response-cache';
import { TraceRecorder } from './trace-recorder';
import { checkParameters, type UnknownParameterPolicy } from './request-parameters';
import { DEFAULT_PAGE_SIZE, eventsWebhookUrl, type InstanceSettings, STRICT_PARAMETERS_KEY } from '@hub/instance-config';
import { withoutNulls } from './response-shaping';
import { parseCeql, printCeql } from './ceql/ceql-parser';
import { TransformationLookup } from './transformation-lookup';
import { rewriteOrderBy, rewriteWhere, toCommon, toVendor } from '@hub/transformations';
import { FilterBudget, checkFieldPaths, matches, planQuery, project } from './ceql/ceql-plan';

/** Query parameters the hub owns (paging, CEQL); every other one belongs to the resource. */
const HUB_PARAMETERS = new Set(['pageSize', 'page', 'nextPage', 'where', 'fields', 'orderBy']);
/** At most this many ignored parameters are named in Elements-Warning (the rest are counted). */
const MAX_WARNINGS = 20;

/**
 * The hub pipeline: resolve the resource and operation from the path and method, check the
 * parameters before the vendor is called, run the operation on the instance's connection,
 * shape the answer (nulls, paging headers).
 */
@Injectable()
export class HubService implements HubCalls {
  private readonly pool: ConnectionPool;
  private readonly pageTokens: PageTokens;
  private readonly cache = new ResponseCache();
  private readonly traces: TraceRecorder;

  constructor(
    @Inject(STORE) store: Store,
    @Inject(PLATFORM_OPTIONS) private readonly options: PlatformOptions,
    private readonly catalog: ElementCatalog,
    private readonly mappings: TransformationLookup,
  ) {
    this.pool = new ConnectionPool(options.vendorTimeoutMs, (element) => catalog.vendorNetworkOf(element));
    this.pageTokens = new PageTokens(store);
    this.traces = new TraceRecorder(store);
  }

  /**
   * A hub call. When the object in the path has a transformation on this instance (a common object),
   * the call is translated to the vendor resource (`where`, `orderBy` and the body mapped back to
   * vendor fields) and the answer mapped to the common shape; otherwise it is vendor-native.
   */
  async call(caller: HubCaller, call: HubCall): Promise<HubResponse> {
    const element = this.catalog.byId(caller.instance.elementId);
    const mapping = await this.mappings.resolve(caller.tenant, caller.instance, element, call.segments[0]);
    return mapping ? this.callMapped(caller, call, element, mapping) : this.callVendor(caller, call, element);
  }

  /** The mapping a hub call on this object would go through on the caller's instance, if any. */
  async transformationOf(caller: HubCaller, objectName: string): Promise<ResolvedTransformation | undefined> {
    return this.mappings.resolve(caller.tenant, caller.instance, this.catalog.byId(caller.instance.elementId), objectName);
  }

  private async callMapped(caller: HubCaller, call: HubCall, element: ElementDefinition, mapping: ResolvedTransformation): Promise<HubResponse> {
    const { transformation: t, definition } = mapping;
    const resource = element.resources.find((r) => r.name === t.vendorName);
    if (!resource) throw new NotFoundError(`'${mapping.objectName}' maps onto '${t.vendorName}', which element '${element.metadata.key}' does not have`);
    const vendorFieldOf = (vendorPath: string) => resource.queryFields.find((q) => q.recordPath === vendorPath)?.name;
    const vendorQueryFields = new Set(resource.queryFields.map((q) => q.name));
    const query: Record<string, string | string[] | undefined> = { ...call.query };
    const single = (name: string) => singleParameter(query, name);
    const where = single('where');
    if (where !== undefined) query['where'] = printCeql(rewriteWhere(parseCeql(where), t, vendorFieldOf, vendorQueryFields));
    const orderBy = single('orderBy');
    if (orderBy !== undefined) query['orderBy'] = rewriteOrderBy(orderBy, t, vendorFieldOf, vendorQueryFields);
    const fieldsText = single('fields');
    delete query['fields']; // a projection of the common shape, applied after mapping
    const fields = fieldsText?.split(',').map((f) => f.trim()).filter(Boolean);
    if (fields) checkFieldPaths(fields);
    const writes = ['POST', 'PUT', 'PATCH'].includes(call.method.toUpperCase());
    const operation = call.segments.length > 1 ? 'update' : 'create';
    // A body that is not a JSON object goes on as it is, for the resource to refuse in its own words.
    const mapsBody = writes && call.body !== null && typeof call.body === 'object' && !Array.isArray(call.body);
    const body = mapsBody ? toWriteParameters(toVendor(call.body, t, definition), resource.parameters[operation] ?? []) : call.body;
    // Without passThrough.toVendor the object's own rules stand: what its mapping does not name is refused.
    const forwardsUnmapped = t.configuration?.some((c) => c.type === 'passThrough' && c.properties.toVendor === true) === true;
    const refuseUnknown = forwardsUnmapped ? undefined : `'${mapping.objectName}' is a common object whose transformation passes nothing unmapped to the vendor (passThrough.toVendor)`;
    const response = await this.callVendor(caller, { ...call, segments: [t.vendorName, ...call.segments.slice(1)], query, body }, element, refuseUnknown);
    const shape = (record: unknown) => {
      const common = toCommon(record, t, definition) as VendorRecord;
      return fields ? project(common, fields) : common;
    };
    // A sub-resource (messages/{id}/media) is not the object: its records stay as the vendor's.
    if (call.segments.length > 2) return response;
    const mapped = Array.isArray(response.body) ? response.body.map(shape) : call.method.toUpperCase() === 'DELETE' ? response.body : shape(response.body);
    return { ...response, body: mapped };
  }

  /**
   * The call on the vendor resource. A parameter the resource does not declare is refused when
   * `refuseUnknown` says why (a common object's rules) or the instance is in strict mode; otherwise it
   * is passed on (lists and writes of an element whose vendor ignores unknown parameters) or dropped,
   * and named in Elements-Warning and the instance's trace.
   */
  private async callVendor(caller: HubCaller, call: HubCall, element: ElementDefinition, refuseUnknown?: string): Promise<HubResponse> {
    const { instance } = caller;
    const settings = this.catalog.settingsOf(instance);
    const configuration = settings.values;
    const { resource, resourcePath, operation, id, subId } = route(element, call);
    const refusal =
      refuseUnknown ??
      (settings.request.strictParameters
        ? `strict mode: ${STRICT_PARAMETERS_KEY} is true on this instance`
        : caller.strictParameters
          ? `strict mode: ${STRICT_PARAMETERS_KEY} is true for this organization`
          : undefined);
    const ignored: string[] = [];
    // Twilio's fetches take no query parameters: only a list hands unknown ones on.
    const policy = (passesOn: boolean): UnknownParameterPolicy =>
      refusal !== undefined ? { unknown: 'refuse', ignored, refusal } : { unknown: passesOn ? element.unknownParameters : 'drop', ignored };

    const rawQuery: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(call.query)) if (v !== undefined && !HUB_PARAMETERS.has(k)) rawQuery[k] = v;
    const querySpecs = operation === 'list' || operation === 'get' ? resource.parameters[operation] : undefined;
    const query = checkParameters(querySpecs ?? [], rawQuery, 'query', policy(operation === 'list'));
    // Parameters passed on unchecked are not part of the query a page token is bound to: a client's
    // cache buster (`_`) changes on every call and must not make its next page a stranger.
    const declared = new Set((querySpecs ?? []).map((p) => p.name));
    const unchecked = new Set(Object.keys(query).filter((name) => !declared.has(name)));
    const ceql = queryOf(call.query, resource, operation);
    for (const [name, value] of Object.entries(ceql.plan?.vendorParameters ?? {})) {
      if (query[name] !== undefined) throw new BadRequestError(`'${name}' is given both as a query parameter and in where: use one`);
      query[name] = value;
      unchecked.delete(name);
    }
    const body = operation === 'create' || operation === 'update' ? bodyOf(call.body, resource, operation, policy(true)) : {};

    const headers: Record<string, string> = { 'elements-element-instance-id': String(instance.id) };
    const paging = operation === 'list' ? this.paging(call.query, settings, headers, refusal === undefined ? { ignored } : { refusal }) : { pageSize: 0 };
    const identity = {
      path: resourcePath.join('/') + (id ? `/${id}` : ''),
      query: { ...Object.fromEntries(Object.entries(query).filter(([name]) => !unchecked.has(name))), ...(ceql.where ? { where: ceql.where } : {}) },
      pageSize: paging.pageSize,
    };
    if (ignored.length > 0) {
      headers['elements-warning'] = warningOf(ignored);
      if (instance.traceLoggingEnabled) this.traces.recordWarning(caller.tenant, instance.id, call.method.toUpperCase(), hubPathOf(element, call), headers['elements-warning'], secretValues(instance));
    }
    const cursor = paging.nextPage ? this.pageTokens.redeem(instance.id, identity, paging.nextPage) : undefined;

    // Reads are cached; a singleton such as ping must always reach the vendor.
    const cacheable = call.method.toUpperCase() === 'GET' && resource.kind !== 'singleton';
    const cacheKey = cacheable ? ResponseCache.key(resourcePath, id, subId, call.query) : undefined;
    if (cacheKey && instance.cachingEnabled) {
      const hit = this.cache.get(instance, cacheKey);
      if (hit) return { status: hit.status, body: hit.body, headers: { ...hit.headers, 'elements-cache': 'HIT' } };
      headers['elements-cache'] = 'MISS';
    }

    const connection = this.pool.connectionFor(instance, element, configuration, () =>
      this.traces.hookFor(caller.tenant, instance.id, secretValues(instance)),
    );
    const result = await connection.invoke({
      resourcePath,
      operation,
      request: {
        id,
        subId,
        query: query as Record<string, string>,
        body,
        page: { pageSize: paging.pageSize, pageIndex: paging.pageIndex, cursor },
        ...(ceql.tree ? { where: ceql.tree } : {}),
        configuration,
        ...(element.webhook && settings.events.vendorType === 'webhook'
          ? { eventsWebhookUrl: eventsWebhookUrl(this.options.publicUrl, element.metadata.key, instance.id) }
          : {}),
      },
    });

    if (operation !== 'list' && operation !== 'get') this.cache.invalidate(instance, resourcePath[0]);
    const response = this.shape(result, settings, ceql, resource, identity, instance.id, headers);
    if (cacheKey && instance.cachingEnabled) {
      const { 'elements-cache': _marker, ...cachedHeaders } = response.headers;
      this.cache.set(instance, cacheKey, { status: response.status, body: response.body, headers: cachedHeaders });
    }
    return response;
  }

  private shape(
    result: ResourceResult,
    settings: InstanceSettings,
    ceql: ReturnType<typeof queryOf>,
    resource: ResourceDescriptor,
    identity: QueryIdentity,
    instanceId: number,
    headers: Record<string, string>,
  ): HubResponse {
    const filterNulls = settings.request.omitNulls;
    const shape = (record: VendorRecord): VendorRecord => {
      const projected = ceql.fields ? project(record, ceql.fields) : record;
      return filterNulls ? withoutNulls(projected) : projected;
    };
    switch (result.operation) {
      case 'list': {
        const { cursor: next, totalCount } = result.page;
        const residual = ceql.plan?.residual;
        // One budget for the page: a where the parser accepted still cannot hold the process on long records.
        const budget = new FilterBudget();
        const records = residual ? result.page.records.filter((r) => matches(residual, r, resource.queryFields, budget)) : result.page.records;
        headers['elements-returned-count'] = String(records.length);
        if (totalCount !== undefined && !residual) headers['elements-total-count'] = String(totalCount);
        // Twilio-style vendors name a next page only when there is one; a filtered page may be empty and still have one.
        if (next) headers['elements-next-page-token'] = this.pageTokens.issue(instanceId, identity, next);
        return { status: 200, body: records.map(shape), headers };
      }
      case 'delete':
        return { status: 200, body: {}, headers };
      default:
        return { status: 200, body: shape(result.record), headers };
    }
  }

  /**
   * pageSize (capped at pagination.max, reported in Elements-Error), then page or nextPage. Old clients
   * send both: nextPage wins and page is named in `ignored`; where unknown parameters are refused, both is a 400.
   */
  private paging(
    query: HubCall['query'],
    settings: InstanceSettings,
    headers: Record<string, string>,
    both: { ignored: string[] } | { refusal: string },
  ): { pageSize: number; pageIndex?: number; nextPage?: string } {
    const max = settings.pagination.max;
    const single = (name: string) => singleParameter(query, name);
    const sizeText = single('pageSize');
    let pageSize = Math.min(DEFAULT_PAGE_SIZE, max);
    if (sizeText !== undefined) {
      if (!/^\d+$/.test(sizeText) || Number(sizeText) < 1) throw new BadRequestError(`pageSize must be a positive integer, not '${sizeText}'`);
      pageSize = Number(sizeText);
      if (pageSize > max) {
        headers['elements-error'] = `pageSize ${pageSize} is more than this element's maximum of ${max}: ${max} used`;
        pageSize = max;
      }
    }
    const pageText = single('page');
    const nextPage = single('nextPage');
    if (pageText !== undefined && nextPage !== undefined && 'refusal' in both) throw new BadRequestError(`send either page or nextPage, not both (${both.refusal})`);
    if (nextPage !== undefined) {
      if (pageText !== undefined && 'ignored' in both) both.ignored.push("ignored query parameter 'page' (nextPage names the page)");
      return { pageSize, nextPage };
    }
    if (pageText === undefined) return { pageSize };
    const start = settings.pagination.startIndex;
    if (!/^\d+$/.test(pageText) || Number(pageText) < start) {
      throw new BadRequestError(`page must be an integer of at least ${start} (this instance counts pages from ${start}), not '${pageText}'`);
    }
    return { pageSize, pageIndex: Number(pageText) - start };
  }
}

/** Twilio updates a record with POST, and the old platform's twiliov2 clients do so through it too. */
const METHODS: Record<'collection' | 'record' | 'singleton', Partial<Record<string, Operation>>> = {
  collection: { GET: 'list', POST: 'create' },
  record: { GET: 'get', PUT: 'update', PATCH: 'update', POST: 'update', DELETE: 'delete' },
  singleton: { GET: 'get', PUT: 'update', PATCH: 'update' },
};

function route(element: ElementDefinition, call: HubCall) {
  const [name, id, subName, subId, ...rest] = call.segments;
  const top = element.resources.find((r) => r.name === name);
  if (!top || rest.length > 0) {
    throw new NotFoundError(
      `No resource '${call.segments.join('/')}' on element '${element.metadata.key}' (resources: ${element.resources.map((r) => r.name).join(', ')})`,
    );
  }
  let resource: ResourceDescriptor = top;
  const resourcePath = [top.name];
  if (subName !== undefined) {
    const sub = top.subresources.find((r) => r.name === subName);
    if (!sub) {
      const subs = top.subresources.map((r) => r.name).join(', ') || 'none';
      throw new NotFoundError(`No resource '${name}/{id}/${subName}' on element '${element.metadata.key}' (sub-resources of ${name}: ${subs})`);
    }
    resource = sub;
    resourcePath.push(sub.name);
  }
  const shape: 'collection' | 'record' | 'singleton' =
    resource.kind === 'singleton' ? 'singleton' : (subName === undefined ? id : subId) === undefined ? 'collection' : 'record';
  if (resource.kind === 'singleton' && id !== undefined) throw new NotFoundError(`'${name}' has no records: call /${name}`);
  const methods = METHODS[shape];
  const operation = methods[call.method.toUpperCase()];
  const allowed = Object.entries(methods)
    .filter(([, op]) => op !== undefined && resource.operations.includes(op))
    .map(([method]) => method);
  if (!operation || !resource.operations.includes(operation)) {
    throw new MethodNotAllowedError(`${call.method.toUpperCase()} is not supported on ${describePath(resourcePath, shape)} (allowed: ${allowed.join(', ') || 'none'})`, allowed);
  }
  return { resource, resourcePath, operation, id, subId };
}

function describePath(resourcePath: readonly string[], shape: string): string {
  const path = resourcePath.length === 2 ? `/${resourcePath[0]}/{id}/${resourcePath[1]}` : `/${resourcePath[0]}`;
  return shape === 'record' ? `${path}/{id}` : path;
}

/**
 * A mapped body names vendor *record* fields (Twilio's `to`, `messaging_service_sid`); the vendor's
 * write parameters may spell them otherwise (`To`, `MessagingServiceSid`). A field that is not a
 * parameter as it is goes to the parameter of the same name ignoring case and underscores.
 */
function toWriteParameters(body: Record<string, unknown>, parameters: readonly { readonly name: string }[]): Record<string, unknown> {
  const norm = (name: string) => name.replace(/_/g, '').toLowerCase();
  const byNorm = new Map(parameters.map((p) => [norm(p.name), p.name]));
  const exact = new Set(parameters.map((p) => p.name));
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) out[exact.has(key) ? key : (byNorm.get(norm(key)) ?? key)] = value;
  return out;
}

/** A query parameter given at most once. */
function singleParameter(query: HubCall['query'], name: string): string | undefined {
  const value = query[name];
  if (Array.isArray(value)) throw new BadRequestError(`query parameter '${name}' was given more than once`);
  return value;
}

/** `where`, `fields` and `orderBy`: parsed and checked against what the resource declares. */
export function queryOf(query: HubCall['query'], resource: ResourceDescriptor, operation: Operation) {
  const single = (name: string) => singleParameter(query, name);
  const where = single('where');
  const orderBy = single('orderBy');
  const fieldsText = single('fields');
  if ((where !== undefined || orderBy !== undefined) && operation !== 'list') {
    throw new BadRequestError(`where and orderBy apply to lists; ${operation} takes neither`);
  }
  if (orderBy !== undefined) {
    const normalized = orderBy.trim().replace(/\s+/g, ' ').toLowerCase();
    if (!resource.orderBy.some((o) => o.toLowerCase() === normalized)) {
      throw new BadRequestError(
        `orderBy '${orderBy}' is not supported on '${resource.name}': the vendor ${resource.orderBy.length ? `sorts only by ${resource.orderBy.join(', ')}` : 'does not sort'}, and sorting one page would not sort the list`,
      );
    }
  }
  const fields = fieldsText?.split(',').map((f) => f.trim()).filter(Boolean);
  if (fieldsText !== undefined && (!fields || fields.length === 0)) throw new BadRequestError('fields must name at least one field, comma separated');
  if (fields) checkFieldPaths(fields);
  const tree = where !== undefined ? parseCeql(where) : undefined;
  const plan = tree ? (resource.translateQuery ? resource.translateQuery(tree) : planQuery(tree, resource.queryFields, resource.name)) : undefined;
  return { where, tree, plan, fields };
}

/** The instance's secret configuration values, to redact from anything recorded. */
function secretValues(instance: HubCaller['instance']): string[] {
  return instance.configuration.filter((c) => c.secret && c.value).map((c) => String(c.value));
}

function bodyOf(body: unknown, resource: ResourceDescriptor, operation: 'create' | 'update', policy: UnknownParameterPolicy): VendorRecord {
  if (body === undefined || body === null) body = {};
  if (typeof body !== 'object' || Array.isArray(body)) throw new BadRequestError('the request body must be a JSON object');
  return checkParameters(resource.parameters[operation] ?? [], body as Record<string, unknown>, 'body', policy);
}

/** Elements-Warning: what the hub ignored, comma separated, at most MAX_WARNINGS named. */
export function warningOf(ignored: readonly string[]): string {
  const named = ignored.slice(0, MAX_WARNINGS).join(', ');
  return ignored.length > MAX_WARNINGS ? `${named}, and ${ignored.length - MAX_WARNINGS} more` : named;
}

/** The hub path of a call, as a client wrote it (for the trace). */
function hubPathOf(element: ElementDefinition, call: HubCall): string {
  return `/hubs/${element.metadata.hub}/${call.segments.map(encodeURIComponent).join('/')}`;
}
