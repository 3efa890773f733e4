import { httpAnswerOf } from '@hub/http';
import { platformRequestTarget, type PlatformRequest, type PlatformRequests, type PlatformResponse, STORE } from '@hub/runtime';
import type { Store, Tenant } from '@hub/store';
import { Inject, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';

/**
 * PLATFORM_REQUESTS in the api: formulas' request steps run through this process's own Fastify
 * instance (`inject`: no socket, no port), so they meet the same routes, body limits, guard,
 * validation and error bodies as a client's call. The caller is the formula instance's owner,
 * carried by the signed `x-hub-formula-owner` header (PlatformAuthGuard checks it); the step's
 * own Authorization header never goes along.
 */
@Injectable()
export class InProcessPlatformRequests implements PlatformRequests {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(STORE) private readonly store: Store,
  ) {}

  async call(tenant: Tenant, request: PlatformRequest): Promise<PlatformResponse> {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    const target = platformRequestTarget(this.store, tenant, request);
    const response = await fastify.inject({ method: target.method, url: target.url, headers: target.headers, ...(target.payload !== undefined ? { payload: target.payload } : {}) });
    return httpAnswerOf(response.statusCode, response.headers, response.body);
  }
}
