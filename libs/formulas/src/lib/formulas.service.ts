import { BadRequestError, ConflictError, NotFoundError } from '@hub/element-sdk';
import { type FormulaOperations, STORE } from '@hub/runtime';
import { eventTrigger, type ExecutionRow, type FormulaInstanceRow, type FormulaRow, type Store, type NewExecution, type StepExecutionRow, type Tenant } from '@hub/store';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { CronError, nextRun, parseQuartzCron } from './cron';
import { definitionOf, documentOf, formulaView, type StoredDocument, withIds } from './formula-documents';
import { checkConfigurationEntry, checkFormula, checkStep, type FormulaDefinition, stripHtml, unknownStepNames } from './formula-model';
import { configKeyOf } from './references';
import { RequestTriggers } from './request-trigger';
import { ScriptSandbox } from './sandbox';
import { FORMULA_WAKE, type FormulaWake } from './formulas.options';
import { valueText } from './values';

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

export interface Page {
  readonly page: number;
  readonly pageSize: number;
}

/**
 * The formulas API (shared/reference/formulas.md §2): formulas and their configuration, trigger and
 * steps; formula instances; executions, step executions and values. Every read and write is the
 * tenant's; another organization's formula answers 404.
 */
@Injectable()
export class FormulasService implements FormulaOperations {
  constructor(
    @Inject(STORE) private readonly store: Store,
    private readonly sandbox: ScriptSandbox,
    @Optional() @Inject(FORMULA_WAKE) private readonly wake?: FormulaWake,
    @Optional() private readonly requestTriggers?: RequestTriggers,
  ) {}

  /** Formula instances changed here: the elementRequest listeners of this process follow at once (other replicas within seconds). */
  private listenersChanged(): Promise<void> {
    return this.requestTriggers?.refresh() ?? Promise.resolve();
  }

  // ---- formulas

  async list(tenant: Tenant, abridged: boolean) {
    return (await this.store.formulas.listFormulas(tenant)).map((f) => formulaView(f, { abridged }));
  }

  async create(tenant: Tenant, body: unknown) {
    const formula = await this.checked(body);
    const row = await this.store.formulas.createFormula(tenant, this.rowData(formula, withIds(formula)));
    return formulaView(row);
  }

  async get(tenant: Tenant, id: number) {
    return formulaView(await this.formula(tenant, id));
  }

  /** PUT (a whole formula, or only some fields: what is left out stays) and PATCH (`null` removes description). */
  async update(tenant: Tenant, id: number, body: unknown) {
    const row = await this.formula(tenant, id);
    const formula = await this.checked(body, definitionOf(row));
    return this.save(tenant, row, formula, withIds(formula, documentOf(row)));
  }

  async remove(tenant: Tenant, id: number) {
    if (!(await this.store.formulas.deleteFormula(tenant, id))) throw new NotFoundError(`formula ${id} not found`);
    await this.listenersChanged();
    return {};
  }

  // ---- configuration, triggers, steps of a formula

  async addItem(tenant: Tenant, id: number, kind: 'configuration' | 'triggers' | 'steps', body: unknown) {
    const row = await this.formula(tenant, id);
    const doc = documentOf(row);
    const current = definitionOf(row);
    if (kind === 'configuration') {
      const entry = checkConfigurationEntry(body, 'configuration');
      if (doc.configuration.some((c) => c.key === entry.key)) throw new ConflictError(`configuration key '${entry.key}' already exists in formula ${id}`);
    }
    if (kind === 'triggers' && doc.triggers.length > 0) throw new BadRequestError(`formula ${id} already has a trigger: change it with PUT /formulas/${id}/triggers/${doc.triggers[0].id}`);
    if (kind === 'steps') {
      const step = checkStep(body, 'step');
      if (doc.steps.some((s) => s.name === step.name)) throw new ConflictError(`formula ${id} already has a step named '${step.name}'`);
    }
    const next = { ...current, [kind]: [...current[kind], body] };
    const formula = await this.checked(next, current);
    const saved = withIds(formula, doc);
    await this.save(tenant, row, formula, saved);
    return saved[kind][saved[kind].length - 1];
  }

