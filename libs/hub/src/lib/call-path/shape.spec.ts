import { parseCeql } from '../ceql/ceql-parser';
import { shapeResult } from './shape';
import { messages } from './fixtures.spec-helper';

const page = (records: Record<string, unknown>[], cursor?: string, totalCount?: number) => ({ operation: 'list' as const, page: { records, cursor, totalCount } });

describe('shapeResult (stages 6–7: filter, fields, nulls, the common shape)', () => {
  it('filters a page with the residual where, and then the vendor’s total no longer counts', () => {
    const shaped = shapeResult(page([{ status: 'sent', to: '+1' }, { status: 'failed', to: '+2' }], 'c2', 2), {
      residual: parseCeql("Status = 'sent'"),
      queryFields: messages.queryFields,
      omitNulls: true,
    });
    expect(shaped).toEqual({ body: [{ status: 'sent', to: '+1' }], page: { returned: 1, totalCount: undefined, nextCursor: 'c2' } });
  });

  it('projects fields, then drops nulls (filter.response.nulls), or keeps them when the instance says so', () => {
    const record = { sid: 'SM1', body: null, to: '+1', price: null };
    expect(shapeResult({ operation: 'get', record }, { queryFields: [], fields: ['sid', 'body'], omitNulls: true }).body).toEqual({ sid: 'SM1' });
    expect(shapeResult({ operation: 'get', record }, { queryFields: [], omitNulls: false }).body).toEqual(record);
    expect(shapeResult(page([record]), { queryFields: [], omitNulls: true })).toEqual({ body: [{ sid: 'SM1', to: '+1' }], page: { returned: 1, totalCount: undefined, nextCursor: undefined } });
  });

  it('maps each record to the common shape after nulls are dropped, and answers a delete with {}', () => {
    const mapRecord = (r: Record<string, unknown>) => ({ id: r['sid'], keys: Object.keys(r) });
    expect(shapeResult({ operation: 'get', record: { sid: 'SM1', body: null } }, { queryFields: [], omitNulls: true, mapRecord }).body).toEqual({ id: 'SM1', keys: ['sid'] });
    expect(shapeResult({ operation: 'delete' }, { queryFields: [], omitNulls: true, mapRecord }).body).toEqual({});
  });
});
