import { Prisma, type PrismaClient } from '../generated/prisma/client';
import { mintTenant, type Tenant } from './tenant';

type Tx = Prisma.TransactionClient;
const json = (value: unknown) => value as Prisma.InputJsonValue;

/** A step execution as its worker saw it end, waiting to be written with others. */
export interface RecordedStep {
  readonly stepName: string;
  readonly status: string;
  readonly values: readonly { key: string; value: string }[];
  readonly createdDate: Date;
}

/**
 * The common table expressions that insert `steps` (and their values, in order) for the execution
 * the statement's `target` CTE yields — none when it yields no row (the lease was lost). Step ids
 * are taken from the sequence first so each value row can name its step within the one statement.
 */
function stepsSql(steps: readonly RecordedStep[]): Prisma.Sql {
  const input = JSON.stringify(steps.map((s) => ({ name: s.stepName, status: s.status, at: s.createdDate.toISOString(), values: s.values.map((v) => ({ key: v.key, value: v.value })) })));
  return Prisma.sql`
    numbered AS (
      SELECT ordered.*, nextval(pg_get_serial_sequence('formula_step_executions', 'id')) AS step_id
        FROM (SELECT target.id AS execution_id, s.ord, s.step
                FROM target, jsonb_array_elements(${input}::jsonb) WITH ORDINALITY AS s(step, ord)
               ORDER BY s.ord) ordered
    ), inserted_steps AS (
      INSERT INTO formula_step_executions (id, execution_id, step_name, status, created_date)
      SELECT step_id, execution_id, step->>'name', step->>'status', (step->>'at')::timestamptz FROM numbered ORDER BY ord
      RETURNING id
    ), inserted_values AS (
      INSERT INTO formula_step_execution_values (step_execution_id, key, value)
      SELECT n.step_id, v.entry->>'key', v.entry->>'value'
        FROM numbered n, jsonb_array_elements(n.step->'values') WITH ORDINALITY AS v(entry, ord)
       ORDER BY n.ord, v.ord
      RETURNING id
    )`;
}

export interface FormulaRow {
  readonly id: number;
  readonly organizationId: number;
  readonly userId: number;
  readonly name: string;
  readonly description: string | null;
  readonly active: boolean;
  readonly singleThreaded: boolean;
  readonly definition: unknown;
  readonly createdDate: Date;
  readonly updatedDate: Date;
}

export interface FormulaData {
  readonly name: string;
  readonly description: string | null;
  readonly active: boolean;
  readonly singleThreaded: boolean;
  readonly definition: unknown;
}

export interface FormulaInstanceRow {
  readonly id: number;
  readonly organizationId: number;
  readonly formulaId: number;
  readonly userId: number;
  readonly name: string;
  readonly active: boolean;
  readonly configuration: unknown;
  readonly settings: unknown;
  readonly eventInstanceId: number | null;
  readonly requestInstanceId: number | null;
  readonly cron: string | null;
  readonly nextRunAt: Date | null;
  readonly consecutiveErrors: number;
  readonly firstConsecutiveErrorDate: Date | null;
  readonly consecutiveErrorWarnings: number;
  readonly createdDate: Date;
  readonly updatedDate: Date;
}

export interface FormulaInstanceData {
  readonly name: string;
  readonly active: boolean;
  readonly configuration: unknown;
  readonly settings: unknown;
  readonly eventInstanceId: number | null;
  readonly requestInstanceId?: number | null;
  readonly cron: string | null;
  readonly nextRunAt: Date | null;
  readonly consecutiveErrors?: number;
  readonly firstConsecutiveErrorDate?: Date | null;
}

export interface NewExecution {
  /** {data, values}: what scripts see as `trigger`, and the trigger step's values. */
  readonly trigger: unknown;
  readonly eventId?: string;
  readonly objectId?: string;
  readonly attempt?: number;
  readonly retryOf?: number;
  readonly runAfter?: Date;
}

export type ExecutionStatus = 'queued' | 'pending' | 'success' | 'failed' | 'retry' | 'cancelled';