  async getItem(tenant: Tenant, id: number, kind: 'configuration' | 'triggers' | 'steps', itemId: number) {
    const doc = documentOf(await this.formula(tenant, id));
    const item = (doc[kind] as { id: number }[]).find((x) => x.id === itemId);
    if (!item) throw new NotFoundError(`${kind === 'steps' ? 'step' : kind === 'triggers' ? 'trigger' : 'configuration'} ${itemId} not found in formula ${id}`);
    return item;
  }

  async listItems(tenant: Tenant, id: number, kind: 'steps') {
    return documentOf(await this.formula(tenant, id))[kind];
  }

  async replaceItem(tenant: Tenant, id: number, kind: 'configuration' | 'triggers' | 'steps', itemId: number, body: unknown) {
    const row = await this.formula(tenant, id);
    const doc = documentOf(row);
    const old = (await this.getItem(tenant, id, kind, itemId)) as Obj;
    const replacement = { ...(isObject(body) ? body : {}), id: itemId };
    let current: Obj = { ...definitionOf(row), [kind]: (doc[kind] as { id: number }[]).map((x) => (x.id === itemId ? replacement : x)) };
    if (kind === 'configuration' && isObject(body) && typeof body['key'] === 'string' && body['key'] !== old['key']) {
      current = renameConfigKey(current, String(old['key']), body['key']);
    }
    if (kind === 'steps' && isObject(body) && typeof body['name'] === 'string' && body['name'] !== old['name']) {
      current = renameStep(current, String(old['name']), body['name']);
    }
    const formula = await this.checked(current);
    const saved = withIds(formula, doc);
    await this.save(tenant, row, formula, saved);
    return (saved[kind] as { id: number }[]).find((x) => x.id === itemId);
  }

  async removeItem(tenant: Tenant, id: number, kind: 'configuration' | 'triggers' | 'steps', itemId: number) {
    const row = await this.formula(tenant, id);
    const doc = documentOf(row);
    const old = (await this.getItem(tenant, id, kind, itemId)) as Obj;
    let current: Obj = { ...definitionOf(row), [kind]: (doc[kind] as { id: number }[]).filter((x) => x.id !== itemId) };
    if (kind === 'steps') current = unlinkStep(current, String(old['name']));
    const formula = await this.checked(current);
    await this.save(tenant, row, formula, withIds(formula, doc));
    return {};
  }

  // ---- formula instances

  async listInstances(tenant: Tenant, query: { formulaId?: number; elementInstanceId?: number; searchText?: string; includeInactive?: boolean }) {
    if (query.formulaId !== undefined) await this.formula(tenant, query.formulaId);
    const rows = await this.store.formulas.listInstances(tenant, { formulaId: query.formulaId, searchText: query.searchText, includeInactive: query.includeInactive ?? true });
    const formulas = new Map((await this.store.formulas.listFormulas(tenant)).map((f) => [f.id, f]));
    return rows
      .filter((r) => query.elementInstanceId === undefined || this.referencesElementInstance(r, formulas.get(r.formulaId), query.elementInstanceId))
      .map((r) => instanceView(r, formulas.get(r.formulaId)));
  }

  async createInstance(tenant: Tenant, formulaId: number, body: unknown) {
    const formula = await this.formula(tenant, formulaId);
    const data = await this.instanceData(tenant, formula, body);
    const row = await this.store.formulas.createInstance(tenant, formulaId, data);
    if (!row) throw new NotFoundError(`formula ${formulaId} not found`);
    await this.listenersChanged();
    return instanceView(row, formula);
  }

  async getInstance(tenant: Tenant, formulaId: number | undefined, id: number) {
    const row = await this.instance(tenant, id, formulaId);
    return instanceView(row, await this.store.formulas.findFormula(tenant, row.formulaId));
  }

