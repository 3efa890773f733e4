import { isHttpMethod, isReservedPlatformHeader, platformPathRefusal, splitPlatformApi, type PlatformRequest } from '@hub/runtime';
import type { FormulaDefinition, StepDefinition } from './formula-model';
import { fillPathPlaceholders, type ReferenceScope, resolveList, resolveValue } from './references';
import type { ScriptEngine, ScriptGlobals, ScriptOutcome } from './sandbox';
import { exchangeValues, type StepValue, topLevelValues, valueText } from './values';

/**
 * Runs one execution of a formula: the step graph from the trigger's onSuccess, each step's
 * onSuccess or onFailure next (shared/reference/formulas.md §3.5, §5). What touches the outside (the
 * sandbox, hub calls, outbound HTTP, sub-formulas, storage) comes through `StepEffects`, so the
 * runner is the same in the workers and in tests.
 */

export type StepStatus = 'success' | 'failed';

/** A request-type step's exchange: `response.code` is a number, as scripts read it. */
export interface HttpExchange {
  readonly request: Record<string, unknown>;
  readonly response: { code: number; headers: Record<string, string>; body: unknown };
}

export interface ElementRequest {
  readonly elementInstanceId: number;
  readonly method: string;
  /** The path after /hubs/ as the step named it, e.g. `/hubs/messaging/messages`. */
  readonly api: string;
  readonly query: Record<string, string>;
  readonly headers: Record<string, string>;
  readonly body: unknown;
}

export interface OutboundRequest {
  readonly url: string;
  readonly method: string;
  readonly query: Record<string, string>;
  readonly headers: Record<string, string>;
  readonly body: unknown;
}

export interface StepRecord {
  readonly stepName: string;
  readonly status: StepStatus;
  readonly values: readonly StepValue[];
}

export interface StepEffects {
  runScript(body: string, engine: ScriptEngine, globals: ScriptGlobals): Promise<ScriptOutcome>;
  /** A hub call through an element instance of the formula instance's organization; a refusal (no such instance) throws. */
  elementRequest(request: ElementRequest): Promise<HttpExchange['response']>;
  /** The hub's own platform API as the formula instance's owner (a `request` step); a call that cannot be made throws. */
  platformRequest(request: PlatformRequest): Promise<HttpExchange['response']>;
  /** An outbound call under the callback-URL SSRF policy; a refused URL or transport error throws. */
  httpRequest(request: OutboundRequest): Promise<HttpExchange['response']>;
  /** A formula of the same organization, for `formula` steps; null when there is none. */
  loadFormula(id: number): Promise<(FormulaDefinition & { id: number }) | null>;
  /** Stores a step execution as it ends (the trigger's first). */
  record(step: StepRecord): Promise<void>;
  /** Checked between steps: true ends the execution as cancelled. */
  cancelled(): Promise<boolean>;
  sleep(ms: number): Promise<void>;
}

export interface ExecutionInput {
  readonly formula: FormulaDefinition & { id: number };
  readonly instance: { readonly id: number; readonly name: string; readonly configuration: Readonly<Record<string, unknown>> };
  readonly executionId: number;
  /** What scripts see as `trigger`, and the trigger step's values. */
  readonly trigger: { readonly data: Record<string, unknown>; readonly values: readonly StepValue[] };
  readonly startTime: Date;
  /** retryFormulaExecution: which run of the execution this is (1 = the first). */
  readonly attempt?: number;
}

export interface ExecutionOutcome {
  readonly status: 'success' | 'failed' | 'retry' | 'cancelled';
  /** The last executed step's output (a sub-formula's result). */
  readonly lastOutput: unknown;
  /** For `retry`: how many runs the retry step allows. */
  readonly retryAttempts?: number;
  readonly error?: string;
}

export interface RunnerLimits {
  /** Step executions per execution (loops included), sub-formulas included. */
  readonly maxStepRuns: number;
  readonly maxFormulaDepth: number;
}

export const DEFAULT_RUNNER_LIMITS: RunnerLimits = { maxStepRuns: 10_000, maxFormulaDepth: 5 };

class StepFailure extends Error {
  constructor(
    message: string,
    readonly values: StepValue[] = [],
    /** What later steps see of a step that failed (a request's exchange). */
    readonly output?: unknown,
  ) {
    super(message);
  }
}

