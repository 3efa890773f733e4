import { BadRequestError, NotFoundError } from '@hub/element-sdk';
import { pageParameter, setPageHeaders } from '@hub/http';
import { FORMULA_OPERATIONS, type FormulaOperations, STORE } from '@hub/runtime';
import type { Operator, Store, Tenant } from '@hub/store';
import { Controller, Get, HttpCode, Inject, Injectable, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentOperator, OperatorGuard } from './operator-session';

const EXECUTION_STATUSES = ['queued', 'pending', 'success', 'failed', 'retry', 'cancelled'];

const idOf = (name: string, value: string): number => {
  if (!/^\d{1,9}$/.test(value) || Number(value) < 1) throw new BadRequestError(`${name} must be a positive integer, not '${value}'`);
  return Number(value);
};

/**
 * Formulas for operators: formula instances across organizations, a formula instance's executions,
 * an execution's steps with their values and errors, and a retry of a failed execution (audited).
 * Reads and the retry go through the formulas feature (FORMULA_OPERATIONS) as the formula
 * instance's owner, the same code the tenant's own calls run.
 */
@Injectable()
export class AdminFormulasService {
  constructor(
    @Inject(STORE) private readonly store: Store,
    @Inject(FORMULA_OPERATIONS) private readonly formulas: FormulaOperations,
  ) {}

  async instances(_operator: Operator, query: { organizationId?: number; failing: boolean }, page: { page: number; pageSize: number }) {
    const found = await this.store.formulas.listInstancesForOperators(query, { skip: (page.page - 1) * page.pageSize, take: page.pageSize });
    return {
      total: found.total,
      items: found.items.map((r) => ({
        id: r.id,
        name: r.name,
        active: r.active,
        organizationId: r.organizationId,
        formula: r.formula,
        numberConsecutiveErrors: r.consecutiveErrors,
        executions: r.executions,
        failedExecutions: r.failedExecutions,
        createdDate: r.createdDate.toISOString(),
      })),
    };
  }

  async executions(_operator: Operator, formulaInstanceId: number, status: string | undefined, page: { page: number; pageSize: number }) {
    if (status !== undefined && !EXECUTION_STATUSES.includes(status)) throw new BadRequestError(`status must be one of ${EXECUTION_STATUSES.join(', ')} (got '${status}')`);
    return this.formulas.executionsOf(await this.tenantOfInstance(formulaInstanceId), formulaInstanceId, { ...(status !== undefined ? { status } : {}), ...page });
  }

  async execution(_operator: Operator, executionId: number) {
    return this.formulas.executionWithValues(await this.tenantOfExecution(executionId), executionId);
  }

  async retry(operator: Operator, executionId: number, requestId: string) {
    const tenant = await this.tenantOfExecution(executionId);
    const execution = (await this.formulas.executionWithValues(tenant, executionId)) as { status: string; formulaInstanceId: number };
    if (execution.status !== 'failed') throw new BadRequestError(`execution ${executionId} has status ${execution.status}: only a failed execution is retried from here`);
    const created = (await this.formulas.replay(tenant, executionId)) as { id: number };
    await this.store.auditLog.audit(operator, {
      action: 'formula.execution.retry',
      targetType: 'formulaExecution',
      targetId: executionId,
      details: { formulaInstanceId: execution.formulaInstanceId, newExecutionId: created.id },
      requestId,
    });
    return created;
  }

  private async tenantOfInstance(id: number): Promise<Tenant> {
    const tenant = await this.store.formulas.tenantOfFormulaInstance(id);
    if (!tenant) throw new NotFoundError(`No formula instance with id ${id}`);
    return tenant;
  }

  private async tenantOfExecution(id: number): Promise<Tenant> {
    const tenant = await this.store.formulas.tenantOfExecution(id);
    if (!tenant) throw new NotFoundError(`No formula execution with id ${id}`);
    return tenant;
  }
}

const paging = (page?: string, pageSize?: string) => ({ page: pageParameter('page', page, 1, 1_000_000), pageSize: pageParameter('pageSize', pageSize, 50, 500) });

/** Formula instances and executions across organizations. */
@ApiTags('admin')
@ApiSecurity('OperatorSession')
@UseGuards(OperatorGuard)
@Controller('admin/formulas')
export class AdminFormulasController {
  constructor(private readonly formulas: AdminFormulasService) {}

  @Get('instances')
  @ApiOperation({ summary: 'Formula instances of every organization (organizationId= one), newest first; failing=true: those with consecutive failed executions, worst first' })
  async instances(
    @CurrentOperator() operator: Operator,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Query('organizationId') organizationId?: string,
    @Query('failing') failing?: string,
    @Query('page') page?: string,
    @Query('pageSize') pageSize?: string,
  ) {
    if (failing !== undefined && failing !== 'true' && failing !== 'false') throw new BadRequestError(`failing must be true or false, not '${failing}'`);
    const p = paging(page, pageSize);
    const found = await this.formulas.instances(operator, { ...(organizationId !== undefined ? { organizationId: idOf('organizationId', organizationId) } : {}), failing: failing === 'true' }, p);
    setPageHeaders(reply, { ...p, total: found.total, returned: found.items.length });
    return found.items;
  }

  @Get('instances/:id/executions')
  @ApiOperation({ summary: 'A formula instance’s executions, newest first (status= only those: failed, success, …)' })
  async executions(
    @CurrentOperator() operator: Operator,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Param('id') id: string,
    @Query('status') status?: string,
    @Query('page') page?: string,
    @Query('pageSize') pageSize?: string,
  ) {
    const p = paging(page, pageSize);
    const found = await this.formulas.executions(operator, idOf('id', id), status, p);
    setPageHeaders(reply, { ...p, total: found.total, returned: found.items.length });
    return found.items;
  }

  @Get('executions/:id')
  @ApiOperation({ summary: 'One execution with its step executions (newest first), each with its values (errors under <step>.error)' })
  execution(@CurrentOperator() operator: Operator, @Param('id') id: string) {
    return this.formulas.execution(operator, idOf('id', id));
  }

  @Post('executions/:id/retry')
  @HttpCode(200)
  @ApiOperation({ summary: 'Run a failed execution again (a new execution with the same trigger input); audited' })
  retry(@CurrentOperator() operator: Operator, @Param('id') id: string, @Req() request: FastifyRequest) {
    return this.formulas.retry(operator, idOf('id', id), String(request.id));
  }
}
