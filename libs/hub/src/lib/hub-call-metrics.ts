import type { ElementDefinition } from '@hub/element-sdk';
import { hubMetrics, methodLabel } from '@hub/metrics';
import { ElementCatalog } from '@hub/runtime';
import type { INestApplication } from '@nestjs/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { HubCaller } from '@hub/runtime';

/**
 * Counts and times hub calls (/hubs/{hub}/…) by element, resource, method and status, once the
 * response is sent (refusals by the auth guard or the rate limit included). The resource label is
 * a resource the element declares (`messages`, `messages/media`), or `other` (a common object, or
 * a path the element does not have), and `none` before the caller is known: labels stay bounded.
 */
export function registerHubCallMetrics(app: INestApplication): void {
  const catalog = app.get(ElementCatalog);
  const fastify = app.getHttpAdapter().getInstance() as FastifyInstance;
  fastify.addHook('onResponse', async (request, reply) => {
    if (!request.routeOptions.url?.includes('/hubs/:hub/')) return;
    const caller = (request as FastifyRequest & { hubCaller?: HubCaller }).hubCaller;
    let element = 'none';
    let resource = 'none';
    if (caller) {
      const definition = catalog.byId(caller.instance.elementId);
      element = definition.metadata.key;
      resource = resourceLabel(definition, request.params as Record<string, string | undefined>);
    }
    const labels = { element, resource, method: methodLabel(request.method), status: String(reply.statusCode) };
    hubMetrics.hubCalls.inc(labels);
    hubMetrics.hubCallDuration.observe(labels, reply.elapsedTime / 1000);
  });
}

/** The resource a hub call named, if the element declares it (sub-resources as `parent/sub`); otherwise `other`. */
export function resourceLabel(element: ElementDefinition, params: Readonly<Record<string, string | undefined>>): string {
  const top = element.resources.find((r) => r.name === params['resource']);
  if (!top) return 'other';
  if (params['subresource'] === undefined) return top.name;
  const sub = top.subresources.find((r) => r.name === params['subresource']);
  return sub ? `${top.name}/${sub.name}` : 'other';
}
