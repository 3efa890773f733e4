import { BadRequestError, type Operation, type ResourceDescriptor } from '@hub/element-sdk';
import type { InstanceSettings } from '@hub/instance-config';
import type { HubCall } from '@hub/runtime';
import { parseCeql } from '../ceql/ceql-parser';
import { checkFieldPaths, planQuery } from '../ceql/ceql-plan';
import type { QueryIdentity } from '../page-tokens';
import type { CheckedParameters } from './parameters';
import { singleParameter } from './parameters';
import { type Paging, pagingOf } from './paging';
import type { CallTarget } from './resolve';

export type CeqlQuery = ReturnType<typeof queryOf>;

/** `where`, `fields` and `orderBy`: parsed and checked against what the resource declares. */
export function queryOf(query: HubCall['query'], resource: ResourceDescriptor, operation: Operation) {
  const where = singleParameter(query, 'where');
  const orderBy = singleParameter(query, 'orderBy');
  const fieldsText = singleParameter(query, 'fields');
  if ((where !== undefined || orderBy !== undefined) && operation !== 'list') {
    throw new BadRequestError(`where and orderBy apply to lists; ${operation} takes neither`);
  }
  if (orderBy !== undefined) {
    const normalized = orderBy.trim().replace(/\s+/g, ' ').toLowerCase();
    if (!resource.orderBy.some((o) => o.toLowerCase() === normalized)) {
      throw new BadRequestError(
        `orderBy '${orderBy}' is not supported on '${resource.name}': the vendor ${resource.orderBy.length ? `sorts only by ${resource.orderBy.join(', ')}` : 'does not sort'}, and sorting one page would not sort the list`,
      );
    }
  }
  const fields = fieldsText?.split(',').map((f) => f.trim()).filter(Boolean);
  if (fieldsText !== undefined && (!fields || fields.length === 0)) throw new BadRequestError('fields must name at least one field, comma separated');
  if (fields) checkFieldPaths(fields);
  const tree = where !== undefined ? parseCeql(where) : undefined;
  const plan = tree ? (resource.translateQuery ? resource.translateQuery(tree) : planQuery(tree, resource.queryFields, resource.name)) : undefined;
  return { where, tree, plan, fields };
}

/** Stage 3's answer: the CEQL plan, the page asked for, and what a page token of this query is bound to. */
export interface PlannedQuery {
  readonly ceql: CeqlQuery;
  readonly paging: Paging;
  readonly identity: QueryIdentity;
}

/**
 * Stage 3: `where` split into what the vendor filters (its query parameters, added to the checked ones)
 * and the residual the hub filters on each page; `fields`; the page (lists only).
 */
export function planCall(target: CallTarget, query: HubCall['query'], checked: CheckedParameters, settings: InstanceSettings, headers: Record<string, string>): PlannedQuery {
  const { operation, resourcePath, id } = target;
  const ceql = queryOf(query, target.resource, operation);
  const vendorParameters = ceql.plan?.vendorParameters;
  if (vendorParameters) {
    for (const name of Object.keys(vendorParameters)) {
      if (checked.query[name] !== undefined) throw new BadRequestError(`'${name}' is given both as a query parameter and in where: use one`);
      checked.query[name] = vendorParameters[name];
      checked.unchecked.delete(name);
    }
  }
  const paging = operation === 'list' ? pagingOf(query, settings, headers, checked.ignored, checked.refusal) : { pageSize: 0 };
  const bound: Record<string, string | string[]> = {};
  for (const name in checked.query) if (!checked.unchecked.has(name)) bound[name] = checked.query[name];
  if (ceql.where) bound['where'] = ceql.where;
  return { ceql, paging, identity: { path: resourcePath.join('/') + (id ? `/${id}` : ''), query: bound, pageSize: paging.pageSize } };
}