  /** PUT: a whole instance, or a partial one (`{numberConsecutiveErrors, firstConsecutiveErrorDate}` too). */
  async updateInstance(tenant: Tenant, formulaId: number, id: number, body: unknown) {
    const row = await this.instance(tenant, id, formulaId);
    const formula = await this.formula(tenant, formulaId);
    if (!isObject(body)) throw new BadRequestError('the request body must be a formula instance object');
    const merged = {
      name: body['name'] ?? row.name,
      active: body['active'] ?? row.active,
      configuration: body['configuration'] ?? row.configuration,
      settings: body['settings'] ?? row.settings,
    };
    const data = await this.instanceData(tenant, formula, merged);
    const errors = body['numberConsecutiveErrors'];
    if (errors !== undefined && !(Number.isInteger(errors) && (errors as number) >= 0)) throw new BadRequestError('numberConsecutiveErrors must be a non-negative integer');
    const first = body['firstConsecutiveErrorDate'];
    if (first !== undefined && first !== null && (typeof first !== 'string' || Number.isNaN(Date.parse(first)))) throw new BadRequestError('firstConsecutiveErrorDate must be an ISO-8601 date or null');
    const updated = await this.store.formulas.updateInstance(tenant, id, {
      ...data,
      ...(errors !== undefined ? { consecutiveErrors: errors as number } : {}),
      ...(first !== undefined ? { firstConsecutiveErrorDate: first === null ? null : new Date(first as string) } : {}),
    });
    if (!updated) throw new NotFoundError(`formula instance ${id} not found`);
    await this.listenersChanged();
    return instanceView(updated, formula);
  }

  async setInstanceActive(tenant: Tenant, formulaId: number, id: number, active: boolean) {
    const formula = await this.formula(tenant, formulaId);
    const row = await this.instance(tenant, id, formulaId);
    const schedule = scheduleOf(formula, row.cron, active);
    const updated = await this.store.formulas.updateInstance(tenant, id, { active, nextRunAt: schedule });
    if (!updated) throw new NotFoundError(`formula instance ${id} not found`);
    await this.listenersChanged();
    return instanceView(updated, formula);
  }

  async removeInstance(tenant: Tenant, formulaId: number | undefined, id: number) {
    if (!(await this.store.formulas.deleteInstance(tenant, id, formulaId))) throw new NotFoundError(`formula instance ${id} not found`);
    await this.listenersChanged();
    return {};
  }

  // ---- executions

  /** POST …/executions: the body becomes `trigger.args` (manual, scheduled), or carries the events (event). */
  async startExecutions(tenant: Tenant, formulaId: number | undefined, instanceId: number, body: unknown) {
    const instance = await this.instance(tenant, instanceId, formulaId);
    const formula = await this.formula(tenant, instance.formulaId);
    const trigger = documentOf(formula).triggers[0];
    if (!trigger) throw new BadRequestError(`formula ${formula.id} has no trigger to run`);
    const args = body === undefined || body === null || body === '' ? {} : body;
    let executions: NewExecution[];
    if (trigger.type === 'event') {
      const message = isObject(args) && isObject(args['message']) ? args['message'] : undefined;
      const events = message?.['events'];
      if (!message || !Array.isArray(events) || events.length === 0 || !events.every(isObject)) {
        throw new BadRequestError('an event formula runs on an event envelope: {"message": {"events": [{"objectType", "objectId", "eventType"}, …]}}');
      }
      const eventId = typeof message['eventId'] === 'string' ? message['eventId'] : randomUUID();
      const elementInstance = Number(message['instance_id'] ?? message['instanceId'] ?? instance.eventInstanceId ?? 0);
      executions = (events as Obj[]).map((event) => ({
        trigger: eventTrigger(eventId, elementInstance, event, args),
        eventId,
        ...(typeof event['objectId'] === 'string' ? { objectId: event['objectId'] } : {}),
      }));
    } else {
      const values = [{ key: 'trigger.args', value: valueText(args) }];
      executions = [
        {
          trigger:
            trigger.type === 'scheduled'
              ? { data: { type: 'scheduled', args }, values: [{ key: 'trigger.type', value: 'scheduled' }, ...values] }
              : { data: { type: 'manual', args }, values },
        },
      ];
    }
    const rows = await this.store.formulas.createExecutions(tenant, instance.id, executions);
    this.wake?.();
    return rows.map(executionView);
  }

  async listExecutions(tenant: Tenant, formulaId: number | undefined, instanceId: number, query: { eventId?: string; objectId?: string } & Page) {
    if (query.eventId !== undefined && query.objectId !== undefined) throw new BadRequestError('search executions by eventId or by objectId, not both');
    await this.instance(tenant, instanceId, formulaId);
    const { items, total } = await this.store.formulas.listExecutions(tenant, instanceId, {
      eventId: query.eventId,
      objectId: query.objectId,
      skip: (query.page - 1) * query.pageSize,
      take: query.pageSize,
    });
    return { items: items.map(executionView), total };
  }

