import { TwilioErrors } from './twilio-format';
import type { TwilioPageEnvelope } from './types';

/** Where a record sits in its list order. `key` is the primary sort value, `seq` the creation number. */
export interface SortPosition {
  key: number;
  seq: number;
}

/** Negative when a comes first. */
export type ListOrder = (a: SortPosition, b: SortPosition) => number;

/** Newest first: key descending, then the later-created first. */
export const newestFirst: ListOrder = (a, b) => b.key - a.key || b.seq - a.seq;
/** Creation order. */
export const oldestFirst: ListOrder = (a, b) => a.seq - b.seq;

export interface PageParams {
  pageSize: number;
  page: number;
  pageToken: string | undefined;
}

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 1000;

/** Reads PageSize (1–1000, default 50), Page (≥ 0, default 0) and PageToken; 400/20001 when out of range. */
export function readPageParams(query: Record<string, string | undefined>): PageParams {
  const pageSize = readInteger(query['PageSize'], DEFAULT_PAGE_SIZE, 'PageSize');
  if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
    throw TwilioErrors.invalidParameter(`PageSize must be between 1 and ${MAX_PAGE_SIZE}, got ${pageSize}`);
  }
  const page = readInteger(query['Page'], 0, 'Page');
  const pageToken = query['PageToken'] === '' ? undefined : query['PageToken'];
  return { pageSize, page, pageToken };
}

function readInteger(raw: string | undefined, fallback: number, name: string): number {
  if (raw === undefined || raw === '') {
    return fallback;
  }
  if (!/^\d+$/.test(raw.trim())) {
    throw TwilioErrors.invalidParameter(`Invalid value for ${name}: ${raw}`);
  }
  return Number(raw.trim());
}

export interface ListSpec<T> {
  /** Records already filtered and sorted by `order`. */
  sorted: readonly T[];
  order: ListOrder;
  positionOf: (record: T) => SortPosition;
  sidOf: (record: T) => string;
  /** Finds where a SID named by a PageToken sits, including records deleted since (Twilio's tokens survive that). */
  resolveSid: (sid: string) => SortPosition | undefined;
  /** Which SIDs this list's tokens may name. */
  sidPattern: RegExp;
}

export interface PageSlice<T> {
  records: T[];
  hasBefore: boolean;
  hasAfter: boolean;
}

/**
 * Cuts one page the way Twilio does: `PageToken=PA<sid>` is the page after the record <sid>,
 * `PageToken=PB<sid>` the page before it; without a token, Page × PageSize is the offset.
 */
export function slicePage<T>(spec: ListSpec<T>, params: PageParams): PageSlice<T> {
  const { sorted, order, positionOf } = spec;
  const { pageSize, page, pageToken } = params;
  if (pageToken === undefined) {
    const offset = page * pageSize;
    return {
      records: sorted.slice(offset, offset + pageSize),
      hasBefore: offset > 0 && sorted.length > 0,
      hasAfter: offset + pageSize < sorted.length,
    };
  }
  const token = /^P([AB])(.+)$/.exec(pageToken);
  const anchor = token && spec.sidPattern.test(token[2]) ? spec.resolveSid(token[2]) : undefined;
  if (!token || !anchor) {
    throw TwilioErrors.invalidPageToken();
  }
  if (token[1] === 'A') {
    let index = sorted.findIndex((record) => order(positionOf(record), anchor) > 0);
    if (index < 0) {
      index = sorted.length;
    }
    return {
      records: sorted.slice(index, index + pageSize),
      hasBefore: index > 0,
      hasAfter: index + pageSize < sorted.length,
    };
  }
  let end = sorted.findIndex((record) => order(positionOf(record), anchor) >= 0);
  if (end < 0) {
    end = sorted.length;
  }
  const from = Math.max(0, end - pageSize);
  return { records: sorted.slice(from, end), hasBefore: from > 0, hasAfter: end < sorted.length };
}

/** Builds a list URI: filters (in the given order, only those present), then PageSize, Page, PageToken. */
export function listUri(
  path: string,
  filters: readonly (readonly [string, string])[],
  pageSize: number,
  page: number,
  pageToken?: string,
): string {
  const query = new URLSearchParams();
  for (const [name, value] of filters) {
    query.append(name, value);
  }
  query.append('PageSize', String(pageSize));
  query.append('Page', String(page));
  if (pageToken !== undefined) {
    query.append('PageToken', pageToken);
  }
  return `${path}?${query.toString()}`;
}

/** The full list response: `{ [key]: records, end, first_page_uri, next_page_uri, page, page_size, previous_page_uri, start, uri }`. */
export function pageEnvelope<T, J>(
  key: string,
  spec: ListSpec<T>,
  params: PageParams,
  path: string,
  filters: readonly (readonly [string, string])[],
  toJson: (record: T) => J,
): TwilioPageEnvelope & Record<string, unknown> {
  const slice = slicePage(spec, params);
  const { pageSize, page, pageToken } = params;
  const start = page * pageSize;
  const first = slice.records[0];
  const last = slice.records[slice.records.length - 1];
  return {
    end: slice.records.length > 0 ? start + slice.records.length - 1 : start,
    first_page_uri: listUri(path, filters, pageSize, 0),
    [key]: slice.records.map(toJson),
    next_page_uri:
      slice.hasAfter && last !== undefined
        ? listUri(path, filters, pageSize, page + 1, `PA${spec.sidOf(last)}`)
        : null,
    page,
    page_size: pageSize,
    previous_page_uri:
      slice.hasBefore && first !== undefined
        ? listUri(path, filters, pageSize, Math.max(0, page - 1), `PB${spec.sidOf(first)}`)
        : null,
    start,
    uri: listUri(path, filters, pageSize, page, pageToken),
  };
}
