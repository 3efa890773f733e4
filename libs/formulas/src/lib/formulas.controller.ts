import { BadRequestError, NotFoundError } from '@hub/element-sdk';
import { pageParameter, setPageHeaders } from '@hub/http';
import { CurrentTenant, PlatformAuthGuard } from '@hub/runtime';
import type { Tenant } from '@hub/store';
import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { FormulasService, type Page } from './formulas.service';

/** A path id: a positive integer, or the thing it names does not exist (404, as the old platform answered `-1`). */
function idOf(value: string, what: string): number {
  if (!/^\d{1,9}$/.test(value) || Number(value) < 1) throw new NotFoundError(`${what} '${value}' not found`);
  return Number(value);
}

/** `nextPage` (the token this API hands out in Elements-Next-Page-Token, a page number) or `page`, and `pageSize`. */
function pageOf(query: Record<string, string | undefined>, fallbackSize = 200): Page {
  const token = query['nextPage'] ?? query['page'];
  return { page: pageParameter(query['nextPage'] !== undefined ? 'nextPage' : 'page', token, 1, 1_000_000), pageSize: pageParameter('pageSize', query['pageSize'], fallbackSize, 500) };
}

function optionalFlag(value: string | undefined, name: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (value === 'true' || value === 'false') return value === 'true';
  throw new BadRequestError(`${name} must be true or false, not '${value}'`);
}

/** `from` and `to` (ISO-8601) of the error views; `to` before `from` is a 400. */
function rangeOf(query: Record<string, string | undefined>): { from?: Date; to?: Date } {
  const date = (name: 'from' | 'to') => {
    const text = query[name];
    if (text === undefined || text === '') return undefined;
    const ms = Date.parse(text);
    if (Number.isNaN(ms)) throw new BadRequestError(`${name} must be an ISO-8601 date, not '${text}'`);
    return new Date(ms);
  };
  const from = date('from');
  const to = date('to');
  if (from && to && to < from) throw new BadRequestError('to must not be earlier than from');
  return { ...(from ? { from } : {}), ...(to ? { to } : {}) };
}

type Reply = FastifyReply;
type KindPath = 'configuration' | 'triggers' | 'steps';

/** Which item list a `/formulas/{id}/{configuration|triggers|steps}…` route names. */
function kindOf(request: FastifyRequest): KindPath {
  const kind = new URL(request.url, 'http://hub.invalid').pathname.split('/formulas/')[1]?.split('/')[1];
  if (kind === 'configuration' || kind === 'triggers' || kind === 'steps') return kind;
  throw new NotFoundError(`no such formula resource '${kind}'`);
}

const ITEM_LISTS = [':id/configuration', ':id/triggers', ':id/steps'];
const ITEMS = [':id/configuration/:itemId', ':id/triggers/:itemId', ':id/steps/:itemId'];

const paged = <T>(reply: Reply, page: Page, result: { items: T[]; total: number }): T[] => {
  setPageHeaders(reply, { page: page.page, pageSize: page.pageSize, total: result.total, returned: result.items.length });
  return result.items;
};

/** Formulas: templates, their configuration, trigger and steps, instances, executions (shared/reference/formulas.md §2). */
@ApiTags('formulas')
@ApiSecurity('User-Organization')
@UseGuards(PlatformAuthGuard)
@Controller('formulas')
export class FormulasController {
  constructor(private readonly formulas: FormulasService) {}

  // ---- formula instances across formulas, executions (static paths first)

  @Get('instances')
  @ApiOperation({ summary: 'Active formula instances of the organization (includeInactive=true: all): elementInstanceId= (those whose configuration uses it), searchText= (in the name)' })
  async instancesAcross(@CurrentTenant() tenant: Tenant, @Query() query: Record<string, string | undefined>, @Res({ passthrough: true }) reply: Reply) {
    const elementInstanceId = query['elementInstanceId'] === undefined ? undefined : Number(query['elementInstanceId']);
    if (elementInstanceId !== undefined && !Number.isInteger(elementInstanceId)) throw new BadRequestError('elementInstanceId must be an integer');
    const items = await this.formulas.listInstances(tenant, {
      elementInstanceId,
      searchText: query['searchText'],
      includeInactive: optionalFlag(query['includeInactive'], 'includeInactive') ?? false,
    });
    setPageHeaders(reply, { page: 1, pageSize: items.length || 1, total: items.length, returned: items.length });
    return items;
  }

