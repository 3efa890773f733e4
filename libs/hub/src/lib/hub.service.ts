import {
  ElementCatalog,
  InstanceChanges,
  ChangeFeed,
  STORE,
  type HubCall,
  type HubCaller,
  type HubCalls,
  type HubResponse,
  type ResolvedTransformation,
  PLATFORM_OPTIONS,
  type PlatformOptions,
} from '@hub/runtime';
import type { Store } from '@hub/store';
import { STRICT_PARAMETERS_KEY } from '@hub/instance-config';
import { Inject, Injectable } from '@nestjs/common';
import { ConnectionPool } from './connection-pool';
import { PageTokens } from './page-tokens';
import { ResponseCache } from './response-cache';
import { TraceRecorder } from './trace-recorder';
import { TransformationLookup } from './transformation-lookup';
import { InstancePlans } from './call-path/instance-plan';
import { route } from './call-path/resolve';
import { mapRequest, mappedObjectOf, recordMapper, type MappedRequest } from './call-path/mapping';
import { checkCallParameters, warningOf } from './call-path/parameters';
import { planCall } from './call-path/query-plan';
import { cacheKeyOf, cacheLookup, cacheStore } from './call-path/cache';
import { callVendor } from './call-path/vendor-call';
import { shapeResult } from './call-path/shape';
import { pageHeaders } from './call-path/paging';
import type { StageTimer } from './call-path/stage-timer';

export { queryOf } from './call-path/query-plan';
export { warningOf } from './call-path/parameters';

const ORGANIZATION_STRICT = `strict mode: ${STRICT_PARAMETERS_KEY} is true for this organization`;

/**
 * The hub call path, as stages run in one direction (each in call-path/, each with its own spec):
 * resolve (the instance's compiled plan, a common object's transformation, the resource and operation)
 * → check parameters → plan the query (CEQL, paging) → cache lookup → vendor call → map and shape
 * (residual filter, fields, nulls, the common shape) → page headers → cache store. Nothing in it reads
 * the database in steady state: plans, transformations and credentials come from memory, dropped by
 * the change feed.
 */
@Injectable()
export class HubService implements HubCalls {
  private readonly pageTokens: PageTokens;
  private readonly cache = new ResponseCache();
  private readonly traces: TraceRecorder;
  private readonly plans: InstancePlans;

  constructor(
    @Inject(STORE) store: Store,
    @Inject(PLATFORM_OPTIONS) options: PlatformOptions,
    catalog: ElementCatalog,
    private readonly mappings: TransformationLookup,
    instanceChanges: InstanceChanges,
    feed: ChangeFeed,
  ) {
    const pool = new ConnectionPool(options.vendorTimeoutMs, (element) => catalog.vendorNetworkOf(element));
    this.pageTokens = new PageTokens(store);
    this.traces = new TraceRecorder(store);
    this.plans = new InstancePlans({
      elementOf: (instance) => catalog.byId(instance.elementId),
      settingsOf: (instance) => catalog.settingsOf(instance),
      publicUrl: options.publicUrl,
      connect: (plan, tenant) => pool.connectionFor(plan.instance, plan.element, plan.settings.values, () => this.traces.hookFor(tenant, plan.instance.id, plan.secrets)),
    });
    instanceChanges.subscribe((instanceId) => {
      this.plans.drop(instanceId);
      this.cache.drop(instanceId);
    });
    // A mapped answer is cached in the common shape: a transformation change makes every one stale.
    feed.subscribe((change) => {
      if (change.kind === 'commonResources' || change.kind === 'everything') this.cache.drop(undefined);
    });
  }

  /**
   * A hub call. When the object in the path has a transformation on this instance (a common object),
   * the call is translated to the vendor resource (`where`, `orderBy` and the body mapped back to
   * vendor fields) and the answer mapped to the common shape; otherwise it is vendor-native.
   * `timer` (Server-Timing, when the client asked for it) is marked at the end of each stage.
   */
  async call(caller: HubCaller, call: HubCall, timer?: StageTimer): Promise<HubResponse> {
    // 1. resolve: the instance's compiled plan, the object's transformation, the resource and operation
    const plan = this.plans.of(caller.instance);
    const { instance, element } = plan;
    const mapping = await this.mappings.resolve(caller.tenant, instance, element, call.segments[0]);
    const mapped = mapping ? mappedObjectOf(element, mapping) : undefined;
    const request: MappedRequest = mapped ? mapRequest(mapped, call) : { call, mapsRecords: false };
    const target = route(element, request.call);
    timer?.mark('resolve');

    // 2. check parameters, before the vendor is called
    const refusal = mapped?.refuseUnknown ?? plan.strictRefusal ?? (caller.strictParameters ? ORGANIZATION_STRICT : undefined);
    const checked = checkCallParameters(element, target, request.call, refusal);
    timer?.mark('parameters');

    // 3. plan the query: CEQL, the page, what a page token is bound to
    const headers: Record<string, string> = { 'elements-element-instance-id': String(instance.id) };
    const planned = planCall(target, request.call.query, checked, plan.settings, headers);
    if (checked.ignored.length > 0) {
      headers['elements-warning'] = warningOf(checked.ignored);
      if (instance.traceLoggingEnabled) {
        this.traces.recordWarning(caller.tenant, instance.id, target.method, hubPathOf(element.metadata.hub, call), headers['elements-warning'], plan.secrets);
      }
    }
    const cursor = planned.paging.nextPage ? this.pageTokens.redeem(instance.id, planned.identity, planned.paging.nextPage) : undefined;
    timer?.mark('plan');

    // 4. cache lookup
    const cacheKey = cacheKeyOf(plan, target, call, mapped ? mapped.mapping.objectName : undefined);
    if (cacheKey) {
      const hit = cacheLookup(this.cache, plan, cacheKey, headers);
      timer?.mark('cache');
      if (hit) return hit;
    }

    // 5. vendor call
    const result = await callVendor(caller.tenant, plan, target, checked, planned, cursor);
    timer?.mark('vendor');
    if (target.operation !== 'list' && target.operation !== 'get') this.cache.invalidate(instance, target.resourcePath[0]);

    // 6–7. map and shape: residual where, fields, nulls, the common shape
    const shaped = shapeResult(result, {
      residual: planned.ceql.plan?.residual,
      queryFields: target.resource.queryFields,
      fields: planned.ceql.fields,
      omitNulls: plan.settings.request.omitNulls,
      mapRecord: mapped && request.mapsRecords ? recordMapper(mapped, request.fields) : undefined,
    });
    // 8. page headers
    if (shaped.page) pageHeaders(headers, shaped.page, this.pageTokens, instance.id, planned.identity);
    timer?.mark('shape');

    const response: HubResponse = { status: 200, body: shaped.body, headers };
    // 9. cache store
    if (cacheKey) cacheStore(this.cache, plan, cacheKey, response);
    return response;
  }

  /** The mapping a hub call on this object would go through on the caller's instance, if any. */
  async transformationOf(caller: HubCaller, objectName: string): Promise<ResolvedTransformation | undefined> {
    return this.mappings.resolve(caller.tenant, caller.instance, this.plans.of(caller.instance).element, objectName);
  }
}

/** The hub path of a call, as a client wrote it (for the trace). */
function hubPathOf(hub: string, call: HubCall): string {
  return `/hubs/${hub}/${call.segments.map(encodeURIComponent).join('/')}`;
}