export interface ExecutionRow {
  readonly id: number;
  readonly formulaInstanceId: number;
  readonly status: string;
  readonly trigger: unknown;
  readonly eventId: string | null;
  readonly objectId: string | null;
  readonly attempt: number;
  readonly retryOf: number | null;
  readonly error: string | null;
  readonly createdDate: Date;
  readonly finishedDate: Date | null;
}

export interface StepExecutionRow {
  readonly id: number;
  readonly executionId: number;
  readonly stepName: string;
  readonly status: string;
  readonly createdDate: Date;
  readonly values?: { id: number; key: string; value: string }[];
}

/** An execution a worker holds: it alone runs it until `leaseUntil`. */
export interface ClaimedExecution {
  readonly id: number;
  readonly tenant: Tenant;
  readonly formulaInstanceId: number;
  readonly trigger: unknown;
  readonly attempt: number;
  /** 1 on the first claim; more when a worker died holding it (the run starts again from the trigger). */
  readonly claims: number;
  readonly createdDate: Date;
  /**
   * The formula's and the formula instance's last changes as the claim saw them: a worker that keeps
   * their definitions in memory reloads them when either moved.
   */
  readonly versions: { readonly formula: Date; readonly instance: Date };
}

/** What a failed or successful execution did to its instance's run of consecutive errors. */
export interface ErrorStreak {
  readonly consecutiveErrors: number;
  /** The warning threshold was just crossed (the 51st consecutive failure). */
  readonly warned: boolean;
  /** The instance was just deactivated (the 101st). */
  readonly deactivated: boolean;
}

/** From this many consecutive failed executions on, the next one warns; from CONSECUTIVE_ERROR_LIMIT the instance is deactivated. */
export const CONSECUTIVE_ERROR_WARNING = 50;
export const CONSECUTIVE_ERROR_LIMIT = 100;

const UNFINISHED = ['queued', 'pending'];

/** A notification as the event engine stores it: its body is the JSON the callback URL receives. */
interface StoredNotification {
  readonly eventId: string;
  readonly body: string;
}

/**
 * Formulas, their instances, executions, step executions and values. Every client read and write is
 * scoped to the tenant's organization. The claims (workers run executions for every organization)
 * return the owning tenant, and every write that ends a piece of work checks the lease is still the
 * worker's, as the event engine's claims do.
 */
export class FormulasRepository {
  constructor(private readonly prisma: PrismaClient) {}

  // ---- formulas

  createFormula(tenant: Tenant, data: FormulaData): Promise<FormulaRow> {
    return this.prisma.formula.create({
      data: { organizationId: tenant.organizationId, userId: tenant.userId, ...data, definition: json(data.definition) },
    });
  }

  listFormulas(tenant: Tenant): Promise<FormulaRow[]> {
    return this.prisma.formula.findMany({ where: { organizationId: tenant.organizationId }, orderBy: { id: 'asc' } });
  }

  findFormula(tenant: Tenant, id: number): Promise<FormulaRow | null> {
    return this.prisma.formula.findFirst({ where: { id, organizationId: tenant.organizationId } });
  }

  async updateFormula(tenant: Tenant, id: number, data: FormulaData): Promise<FormulaRow | null> {
    const { count } = await this.prisma.formula.updateMany({
      where: { id, organizationId: tenant.organizationId },
      data: { ...data, definition: json(data.definition) },
    });
    return count > 0 ? this.findFormula(tenant, id) : null;
  }

  async deleteFormula(tenant: Tenant, id: number): Promise<boolean> {
    const { count } = await this.prisma.formula.deleteMany({ where: { id, organizationId: tenant.organizationId } });
    return count > 0;
  }

  // ---- formula instances

  async createInstance(tenant: Tenant, formulaId: number, data: FormulaInstanceData): Promise<FormulaInstanceRow | null> {
    if (!(await this.findFormula(tenant, formulaId))) return null;
    return this.prisma.formulaInstance.create({
      data: {
        organizationId: tenant.organizationId,
        formulaId,
        userId: tenant.userId,
        ...data,
        configuration: json(data.configuration),
        settings: json(data.settings),
      },
    });
  }

