import { Injectable } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendError } from '@hub/http';
import { HubAuthGuard, HubCallEvents } from '@hub/runtime';
import { HubService } from './hub.service';
import { StageTimer, wantsServerTiming } from './call-path/stage-timer';

/** The hub call's paths below the API prefix: up to a sub-resource's id. */
export const HUB_CALL_PATHS = ['/hubs/:hub/:resource', '/hubs/:hub/:resource/:id', '/hubs/:hub/:resource/:id/:subresource', '/hubs/:hub/:resource/:id/:subresource/:subId'];

type HubCallParams = Record<'hub' | 'resource' | 'id' | 'subresource' | 'subId', string | undefined>;

/**
 * `/hubs/{hub}/{resource}[/{id}[/{subresource}[/{subId}]]]`, every method. The hub segment is
 * accepted as the old platform did (the Element token alone selects the instance). Each instance's
 * resources are documented at GET /instances/{id}/docs. With `Elements-Server-Timing: true` the
 * answer carries `Server-Timing` with the time of each stage of the call path (`before` is everything
 * before it: routing, body parsing, authentication, the rate limit).
 *
 * A Fastify route, not a Nest controller: the hub call is the hot path, and Nest's per-request
 * pipeline (guards and parameter resolution through the execution context, the response
 * controller, their promise chains) cost about a quarter of a framework-only route's CPU
 * (`npm run bench:hub -- --floor`: NestJS + twilio 0.68–0.79 of the bare proxy, Fastify + twilio
 * 0.90–0.94). What Nest gave it is done here as plain calls: HubAuthGuard.authenticate (the same
 * guard), sendError (the same failure answers as ApiExceptionFilter). Everything registered on
 * Fastify (request limits, metrics, the access log, the request id) applies as to any route.
 */
@Injectable()
export class HubCallRoute {
  constructor(
    private readonly hub: HubService,
    private readonly guard: HubAuthGuard,
    private readonly calls: HubCallEvents,
  ) {}

  /** Registers the route on the app's Fastify instance, below `prefix` (e.g. `/elements/api-v2`). */
  register(fastify: FastifyInstance, prefix: string): void {
    const handler = (request: FastifyRequest, reply: FastifyReply) => this.call(request as FastifyRequest<{ Params: HubCallParams }>, reply);
    for (const url of HUB_CALL_PATHS) fastify.all(prefix + url, handler);
  }

  async call(request: FastifyRequest<{ Params: HubCallParams }>, reply: FastifyReply): Promise<FastifyReply> {
    try {
      const caller = await this.guard.authenticate(request, reply);
      const { resource, id, subresource, subId } = request.params;
      const segments = [resource, id, subresource, subId].filter((s): s is string => s !== undefined);
      const query = request.query as Record<string, string | string[] | undefined>;
      const body = request.body;
      const timer = wantsServerTiming(request.headers) ? new StageTimer() : undefined;
      timer?.add('before', reply.elapsedTime);
      const response = await this.hub.call(caller, { method: request.method, segments, query, body }, timer);
      reply.status(response.status).headers(response.headers);
      if (timer) reply.header('server-timing', timer.header());
      if (this.calls.observed) {
        const completed = { tenant: caller.tenant, instanceId: caller.instance.id, method: request.method, path: segments.join('/'), query, requestBody: body, status: response.status, responseBody: response.body };
        setImmediate(() => this.calls.completed(completed));
      }
      return reply.send(response.body);
    } catch (error) {
      return sendError(error, request, reply);
    }
  }
}
