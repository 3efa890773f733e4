import { All, Body, Controller, Param, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentHubCaller, HubAuthGuard, type HubCaller, HubCallEvents } from '@hub/runtime';
import { HubService } from './hub.service';

/**
 * `/hubs/{hub}/{resource}[/{id}[/{subresource}[/{subId}]]]`. The hub segment is accepted as the
 * old platform did (the Element token alone selects the instance). Each instance's resources
 * are documented at GET /instances/{id}/docs.
 */
@ApiExcludeController()
@UseGuards(HubAuthGuard)
@Controller('hubs/:hub')
export class HubController {
  constructor(
    private readonly hub: HubService,
    private readonly calls: HubCallEvents,
  ) {}

  @All([':resource', ':resource/:id', ':resource/:id/:subresource', ':resource/:id/:subresource/:subId'])
  async call(
    @CurrentHubCaller() caller: HubCaller,
    @Req() request: FastifyRequest,
    @Param() params: Record<string, string | undefined>,
    @Query() query: Record<string, string | string[] | undefined>,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const segments = [params['resource'], params['id'], params['subresource'], params['subId']].filter(
      (s): s is string => s !== undefined,
    );
    const response = await this.hub.call(caller, { method: request.method, segments, query, body });
    reply.status(response.status).headers(response.headers);
    if (this.calls.observed) {
      const completed = { tenant: caller.tenant, instanceId: caller.instance.id, method: request.method, path: segments.join('/'), query, requestBody: body, status: response.status, responseBody: response.body };
      setImmediate(() => this.calls.completed(completed));
    }
    return response.body;
  }
}
