/**
 * Issue 13, finding 1: one `where` must not be able to hold the process. LIKE runs in time linear
 * in the record's text for a given pattern (no backtracking, repeated % collapsed), and the parser
 * refuses expressions too long, too deep or with too many terms, each with a 400 naming `where`.
 */
import { BadRequestError, type QueryFieldSpec } from '@hub/element-sdk';
import fc from 'fast-check';
import { CEQL_LIMITS, parseCeql } from './ceql-parser';
import { FilterBudget, matches } from './ceql-plan';

const FIELDS: QueryFieldSpec[] = [{ name: 'To', recordPath: 'to', type: 'string' }];
const like = (pattern: string, text: string) => matches({ kind: 'like', field: 'To', pattern }, { to: text }, FIELDS);

function elapsedMs(work: () => unknown): number {
  const started = performance.now();
  work();
  return performance.now() - started;
}

describe('LIKE on hostile patterns', () => {
  it("answers '%%…%b' with 83 %s against a 40-character text at once (a backtracking RegExp took minutes)", () => {
    const pattern = `${'%'.repeat(83)}b`;
    const text = 'a'.repeat(40);
    expect(elapsedMs(() => expect(like(pattern, text)).toBe(false))).toBeLessThan(50);
  });

  it("answers '%a%a%…%b' (many segments) against a long text in well under a second", () => {
    const pattern = `${'%a'.repeat(60)}%b`;
    const text = 'a'.repeat(10_000);
    expect(elapsedMs(() => expect(like(pattern, text)).toBe(false))).toBeLessThan(200);
  });

  it('matches exactly what the RegExp translation matches, on random patterns and texts', () => {
    const alphabet = fc.constantFrom('a', 'b', '%', '_', '.', '*', '\n');
    const reference = (pattern: string, text: string) =>
      new RegExp(`^${pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%+/g, '.*').replace(/_/g, '.')}$`, 's').test(text);
    fc.assert(
      fc.property(fc.string({ unit: alphabet, maxLength: 8 }), fc.string({ unit: fc.constantFrom('a', 'b', '.', '*', '\n'), maxLength: 10 }), (pattern, text) => {
        expect(like(pattern, text)).toBe(reference(pattern, text));
      }),
      { numRuns: 2_000 },
    );
  });

  it('stops a page whose filtering would cost more than its budget with a 400 naming where', () => {
    const budget = new FilterBudget(1_000);
    const record = { to: 'a'.repeat(600) };
    expect(() => {
      for (let i = 0; i < 10; i++) matches({ kind: 'like', field: 'To', pattern: '%b%' }, record, FIELDS, budget);
    }).toThrow(/^where: /);
  });
});

describe('CEQL limits', () => {
  it('refuses a where nested in 7,500 parentheses with a 400, not a stack overflow', () => {
    const where = `${'('.repeat(7_500)}To = '1'${')'.repeat(7_500)}`;
    expect(() => parseCeql(where)).toThrow(BadRequestError);
    expect(() => parseCeql(where)).toThrow(/^where: /);
  });

  it('refuses a where longer than the limit, and one with too many terms', () => {
    expect(() => parseCeql(`To = '${'x'.repeat(CEQL_LIMITS.maxLength)}'`)).toThrow(/^where: .*characters/);
    const terms = Array.from({ length: CEQL_LIMITS.maxTerms + 1 }, (_, i) => `To = '${i}'`).join(' OR ');
    expect(() => parseCeql(terms)).toThrow(/^where: .*terms/);
    const values = `To IN (${Array.from({ length: CEQL_LIMITS.maxTerms + 1 }, (_, i) => `'${i}'`).join(',')})`;
    expect(() => parseCeql(values)).toThrow(/^where: .*terms/);
  });

  it('still parses what a client writes: nesting and terms within the limits', () => {
    const nested = `${'('.repeat(CEQL_LIMITS.maxDepth)}To = '1'${')'.repeat(CEQL_LIMITS.maxDepth)}`;
    expect(parseCeql(nested)).toEqual({ kind: 'comparison', field: 'To', operator: '=', value: '1' });
  });

  it('answers any string with an expression or a 400, never anything else, quickly', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (where) => {
        try {
          parseCeql(where);
        } catch (error) {
          expect(error).toBeInstanceOf(BadRequestError);
        }
      }),
      { numRuns: 1_000 },
    );
  });
});
