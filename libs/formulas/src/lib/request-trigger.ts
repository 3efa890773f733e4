import { ChangeFeed, type CompletedHubCall, ElementCatalog, HubCallEvents, STORE } from '@hub/runtime';
import type { Store } from '@hub/store';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown, Optional } from '@nestjs/common';
import { documentOf } from './formula-documents';
import { FORMULA_WAKE, type FormulaWake } from './formulas.options';
import { valueText } from './values';

/** How often this process re-reads which element instances elementRequest formulas listen to (other replicas' changes). */
export const REQUEST_TRIGGER_REFRESH_MS = 5_000;

/** Does a client hub call match an elementRequest trigger's `method` and `api` (absent: any)? `{x}` in `api` matches one path segment. */
export function requestTriggerMatches(properties: Record<string, unknown>, call: { method: string; path: string }): boolean {
  const method = properties['method'];
  if (typeof method === 'string' && method !== '' && method.toUpperCase() !== call.method.toUpperCase()) return false;
  const api = properties['api'];
  if (typeof api !== 'string' || api === '') return true;
  const wanted = api.split('?')[0].split('/').filter(Boolean).slice(2); // after /hubs/{hub}/
  const got = call.path.split('/').filter(Boolean);
  if (wanted.length !== got.length) return false;
  return wanted.every((segment, i) => /^\{[^}]+\}$/.test(segment) || segment === got[i]);
}

/** An elementRequest execution's trigger (shared/reference/formulas.md §5.3): `trigger.type = request`, the call's request and response. */
export function requestTriggerOf(call: CompletedHubCall, hub: string): { data: Record<string, unknown>; values: { key: string; value: string }[] } {
  const request = { method: call.method, path: `/hubs/${hub}/${call.path}`, query: call.query, headers: {}, body: call.requestBody ?? null };
  const response = { code: call.status, headers: {}, body: call.responseBody ?? null };
  return {
    data: { type: 'request', instanceId: call.instanceId, request, response },
    values: [
      { key: 'trigger.type', value: 'request' },
      ...Object.entries(request).map(([k, v]) => ({ key: `trigger.request.${k}`, value: valueText(v) })),
      ...Object.entries(response).map(([k, v]) => ({ key: `trigger.response.${k}`, value: valueText(v) })),
    ],
  };
}

/**
 * The elementRequest trigger: after a client's hub call (HubCallEvents, published off the response
 * path by the hub-call route) on an element instance an active formula instance listens to, one
 * execution of each matching formula instance. Which element instances have listeners is kept in a
 * set, read at start, after this process changes formula instances, and every few seconds (other
 * replicas' changes): a hub call on any other instance costs one set lookup and no store work, and
 * while no formula listens anywhere this process does not subscribe at all.
 */
@Injectable()
export class RequestTriggers implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('RequestTriggers');
  private listened = new Set<number>();
  private unsubscribe: (() => void) | undefined;
  private unsubscribeFeed: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;

  constructor(
    @Inject(STORE) private readonly store: Store,
    private readonly calls: HubCallEvents,
    private readonly catalog: ElementCatalog,
    private readonly feed: ChangeFeed,
    @Optional() @Inject(FORMULA_WAKE) private readonly wake?: FormulaWake,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.refresh();
    this.unsubscribeFeed = this.feed.subscribe((change) => {
      if (change.kind === 'everything') void this.refresh();
    });
    this.timer = setInterval(() => void this.refresh(), REQUEST_TRIGGER_REFRESH_MS);
    this.timer.unref?.();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
    this.unsubscribeFeed?.();
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  /** Element instances with listeners right now (for tests and the admin view). */
  get instances(): ReadonlySet<number> {
    return this.listened;
  }

  /** Re-reads which element instances are listened to; formula instance and formula writes in this process call it. */
  refresh(): Promise<void> {
    this.refreshing ??= this.store.formulas
      .requestTriggerInstanceIds()
      .then((ids) => {
        this.listened = new Set(ids);
        if (this.listened.size > 0 && !this.unsubscribe) this.unsubscribe = this.calls.subscribe((call) => this.completed(call));
        if (this.listened.size === 0 && this.unsubscribe) {
          this.unsubscribe();
          this.unsubscribe = undefined;
        }
      })
      .catch((error: Error) => this.logger.error(`reading elementRequest listeners: ${error.message}`))
      .finally(() => {
        this.refreshing = undefined;
      });
    return this.refreshing;
  }

  private completed(call: CompletedHubCall): void {
    if (!this.listened.has(call.instanceId)) return;
    void this.start(call).catch((error: Error) => this.logger.error(`starting elementRequest executions for instance ${call.instanceId}: ${error.message}`));
  }

  /** Stores one execution per formula instance whose trigger matches the call; returns how many. */
  async start(call: CompletedHubCall): Promise<number> {
    const listeners = await this.store.formulas.requestTriggerListeners(call.tenant, call.instanceId);
    if (listeners.length === 0) return 0;
    const instance = await this.store.instances.findById(call.tenant, call.instanceId);
    if (!instance) return 0;
    const hub = this.catalog.byId(instance.elementId).metadata.hub;
    let started = 0;
    for (const { instance: formulaInstance, formula } of listeners) {
      const trigger = documentOf(formula).triggers[0];
      if (trigger?.type !== 'elementRequest' || !requestTriggerMatches(trigger.properties, call)) continue;
      started += (await this.store.formulas.createExecutions(call.tenant, formulaInstance.id, [{ trigger: requestTriggerOf(call, hub) }])).length;
    }
    if (started > 0) this.wake?.();
    return started;
  }
}