/** "200", "200,404", "401-405,500": does `code` match? */
export function statusMatches(spec: unknown, code: number): boolean {
  return String(spec)
    .split(',')
    .some((part) => {
      const m = /^\s*(\d{3})(?:\s*-\s*(\d{3}))?\s*$/.exec(part);
      if (!m) return false;
      const from = Number(m[1]);
      const to = m[2] === undefined ? from : Number(m[2]);
      return code >= from && code <= to;
    });
}

const textRecord = (value: unknown): Record<string, string> =>
  value !== null && typeof value === 'object' && !Array.isArray(value)
    ? Object.fromEntries(Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined && v !== null && v !== '').map(([k, v]) => [k, typeof v === 'string' ? v : valueText(v)]))
    : {};

export class FormulaRunner {
  private stepRuns = 0;

  constructor(
    private readonly effects: StepEffects,
    private readonly limits: RunnerLimits = DEFAULT_RUNNER_LIMITS,
  ) {}

  async run(input: ExecutionInput): Promise<ExecutionOutcome> {
    await this.effects.record({ stepName: 'trigger', status: 'success', values: input.trigger.values });
    return this.runGraph(input, input.instance.configuration, 0, true);
  }

  private async runGraph(input: ExecutionInput, config: Readonly<Record<string, unknown>>, depth: number, recording: boolean): Promise<ExecutionOutcome> {
    const { formula } = input;
    const byName = new Map(formula.steps.map((s) => [s.name, s]));
    const trigger = formula.triggers[0];
    const steps: Record<string, unknown> = {};
    const loopIndexes = new Map<string, number>();
    const queue: string[] = [...(trigger?.onSuccess ?? [])];
    let failed = false;
    let lastOutput: unknown = undefined;
    let firstError: string | undefined;
    const info = {
      formulaId: formula.id,
      formulaName: formula.name,
      formulaInstanceId: input.instance.id,
      formulaInstanceName: input.instance.name,
      formulaExecutionId: input.executionId,
      formulaStartTime: input.startTime.getTime(),
    };
    const record = (r: StepRecord) => (recording ? this.effects.record(r) : Promise.resolve());

    while (queue.length > 0) {
      if (await this.effects.cancelled()) return { status: 'cancelled', lastOutput };
      const name = queue.shift() as string;
      const step = byName.get(name);
      if (!step) {
        failed = true;
        firstError ??= `step '${name}' does not exist`;
        await record({ stepName: name, status: 'failed', values: [{ key: `${name}.error`, value: `step '${name}' does not exist in formula ${formula.id}` }] });
        continue;
      }
      if (++this.stepRuns > this.limits.maxStepRuns) {
        await record({ stepName: name, status: 'failed', values: [{ key: `${name}.error`, value: `more than ${this.limits.maxStepRuns} step executions in one execution` }] });
        return { status: 'failed', lastOutput, error: 'step limit reached' };
      }
      const scope: ReferenceScope = { config, steps, trigger: input.trigger.data, info: { ...info, stepEndTime: Date.now() } };
      let outcome: { status: StepStatus; output?: unknown; values: StepValue[]; follow: 'success' | 'failure' | 'none'; error?: boolean; retry?: number };
      try {
        outcome = await this.runStep(step, scope, input, config, depth, loopIndexes);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const values = error instanceof StepFailure ? error.values : [];
        const output = error instanceof StepFailure ? error.output : undefined;
        outcome = { status: 'failed', output, values: [...values, { key: `${name}.error`, value: message }], follow: 'failure', error: true };
      }
      if (outcome.output !== undefined) {
        steps[name] = outcome.output;
        lastOutput = outcome.output;
      }
      if (outcome.error) {
        failed = true;
        firstError ??= `${name}: ${outcome.values.find((v) => v.key === `${name}.error`)?.value ?? 'failed'}`;
      }
      await record({ stepName: name, status: outcome.status, values: outcome.values });
      if (outcome.retry !== undefined) return { status: 'retry', lastOutput, retryAttempts: outcome.retry };
      if (outcome.follow === 'success') queue.push(...step.onSuccess);
      else if (outcome.follow === 'failure') queue.push(...step.onFailure);
    }
    return failed ? { status: 'failed', lastOutput, ...(firstError ? { error: firstError } : {}) } : { status: 'success', lastOutput };
  }

