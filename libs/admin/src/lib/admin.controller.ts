import { BadRequestError } from '@hub/element-sdk';
import { InstanceIdPipe, pageParameter, pageRequestOf, setPageHeaders } from '@hub/http';
import { PLATFORM_OPTIONS, type PlatformOptions } from '@hub/runtime';
import { csrfTokenOf, type Operator } from '@hub/store';
import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Put, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { NewOrganizationDto, NewUserDto, OperatorLoginDto, OrganizationPatchDto, RateLimitDto } from './admin.dto';
import { AdminService, type Paging } from './admin.service';
import { AnyOperatorRole, CurrentOperator, CurrentSessionExpiry, CurrentSessionToken, OperatorGuard, sessionCookie, setCookie } from './operator-session';

const paging = (page?: string, pageSize?: string): Paging => pageRequestOf({ page, pageSize }, 50);

const idOf = (name: string, value: string): number => {
  if (!/^\d{1,9}$/.test(value) || Number(value) < 1) throw new BadRequestError(`${name} must be a positive integer, not '${value}'`);
  return Number(value);
};

const listed = <T>(reply: FastifyReply, p: Paging, found: { items: T[]; total: number }): T[] => {
  setPageHeaders(reply, { ...p, total: found.total, returned: found.items.length });
  return found.items;
};

/** Operator sign-in and sign-out (the admin app's session cookie). */
@ApiTags('admin')
@Controller('admin/session')
export class AdminSessionController {
  constructor(
    private readonly admin: AdminService,
    @Inject(PLATFORM_OPTIONS) private readonly options: PlatformOptions,
  ) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Sign an operator in: sets the session cookie, answers the operator and the CSRF token mutating calls must send (X-CSRF-Token)',
  })
  async signIn(@Body() body: OperatorLoginDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const session = await this.admin.signIn(body.email, body.password, request.ip, String(request.id));
    setCookie(reply, sessionCookie(session.token, this.options.admin.sessionTtlSeconds, this.options.admin.secureCookies));
    void reply.header('cache-control', 'no-store');
    return { operator: { email: session.operator.email, role: session.operator.role }, csrfToken: session.csrfToken, expiresAt: session.expiresAt.toISOString() };
  }

  @Get()
  @UseGuards(OperatorGuard)
  @ApiOperation({ summary: 'The signed-in operator, the session’s CSRF token (a reloaded page can make changes again) and when the session ends' })
  whoAmI(
    @CurrentOperator() operator: Operator,
    @CurrentSessionToken() token: string,
    @CurrentSessionExpiry() expiresAt: Date | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    void reply.header('cache-control', 'no-store');
    return { operator: { email: operator.email, role: operator.role }, csrfToken: csrfTokenOf(token), expiresAt: expiresAt?.toISOString() };
  }

  @Delete()
  @UseGuards(OperatorGuard)
  @AnyOperatorRole()
  @ApiOperation({ summary: 'Sign out: ends the session and clears the cookie' })
  async signOut(@CurrentOperator() operator: Operator, @CurrentSessionToken() token: string, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    await this.admin.signOut(operator, token, String(request.id));
    setCookie(reply, sessionCookie('', 0, this.options.admin.secureCookies));
    return {};
  }
}

/** Organizations, their users, secrets and limits, across the hub. */
@ApiTags('admin')
@ApiSecurity('OperatorSession')
@UseGuards(OperatorGuard)
@Controller('admin/organizations')
export class AdminOrganizationsController {
  constructor(private readonly admin: AdminService) {}

  @Get()
  @ApiOperation({ summary: 'Organizations (name filter), with their user and instance counts and rate limit' })
  async list(
    @CurrentOperator() operator: Operator,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Query('name') name?: string,
    @Query('page') page?: string,
    @Query('pageSize') pageSize?: string,
  ) {
    const p = paging(page, pageSize);
    return listed(reply, p, await this.admin.listOrganizations(operator, p, name));
  }

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Create an organization and its first user; their secrets are in this answer only' })
  create(@CurrentOperator() operator: Operator, @Body() body: NewOrganizationDto, @Req() request: FastifyRequest) {
    return this.admin.createOrganization(operator, body, String(request.id));
  }

