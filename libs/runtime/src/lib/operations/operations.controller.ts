import { NotFoundError, UnauthorizedError } from '@hub/element-sdk';
import { bearerTokenMatches, hubRegistry, ProcessState } from '@hub/metrics';
import { Controller, Get, Headers, Inject, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { OPERATIONS_OPTIONS, type OperationsOptions } from './operations.options';

/**
 * Kubernetes-style probes beside /health (kept as it was for existing clients): liveness says the
 * process answers, readiness that it is running (not starting, not draining) and its database
 * answers. No auth, no secrets.
 */
@ApiExcludeController()
@Controller('health')
export class ProbesController {
  constructor(private readonly state: ProcessState) {}

  @Get('live')
  live() {
    return { status: 'ok', phase: this.state.phase };
  }

  @Get('ready')
  async ready(@Res({ passthrough: true }) reply: FastifyReply) {
    const report = await this.state.readiness();
    if (!report.ready) reply.status(503);
    return { status: report.ready ? 'ok' : 'unavailable', ...report };
  }
}

/** GET /metrics on the api's port: Prometheus' text format, for HUB_METRICS_TOKEN's bearer only. */
@ApiExcludeController()
@Controller()
export class MetricsController {
  constructor(@Inject(OPERATIONS_OPTIONS) private readonly options: OperationsOptions) {}

  @Get('metrics')
  async metrics(@Headers('authorization') authorization: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    if (!this.options.metricsToken) throw new NotFoundError('Metrics are not served on this port: set HUB_METRICS_TOKEN (or HUB_METRICS_PORT)');
    if (!bearerTokenMatches(this.options.metricsToken, authorization)) {
      reply.header('www-authenticate', 'Bearer');
      throw new UnauthorizedError('GET /metrics needs Authorization: Bearer <HUB_METRICS_TOKEN>');
    }
    reply.header('content-type', hubRegistry.contentType).header('cache-control', 'no-store');
    return hubRegistry.metrics();
  }
}