  listInstances(
    tenant: Tenant,
    query: { formulaId?: number; searchText?: string; includeInactive?: boolean },
  ): Promise<FormulaInstanceRow[]> {
    return this.prisma.formulaInstance.findMany({
      where: {
        organizationId: tenant.organizationId,
        ...(query.formulaId !== undefined ? { formulaId: query.formulaId } : {}),
        ...(query.searchText ? { name: { contains: query.searchText, mode: 'insensitive' as const } } : {}),
        ...(query.includeInactive === false ? { active: true } : {}),
      },
      orderBy: { id: 'asc' },
    });
  }

  findInstance(tenant: Tenant, id: number, formulaId?: number): Promise<FormulaInstanceRow | null> {
    return this.prisma.formulaInstance.findFirst({
      where: { id, organizationId: tenant.organizationId, ...(formulaId !== undefined ? { formulaId } : {}) },
    });
  }

  async updateInstance(tenant: Tenant, id: number, data: Partial<FormulaInstanceData>): Promise<FormulaInstanceRow | null> {
    const { configuration, settings, ...rest } = data;
    const { count } = await this.prisma.formulaInstance.updateMany({
      where: { id, organizationId: tenant.organizationId },
      data: {
        ...rest,
        ...(configuration !== undefined ? { configuration: json(configuration) } : {}),
        ...(settings !== undefined ? { settings: json(settings) } : {}),
      },
    });
    return count > 0 ? this.findInstance(tenant, id) : null;
  }

  async deleteInstance(tenant: Tenant, id: number, formulaId?: number): Promise<boolean> {
    const { count } = await this.prisma.formulaInstance.deleteMany({
      where: { id, organizationId: tenant.organizationId, ...(formulaId !== undefined ? { formulaId } : {}) },
    });
    return count > 0;
  }

  // ---- executions (client side)

  async createExecutions(tenant: Tenant, formulaInstanceId: number, executions: readonly NewExecution[]): Promise<ExecutionRow[]> {
    if (!(await this.findInstance(tenant, formulaInstanceId))) return [];
    return this.prisma.$transaction(
      executions.map((e) =>
        this.prisma.formulaExecution.create({
          data: {
            organizationId: tenant.organizationId,
            formulaInstanceId,
            trigger: json(e.trigger),
            eventId: e.eventId ?? null,
            objectId: e.objectId ?? null,
            attempt: e.attempt ?? 1,
            retryOf: e.retryOf ?? null,
            runAfter: e.runAfter ?? new Date(),
          },
          select: EXECUTION_SELECT,
        }),
      ),
    );
  }

  /** An instance's executions, newest first. */
  async listExecutions(
    tenant: Tenant,
    formulaInstanceId: number,
    query: { eventId?: string; objectId?: string; status?: string; from?: Date; to?: Date; skip: number; take: number },
  ): Promise<{ items: ExecutionRow[]; total: number }> {
    const where: Prisma.FormulaExecutionWhereInput = {
      formulaInstanceId,
      organizationId: tenant.organizationId,
      ...(query.eventId !== undefined ? { eventId: query.eventId } : {}),
      ...(query.objectId !== undefined ? { objectId: query.objectId } : {}),
      ...(query.status !== undefined ? { status: query.status } : {}),
      ...(query.from || query.to ? { createdDate: { ...(query.from ? { gte: query.from } : {}), ...(query.to ? { lte: query.to } : {}) } } : {}),
    };
    const [items, total] = await this.prisma.$transaction([
      this.prisma.formulaExecution.findMany({ where, orderBy: { id: 'desc' }, skip: query.skip, take: query.take, select: EXECUTION_SELECT }),
      this.prisma.formulaExecution.count({ where }),
    ]);
    return { items, total };
  }

  findExecution(tenant: Tenant, id: number): Promise<ExecutionRow | null> {
    return this.prisma.formulaExecution.findFirst({ where: { id, organizationId: tenant.organizationId }, select: EXECUTION_SELECT });
  }

