import { ApiError } from '@hub/element-sdk';
import { CallbackUrlRefusedError, checkCallbackUrl, pinnedLookup } from '@hub/delivery';
import { httpAnswerOf, readTextAtMost } from '@hub/http';
import { hubMetrics } from '@hub/metrics';
import { ChangeFeed, ClaimingWorker, ClaimLoop, HUB_CALLS, InstanceChanges, PLATFORM_REQUESTS, STORE, type HubCalls, type PlatformRequests } from '@hub/runtime';
import type { ClaimedExecution, FormulaInstanceRow, FormulaRow, InstanceRecord, Store } from '@hub/store';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { Agent, request } from 'undici';
import { nextRun, parseQuartzCron } from './cron';
import { definitionOf } from './formula-documents';
import { FORMULAS_OPTIONS, type FormulasOptions } from './formulas.options';
import { callPlatformAsOwner } from './platform-request';
import { type ElementRequest, FormulaRunner, type HttpExchange, type OutboundRequest, type StepEffects } from './runner';
import { ScriptSandbox } from './sandbox';
import { StepRecorder } from './step-recorder';
import type { StepValue } from './values';

const MAX_RESPONSE_BYTES = 1024 * 1024;
/** A running execution's steps are written at most this long after they end (all at once with its end when it ends sooner). */
const STEP_WRITE_DELAY_MS = 1_000;

class ExecutionLost extends Error {
  constructor() {
    super('the execution was cancelled, or its lease lost to another worker');
  }
}

/**
 * Runs formula executions: claims due ones (queued, or held by a worker that died), leased, runs the
 * step graph, and finishes them while the lease is still its own; step executions are written with
 * the execution's end, or within a second while it runs (StepRecorder). A worker killed mid-execution loses its lease; another claims the execution and runs it
 * again from its trigger (what the dead worker recorded is replaced), so no execution is lost; its
 * steps may then run twice (at least once, like event deliveries). Also starts due schedules.
 */
@Injectable()
export class FormulaWorker extends ClaimingWorker<ClaimedExecution> {
  private readonly logger = new Logger('FormulaWorker');
  protected readonly loop: ClaimLoop<ClaimedExecution>;
  private scheduleTimer: NodeJS.Timeout | undefined;
  private schedulesRunning: Promise<void> | undefined;

  /**
   * The element instances elementRequest steps call through, as loaded (credentials decrypted), so
   * an execution does not read its instance again: dropped by the change feed when one changes
   * (configuration, disable, delete, secret rotation, the organization's suspension).
   */
  private readonly instances = new LRUCache<number, InstanceRecord>({ max: 10_000 });
  /** Moves with every change, so a load that raced a change is not kept. */
  private instancesGeneration = 0;
  /** Formula instances with their formulas, checked against each claim's versions (definitionOf). */
  private readonly definitions = new LRUCache<number, { instance: FormulaInstanceRow; formula: FormulaRow }>({ max: 5_000 });

  constructor(
    @Inject(STORE) private readonly store: Store,
    @Inject(FORMULAS_OPTIONS) private readonly options: FormulasOptions,
    @Inject(HUB_CALLS) private readonly hub: HubCalls,
    private readonly sandbox: ScriptSandbox,
    changes: InstanceChanges,
    feed: ChangeFeed,
    @Optional() @Inject(PLATFORM_REQUESTS) private readonly platform?: PlatformRequests,
  ) {
    super();
    // Executions stored by another process (a manual run or a webhook's events on an api replica): claim now.
    feed.onWork('formulas', () => this.wake());
    changes.subscribe((instanceId) => {
      this.instancesGeneration++;
      if (instanceId === undefined) this.instances.clear();
      else this.instances.delete(instanceId);
    });
    this.loop = new ClaimLoop({
      name: 'formula',
      concurrency: options.concurrency,
      idleMs: options.idleMs,
      claim: (count) => this.store.formulas.claimExecutions(options.owner, count, options.leaseMs),
      work: (execution) => this.execute(execution),
      release: () => this.store.formulas.releaseExecutions(options.owner),
      logger: this.logger,
    });
  }

  override start(): void {
    super.start();
    const tick = () => {
      this.schedulesRunning = this.startSchedules().finally(() => {
        this.schedulesRunning = undefined;
      });
    };
    this.scheduleTimer = setInterval(tick, Math.max(this.options.idleMs, 1_000));
    this.scheduleTimer.unref?.();
  }

