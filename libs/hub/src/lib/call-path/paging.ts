import { BadRequestError } from '@hub/element-sdk';
import { DEFAULT_PAGE_SIZE, type InstanceSettings } from '@hub/instance-config';
import type { HubCall } from '@hub/runtime';
import type { PageTokens, QueryIdentity } from '../page-tokens';
import { singleParameter } from './parameters';

export interface Paging {
  readonly pageSize: number;
  /** From 0, whatever the instance counts pages from. */
  readonly pageIndex?: number;
  readonly nextPage?: string;
}

/**
 * Part of the plan stage: pageSize (capped at pagination.max, reported in Elements-Error), then page or
 * nextPage. Old clients send both: nextPage wins and page is named in `ignored`; where unknown
 * parameters are refused (`refusal`), both is a 400. The hub's own rules and words: a pageSize above the
 * maximum is capped, not refused (the platform API's page-numbered lists refuse it).
 */
export function pagingOf(
  query: HubCall['query'],
  settings: InstanceSettings,
  headers: Record<string, string>,
  ignored: string[],
  refusal: string | undefined,
): Paging {
  const max = settings.pagination.max;
  const sizeText = singleParameter(query, 'pageSize');
  let pageSize = Math.min(DEFAULT_PAGE_SIZE, max);
  if (sizeText !== undefined) {
    if (!/^\d+$/.test(sizeText) || Number(sizeText) < 1) throw new BadRequestError(`pageSize must be a positive integer, not '${sizeText}'`);
    pageSize = Number(sizeText);
    if (pageSize > max) {
      headers['elements-error'] = `pageSize ${pageSize} is more than this element's maximum of ${max}: ${max} used`;
      pageSize = max;
    }
  }
  const pageText = singleParameter(query, 'page');
  const nextPage = singleParameter(query, 'nextPage');
  if (pageText !== undefined && nextPage !== undefined && refusal !== undefined) throw new BadRequestError(`send either page or nextPage, not both (${refusal})`);
  if (nextPage !== undefined) {
    if (pageText !== undefined) ignored.push("ignored query parameter 'page' (nextPage names the page)");
    return { pageSize, nextPage };
  }
  if (pageText === undefined) return { pageSize };
  const start = settings.pagination.startIndex;
  if (!/^\d+$/.test(pageText) || Number(pageText) < start) {
    throw new BadRequestError(`page must be an integer of at least ${start} (this instance counts pages from ${start}), not '${pageText}'`);
  }
  return { pageSize, pageIndex: Number(pageText) - start };
}

/** What the shape stage left of a page, for its headers. */
export interface ShapedPage {
  readonly returned: number;
  /** The vendor's total, when it gave one and the hub did not filter the page. */
  readonly totalCount?: number;
  /** The vendor's cursor of the next page, when there is one. */
  readonly nextCursor?: string;
}

/**
 * Stage 8: Elements-Returned-Count, Elements-Total-Count, and Elements-Next-Page-Token (the vendor's
 * cursor sealed to the instance and the query; Twilio-style vendors name a next page only when there
 * is one, and a filtered page may be empty and still have one).
 */
export function pageHeaders(headers: Record<string, string>, page: ShapedPage, tokens: PageTokens, instanceId: number, identity: QueryIdentity): void {
  headers['elements-returned-count'] = String(page.returned);
  if (page.totalCount !== undefined) headers['elements-total-count'] = String(page.totalCount);
  if (page.nextCursor) headers['elements-next-page-token'] = tokens.issue(instanceId, identity, page.nextCursor);
}