  /** Cancels a queued or running execution: 'cancelled', 'finished' (too late), or null (no such execution). */
  async cancelExecution(tenant: Tenant, id: number): Promise<'cancelled' | 'finished' | null> {
    const { count } = await this.prisma.formulaExecution.updateMany({
      where: { id, organizationId: tenant.organizationId, status: { in: UNFINISHED } },
      data: { status: 'cancelled', finishedDate: new Date() },
    });
    if (count > 0) return 'cancelled';
    return (await this.findExecution(tenant, id)) ? 'finished' : null;
  }

  /** Cancels the queued re-runs of an execution that ended `retry`; returns how many. */
  async cancelRetries(tenant: Tenant, id: number): Promise<number> {
    const { count } = await this.prisma.formulaExecution.updateMany({
      where: { retryOf: id, organizationId: tenant.organizationId, status: 'queued' },
      data: { status: 'cancelled', finishedDate: new Date() },
    });
    return count;
  }

  /** An execution's step executions, newest first. */
  async listStepExecutions(
    tenant: Tenant,
    executionId: number,
    query: { includeValues: boolean; status?: string; skip: number; take: number },
  ): Promise<{ items: StepExecutionRow[]; total: number }> {
    const where: Prisma.FormulaStepExecutionWhereInput = {
      executionId,
      execution: { organizationId: tenant.organizationId },
      ...(query.status !== undefined ? { status: query.status } : {}),
    };
    const [items, total] = await this.prisma.$transaction([
      this.prisma.formulaStepExecution.findMany({
        where,
        orderBy: { id: 'desc' },
        skip: query.skip,
        take: query.take,
        ...(query.includeValues ? { include: { values: { orderBy: { id: 'asc' }, select: { id: true, key: true, value: true } } } } : {}),
      }),
      this.prisma.formulaStepExecution.count({ where }),
    ]);
    return { items, total };
  }

  findStepExecution(tenant: Tenant, id: number): Promise<StepExecutionRow | null> {
    return this.prisma.formulaStepExecution.findFirst({ where: { id, execution: { organizationId: tenant.organizationId } } });
  }

  async listValues(tenant: Tenant, stepExecutionId: number, query: { skip: number; take: number }): Promise<{ items: { id: number; key: string; value: string }[]; total: number } | null> {
    if (!(await this.findStepExecution(tenant, stepExecutionId))) return null;
    const where = { stepExecutionId };
    const [items, total] = await this.prisma.$transaction([
      this.prisma.formulaStepExecutionValue.findMany({ where, orderBy: { id: 'asc' }, skip: query.skip, take: query.take, select: { id: true, key: true, value: true } }),
      this.prisma.formulaStepExecutionValue.count({ where }),
    ]);
    return { items, total };
  }

  // ---- workers