  @Get(':id')
  @ApiOperation({ summary: 'One organization with its users' })
  get(@CurrentOperator() operator: Operator, @Param('id') id: string) {
    return this.admin.organization(operator, idOf('id', id));
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Rename or suspend/resume an organization' })
  update(@CurrentOperator() operator: Operator, @Param('id') id: string, @Body() body: OrganizationPatchDto, @Req() request: FastifyRequest) {
    return this.admin.updateOrganization(operator, idOf('id', id), body, String(request.id));
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Delete an organization with its users, instances, events and traces' })
  remove(@CurrentOperator() operator: Operator, @Param('id') id: string, @Req() request: FastifyRequest) {
    return this.admin.deleteOrganization(operator, idOf('id', id), String(request.id));
  }

  @Post(':id/users')
  @HttpCode(200)
  @ApiOperation({ summary: 'Add a user; its secret is in this answer only' })
  createUser(@CurrentOperator() operator: Operator, @Param('id') id: string, @Body() body: NewUserDto, @Req() request: FastifyRequest) {
    return this.admin.createUser(operator, idOf('id', id), body, String(request.id));
  }

  @Post(':id/secret/rotate')
  @HttpCode(200)
  @ApiOperation({ summary: 'A new organization secret (shown once); the previous one works until previousSecretExpiresAt' })
  rotateOrganizationSecret(@CurrentOperator() operator: Operator, @Param('id') id: string, @Req() request: FastifyRequest) {
    return this.admin.rotateOrganizationSecret(operator, idOf('id', id), String(request.id));
  }

  @Post(':id/users/:userId/secret/rotate')
  @HttpCode(200)
  @ApiOperation({ summary: 'A new user secret (shown once); the previous one works until previousSecretExpiresAt' })
  rotateUserSecret(@CurrentOperator() operator: Operator, @Param('id') id: string, @Param('userId') userId: string, @Req() request: FastifyRequest) {
    return this.admin.rotateUserSecret(operator, idOf('id', id), idOf('userId', userId), String(request.id));
  }

  @Put(':id/rate-limit')
  @ApiOperation({ summary: 'Limit the organization’s hub calls: {"requestsPerSecond", "burst"} (a token bucket shared by every api replica)' })
  setRateLimit(@CurrentOperator() operator: Operator, @Param('id') id: string, @Body() body: RateLimitDto, @Req() request: FastifyRequest) {
    return this.admin.setRateLimit(operator, idOf('id', id), body, String(request.id));
  }

  @Delete(':id/rate-limit')
  @ApiOperation({ summary: 'Remove the organization’s hub-call limit' })
  removeRateLimit(@CurrentOperator() operator: Operator, @Param('id') id: string, @Req() request: FastifyRequest) {
    return this.admin.setRateLimit(operator, idOf('id', id), null, String(request.id));
  }
}

/** Instances across organizations. */
@ApiTags('admin')
@ApiSecurity('OperatorSession')
@UseGuards(OperatorGuard)
@Controller('admin/instances')
export class AdminInstancesController {
  constructor(private readonly admin: AdminService) {}

  @Get()
  @ApiOperation({ summary: 'Search instances by organizationId, element (key or id), name (part), tag and status (valid, invalid, enabled, disabled, eventsEnabled, pollerFailing)' })
  async search(
    @CurrentOperator() operator: Operator,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Query('organizationId') organizationId?: string,
    @Query('element') element?: string,
    @Query('name') name?: string,
    @Query('tag') tag?: string,
    @Query('status') status?: string,
    @Query('page') page?: string,
    @Query('pageSize') pageSize?: string,
  ) {
    const p = paging(page, pageSize);
    const query = { organizationId: organizationId === undefined ? undefined : idOf('organizationId', organizationId), element, name, tag, status };
    return listed(reply, p, await this.admin.searchInstances(operator, query, p));
  }

  @Get(':id')
  @ApiOperation({ summary: 'One instance (configuration secrets masked) with its poller, recent deliveries and traces' })
  get(@CurrentOperator() operator: Operator, @Param('id', InstanceIdPipe) id: number) {
    return this.admin.instance(operator, id);
  }

  @Put(':id/enabled')
  @ApiOperation({ summary: 'Enable the instance' })
  enable(@CurrentOperator() operator: Operator, @Param('id', InstanceIdPipe) id: number, @Req() request: FastifyRequest) {
    return this.admin.setInstanceEnabled(operator, id, true, String(request.id));
  }

  @Delete(':id/enabled')
  @ApiOperation({ summary: 'Disable the instance: its hub calls answer 403' })
  disable(@CurrentOperator() operator: Operator, @Param('id', InstanceIdPipe) id: number, @Req() request: FastifyRequest) {
    return this.admin.setInstanceEnabled(operator, id, false, String(request.id));
  }

  @Post(':id/events/redeliver')
  @HttpCode(200)
  @ApiOperation({ summary: 'Deliver every failed notification of the instance again' })
  redeliverFailed(@CurrentOperator() operator: Operator, @Param('id', InstanceIdPipe) id: number, @Req() request: FastifyRequest) {
    return this.admin.redeliverFailed(operator, id, String(request.id));
  }
}

/** Poller and delivery health across the hub. */
@ApiTags('admin')
@ApiSecurity('OperatorSession')
@UseGuards(OperatorGuard)
@Controller('admin/events')
export class AdminEventsController {
  constructor(private readonly admin: AdminService) {}

  @Get('pollers')
  @ApiOperation({ summary: 'Poll states (last poll, last error, next run); failing=true: those whose last polls failed, worst first' })
  async pollers(
    @CurrentOperator() operator: Operator,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Query('failing') failing?: string,
    @Query('page') page?: string,
    @Query('pageSize') pageSize?: string,
  ) {
    if (failing !== undefined && failing !== 'true' && failing !== 'false') throw new BadRequestError(`failing must be true or false, not '${failing}'`);
    const p = paging(page, pageSize);
    return listed(reply, p, await this.admin.pollers(operator, failing === 'true', p));
  }

  @Get('deliveries')
  @ApiOperation({ summary: 'Event notifications by status (failed, retry, created, delivered), newest first' })
  async deliveries(
    @CurrentOperator() operator: Operator,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Query('status') status?: string,
    @Query('page') page?: string,
    @Query('pageSize') pageSize?: string,
  ) {
    const p = paging(page, pageSize);
    return listed(reply, p, await this.admin.deliveries(operator, status, p));
  }

  @Get('deliveries/hourly')
  @ApiOperation({ summary: 'Delivery attempts per hour by outcome over the last `hours` (1 to 168, default 24)' })
  hourly(@CurrentOperator() operator: Operator, @Query('hours') hours?: string) {
    return this.admin.deliveryHours(operator, pageParameter('hours', hours, 24, 168));
  }

  @Get('circuits')
  @ApiOperation({
    summary: 'Callback URLs whose circuit breaker is open or half-open (all=true: closed ones too), as the delivery worker that last changed each saw it',
  })
  circuits(@Query('all') all?: string) {
    if (all !== undefined && all !== 'true' && all !== 'false') throw new BadRequestError(`all must be true or false, not '${all}'`);
    return this.admin.circuits(all === 'true');
  }

  @Post(':eventId/redeliver')
  @HttpCode(200)
  @ApiOperation({ summary: 'Deliver one notification again' })
  redeliver(@CurrentOperator() operator: Operator, @Param('eventId') eventId: string, @Req() request: FastifyRequest) {
    return this.admin.redeliver(operator, eventId, String(request.id));
  }
}

/** The element catalog and the audit log. */
@ApiTags('admin')
@ApiSecurity('OperatorSession')
@UseGuards(OperatorGuard)
@Controller('admin')
export class AdminCatalogController {
  constructor(private readonly admin: AdminService) {}

  @Get('elements')
  @ApiOperation({ summary: 'Every element with its catalog state' })
  elements() {
    return this.admin.elements();
  }

  @Put('elements/:keyOrId/active')
  @ApiOperation({ summary: 'Activate an element: it can be provisioned' })
  activate(@CurrentOperator() operator: Operator, @Param('keyOrId') keyOrId: string, @Req() request: FastifyRequest) {
    return this.admin.setElementActive(operator, keyOrId, true, String(request.id));
  }

  @Delete('elements/:keyOrId/active')
  @ApiOperation({ summary: 'Deactivate an element: new instances of it are refused (409); existing ones keep working' })
  deactivate(@CurrentOperator() operator: Operator, @Param('keyOrId') keyOrId: string, @Req() request: FastifyRequest) {
    return this.admin.setElementActive(operator, keyOrId, false, String(request.id));
  }

  @Get('audit')
  @ApiOperation({ summary: 'What operators changed, newest first (action: a prefix such as organization.)' })
  async audit(
    @CurrentOperator() operator: Operator,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Query('action') action?: string,
    @Query('page') page?: string,
    @Query('pageSize') pageSize?: string,
  ) {
    const p = paging(page, pageSize);
    return listed(reply, p, await this.admin.auditLog(operator, p, action));
  }
}
