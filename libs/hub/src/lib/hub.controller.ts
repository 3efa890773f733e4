import { All, Body, Controller, Param, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentHubCaller, HubAuthGuard, type HubCaller, HubCallEvents } from '@hub/runtime';
import { HubService } from './hub.service';
import { StageTimer, wantsServerTiming } from './call-path/stage-timer';

/**
 * `/hubs/{hub}/{resource}[/{id}[/{subresource}[/{subId}]]]`. The hub segment is accepted as the
 * old platform did (the Element token alone selects the instance). Each instance's resources
 * are documented at GET /instances/{id}/docs. With `Elements-Server-Timing: true` the answer carries
 * `Server-Timing` with the time of each stage of the call path (`before` is everything before it:
 * routing, body parsing, authentication, the rate limit).
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
    const timer = wantsServerTiming(request.headers) ? new StageTimer() : undefined;
    timer?.add('before', reply.elapsedTime);
    const response = await this.hub.call(caller, { method: request.method, segments, query, body }, timer);
    reply.status(response.status).headers(response.headers);
    if (timer) reply.header('server-timing', timer.header());
    if (this.calls.observed) {
      const completed = { tenant: caller.tenant, instanceId: caller.instance.id, method: request.method, path: segments.join('/'), query, requestBody: body, status: response.status, responseBody: response.body };
      setImmediate(() => this.calls.completed(completed));
    }
    return response.body;
  }
}
