import { BadRequestError, type CeqlExpression, type CeqlValue } from '@hub/element-sdk';
import fc from 'fast-check';
import { CeqlSyntaxError, parseCeql, printCeql } from './ceql-parser';

describe('parseCeql', () => {
  it('parses the old platform’s examples', () => {
    expect(parseCeql("DateSent='2017-01-01'")).toEqual({ kind: 'comparison', field: 'DateSent', operator: '=', value: '2017-01-01' });
    expect(parseCeql("To='+15005550006' AND DateSent>='2026-01-01'")).toEqual({
      kind: 'and',
      operands: [
        { kind: 'comparison', field: 'To', operator: '=', value: '+15005550006' },
        { kind: 'comparison', field: 'DateSent', operator: '>=', value: '2026-01-01' },
      ],
    });
  });

  it('handles precedence, parentheses, every operator, LIKE, IN, IS [NOT] NULL, backticks, escapes, numbers and booleans', () => {
    expect(parseCeql("a = 1 OR b != 2 AND (c < 3 or d >= -4.5)")).toEqual({
      kind: 'or',
      operands: [
        { kind: 'comparison', field: 'a', operator: '=', value: 1 },
        {
          kind: 'and',
          operands: [
            { kind: 'comparison', field: 'b', operator: '!=', value: 2 },
            {
              kind: 'or',
              operands: [
                { kind: 'comparison', field: 'c', operator: '<', value: 3 },
                { kind: 'comparison', field: 'd', operator: '>=', value: -4.5 },
              ],
            },
          ],
        },
      ],
    });
    expect(parseCeql("name like 'Jo%'")).toEqual({ kind: 'like', field: 'name', pattern: 'Jo%' });
    expect(parseCeql("status IN ('sent', 'delivered')")).toEqual({ kind: 'in', field: 'status', values: ['sent', 'delivered'] });
    expect(parseCeql('error_code is not null')).toEqual({ kind: 'isNull', field: 'error_code', negated: true });
    expect(parseCeql('`subresource_uris.media` IS NULL')).toEqual({ kind: 'isNull', field: 'subresource_uris.media', negated: false });
    expect(parseCeql('a.b.c = true')).toEqual({ kind: 'comparison', field: 'a.b.c', operator: '=', value: true });
    expect(parseCeql("body = 'it''s' AND x <> 'don\\'t'")).toEqual({
      kind: 'and',
      operands: [
        { kind: 'comparison', field: 'body', operator: '=', value: "it's" },
        { kind: 'comparison', field: 'x', operator: '!=', value: "don't" },
      ],
    });
  });

  it.each([
    ['', 1, 'an expression'],
    ["To = ", 6, 'a value'],
    ["To 'x'", 4, 'an operator'],
    ["(To = 'x'", 10, "')'"],
    ["To = 'x' AND", 13, 'a field name'],
    ["To = 'unterminated", 6, 'a closing quote'],
    ["To = 'x' garbage", 10, 'AND, OR or the end'],
    ['a IN ()', 7, 'a value'],
    ['a ! 1', 3, "'!='"],
    ['a = 1 # 2', 7, 'a field, a value'],
  ])('refuses %j with a 400 naming position %i and what was expected', (input, position, expected) => {
    const error = (() => {
      try {
        parseCeql(input);
      } catch (e) {
        return e;
      }
      throw new Error('no error');
    })();
    expect(error).toBeInstanceOf(CeqlSyntaxError);
    expect((error as CeqlSyntaxError).status).toBe(400);
    expect((error as Error).message).toContain(`position ${position}`);
    expect((error as Error).message).toContain(`expected ${expected}`);
  });
});

const KEYWORDS = ['and', 'or', 'not', 'in', 'is', 'null', 'like', 'true', 'false'];
const name = fc.stringMatching(/^[A-Za-z_$][A-Za-z0-9_$-]{0,8}$/).filter((n) => !KEYWORDS.includes(n.toLowerCase()));
const field = fc.oneof(
  fc.array(name, { minLength: 1, maxLength: 3 }).map((parts) => parts.join('.')),
  fc.string({ minLength: 1, maxLength: 12 }).filter((s) => !s.includes('`') && s.trim() !== ''),
);
const value: fc.Arbitrary<CeqlValue> = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.integer({ min: -1_000_000, max: 1_000_000 }).filter((n) => !Object.is(n, -0)),
  fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }).filter((n) => !Object.is(n, -0) && /^-?\d+(\.\d+)?$/.test(String(n))),
  fc.boolean(),
);
const predicate: fc.Arbitrary<CeqlExpression> = fc.oneof(
  fc.record({ kind: fc.constant('comparison' as const), field, operator: fc.constantFrom('=', '!=', '<', '>', '<=', '>=' as const), value }),
  fc.record({ kind: fc.constant('like' as const), field, pattern: fc.string({ maxLength: 10 }) }),
  fc.record({ kind: fc.constant('in' as const), field, values: fc.array(value, { minLength: 1, maxLength: 4 }) }),
  fc.record({ kind: fc.constant('isNull' as const), field, negated: fc.boolean() }),
);
const expression: fc.Arbitrary<CeqlExpression> = fc.letrec<{ expr: CeqlExpression }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    predicate,
    fc.record({ kind: fc.constantFrom('and' as const, 'or' as const), operands: fc.array(tie('expr'), { minLength: 2, maxLength: 3 }) }),
  ),
})).expr;

describe('CEQL quoting', () => {
  it('reads a keyword in backticks as a field (found by the round-trip property: a field named `in`)', () => {
    expect(parseCeql('`in` IS NULL and `and` = 1')).toEqual({
      kind: 'and',
      operands: [
        { kind: 'isNull', field: 'in', negated: false },
        { kind: 'comparison', field: 'and', operator: '=', value: 1 },
      ],
    });
    expect(printCeql({ kind: 'isNull', field: 'in', negated: false })).toBe('`in` IS NULL');
  });
});

describe('CEQL properties', () => {
  it('parse(print(e)) gives e back', () => {
    fc.assert(fc.property(expression, (e) => expect(parseCeql(printCeql(e))).toEqual(e)), { numRuns: 500 });
  });

  it('arbitrary text never throws anything but a 400-class error', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 40 }), fc.stringMatching(/^[a-z=<>!'`() ,.0-9-]{0,30}$/)), (text) => {
        try {
          parseCeql(text);
        } catch (error) {
          expect(error).toBeInstanceOf(BadRequestError);
          expect((error as BadRequestError).status).toBe(400);
        }
      }),
      { numRuns: 2_000 },
    );
  });
});
