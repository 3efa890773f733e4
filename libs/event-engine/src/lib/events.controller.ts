import { BadRequestError } from '@hub/element-sdk';
import { CurrentTenant, PlatformAuthGuard } from '@hub/platform';
import type { Tenant } from '@hub/store';
import { Controller, Get, HttpCode, Inject, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { EVENT_ENGINE_OPTIONS, type EventEngineOptions } from './event-engine.options';
import { EventsService } from './events.service';

const positive = (name: string, value: string | undefined, fallback: number, max: number): number => {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max) {
    throw new BadRequestError(`${name} must be an integer from 1 to ${max}, not '${value}'`);
  }
  return Number(value);
};

const instanceId = (id: string): number => {
  if (!/^\d{1,9}$/.test(id) || Number(id) < 1) throw new BadRequestError(`instance id must be a positive integer, not '${id}'`);
  return Number(id);
};

/** The delivery log of an instance's events, its replay, and the state of its poller. */
@ApiTags('events')
@ApiSecurity('User-Organization')
@UseGuards(PlatformAuthGuard)
@Controller('instances')
export class EventsController {
  constructor(private readonly events: EventsService) {}

  @Get(':id/events')
  @ApiOperation({ summary: 'The instance’s event notifications, newest first, with their delivery status (created, retry, delivered, failed)' })
  async list(
    @CurrentTenant() tenant: Tenant,
    @Param('id') id: string,
    @Query('status') status: string | undefined,
    @Query('page') pageText: string | undefined,
    @Query('pageSize') pageSizeText: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const page = positive('page', pageText, 1, 1_000_000);
    const pageSize = positive('pageSize', pageSizeText, 50, 500);
    const { items, total } = await this.events.list(tenant, instanceId(id), { status, page, pageSize });
    reply.header('Elements-Total-Count', String(total));
    reply.header('Elements-Returned-Count', String(items.length));
    if (page * pageSize < total) reply.header('Elements-Next-Page-Token', String(page + 1));
    return items;
  }

  @Get(':id/events/poller')
  @ApiOperation({ summary: 'The instance’s poller: checkpoint, last run, last success, last error, next run, events found' })
  poller(@CurrentTenant() tenant: Tenant, @Param('id') id: string) {
    return this.events.pollerStatus(tenant, instanceId(id));
  }

  @Post(':id/events/poller/run')
  @HttpCode(200)
  @ApiOperation({ summary: 'Poll the instance now instead of at its next interval (the checkpoint and deduplication apply as always)' })
  pollNow(@CurrentTenant() tenant: Tenant, @Param('id') id: string) {
    return this.events.pollNow(tenant, instanceId(id));
  }

  @Post(':id/events/redeliver')
  @HttpCode(200)
  @ApiOperation({ summary: 'Queue every failed notification of the instance for delivery again' })
  redeliverFailed(@CurrentTenant() tenant: Tenant, @Param('id') id: string) {
    return this.events.redeliverFailed(tenant, instanceId(id));
  }

  @Get('events/:eventId')
  @ApiOperation({ summary: 'One notification: its events, its body, and every delivery attempt (time, status code, error)' })
  get(@CurrentTenant() tenant: Tenant, @Param('eventId') eventId: string) {
    return this.events.get(tenant, eventId);
  }

  @Post('events/:eventId/redeliver')
  @HttpCode(200)
  @ApiOperation({ summary: 'Queue one notification for delivery again (same Elements-Webhook-Id), with a fresh retry schedule' })
  redeliver(@CurrentTenant() tenant: Tenant, @Param('eventId') eventId: string) {
    return this.events.redeliver(tenant, eventId);
  }
}

type RawRequest = FastifyRequest & { rawBody?: Buffer };

/**
 * Vendor webhooks: `POST /events/{elementKey}/{instanceId}`, the URL the hub shows on the instance
 * and gives the vendor. No hub credentials: the vendor's signature, made with the instance's own
 * secret, is the authentication.
 */
@Controller('events')
export class VendorWebhookController {
  constructor(
    private readonly events: EventsService,
    @Inject(EVENT_ENGINE_OPTIONS) private readonly options: EventEngineOptions,
  ) {}

  @Post(':elementKey/:instanceId')
  @HttpCode(200)
  @ApiExcludeEndpoint()
  async receive(
    @Param('elementKey') elementKey: string,
    @Param('instanceId') id: string,
    @Req() request: RawRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const rawBody = request.rawBody?.toString('utf8') ?? (typeof request.body === 'string' ? request.body : '');
    const answer = await this.events.receiveWebhook(elementKey, id, {
      // The URL the vendor signed is the one the hub gave it: the public URL, never the Host header.
      url: `${this.options.publicUrl.replace(/\/+$/, '')}${request.url}`,
      headers: request.headers,
      rawBody,
      contentType: request.headers['content-type'],
    });
    reply.header('content-type', answer.contentType);
    return answer.body;
  }
}