  async getExecution(tenant: Tenant, id: number) {
    const execution = await this.execution(tenant, id);
    const { items } = await this.store.formulas.listStepExecutions(tenant, id, { includeValues: false, skip: 0, take: 10_000 });
    return { ...executionView(execution), stepExecutions: items.map(stepView) };
  }

  async cancelExecution(tenant: Tenant, id: number, body: unknown) {
    if (!isObject(body) || body['status'] !== 'cancelled') throw new BadRequestError('status: the only change an execution takes is {"status": "cancelled"}');
    const result = await this.store.formulas.cancelExecution(tenant, id);
    if (result === null) throw new NotFoundError(`execution ${id} not found`);
    if (result === 'finished') throw new BadRequestError(`execution ${id} has already finished or been cancelled`);
    return executionView(await this.execution(tenant, id));
  }

  async listStepExecutions(tenant: Tenant, executionId: number, query: { includeValues: boolean } & Page) {
    await this.execution(tenant, executionId);
    const { items, total } = await this.store.formulas.listStepExecutions(tenant, executionId, {
      includeValues: query.includeValues,
      skip: (query.page - 1) * query.pageSize,
      take: query.pageSize,
    });
    return { items: items.map(stepView), total };
  }

  async executionErrors(tenant: Tenant, executionId: number) {
    await this.execution(tenant, executionId);
    const { items } = await this.store.formulas.listStepExecutions(tenant, executionId, { includeValues: true, status: 'failed', skip: 0, take: 10_000 });
    return items.filter(errored).map(stepView);
  }

  /** GET /formulas/instances/{id}/executions/errors: the instance's failed executions, each with only its failed step executions (and their values). */
  async instanceErrors(tenant: Tenant, instanceId: number, query: { from?: Date; to?: Date } & Page) {
    await this.instance(tenant, instanceId);
    const { items, total } = await this.store.formulas.listExecutions(tenant, instanceId, {
      status: 'failed',
      from: query.from,
      to: query.to,
      skip: (query.page - 1) * query.pageSize,
      take: query.pageSize,
    });
    return { items: await this.withFailedSteps(tenant, items), total };
  }

  /** GET /formulas/{id}/instances/executions/errors: the formula's instances that have failed executions (pageSize counts instances), each with them. */
  async formulaErrors(tenant: Tenant, formulaId: number, query: { from?: Date; to?: Date } & Page) {
    const formula = await this.formula(tenant, formulaId);
    const failing: { instance: FormulaInstanceRow; executions: ExecutionRow[] }[] = [];
    for (const instance of await this.store.formulas.listInstances(tenant, { formulaId })) {
      const { items } = await this.store.formulas.listExecutions(tenant, instance.id, { status: 'failed', from: query.from, to: query.to, skip: 0, take: 200 });
      if (items.length > 0) failing.push({ instance, executions: items });
    }
    const page = failing.slice((query.page - 1) * query.pageSize, query.page * query.pageSize);
    const items = [];
    for (const f of page) items.push({ ...instanceView(f.instance, formula), executions: await this.withFailedSteps(tenant, f.executions) });
    return { items, total: failing.length };
  }

  private async withFailedSteps(tenant: Tenant, executions: readonly ExecutionRow[]) {
    const out = [];
    for (const execution of executions) {
      const { items } = await this.store.formulas.listStepExecutions(tenant, execution.id, { includeValues: true, status: 'failed', skip: 0, take: 1_000 });
      out.push({ ...executionView(execution), ...(execution.error ? { error: execution.error } : {}), stepExecutions: items.filter(errored).map(stepView) });
    }
    return out;
  }

  async getStepExecution(tenant: Tenant, id: number) {
    const step = await this.store.formulas.findStepExecution(tenant, id);
    if (!step) throw new NotFoundError(`step execution ${id} not found`);
    return stepView(step);
  }

  async listValues(tenant: Tenant, stepExecutionId: number, page: Page) {
    const result = await this.store.formulas.listValues(tenant, stepExecutionId, { skip: (page.page - 1) * page.pageSize, take: page.pageSize });
    if (!result) throw new NotFoundError(`step execution ${stepExecutionId} not found`);
    return result;
  }