  private async runStep(
    step: StepDefinition,
    scope: ReferenceScope,
    input: ExecutionInput,
    config: Readonly<Record<string, unknown>>,
    depth: number,
    loopIndexes: Map<string, number>,
  ): Promise<{ status: StepStatus; output?: unknown; values: StepValue[]; follow: 'success' | 'failure' | 'none'; error?: boolean; retry?: number }> {
    const { name, properties: p } = step;
    switch (step.type) {
      case 'script':
      case 'filter': {
        const engine: ScriptEngine = p['scriptEngine'] === 'v1' ? 'v1' : 'v2';
        const result = await this.effects.runScript(String(p['body']), engine, scope);
        const consoleValue = result.console.length > 0 ? [{ key: `${name}.console`, value: JSON.stringify(result.console) }] : [];
        if (!result.ok) throw new StepFailure(result.error, consoleValue);
        if (step.type === 'filter') {
          const pass = filterPasses(result.value);
          return { status: 'success', output: { continue: pass }, values: [{ key: `${name}.continue`, value: String(pass) }, ...consoleValue], follow: pass ? 'success' : 'failure' };
        }
        return { status: 'success', output: result.value ?? {}, values: [...topLevelValues(name, result.value), ...consoleValue], follow: 'success' };
      }
      case 'elementRequest':
      case 'request':
      case 'httpRequest':
        return this.requestStep(step, scope);
      case 'loop': {
        const list = resolveList(p['list'], scope);
        if (!Array.isArray(list)) throw new StepFailure(`loop list ${JSON.stringify(p['list'])} is not a list (it resolved to ${list === undefined ? 'nothing' : typeof list})`);
        const index = loopIndexes.get(name) ?? 0;
        if (index >= list.length) {
          loopIndexes.delete(name); // the next time the loop is entered (an outer loop) it starts again
          return { status: 'failed', values: [{ key: `${name}.index`, value: String(list.length) }], follow: 'failure' };
        }
        loopIndexes.set(name, index + 1);
        const output = { index, entry: list[index] };
        return { status: 'success', output, values: [{ key: `${name}.index`, value: String(index) }, { key: `${name}.entry`, value: valueText(list[index]) }], follow: 'success' };
      }
      case 'formula': {
        if (depth + 1 > this.limits.maxFormulaDepth) throw new StepFailure(`sub-formulas nest deeper than ${this.limits.maxFormulaDepth} levels`);
        const child = await this.effects.loadFormula(Number(p['formulaId']));
        if (!child) throw new StepFailure(`formula ${String(p['formulaId'])} does not exist`);
        const args = p['args'] === undefined ? {} : resolveValue(p['args'], scope);
        const overrides = p['subFormulaConfigs'] === undefined ? {} : resolveValue(p['subFormulaConfigs'], scope);
        const childConfig = { ...config, ...(overrides !== null && typeof overrides === 'object' && !Array.isArray(overrides) ? (overrides as Record<string, unknown>) : {}) };
        const outcome = await this.runGraph(
          { ...input, formula: child, trigger: { data: { type: 'manual', args }, values: [] } },
          childConfig,
          depth + 1,
          false,
        );
        const output = outcome.lastOutput ?? {};
        if (outcome.status === 'cancelled') return { status: 'failed', values: [{ key: `${name}.error`, value: 'the execution was cancelled' }], follow: 'none', error: true };
        if (outcome.status !== 'success') {
          throw new StepFailure(`sub-formula ${child.id} ended with an error${outcome.error ? `: ${outcome.error}` : ''}`, topLevelValues(name, output), output);
        }
        return { status: 'success', output, values: topLevelValues(name, output), follow: 'success' };
      }
      case 'retryFormulaExecution': {
        const allowed = p['retryAttempts'] === undefined || p['retryAttempts'] === '' ? 1 : Number(p['retryAttempts']);
        const attempt = input.attempt ?? 1;
        if (attempt > allowed) throw new StepFailure(`retry attempts exhausted (${allowed})`, [{ key: `${name}.attempt`, value: String(attempt) }]);
        return { status: 'success', values: [{ key: `${name}.attempt`, value: String(attempt) }], follow: 'none', retry: allowed };
      }
    }
  }

