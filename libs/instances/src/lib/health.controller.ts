import type { Store } from '@hub/store';
import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { STORE } from '@hub/runtime';

/** Liveness and database readiness, for load balancers and orchestrators. No auth, no secrets. */
@ApiExcludeController()
@Controller()
export class HealthController {
  constructor(@Inject(STORE) private readonly store: Store) {}

  @Get('health')
  async health(@Res({ passthrough: true }) reply: FastifyReply) {
    const started = Date.now();
    try {
      await this.store.ping();
      return { status: 'ok', database: { status: 'up', kind: this.store.kind, latencyMs: Date.now() - started } };
    } catch (error) {
      reply.status(503);
      return {
        status: 'unavailable',
        database: { status: 'down', kind: this.store.kind, error: error instanceof Error ? error.message : String(error) },
      };
    }
  }
}