  /** PUT …/retries: runs the execution again, as a new execution with the same trigger input. */
  async replay(tenant: Tenant, id: number) {
    const execution = await this.execution(tenant, id);
    const rows = await this.store.formulas.createExecutions(tenant, execution.formulaInstanceId, [
      { trigger: execution.trigger, ...(execution.eventId ? { eventId: execution.eventId } : {}), ...(execution.objectId ? { objectId: execution.objectId } : {}) },
    ]);
    if (rows.length === 0) throw new NotFoundError(`execution ${id} not found`);
    this.wake?.();
    return executionView(rows[0]);
  }

  // ---- for operators (FORMULA_OPERATIONS: the admin API acts as the formula instance's owner)

  async executionsOf(tenant: Tenant, formulaInstanceId: number, query: { status?: string } & Page) {
    await this.instance(tenant, formulaInstanceId);
    const { items, total } = await this.store.formulas.listExecutions(tenant, formulaInstanceId, {
      ...(query.status !== undefined ? { status: query.status } : {}),
      skip: (query.page - 1) * query.pageSize,
      take: query.pageSize,
    });
    return { items: items.map((e) => ({ ...executionView(e), ...(e.error ? { error: e.error } : {}) })), total };
  }

  async executionWithValues(tenant: Tenant, id: number) {
    const execution = await this.execution(tenant, id);
    const { items } = await this.store.formulas.listStepExecutions(tenant, id, { includeValues: true, skip: 0, take: 1_000 });
    return { ...executionView(execution), ...(execution.error ? { error: execution.error } : {}), stepExecutions: items.map(stepView) };
  }

  /** DELETE …/retries: stops the pending re-run of an execution that ended `retry`. */
  async cancelRetries(tenant: Tenant, id: number) {
    const execution = await this.execution(tenant, id);
    if (execution.status !== 'retry') throw new BadRequestError(`execution ${id} is not waiting for a retry (its status is ${execution.status})`);
    return { cancelled: await this.store.formulas.cancelRetries(tenant, id) };
  }

  // ---- helpers

  private async formula(tenant: Tenant, id: number): Promise<FormulaRow> {
    const row = await this.store.formulas.findFormula(tenant, id);
    if (!row) throw new NotFoundError(`formula ${id} not found`);
    return row;
  }

  private async instance(tenant: Tenant, id: number, formulaId?: number): Promise<FormulaInstanceRow> {
    const row = await this.store.formulas.findInstance(tenant, id, formulaId);
    if (!row) throw new NotFoundError(`formula instance ${id} not found${formulaId !== undefined ? ` in formula ${formulaId}` : ''}`);
    return row;
  }

  private async execution(tenant: Tenant, id: number): Promise<ExecutionRow> {
    const row = await this.store.formulas.findExecution(tenant, id);
    if (!row) throw new NotFoundError(`execution ${id} not found`);
    return row;
  }

  /** checkFormula, then the create-time script checks: a v2 body must compile (no top-level return). */
  private async checked(body: unknown, current?: FormulaDefinition): Promise<FormulaDefinition> {
    const formula = checkFormula(body, current);
    for (const [i, step] of formula.steps.entries()) {
      if ((step.type === 'script' || step.type === 'filter') && step.properties['scriptEngine'] === 'v2') {
        const error = await this.sandbox.syntaxError(String(step.properties['body']));
        if (error) throw new BadRequestError(`steps[${i}].properties.body does not compile (${error}): a v2 script ends with done(), not a top-level return`);
      }
    }
    return formula;
  }

  private rowData(formula: FormulaDefinition, doc: StoredDocument) {
    return { name: formula.name, description: formula.description ?? null, active: formula.active, singleThreaded: formula.singleThreaded, definition: doc };
  }

  /** Stores a changed formula and brings its instances' event source and schedule in line with it. */
  private async save(tenant: Tenant, row: FormulaRow, formula: FormulaDefinition, doc: StoredDocument) {
    const updated = await this.store.formulas.updateFormula(tenant, row.id, this.rowData(formula, doc));
    if (!updated) throw new NotFoundError(`formula ${row.id} not found`);
    for (const instance of await this.store.formulas.listInstances(tenant, { formulaId: row.id })) {
      const source = sourcesOf(updated, instance.configuration);
      await this.store.formulas.updateInstance(tenant, instance.id, {
        eventInstanceId: source.eventInstanceId,
        requestInstanceId: source.requestInstanceId,
        cron: source.cron,
        nextRunAt: scheduleOf(updated, source.cron, instance.active),
      });
    }
    await this.listenersChanged();
    return formulaView(updated);
  }