  @Delete('instances/:instanceId')
  deleteInstanceAcross(@CurrentTenant() tenant: Tenant, @Param('instanceId') instanceId: string) {
    return this.formulas.removeInstance(tenant, undefined, idOf(instanceId, 'formula instance'));
  }

  @Get('instances/:instanceId/executions/errors')
  @ApiOperation({ summary: 'A formula instance’s failed executions, newest first, each with its failed step executions: pageSize, nextPage, from, to (ISO-8601)' })
  async instanceErrors(@CurrentTenant() tenant: Tenant, @Param('instanceId') instanceId: string, @Query() query: Record<string, string | undefined>, @Res({ passthrough: true }) reply: Reply) {
    const page = pageOf(query);
    return paged(reply, page, await this.formulas.instanceErrors(tenant, idOf(instanceId, 'formula instance'), { ...page, ...rangeOf(query) }));
  }

  @Get('instances/executions/:executionId')
  @ApiOperation({ summary: 'One execution with its step executions (newest first, without values)' })
  execution(@CurrentTenant() tenant: Tenant, @Param('executionId') id: string) {
    return this.formulas.getExecution(tenant, idOf(id, 'execution'));
  }

  @Patch('instances/executions/:executionId')
  @ApiOperation({ summary: 'Cancel a queued or running execution: {"status": "cancelled"} (400 once it has finished)' })
  cancel(@CurrentTenant() tenant: Tenant, @Param('executionId') id: string, @Body() body: unknown) {
    return this.formulas.cancelExecution(tenant, idOf(id, 'execution'), body);
  }

  @Get('instances/executions/:executionId/steps')
  @ApiOperation({ summary: 'An execution’s step executions, newest first; includeValues=true embeds their values' })
  async steps(@CurrentTenant() tenant: Tenant, @Param('executionId') id: string, @Query() query: Record<string, string | undefined>, @Res({ passthrough: true }) reply: Reply) {
    const page = pageOf(query);
    return paged(reply, page, await this.formulas.listStepExecutions(tenant, idOf(id, 'execution'), { ...page, includeValues: optionalFlag(query['includeValues'], 'includeValues') ?? false }));
  }

  @Get('instances/executions/:executionId/errors')
  @ApiOperation({ summary: 'The failed step executions of an execution, with their values' })
  errors(@CurrentTenant() tenant: Tenant, @Param('executionId') id: string) {
    return this.formulas.executionErrors(tenant, idOf(id, 'execution'));
  }

  @Put('instances/executions/:executionId/retries')
  @ApiOperation({ summary: 'Run an execution again: a new execution with the same trigger input' })
  replay(@CurrentTenant() tenant: Tenant, @Param('executionId') id: string) {
    return this.formulas.replay(tenant, idOf(id, 'execution'));
  }

  @Delete('instances/executions/:executionId/retries')
  @ApiOperation({ summary: 'Stop the pending re-run of an execution in status retry (retryFormulaExecution)' })
  cancelRetries(@CurrentTenant() tenant: Tenant, @Param('executionId') id: string) {
    return this.formulas.cancelRetries(tenant, idOf(id, 'execution'));
  }

  @Get('instances/executions/steps/:stepExecutionId')
  stepExecution(@CurrentTenant() tenant: Tenant, @Param('stepExecutionId') id: string) {
    return this.formulas.getStepExecution(tenant, idOf(id, 'step execution'));
  }

  @Get('instances/executions/steps/:stepExecutionId/values')
  @ApiOperation({ summary: 'A step execution’s values: {id, key, value} strings' })
  async values(@CurrentTenant() tenant: Tenant, @Param('stepExecutionId') id: string, @Query() query: Record<string, string | undefined>, @Res({ passthrough: true }) reply: Reply) {
    const page = pageOf(query);
    return paged(reply, page, await this.formulas.listValues(tenant, idOf(id, 'step execution'), page));
  }

  @Post('instances/:instanceId/executions')
  @HttpCode(200)
  startAcross(@CurrentTenant() tenant: Tenant, @Param('instanceId') instanceId: string, @Body() body: unknown) {
    return this.formulas.startExecutions(tenant, undefined, idOf(instanceId, 'formula instance'), body);
  }