  /**
   * Claims up to `limit` due executions for `owner`, leased for `leaseMs`: queued ones, and running
   * ones whose worker let the lease lapse (it died). A single-threaded formula's instance runs its
   * oldest unfinished execution only. Executions of a suspended organization wait.
   */
  async claimExecutions(owner: string, limit: number, leaseMs: number): Promise<ClaimedExecution[]> {
    const rows = await this.prisma.$queryRaw<
      {
        id: number;
        organization_id: number;
        user_id: number;
        formula_instance_id: number;
        trigger: unknown;
        attempt: number;
        claims: number;
        created_date: Date;
        formula_updated: Date;
        instance_updated: Date;
      }[]
    >`
      UPDATE formula_executions e
         SET status = 'pending', lease_owner = ${owner}, lease_until = now() + make_interval(secs => ${leaseMs / 1000}::float8), claims = e.claims + 1
        FROM (SELECT x.id, f.user_id, f.updated_date AS formula_updated, fi.updated_date AS instance_updated
                FROM formula_executions x
                JOIN formula_instances fi ON fi.id = x.formula_instance_id
                JOIN formulas f ON f.id = fi.formula_id
                JOIN organizations o ON o.id = x.organization_id
               WHERE x.status IN ('queued', 'pending') AND x.run_after <= now() AND NOT o.suspended
                 AND (x.lease_until IS NULL OR x.lease_until < now())
                 AND (NOT f.single_threaded OR NOT EXISTS (
                       SELECT 1 FROM formula_executions y
                        WHERE y.formula_instance_id = x.formula_instance_id AND y.id < x.id AND y.status IN ('queued', 'pending')))
               ORDER BY x.run_after, x.id
               LIMIT ${limit}
                 FOR UPDATE OF x SKIP LOCKED) due
       WHERE e.id = due.id
   RETURNING e.id, e.organization_id, due.user_id, e.formula_instance_id, e.trigger, e.attempt, e.claims, e.created_date, due.formula_updated, due.instance_updated`;
    return rows.map((r) => ({
      id: r.id,
      tenant: mintTenant(r.organization_id, r.user_id),
      formulaInstanceId: r.formula_instance_id,
      trigger: r.trigger,
      attempt: r.attempt,
      claims: r.claims,
      createdDate: r.created_date,
      versions: { formula: r.formula_updated, instance: r.instance_updated },
    }));
  }

