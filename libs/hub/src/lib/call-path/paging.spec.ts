import type { PageTokens } from '../page-tokens';
import { pageHeaders, pagingOf } from './paging';
import { settings } from './fixtures.spec-helper';

describe('pagingOf (part of stage 3) and pageHeaders (stage 8)', () => {
  it('defaults pageSize to 200 capped at pagination.max, and caps a larger one saying so in Elements-Error', () => {
    const headers: Record<string, string> = {};
    expect(pagingOf({}, settings({ max: 100 }), headers, [], undefined)).toEqual({ pageSize: 100 });
    expect(pagingOf({ pageSize: '900' }, settings({ max: 500 }), headers, [], undefined)).toEqual({ pageSize: 500 });
    expect(headers['elements-error']).toBe("pageSize 900 is more than this element's maximum of 500: 500 used");
    expect(() => pagingOf({ pageSize: '0' }, settings(), {}, [], undefined)).toThrow("pageSize must be a positive integer, not '0'");
  });

  it('counts pages from pagination.page.startindex', () => {
    expect(pagingOf({ page: '1' }, settings({ startIndex: 1 }), {}, [], undefined)).toEqual({ pageSize: 200, pageIndex: 0 });
    expect(pagingOf({ page: '0' }, settings({ startIndex: 0 }), {}, [], undefined)).toEqual({ pageSize: 200, pageIndex: 0 });
    expect(() => pagingOf({ page: '0' }, settings({ startIndex: 1 }), {}, [], undefined)).toThrow(
      "page must be an integer of at least 1 (this instance counts pages from 1), not '0'",
    );
  });

  it('lets nextPage win over page (naming page as ignored), unless unknown parameters are refused', () => {
    const ignored: string[] = [];
    expect(pagingOf({ page: '2', nextPage: 'tok' }, settings(), {}, ignored, undefined)).toEqual({ pageSize: 200, nextPage: 'tok' });
    expect(ignored).toEqual(["ignored query parameter 'page' (nextPage names the page)"]);
    expect(() => pagingOf({ page: '2', nextPage: 'tok' }, settings(), {}, [], 'strict mode')).toThrow('send either page or nextPage, not both (strict mode)');
  });

  it('sets the returned count, the total only when given, and a sealed next-page token', () => {
    const tokens = { issue: (id: number, _q: unknown, cursor: string) => `sealed(${id},${cursor})` } as unknown as PageTokens;
    const identity = { path: 'messages', query: {}, pageSize: 5 };
    const headers: Record<string, string> = {};
    pageHeaders(headers, { returned: 2, totalCount: 9, nextCursor: 'c2' }, tokens, 3, identity);
    expect(headers).toEqual({ 'elements-returned-count': '2', 'elements-total-count': '9', 'elements-next-page-token': 'sealed(3,c2)' });
    const last: Record<string, string> = {};
    pageHeaders(last, { returned: 0 }, tokens, 3, identity);
    expect(last).toEqual({ 'elements-returned-count': '0' });
  });
});
