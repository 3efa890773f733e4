import { type ElementDefinition, MethodNotAllowedError, NotFoundError, type Operation, type ResourceDescriptor } from '@hub/element-sdk';
import type { HubCall } from '@hub/runtime';

/** Stage 1 (after the instance's plan): which resource and operation a call names. */
export interface CallTarget {
  readonly resource: ResourceDescriptor;
  /** The vendor resource, and its sub-resource if the call names one (`['messages', 'media']`). */
  readonly resourcePath: string[];
  readonly operation: Operation;
  readonly id?: string;
  readonly subId?: string;
  /** The HTTP method, upper case. */
  readonly method: string;
}

/** Twilio updates a record with POST, and the old platform's twiliov2 clients do so through it too. */
const METHODS: Record<'collection' | 'record' | 'singleton', Partial<Record<string, Operation>>> = {
  collection: { GET: 'list', POST: 'create' },
  record: { GET: 'get', PUT: 'update', PATCH: 'update', POST: 'update', DELETE: 'delete' },
  singleton: { GET: 'get', PUT: 'update', PATCH: 'update' },
};

/** The resource and operation of `/{resource}[/{id}[/{sub}[/{subId}]]]` with a method: 404 and 405 name what there is. */
export function route(element: ElementDefinition, call: HubCall): CallTarget {
  const [name, id, subName, subId, ...rest] = call.segments;
  const top = element.resources.find((r) => r.name === name);
  if (!top || rest.length > 0) {
    throw new NotFoundError(
      `No resource '${call.segments.join('/')}' on element '${element.metadata.key}' (resources: ${element.resources.map((r) => r.name).join(', ')})`,
    );
  }
  let resource: ResourceDescriptor = top;
  const resourcePath = [top.name];
  if (subName !== undefined) {
    const sub = top.subresources.find((r) => r.name === subName);
    if (!sub) {
      const subs = top.subresources.map((r) => r.name).join(', ') || 'none';
      throw new NotFoundError(`No resource '${name}/{id}/${subName}' on element '${element.metadata.key}' (sub-resources of ${name}: ${subs})`);
    }
    resource = sub;
    resourcePath.push(sub.name);
  }
  const shape: 'collection' | 'record' | 'singleton' =
    resource.kind === 'singleton' ? 'singleton' : (subName === undefined ? id : subId) === undefined ? 'collection' : 'record';
  if (resource.kind === 'singleton' && id !== undefined) throw new NotFoundError(`'${name}' has no records: call /${name}`);
  const method = call.method.toUpperCase();
  const methods = METHODS[shape];
  const operation = methods[method];
  if (!operation || !resource.operations.includes(operation)) {
    const allowed = Object.entries(methods)
      .filter(([, op]) => op !== undefined && resource.operations.includes(op))
      .map(([m]) => m);
    throw new MethodNotAllowedError(`${method} is not supported on ${describePath(resourcePath, shape)} (allowed: ${allowed.join(', ') || 'none'})`, allowed);
  }
  return { resource, resourcePath, operation, id, subId, method };
}

function describePath(resourcePath: readonly string[], shape: string): string {
  const path = resourcePath.length === 2 ? `/${resourcePath[0]}/{id}/${resourcePath[1]}` : `/${resourcePath[0]}`;
  return shape === 'record' ? `${path}/{id}` : path;
}