  override async stop(): Promise<void> {
    clearInterval(this.scheduleTimer);
    await this.schedulesRunning;
    await super.stop();
  }

  private async startSchedules(): Promise<void> {
    try {
      const started = await this.store.formulas.startDueSchedules(50, (cron, after) => {
        try {
          return nextRun(parseQuartzCron(cron), after);
        } catch {
          return null;
        }
      });
      if (started > 0) this.wake();
    } catch (error) {
      this.logger.error(`starting scheduled formula executions: ${(error as Error).message}`);
    }
  }

  private async execute(claim: ClaimedExecution): Promise<void> {
    const { owner, leaseMs } = this.options;
    const formulas = this.store.formulas;
    const claimedAt = Date.now();
    let recorder: StepRecorder | undefined;
    try {
      if (claim.claims > 1) {
        this.logger.warn(`execution ${claim.id}: its worker stopped holding it; running it again from its trigger (claim ${claim.claims})`);
        if (!(await formulas.restartExecution(owner, claim.id))) return;
      }
      const found = await this.definitionOf(claim);
      if (!found) return; // deleted meanwhile: its executions went with it
      const formula = definitionOf(found.formula);
      const trigger = claim.trigger as { data: Record<string, unknown>; values: StepValue[] };
      let renewedAt = Date.now();
      let lost = false;
      const steps = new StepRecorder((recorded) => formulas.recordSteps(owner, claim.id, recorded), STEP_WRITE_DELAY_MS);
      recorder = steps;
      const effects: StepEffects = {
        runScript: async (body, engine, globals) => {
          const stopTimer = hubMetrics.formulaScriptDuration.startTimer();
          try {
            return await this.sandbox.run(body, engine, globals);
          } finally {
            stopTimer();
          }
        },
        elementRequest: (r) => this.elementRequest(claim, r),
        httpRequest: (r) => this.httpRequest(r),
        platformRequest: (r) => callPlatformAsOwner(this.platform, claim.tenant, r),
        loadFormula: async (id) => {
          const row = await formulas.findFormula(claim.tenant, id);
          return row ? definitionOf(row) : null;
        },
        record: async (step) => {
          if (steps.lost) lost = true;
          if (lost) throw new ExecutionLost();
          steps.add(step);
        },
        cancelled: async () => {
          // Between steps, give the process's other work a turn: the embedded store answers in
          // microtasks, so an execution would otherwise hold the event loop from start to end.
          await new Promise((resolve) => setImmediate(resolve));
          if (steps.lost) lost = true;
          if (lost) return true;
          if (Date.now() - renewedAt >= leaseMs / 3) {
            if (!(await formulas.extendExecutionLease(owner, claim.id, leaseMs))) lost = true;
            renewedAt = Date.now();
          }
          return lost;
        },
        sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.min(ms, leaseMs / 3))),
      };
      const runner = new FormulaRunner(effects);
      const outcome = await runner.run({
        formula,
        instance: { id: found.instance.id, name: found.instance.name, configuration: (found.instance.configuration ?? {}) as Record<string, unknown> },
        executionId: claim.id,
        trigger: { data: trigger?.data ?? {}, values: trigger?.values ?? [] },
        startTime: claim.createdDate,
        attempt: claim.attempt,
      });
      if (outcome.status === 'cancelled' || lost) return;
      const unwritten = await steps.drain();
      if (steps.lost) return;
      const streak = await formulas.finishExecution(owner, claim, {
        status: outcome.status,
        ...(outcome.error ? { error: outcome.error } : {}),
        ...(outcome.status === 'retry'
          ? { retry: { trigger: claim.trigger, attempt: claim.attempt + 1, retryOf: claim.id, runAfter: new Date(Date.now() + this.options.retryDelayMs) } }
          : {}),
      }, unwritten);
      if (streak === null) return; // cancelled or lost meanwhile: not this worker's to finish
      hubMetrics.formulaExecutions.inc({ status: outcome.status });
      hubMetrics.formulaExecutionDuration.observe({ status: outcome.status }, (Date.now() - claimedAt) / 1000);
      if (streak?.warned) this.logger.warn(`formula instance ${claim.formulaInstanceId}: ${streak.consecutiveErrors} consecutive failed executions`);
      if (streak?.deactivated) this.logger.warn(`formula instance ${claim.formulaInstanceId} deactivated after ${streak.consecutiveErrors} consecutive failed executions`);
      this.logger.debug(`execution ${claim.id} of formula instance ${claim.formulaInstanceId}: ${outcome.status}`);
    } catch (error) {
      if (error instanceof ExecutionLost) return;
      // The hub's own failure (store): the lease lapses and another claim runs it again.
      this.logger.error(`execution ${claim.id}: ${(error as Error).message}`);
    } finally {
      recorder?.dispose();
    }
  }

  /** A hub call through an element instance of the execution's organization, answered like the hub answers a client. */
  private async elementRequest(claim: ClaimedExecution, r: ElementRequest): Promise<HttpExchange['response']> {
    const instance = await this.instanceOf(claim, r.elementInstanceId);
    if (!instance) throw new Error(`element instance ${r.elementInstanceId} not found`);
    if (instance.disabled) throw new Error(`element instance ${r.elementInstanceId} is disabled`);
    const url = new URL(r.api, 'http://hub.invalid');
    const segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (segments[0] !== 'hubs' || segments.length < 3) throw new Error(`api '${r.api}' is not a hub API path (/hubs/{hub}/{resource}…)`);
    const query: Record<string, string> = { ...Object.fromEntries(url.searchParams), ...r.query };
    try {
      const response = await this.hub.call({ tenant: claim.tenant, instance }, { method: r.method, segments: segments.slice(2), query, body: r.body });
      return { code: response.status, headers: response.headers, body: response.body };
    } catch (error) {
      if (error instanceof ApiError) return { code: error.status, headers: {}, body: { message: error.message } };
      throw error;
    }
  }

  /**
   * The formula instance and its formula as stored, kept between executions while the claim says
   * neither changed (their updated dates), so an execution reads nothing before its first step.
   */
  private async definitionOf(claim: ClaimedExecution): Promise<{ instance: FormulaInstanceRow; formula: FormulaRow } | null> {
    const cached = this.definitions.get(claim.formulaInstanceId);
    if (
      cached &&
      cached.instance.organizationId === claim.tenant.organizationId &&
      cached.instance.updatedDate.getTime() === claim.versions.instance.getTime() &&
      cached.formula.updatedDate.getTime() === claim.versions.formula.getTime()
    ) {
      return cached;
    }
    const found = await this.store.formulas.findInstanceWithFormula(claim.tenant, claim.formulaInstanceId);
    if (found) this.definitions.set(claim.formulaInstanceId, found);
    else this.definitions.delete(claim.formulaInstanceId);
    return found;
  }

  private async instanceOf(claim: ClaimedExecution, instanceId: number): Promise<InstanceRecord | null> {
    const cached = this.instances.get(instanceId);
    if (cached) return cached.organizationId === claim.tenant.organizationId ? cached : null;
    const generation = this.instancesGeneration;
    const instance = await this.store.instances.findById(claim.tenant, instanceId);
    if (instance && generation === this.instancesGeneration) this.instances.set(instanceId, instance);
    return instance;
  }

  /** An outbound call under the event callbacks' SSRF policy: vetted addresses only, no redirects, bounded. */
  private async httpRequest(r: OutboundRequest): Promise<HttpExchange['response']> {
    let target;
    try {
      target = await checkCallbackUrl(r.url, { allowPrivate: this.options.allowPrivateUrls, field: 'url' });
    } catch (error) {
      if (error instanceof CallbackUrlRefusedError) throw new Error(`url refused: ${error.message}`);
      throw error;
    }
    const url = new URL(target.href);
    for (const [k, v] of Object.entries(r.query)) url.searchParams.set(k, v);
    const agent = new Agent({ connect: { lookup: pinnedLookup(target.hostname, target.addresses) } });
    const body = r.body === undefined || r.body === null ? undefined : typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
    const headers: Record<string, string> = { 'user-agent': 'messaging-hub-formulas/1', ...r.headers };
    if (body !== undefined && typeof r.body !== 'string' && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
    try {
      const response = await request(url, {
        method: r.method as 'GET',
        headers,
        body,
        dispatcher: agent,
        headersTimeout: this.options.httpTimeoutMs,
        bodyTimeout: this.options.httpTimeoutMs,
        signal: AbortSignal.timeout(this.options.httpTimeoutMs),
      });
      const text = await readTextAtMost(response.body, MAX_RESPONSE_BYTES, () => new Error(`the answer of ${url.host} is larger than ${MAX_RESPONSE_BYTES} bytes`));
      return httpAnswerOf(response.statusCode, response.headers, text);
    } finally {
      await agent.close().catch(() => undefined);
    }
  }
}