  private async instanceData(tenant: Tenant, formula: FormulaRow, body: unknown) {
    if (!isObject(body)) throw new BadRequestError('the request body must be a formula instance object');
    if (typeof body['name'] !== 'string' || stripHtml(body['name']) === '') throw new BadRequestError('name is required and must be a non-empty string');
    const name = stripHtml(body['name']);
    const active = body['active'] === undefined ? true : body['active'];
    if (typeof active !== 'boolean') throw new BadRequestError('active must be a boolean');
    const configuration = body['configuration'] === undefined || body['configuration'] === null ? {} : body['configuration'];
    if (!isObject(configuration)) throw new BadRequestError('configuration must be an object {key: value}');
    const settings = body['settings'] === undefined || body['settings'] === null ? {} : body['settings'];
    if (!isObject(settings)) throw new BadRequestError('settings must be an object');
    if (settings['api'] !== undefined) throw new BadRequestError('settings.api: formulas as resources (FaaR) are not supported by this hub yet');
    const doc = documentOf(formula);
    const missing = unknownStepNames(doc);
    if (missing.length > 0) throw new BadRequestError(`formula ${formula.id} links to steps it does not have: ${missing.join(', ')}`);
    for (const entry of doc.configuration) {
      const value = configuration[entry.key];
      if (value === undefined || value === null || value === '') {
        if (entry.required !== false) throw new BadRequestError(`configuration.${entry.key} is required by formula ${formula.id}`);
        continue;
      }
      if (entry.type === 'elementInstance') {
        const id = Number(value);
        if (!Number.isSafeInteger(id) || id <= 0 || !(await this.store.instances.findById(tenant, id))) {
          throw new BadRequestError(`configuration.${entry.key}: element instance ${String(value)} not found`);
        }
      }
    }
    const source = sourcesOf(formula, configuration);
    const triggerType = documentOf(formula).triggers[0]?.type;
    if ((triggerType === 'event' || triggerType === 'elementRequest') && source.eventInstanceId === null && source.requestInstanceId === null) {
      throw new BadRequestError(`configuration: the ${triggerType} trigger's elementInstanceId does not resolve to an element instance`);
    }
    const sourceInstance = source.eventInstanceId ?? source.requestInstanceId;
    if (sourceInstance !== null && !(await this.store.instances.findById(tenant, sourceInstance))) {
      throw new BadRequestError(`the ${triggerType} trigger's element instance ${sourceInstance} not found`);
    }
    if (source.cron !== null) {
      try {
        parseQuartzCron(source.cron);
      } catch (error) {
        if (error instanceof CronError) throw new BadRequestError(`the scheduled trigger's cron: ${error.message}`);
        throw error;
      }
    }
    return { name, active, configuration, settings, eventInstanceId: source.eventInstanceId, requestInstanceId: source.requestInstanceId, cron: source.cron, nextRunAt: scheduleOf(formula, source.cron, active) };
  }

  private referencesElementInstance(row: FormulaInstanceRow, formula: FormulaRow | undefined, elementInstanceId: number): boolean {
    if (!formula || !isObject(row.configuration)) return false;
    const config = row.configuration;
    return documentOf(formula).configuration.some((c) => c.type === 'elementInstance' && Number(config[c.key]) === elementInstanceId) || row.eventInstanceId === elementInstanceId || row.requestInstanceId === elementInstanceId;
  }
}

/** An instance's event source (the element instance its event trigger resolves to) and its cron. */
function sourcesOf(formula: FormulaRow, configuration: unknown): { eventInstanceId: number | null; requestInstanceId: number | null; cron: string | null } {
  const doc = documentOf(formula);
  const trigger = doc.triggers[0];
  const config = isObject(configuration) ? configuration : {};
  const keys = doc.configuration.map((c) => c.key);
  const resolve = (value: unknown) => {
    const key = configKeyOf(value, keys);
    return key !== undefined ? config[key] : value;
  };
  if (trigger?.type === 'event' || trigger?.type === 'elementRequest') {
    const id = Number(resolve(trigger.properties['elementInstanceId']));
    const instanceId = Number.isSafeInteger(id) && id > 0 ? id : null;
    return trigger.type === 'event' ? { eventInstanceId: instanceId, requestInstanceId: null, cron: null } : { eventInstanceId: null, requestInstanceId: instanceId, cron: null };
  }
  if (trigger?.type === 'scheduled') {
    const cron = resolve(trigger.properties['cron']);
    return { eventInstanceId: null, requestInstanceId: null, cron: typeof cron === 'string' && cron.trim() !== '' ? cron : null };
  }
  return { eventInstanceId: null, requestInstanceId: null, cron: null };
}