  @Get('instances/:instanceId/executions')
  @ApiOperation({ summary: 'A formula instance’s executions, newest first: pageSize, nextPage, eventId= or objectId=' })
  async executionsAcross(@CurrentTenant() tenant: Tenant, @Param('instanceId') instanceId: string, @Query() query: Record<string, string | undefined>, @Res({ passthrough: true }) reply: Reply) {
    return this.listExecutions(tenant, undefined, instanceId, query, reply);
  }

  // ---- formulas

  @Get()
  @ApiOperation({ summary: 'The organization’s formulas; abridged=true leaves out the steps' })
  async list(@CurrentTenant() tenant: Tenant, @Query('abridged') abridged: string | undefined, @Res({ passthrough: true }) reply: Reply) {
    const items = await this.formulas.list(tenant, optionalFlag(abridged, 'abridged') ?? false);
    setPageHeaders(reply, { page: 1, pageSize: items.length || 1, total: items.length, returned: items.length });
    return items;
  }

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Create a formula: {name, configuration, triggers, steps}' })
  create(@CurrentTenant() tenant: Tenant, @Body() body: unknown) {
    return this.formulas.create(tenant, body);
  }

  @Get(':id')
  get(@CurrentTenant() tenant: Tenant, @Param('id') id: string) {
    return this.formulas.get(tenant, idOf(id, 'formula'));
  }

  @Get(':id/export')
  exportFormula(@CurrentTenant() tenant: Tenant, @Param('id') id: string) {
    return this.formulas.get(tenant, idOf(id, 'formula'));
  }

  @Put(':id')
  replace(@CurrentTenant() tenant: Tenant, @Param('id') id: string, @Body() body: unknown) {
    return this.formulas.update(tenant, idOf(id, 'formula'), body);
  }

  @Patch(':id')
  patch(@CurrentTenant() tenant: Tenant, @Param('id') id: string, @Body() body: unknown) {
    return this.formulas.update(tenant, idOf(id, 'formula'), body);
  }

  @Delete(':id')
  remove(@CurrentTenant() tenant: Tenant, @Param('id') id: string) {
    return this.formulas.remove(tenant, idOf(id, 'formula'));
  }

  @Get(':id/steps')
  listSteps(@CurrentTenant() tenant: Tenant, @Param('id') id: string) {
    return this.formulas.listItems(tenant, idOf(id, 'formula'), 'steps');
  }

  @Post(ITEM_LISTS)
  @HttpCode(200)
  @ApiOperation({ summary: 'Add a configuration entry (409 for a key that exists), the trigger, or a step' })
  addItem(@CurrentTenant() tenant: Tenant, @Param('id') id: string, @Req() request: FastifyRequest, @Body() body: unknown) {
    return this.formulas.addItem(tenant, idOf(id, 'formula'), kindOf(request), body);
  }

  @Get(ITEMS)
  getItem(@CurrentTenant() tenant: Tenant, @Param('id') id: string, @Req() request: FastifyRequest, @Param('itemId') itemId: string) {
    const kind = kindOf(request);
    return this.formulas.getItem(tenant, idOf(id, 'formula'), kind, idOf(itemId, kind));
  }

  @Put(ITEMS)
  @ApiOperation({ summary: 'Replace a configuration entry (a new key rewrites its references), the trigger, or a step' })
  replaceItem(@CurrentTenant() tenant: Tenant, @Param('id') id: string, @Req() request: FastifyRequest, @Param('itemId') itemId: string, @Body() body: unknown) {
    const kind = kindOf(request);
    return this.formulas.replaceItem(tenant, idOf(id, 'formula'), kind, idOf(itemId, kind), body);
  }

  @Delete(ITEMS)
  @ApiOperation({ summary: 'Delete a configuration entry, the trigger, or a step (its name leaves every onSuccess and onFailure)' })
  removeItem(@CurrentTenant() tenant: Tenant, @Param('id') id: string, @Req() request: FastifyRequest, @Param('itemId') itemId: string) {
    const kind = kindOf(request);
    return this.formulas.removeItem(tenant, idOf(id, 'formula'), kind, idOf(itemId, kind));
  }

  // ---- a formula's instances

  @Get(':id/instances')
  async instances(@CurrentTenant() tenant: Tenant, @Param('id') id: string, @Res({ passthrough: true }) reply: Reply) {
    const items = await this.formulas.listInstances(tenant, { formulaId: idOf(id, 'formula') });
    setPageHeaders(reply, { page: 1, pageSize: items.length || 1, total: items.length, returned: items.length });
    return items;
  }