  /** A re-claimed execution starts again from its trigger: what the dead worker recorded goes. */
  async restartExecution(owner: string, executionId: number): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      if (!(await this.holds(tx, owner, executionId))) return false;
      await tx.formulaStepExecution.deleteMany({ where: { executionId } });
      return true;
    });
  }

  /**
   * Stores step executions and their values, in the order given, while the lease is the worker's
   * (false: lost or cancelled). One statement, however many steps: a worker buffers an execution's
   * steps and writes them together (see {@link stepsSql}).
   */
  recordSteps(owner: string, executionId: number, steps: readonly RecordedStep[]): Promise<boolean> {
    return this.recordStepsIn(this.prisma, owner, executionId, steps);
  }

  private async recordStepsIn(db: Tx | PrismaClient, owner: string, executionId: number, steps: readonly RecordedStep[]): Promise<boolean> {
    const [row] = await db.$queryRaw<{ held: number }[]>`
      WITH target AS (
        SELECT id FROM formula_executions WHERE id = ${executionId} AND lease_owner = ${owner} AND status = 'pending' FOR UPDATE
      ), ${stepsSql(steps)}
      SELECT count(*)::int AS held FROM target`;
    return (row?.held ?? 0) > 0;
  }

  private async holds(tx: Tx, owner: string, executionId: number): Promise<boolean> {
    const rows = await tx.$queryRaw<{ id: number }[]>`
      SELECT id FROM formula_executions WHERE id = ${executionId} AND lease_owner = ${owner} AND status = 'pending' FOR UPDATE`;
    return rows.length > 0;
  }

  /** Keeps a long execution's claim; false when it was lost or the execution was cancelled (stop running it). */
  async extendExecutionLease(owner: string, executionId: number, leaseMs: number): Promise<boolean> {
    const count = await this.prisma.$executeRaw`
      UPDATE formula_executions SET lease_until = now() + make_interval(secs => ${leaseMs / 1000}::float8)
       WHERE id = ${executionId} AND lease_owner = ${owner} AND status = 'pending'`;
    return count > 0;
  }

  /**
   * Ends an execution (success, failed or retry) while the lease is the worker's, and moves its
   * instance's run of consecutive errors: a failure adds one (the 51st warns, the 101st deactivates
   * the instance), anything else ends the run. Null when the lease was lost or it was cancelled.
   */
  async finishExecution(
    owner: string,
    execution: ClaimedExecution,
    result: { status: 'success' | 'failed' | 'retry'; error?: string; retry?: NewExecution },
    steps: readonly RecordedStep[] = [],
  ): Promise<ErrorStreak | null> {
    if (result.status === 'success') {
      // The common case in one statement: the steps not yet written, the status, the error run ended.
      const [row] = await this.prisma.$queryRaw<{ finished: number }[]>`
        WITH target AS (
          UPDATE formula_executions
             SET status = 'success', lease_owner = NULL, lease_until = NULL, finished_date = now(), error = NULL
           WHERE id = ${execution.id} AND lease_owner = ${owner} AND status = 'pending'
       RETURNING id
        ), run_ended AS (
          UPDATE formula_instances SET consecutive_errors = 0, first_consecutive_error_date = NULL, consecutive_error_warnings = 0, updated_date = now()
           WHERE id = ${execution.formulaInstanceId} AND consecutive_errors > 0 AND EXISTS (SELECT 1 FROM target)
       RETURNING id
        ), ${stepsSql(steps)}
        SELECT count(*)::int AS finished FROM target`;
      return (row?.finished ?? 0) > 0 ? { consecutiveErrors: 0, warned: false, deactivated: false } : null;
    }
    return this.prisma.$transaction(async (tx) => {
      if (steps.length > 0 && !(await this.recordStepsIn(tx, owner, execution.id, steps))) return null;
      const { count } = await tx.formulaExecution.updateMany({
        where: { id: execution.id, leaseOwner: owner, status: 'pending' },
        data: { status: result.status, leaseOwner: null, leaseUntil: null, finishedDate: new Date(), error: result.error?.slice(0, 2000) ?? null },
      });
      if (count === 0) return null;
      if (result.retry) {
        await tx.formulaExecution.create({
          data: {
            organizationId: execution.tenant.organizationId,
            formulaInstanceId: execution.formulaInstanceId,
            trigger: json(result.retry.trigger),
            eventId: result.retry.eventId ?? null,
            objectId: result.retry.objectId ?? null,
            attempt: result.retry.attempt ?? 1,
            retryOf: result.retry.retryOf ?? null,
            runAfter: result.retry.runAfter ?? new Date(),
          },
        });
      }
      if (result.status !== 'failed') {
        await tx.formulaInstance.updateMany({
          where: { id: execution.formulaInstanceId, consecutiveErrors: { gt: 0 } },
          data: { consecutiveErrors: 0, firstConsecutiveErrorDate: null, consecutiveErrorWarnings: 0 },
        });
        return { consecutiveErrors: 0, warned: false, deactivated: false };
      }
      const [row] = await tx.$queryRaw<{ consecutive_errors: number; warned: boolean; deactivated: boolean }[]>`
        UPDATE formula_instances
           SET consecutive_errors = consecutive_errors + 1,
               first_consecutive_error_date = COALESCE(first_consecutive_error_date, now()),
               consecutive_error_warnings = consecutive_error_warnings + CASE WHEN consecutive_errors = ${CONSECUTIVE_ERROR_WARNING} THEN 1 ELSE 0 END,
               active = CASE WHEN consecutive_errors >= ${CONSECUTIVE_ERROR_LIMIT} THEN false ELSE active END,
               next_run_at = CASE WHEN consecutive_errors >= ${CONSECUTIVE_ERROR_LIMIT} THEN NULL ELSE next_run_at END,
               updated_date = now()
         WHERE id = ${execution.formulaInstanceId}
     RETURNING consecutive_errors, consecutive_errors = ${CONSECUTIVE_ERROR_WARNING + 1} AS warned,
               consecutive_errors = ${CONSECUTIVE_ERROR_LIMIT + 1} AS deactivated`;
      return row ? { consecutiveErrors: row.consecutive_errors, warned: row.warned, deactivated: row.deactivated } : { consecutiveErrors: 0, warned: false, deactivated: false };
    });
  }

  /** Is the execution still to be run by this worker (not cancelled, lease kept)? */
  async stillHeld(owner: string, executionId: number): Promise<boolean> {
    const rows = await this.prisma.$queryRaw<{ id: number }[]>`
      SELECT id FROM formula_executions WHERE id = ${executionId} AND lease_owner = ${owner} AND status = 'pending'`;
    return rows.length > 0;
  }

  /** Gives back what a stopping worker holds: due again at once, from the start. */
  async releaseExecutions(owner: string): Promise<void> {
    await this.prisma.$executeRaw`
      UPDATE formula_executions SET lease_owner = NULL, lease_until = NULL, status = 'queued'
       WHERE lease_owner = ${owner} AND status = 'pending'`;
  }

  /** A formula of the tenant's organization with the instance (workers). */
  async findInstanceWithFormula(tenant: Tenant, formulaInstanceId: number): Promise<{ instance: FormulaInstanceRow; formula: FormulaRow } | null> {
    const instance = await this.findInstance(tenant, formulaInstanceId);
    if (!instance) return null;
    const formula = await this.findFormula(tenant, instance.formulaId);
    return formula ? { instance, formula } : null;
  }

  /**
   * Starts the scheduled executions that are due: each due instance (formula and instance active)
   * gets one execution and its next run, in one transaction per claim; `next` computes the next run
   * from the instance's cron (null: none, the schedule stops).
   */
  async startDueSchedules(limit: number, next: (cron: string, after: Date) => Date | null): Promise<number> {
    return this.prisma.$transaction(async (tx) => {
      const due = await tx.$queryRaw<{ id: number; organization_id: number; cron: string; next_run_at: Date }[]>`
        SELECT fi.id, fi.organization_id, fi.cron, fi.next_run_at
          FROM formula_instances fi JOIN formulas f ON f.id = fi.formula_id JOIN organizations o ON o.id = fi.organization_id
         WHERE fi.next_run_at <= now() AND fi.active AND f.active AND fi.cron IS NOT NULL AND NOT o.suspended
         ORDER BY fi.next_run_at
         LIMIT ${limit}
           FOR UPDATE OF fi SKIP LOCKED`;
      const now = new Date();
      for (const row of due) {
        await tx.formulaInstance.update({ where: { id: row.id }, data: { nextRunAt: next(row.cron, now) } });
        const scheduledFor = row.next_run_at.toISOString();
        await tx.formulaExecution.create({
          data: {
            organizationId: row.organization_id,
            formulaInstanceId: row.id,
            trigger: json({ data: { type: 'scheduled', scheduledDate: scheduledFor }, values: [{ key: 'trigger.type', value: 'scheduled' }, { key: 'trigger.scheduledDate', value: scheduledFor }] }),
          },
        });
      }
      return due.length;
    });
  }

  // ---- operators (the admin API): across organizations

  /** The tenant an operator acts as on a formula instance (its owner). */
  async tenantOfFormulaInstance(formulaInstanceId: number): Promise<Tenant | null> {
    const row = await this.prisma.formulaInstance.findUnique({ where: { id: formulaInstanceId }, select: { organizationId: true, userId: true } });
    return row ? mintTenant(row.organizationId, row.userId) : null;
  }

  /** The tenant an operator acts as on an execution (its formula instance's owner). */
  async tenantOfExecution(executionId: number): Promise<Tenant | null> {
    const row = await this.prisma.formulaExecution.findUnique({ where: { id: executionId }, select: { instance: { select: { organizationId: true, userId: true } } } });
    return row ? mintTenant(row.instance.organizationId, row.instance.userId) : null;
  }

  /** Formula instances of every organization (or one), newest first; `failing`: those with consecutive failed executions, worst first. */
  async listInstancesForOperators(
    query: { organizationId?: number; failing?: boolean },
    page: { skip: number; take: number },
  ): Promise<{ items: (FormulaInstanceRow & { formula: { id: number; name: string; active: boolean }; executions: number; failedExecutions: number })[]; total: number }> {
    const where: Prisma.FormulaInstanceWhereInput = {
      ...(query.organizationId !== undefined ? { organizationId: query.organizationId } : {}),
      ...(query.failing ? { consecutiveErrors: { gt: 0 } } : {}),
    };
    const [rows, total] = await this.prisma.$transaction([
      this.prisma.formulaInstance.findMany({
        where,
        orderBy: query.failing ? [{ consecutiveErrors: 'desc' }, { id: 'desc' }] : { id: 'desc' },
        ...page,
        include: { formula: { select: { id: true, name: true, active: true } }, _count: { select: { executions: true } } },
      }),
      this.prisma.formulaInstance.count({ where }),
    ]);
    const failed = rows.length
      ? await this.prisma.formulaExecution.groupBy({ by: ['formulaInstanceId'], where: { formulaInstanceId: { in: rows.map((r) => r.id) }, status: 'failed' }, _count: { _all: true } })
      : [];
    const failedBy = new Map(failed.map((f) => [f.formulaInstanceId, f._count._all]));
    return { items: rows.map(({ _count, ...r }) => ({ ...r, executions: _count.executions, failedExecutions: failedBy.get(r.id) ?? 0 })), total };
  }

  /** The element instances (any organization) whose client hub calls an active elementRequest formula instance of an active formula listens to. */
  async requestTriggerInstanceIds(): Promise<number[]> {
    const rows = await this.prisma.$queryRaw<{ id: number }[]>`
      SELECT DISTINCT fi.request_instance_id AS id FROM formula_instances fi JOIN formulas f ON f.id = fi.formula_id
       WHERE fi.request_instance_id IS NOT NULL AND fi.active AND f.active`;
    return rows.map((r) => Number(r.id));
  }

  /** The active formula instances (of active formulas) of the tenant listening to hub calls on an element instance, with their formulas. */
  async requestTriggerListeners(tenant: Tenant, elementInstanceId: number): Promise<{ instance: FormulaInstanceRow; formula: FormulaRow }[]> {
    const rows = await this.prisma.formulaInstance.findMany({
      where: { organizationId: tenant.organizationId, requestInstanceId: elementInstanceId, active: true, formula: { active: true } },
      include: { formula: true },
      orderBy: { id: 'asc' },
    });
    return rows.map(({ formula, ...instance }) => ({ instance, formula }));
  }

  /**
   * Starts the executions of the formula instances listening to an instance's events: one per event
   * object, in the transaction that stores the events (so an event is never stored without them).
   */
  static async startEventExecutions(tx: Tx, tenant: Tenant, instanceId: number, notifications: readonly StoredNotification[]): Promise<number> {
    const listeners = await tx.$queryRaw<{ id: number }[]>`
      SELECT fi.id FROM formula_instances fi JOIN formulas f ON f.id = fi.formula_id
       WHERE fi.event_instance_id = ${instanceId} AND fi.organization_id = ${tenant.organizationId} AND fi.active AND f.active`;
    if (listeners.length === 0) return 0;
    const data: Prisma.FormulaExecutionCreateManyInput[] = [];
    for (const notification of notifications) {
      const body = JSON.parse(notification.body) as { message?: { events?: Record<string, unknown>[] } };
      for (const event of body.message?.events ?? []) {
        const trigger = eventTrigger(notification.eventId, instanceId, event, body);
        for (const listener of listeners) {
          data.push({
            organizationId: tenant.organizationId,
            formulaInstanceId: listener.id,
            trigger: json(trigger),
            eventId: notification.eventId,
            objectId: typeof event['objectId'] === 'string' ? event['objectId'] : null,
          });
        }
      }
    }
    if (data.length > 0) await tx.formulaExecution.createMany({ data });
    return data.length;
  }
}

/** An event execution's trigger: the event object, its notification's id, and the whole notification as `body`. */
export function eventTrigger(eventId: string, instanceId: number, event: Record<string, unknown>, body: unknown): { data: Record<string, unknown>; values: { key: string; value: string }[] } {
  return {
    data: { type: 'event', eventId, instanceId, event, body },
    values: [
      { key: 'trigger.type', value: 'event' },
      { key: 'trigger.eventId', value: eventId },
      { key: 'trigger.event', value: JSON.stringify(event) },
    ],
  };
}

const EXECUTION_SELECT = {
  id: true,
  formulaInstanceId: true,
  status: true,
  trigger: true,
  eventId: true,
  objectId: true,
  attempt: true,
  retryOf: true,
  error: true,
  createdDate: true,
  finishedDate: true,
} as const;
