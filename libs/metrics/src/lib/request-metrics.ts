import type { FastifyInstance } from 'fastify';
import { hubMetrics, methodLabel } from './hub-metrics';

/**
 * Times every request the api answers, labelled by its route pattern (`/elements/api-v2/instances/:id`,
 * never the concrete path); a request no route matched is `unmatched`. Registered once, before listening.
 */
export function registerRequestMetrics(fastify: FastifyInstance): void {
  fastify.addHook('onResponse', async (request, reply) => {
    hubMetrics.httpRequestDuration.observe(
      { method: methodLabel(request.method), route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
}
