import fc from 'fast-check';
import { withoutNulls } from './response-shaping';

/** Is there an object property whose value is null? (Null elements of a list are values, not fields: they stay.) */
function hasNullField(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasNullField);
  if (value !== null && typeof value === 'object') return Object.values(value as object).some((v) => v === null || hasNullField(v));
  return false;
}

/** Paths to every non-null leaf, the way a client reads them. */
function leaves(value: unknown, path = ''): string[] {
  if (value === null) return [];
  if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, `${path}[${i}]`));
  if (typeof value === 'object') return Object.entries(value as object).flatMap(([k, v]) => leaves(v, `${path}.${k}`));
  return [`${path}=${JSON.stringify(value)}`];
}

describe('withoutNulls (filter.response.nulls)', () => {
  it('removes null fields at any depth, in objects and the objects of lists; null list elements stay', () => {
    expect(withoutNulls([{ a: null, b: { c: null, d: 1 }, e: [{ f: null }, null] }])).toEqual([{ b: { d: 1 }, e: [{}, null] }]);
  });

  it('leaves no null field, keeps every other value where it was, and changes nothing a second time', () => {
    const record = fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 4 }));
    fc.assert(
      fc.property(fc.oneof(record, fc.array(record, { maxLength: 5 })), (input) => {
        const output = withoutNulls(input);
        expect(hasNullField(output)).toBe(false);
        expect(leaves(output)).toEqual(leaves(input));
        expect(withoutNulls(output)).toEqual(output);
      }),
      { numRuns: 500 },
    );
  });

  it('copies only what holds a null (a record without one is answered as it is), and keeps a field named __proto__', () => {
    const clean = { a: 1, b: { c: [1, { d: 'x' }] } };
    expect(withoutNulls(clean)).toBe(clean);
    const mixed = { a: null, b: clean };
    const out = withoutNulls(mixed);
    expect(out).toEqual({ b: clean });
    expect(out.b).toBe(clean);
    const hostile = JSON.parse('{"__proto__": {"x": null}, "y": null}') as Record<string, unknown>;
    const stripped = withoutNulls(hostile);
    expect(Object.keys(stripped)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(stripped)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)['x']).toBeUndefined();
  });
});