  private async requestStep(step: StepDefinition, scope: ReferenceScope) {
    const { name, properties: p } = step;
    const method = String(resolveValue(p['method'] ?? 'GET', scope)).toUpperCase();
    const query = textRecord(resolveValue(p['query'], scope));
    const headers = textRecord(resolveValue(p['headers'], scope));
    const rawBody = p['body'] === undefined ? undefined : resolveValue(p['body'], scope);
    const body = typeof rawBody === 'string' && /^\s*[[{]/.test(rawBody) ? parseOr(rawBody) : rawBody;
    const retry = String(p['retry']) === 'true';
    const attempts = retry ? Number(p['retryAttempts'] ?? 3) : 0;
    const delay = Number(p['retryDelay'] ?? 1000);
    const retryCodes = p['retryStatusCodes'] ?? '500-599';
    const acceptable = p['acceptableStatusCodes'];
    let request: Record<string, unknown>;
    let send: () => Promise<HttpExchange['response']>;
    if (step.type === 'elementRequest') {
      const instanceId = Number(resolveValue(p['elementInstanceId'], scope));
      if (!Number.isSafeInteger(instanceId) || instanceId <= 0) throw new StepFailure(`elementInstanceId ${JSON.stringify(p['elementInstanceId'])} did not resolve to an element instance id`);
      const api = fillPathPlaceholders(String(resolveValue(p['api'], scope)), resolveValue(p['path'], scope));
      request = { method, api, elementInstanceId: instanceId, query, headers, ...(body !== undefined ? { body } : {}) };
      send = () => this.effects.elementRequest({ elementInstanceId: instanceId, method, api, query, headers, body });
    } else if (step.type === 'request') {
      const api = fillPathPlaceholders(String(resolveValue(p['api'], scope)), resolveValue(p['path'], scope));
      const target = splitPlatformApi(api);
      const platformQuery = { ...target.query, ...query };
      // The identity is the binding's: a step's own Authorization or identity header is neither sent nor recorded.
      const platformHeaders = Object.fromEntries(Object.entries(headers).filter(([h]) => !isReservedPlatformHeader(h)));
      request = { method, api, query: platformQuery, headers: platformHeaders, ...(body !== undefined ? { body } : {}) };
      if (!isHttpMethod(method)) throw new StepFailure(`method '${method}' must be GET, POST, PUT, PATCH or DELETE`, exchangeValues(name, { request }));
      const refusal = platformPathRefusal(target.path);
      if (refusal) throw new StepFailure(`api ${refusal}`, exchangeValues(name, { request }));
      send = () => this.effects.platformRequest({ method, path: target.path, query: platformQuery, headers: platformHeaders, body });
    } else {
      const url = String(resolveValue(p['url'], scope));
      request = { method, url, query, headers, ...(body !== undefined ? { body } : {}) };
      send = () => this.effects.httpRequest({ url, method, query, headers, body });
    }
    let response: HttpExchange['response'];
    let attempt = 0;
    for (;;) {
      try {
        response = await send();
      } catch (error) {
        throw new StepFailure((error as Error).message, exchangeValues(name, { request }));
      }
      if (attempt < attempts && statusMatches(retryCodes, response.code)) {
        attempt++;
        await this.effects.sleep(delay);
        continue;
      }
      break;
    }
    if (retry) request = { ...request, 'retry-attempt': attempt };
    const exchange = { request, response };
    const values = exchangeValues(name, exchange);
    const ok = acceptable !== undefined && acceptable !== '' ? statusMatches(acceptable, response.code) : response.code >= 200 && response.code < 300;
    if (!ok) throw new StepFailure(`${step.type} answered ${response.code}, which is not an acceptable status code${acceptable ? ` (${String(acceptable)})` : ''}`, values, exchange);
    return { status: 'success' as const, output: exchange, values, follow: 'success' as const };
  }
}

function parseOr(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A filter passes on `done(true)` (or `{continue: true}`, or a v1 `return {continue: true}`). */
function filterPasses(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (value !== null && typeof value === 'object' && 'continue' in value) return (value as { continue: unknown }).continue === true;
  return Boolean(value);
}