  @Post(':id/instances')
  @HttpCode(200)
  @ApiOperation({ summary: 'Create a formula instance: {name, active, configuration: {key: value}, settings}' })
  createInstance(@CurrentTenant() tenant: Tenant, @Param('id') id: string, @Body() body: unknown) {
    return this.formulas.createInstance(tenant, idOf(id, 'formula'), body);
  }

  @Get(':id/instances/executions/errors')
  @ApiOperation({ summary: 'The formula’s instances with failed executions (pageSize counts instances), each with its failed executions and their failed steps: from, to (ISO-8601)' })
  async formulaErrors(@CurrentTenant() tenant: Tenant, @Param('id') id: string, @Query() query: Record<string, string | undefined>, @Res({ passthrough: true }) reply: Reply) {
    const page = pageOf(query);
    return paged(reply, page, await this.formulas.formulaErrors(tenant, idOf(id, 'formula'), { ...page, ...rangeOf(query) }));
  }

  @Get(':id/instances/:instanceId')
  getInstance(@CurrentTenant() tenant: Tenant, @Param('id') id: string, @Param('instanceId') instanceId: string) {
    return this.formulas.getInstance(tenant, idOf(id, 'formula'), idOf(instanceId, 'formula instance'));
  }

  @Put(':id/instances/:instanceId')
  updateInstance(@CurrentTenant() tenant: Tenant, @Param('id') id: string, @Param('instanceId') instanceId: string, @Body() body: unknown) {
    return this.formulas.updateInstance(tenant, idOf(id, 'formula'), idOf(instanceId, 'formula instance'), body);
  }

  @Delete(':id/instances/:instanceId')
  removeInstance(@CurrentTenant() tenant: Tenant, @Param('id') id: string, @Param('instanceId') instanceId: string) {
    return this.formulas.removeInstance(tenant, idOf(id, 'formula'), idOf(instanceId, 'formula instance'));
  }

  @Put(':id/instances/:instanceId/active')
  activate(@CurrentTenant() tenant: Tenant, @Param('id') id: string, @Param('instanceId') instanceId: string) {
    return this.formulas.setInstanceActive(tenant, idOf(id, 'formula'), idOf(instanceId, 'formula instance'), true);
  }

  @Delete(':id/instances/:instanceId/active')
  deactivate(@CurrentTenant() tenant: Tenant, @Param('id') id: string, @Param('instanceId') instanceId: string) {
    return this.formulas.setInstanceActive(tenant, idOf(id, 'formula'), idOf(instanceId, 'formula instance'), false);
  }

  @Post(':id/instances/:instanceId/executions')
  @HttpCode(200)
  @ApiOperation({ summary: 'Run a formula instance: the body becomes trigger.args (an event formula takes {"message": {"events": […]}}); answers the executions created' })
  start(@CurrentTenant() tenant: Tenant, @Param('id') id: string, @Param('instanceId') instanceId: string, @Body() body: unknown) {
    return this.formulas.startExecutions(tenant, idOf(id, 'formula'), idOf(instanceId, 'formula instance'), body);
  }

  @Get(':id/instances/:instanceId/executions')
  async executions(@CurrentTenant() tenant: Tenant, @Param('id') id: string, @Param('instanceId') instanceId: string, @Query() query: Record<string, string | undefined>, @Res({ passthrough: true }) reply: Reply) {
    return this.listExecutions(tenant, idOf(id, 'formula'), instanceId, query, reply);
  }

  @Get(':id/instances/:instanceId/executions/:executionId')
  async executionOf(@CurrentTenant() tenant: Tenant, @Param('id') id: string, @Param('instanceId') instanceId: string, @Param('executionId') executionId: string) {
    const execution = await this.formulas.getExecution(tenant, idOf(executionId, 'execution'));
    if (execution.formulaInstanceId !== idOf(instanceId, 'formula instance')) throw new NotFoundError(`execution ${executionId} not found in formula instance ${instanceId}`);
    await this.formulas.getInstance(tenant, idOf(id, 'formula'), execution.formulaInstanceId);
    return execution;
  }

  private async listExecutions(tenant: Tenant, formulaId: number | undefined, instanceId: string, query: Record<string, string | undefined>, reply: Reply) {
    const page = pageOf(query);
    const result = await this.formulas.listExecutions(tenant, formulaId, idOf(instanceId, 'formula instance'), { ...page, eventId: query['eventId'], objectId: query['objectId'] });
    return paged(reply, page, result);
  }
}
