import type { QueryFieldSpec, ResourceResult, VendorRecord } from '@hub/element-sdk';
import type { CeqlExpression } from '@hub/element-sdk';
import { FilterBudget, matches, project } from '../ceql/ceql-plan';
import { withoutNulls } from '../response-shaping';
import type { ShapedPage } from './paging';

/** How the answer's records are shaped, decided once per call. */
export interface ShapeRules {
  /** The part of `where` the vendor could not filter: the hub filters each page with it. */
  readonly residual?: CeqlExpression;
  readonly queryFields: readonly QueryFieldSpec[];
  /** `fields` of a vendor-native call: projected before nulls are dropped. */
  readonly fields?: readonly string[];
  /** filter.response.nulls */
  readonly omitNulls: boolean;
  /** The map stage's outbound half (a common object): applied after nulls are dropped. */
  readonly mapRecord?: (record: VendorRecord) => VendorRecord;
}

export interface ShapedAnswer {
  readonly body: unknown;
  /** Lists: what the page headers stage needs. */
  readonly page?: ShapedPage;
}

/**
 * Stages 6 and 7: the residual `where` filters a page (one FilterBudget per page: a where the parser
 * accepted still cannot hold the process on long records), then each record is projected (`fields`),
 * stripped of nulls, and mapped to the common shape, in that order, in one pass.
 */
export function shapeResult(result: ResourceResult, rules: ShapeRules): ShapedAnswer {
  const { fields, omitNulls, mapRecord } = rules;
  const shape = (record: VendorRecord): VendorRecord => {
    let out = fields ? project(record, fields) : record;
    if (omitNulls) out = withoutNulls(out);
    return mapRecord ? mapRecord(out) : out;
  };
  switch (result.operation) {
    case 'list': {
      const { cursor, totalCount } = result.page;
      const residual = rules.residual;
      let records = result.page.records;
      if (residual) {
        const budget = new FilterBudget();
        records = records.filter((r) => matches(residual, r, rules.queryFields, budget));
      }
      const body = new Array<VendorRecord>(records.length);
      for (let i = 0; i < records.length; i++) body[i] = shape(records[i]);
      return { body, page: { returned: records.length, totalCount: residual ? undefined : totalCount, nextCursor: cursor || undefined } };
    }
    case 'delete':
      return { body: {} };
    default:
      return { body: shape(result.record) };
  }
}
