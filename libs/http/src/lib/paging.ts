import { BadRequestError } from '@hub/element-sdk';
import type { PipeTransform } from '@nestjs/common';

/** Path ids of instances are positive integers; anything else is a 400 naming the parameter. */
export class InstanceIdPipe implements PipeTransform<string, number> {
  transform(value: string): number {
    if (!/^\d{1,9}$/.test(value) || Number(value) < 1) {
      throw new BadRequestError(`instance id must be a positive integer, not '${value}'`);
    }
    return Number(value);
  }
}

/** A `page` or `pageSize` query parameter: an integer from 1 to `max`, `fallback` when absent. */
export function pageParameter(name: string, value: string | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max) {
    throw new BadRequestError(`${name} must be an integer from 1 to ${max}, not '${value}'`);
  }
  return Number(value);
}

/** A page of a page-numbered list, as the client asked for it. */
export interface PageRequest {
  readonly page: number;
  readonly pageSize: number;
}

/** The most pages and the largest page a client may ask for on the platform's lists. */
export const MAX_PAGE = 1_000_000;
export const MAX_PAGE_SIZE = 500;

/**
 * The one parser of `page` and `pageSize` on the platform's lists (instances, events, traces,
 * formulas, the admin API): integers from 1, `pageSize` up to 500; a bad one is a 400 naming it.
 * (Hub calls page the vendor's way, with nextPage tokens and the element's pagination.max.)
 */
export function pageRequestOf(query: { readonly page?: string; readonly pageSize?: string }, defaultPageSize: number): PageRequest {
  return {
    page: pageParameter('page', query.page, 1, MAX_PAGE),
    pageSize: pageParameter('pageSize', query.pageSize, defaultPageSize, MAX_PAGE_SIZE),
  };
}

/** The rows a page covers, for the store's skip/take. */
export function skipTakeOf(page: PageRequest): { skip: number; take: number } {
  return { skip: (page.page - 1) * page.pageSize, take: page.pageSize };
}

/** The platform's paging headers on a page-numbered list. */
export function setPageHeaders(
  reply: { header(name: string, value: string): unknown },
  page: { readonly page: number; readonly pageSize: number; readonly total: number; readonly returned: number },
): void {
  reply.header('Elements-Total-Count', String(page.total));
  reply.header('Elements-Returned-Count', String(page.returned));
  if (page.page * page.pageSize < page.total) reply.header('Elements-Next-Page-Token', String(page.page + 1));
}
