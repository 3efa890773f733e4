import { InstanceIdPipe, pageRequestOf, setPageHeaders } from '@hub/http';
import { CurrentTenant, PlatformAuthGuard } from '@hub/runtime';
import type { Tenant } from '@hub/store';
import { Controller, Get, HttpCode, Inject, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { EVENTS_OPTIONS, type EventsOptions } from './events.options';
import { EventsService } from './events.service';

/** The delivery log of an instance's events, its replay, and the state of its poller. */
@ApiTags('events')
@ApiSecurity('User-Organization')
@UseGuards(PlatformAuthGuard)
@Controller('instances')
export class EventsController {
  constructor(private readonly events: EventsService) {}

  @Get(':id/events')
  @ApiOperation({ summary: 'The instance’s event notifications, newest first, with their delivery status (created, retry, delivered, failed; held: pending while the instance is disabled or the organization suspended)' })
  async list(
    @CurrentTenant() tenant: Tenant,
    @Param('id', InstanceIdPipe) id: number,
    @Query('status') status: string | undefined,
    @Query('page') pageText: string | undefined,
    @Query('pageSize') pageSizeText: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { page, pageSize } = pageRequestOf({ page: pageText, pageSize: pageSizeText }, 50);
    const { items, total } = await this.events.list(tenant, id, { status, page, pageSize });
    setPageHeaders(reply, { page, pageSize, total, returned: items.length });
    return items;
  }

  @Get(':id/events/poller')
  @ApiOperation({ summary: 'The instance’s poller: checkpoint, last run, last success, last error, next run, events found' })
  poller(@CurrentTenant() tenant: Tenant, @Param('id', InstanceIdPipe) id: number) {
    return this.events.pollerStatus(tenant, id);
  }

  @Post(':id/events/poller/run')
  @HttpCode(200)
  @ApiOperation({ summary: 'Poll the instance now instead of at its next interval (the checkpoint and deduplication apply as always)' })
  pollNow(@CurrentTenant() tenant: Tenant, @Param('id', InstanceIdPipe) id: number) {
    return this.events.pollNow(tenant, id);
  }

  @Post(':id/events/redeliver')
  @HttpCode(200)
  @ApiOperation({ summary: 'Queue every failed notification of the instance for delivery again' })
  redeliverFailed(@CurrentTenant() tenant: Tenant, @Param('id', InstanceIdPipe) id: number) {
    return this.events.redeliverFailed(tenant, id);
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
    @Inject(EVENTS_OPTIONS) private readonly options: EventsOptions,
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