/** The next run of a scheduled instance: only while both the formula and the instance are active. */
function scheduleOf(formula: FormulaRow, cron: string | null, active: boolean): Date | null {
  if (!cron || !active || !formula.active) return null;
  try {
    return nextRun(parseQuartzCron(cron), new Date());
  } catch {
    return null;
  }
}

function renameConfigKey(formula: Obj, from: string, to: string): Obj {
  const escaped = from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`\\$\\{(config\\.)?${escaped}(?=[}.[])`, 'g');
  return JSON.parse(JSON.stringify(formula).replace(re, (_m, prefix: string | undefined) => `\${${prefix ?? ''}${to}`)) as Obj;
}

function renameStep(formula: Obj, from: string, to: string): Obj {
  const rename = (list: unknown) => (Array.isArray(list) ? list.map((n) => (n === from ? to : n)) : list);
  const relink = (x: unknown) => (isObject(x) ? { ...x, onSuccess: rename(x['onSuccess']), onFailure: rename(x['onFailure']) } : x);
  return { ...formula, triggers: (formula['triggers'] as unknown[]).map(relink), steps: (formula['steps'] as unknown[]).map(relink) };
}

/** Deleting a step removes its name from every onSuccess and onFailure. */
function unlinkStep(formula: Obj, name: string): Obj {
  const drop = (list: unknown) => (Array.isArray(list) ? list.filter((n) => n !== name) : list);
  const relink = (x: unknown) => (isObject(x) ? { ...x, onSuccess: drop(x['onSuccess']), onFailure: drop(x['onFailure']) } : x);
  return { ...formula, triggers: (formula['triggers'] as unknown[]).map(relink), steps: (formula['steps'] as unknown[]).map(relink) };
}

/**
 * A step that failed with an error (it recorded `<step>.error`), not one that only routed to
 * onFailure: a loop past its last entry records a `failed` step execution and is no error (§5.2, §5.4).
 */
function errored(step: StepExecutionRow): boolean {
  return step.values?.some((v) => v.key === `${step.stepName}.error`) ?? true;
}

export function instanceView(row: FormulaInstanceRow, formula: FormulaRow | null | undefined) {
  return {
    id: row.id,
    name: row.name,
    active: row.active,
    formula: formula ? { id: formula.id, name: formula.name, active: formula.active } : { id: row.formulaId },
    configuration: row.configuration,
    settings: row.settings,
    createdDate: row.createdDate.toISOString(),
    updatedDate: row.updatedDate.toISOString(),
    numberConsecutiveErrors: row.consecutiveErrors,
    ...(row.firstConsecutiveErrorDate ? { firstConsecutiveErrorDate: row.firstConsecutiveErrorDate.toISOString() } : {}),
    numberConsecutiveErrorWarningNotifications: row.consecutiveErrorWarnings,
  };
}

export function executionView(row: ExecutionRow) {
  return {
    id: row.id,
    formulaInstanceId: row.formulaInstanceId,
    status: row.status,
    createdDate: row.createdDate.toISOString(),
    updatedDate: row.finishedDate ? row.finishedDate.toISOString() : null,
    ...(row.eventId ? { eventId: row.eventId } : {}),
    ...(row.objectId ? { objectId: row.objectId } : {}),
    ...(row.attempt > 1 ? { attempt: row.attempt } : {}),
    ...(row.retryOf ? { retryOf: row.retryOf } : {}),
  };
}

export function stepView(row: StepExecutionRow) {
  return {
    id: row.id,
    stepName: row.stepName,
    status: row.status,
    createdDate: row.createdDate.toISOString(),
    ...(row.values ? { stepExecutionValues: row.values } : {}),
  };
}
