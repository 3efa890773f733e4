import { BadRequestError, type CeqlExpression, type Transformation } from '@hub/element-sdk';
import fc from 'fast-check';
import { parsePath, readPath, writePath } from './paths';
import {
  mergeTransformations,
  rewriteOrderBy,
  rewriteWhere,
  toCommon,
  toCommonValue,
  toVendor,
  vendorValuesOf,
  validateDefinition,
  validateTransformation,
} from './transformation';

const MESSAGES: Transformation = {
  vendorName: 'messages',
  fields: [
    { path: 'id', vendorPath: 'sid', type: 'string' },
    { path: 'to', vendorPath: 'to', type: 'string' },
    { path: 'body', vendorPath: 'body', type: 'string' },
    { path: 'createdDate', vendorPath: 'date_created', type: 'date' },
    { path: 'segments', vendorPath: 'num_segments', type: 'number' },
    { path: 'media[*].url', vendorPath: 'media[*].uri', type: 'string' },
  ],
};

const TWILIO_MESSAGE = {
  sid: 'SM1',
  to: '+15005550001',
  body: 'hi',
  date_created: 'Tue, 01 Dec 2026 10:00:00 +0000',
  num_segments: '2',
  status: 'sent',
  media: [{ uri: '/m/1' }, { uri: '/m/2', size: 3 }],
};

describe('paths', () => {
  it('reads dotted names and [*]', () => {
    expect(parsePath('media[*].url')).toEqual([{ kind: 'key', name: 'media' }, { kind: 'each' }, { kind: 'key', name: 'url' }]);
    expect(readPath({ a: [{ b: 1 }, { c: 2 }, { b: null }] }, parsePath('a[*].b') as never)).toEqual([
      { indices: [0], value: 1 },
      { indices: [2], value: null },
    ]);
  });

  it.each(['', 'a..b', '.a', 'a.', 'a[1]', 'a[*', '1a', 'a b', '__proto__.x', 'a.constructor'])('refuses %j', (path) => {
    expect(typeof parsePath(path)).toBe('string');
  });

  it('writes through arrays and never onto a prototype', () => {
    const target: Record<string, unknown> = {};
    writePath(target, parsePath('a[*].b') as never, [1], 'x');
    expect(JSON.parse(JSON.stringify(target))).toEqual({ a: [null, { b: 'x' }] });
    expect(({} as Record<string, unknown>)['b']).toBeUndefined();
  });
});

describe('toCommon / toVendor', () => {
  it('maps a vendor record to the common shape with its types, arrays included', () => {
    expect(toCommon(TWILIO_MESSAGE, MESSAGES)).toEqual({
      id: 'SM1',
      to: '+15005550001',
      body: 'hi',
      createdDate: '2026-12-01T10:00:00.000Z',
      segments: 2,
      media: [{ url: '/m/1' }, { url: '/m/2' }],
    });
  });

  it('keeps the unmapped vendor fields only with passThrough.fromVendor', () => {
    const keep: Transformation = { ...MESSAGES, configuration: [{ type: 'passThrough', properties: { fromVendor: true } }] };
    expect(toCommon(TWILIO_MESSAGE, keep)).toMatchObject({ id: 'SM1', status: 'sent' });
    expect(toCommon(TWILIO_MESSAGE, keep)).not.toHaveProperty('sid');
    expect(toCommon(TWILIO_MESSAGE, MESSAGES)).not.toHaveProperty('status');
  });

  it('maps a request body back, refusing unmapped fields unless passThrough.toVendor forwards them', () => {
    expect(toVendor({ to: '+1', body: 'b' }, MESSAGES)).toEqual({ to: '+1', body: 'b' });
    expect(() => toVendor({ to: '+1', From: '+2' }, MESSAGES)).toThrow(BadRequestError);
    expect(() => toVendor({ to: '+1', From: '+2' }, MESSAGES)).toThrow("'From' is not a field of this object");
    const forward: Transformation = { ...MESSAGES, configuration: [{ type: 'passThrough', properties: { toVendor: true } }] };
    expect(toVendor({ to: '+1', From: '+2' }, forward)).toEqual({ to: '+1', From: '+2' });
  });

  it.each([
    ['number', '12', 12],
    ['number', '1.5e3', 1500],
    ['number', 'twelve', 'twelve'],
    ['boolean', 'TRUE', true],
    ['boolean', 'yes', 'yes'],
    ['date', 'Tue, 01 Dec 2026 10:00:00 +0000', '2026-12-01T10:00:00.000Z'],
    ['date', 1_796_119_200, '2026-12-01T10:00:00.000Z'],
    ['date', 'not a date', 'not a date'],
    ['string', 7, '7'],
  ] as const)('converts to %s: %j → %j (or leaves it)', (type, value, expected) => {
    expect(toCommonValue(value, type)).toEqual(expected);
  });
});

describe('validation', () => {
  const definition = validateDefinition({ fields: MESSAGES.fields.map((f) => ({ path: f.path, type: f.type })) }, 'messages');

  it('accepts the messages transformation against its definition and the vendor model', () => {
    const vendorFields = new Set(Object.keys(TWILIO_MESSAGE));
    expect(validateTransformation(MESSAGES, 'messages', { definition, vendorFields }).fields).toHaveLength(6);
  });

  it.each([
    [{ fields: [{ path: 'a b', type: 'string' }] }, "fields[0].path 'a b' is not a path"],
    [{ fields: [{ path: 'a', type: 'text' }] }, 'fields[0].type must be one of string, number, boolean, date'],
    [{ fields: [{ path: 'a', type: 'string' }, { path: 'a', type: 'number' }] }, "fields[1].path 'a' is defined twice"],
    [{ fields: [] }, 'at least one field'],
    [{ field: [] }, 'send {"fields"'],
  ])('refuses the definition %j naming %s', (body, message) => {
    expect(() => validateDefinition(body, 'messages')).toThrow(message);
  });

  it.each([
    [{ vendorName: '', fields: [] }, 'vendorName must name the vendor resource'],
    [{ vendorName: 'messages', fields: [{ path: 'id', vendorPath: 'sid..x' }] }, "fields[0].vendorPath 'sid..x' is not a path"],
    [{ vendorName: 'messages', fields: [{ path: 'id', vendorPath: 'sid', type: 'uuid' }] }, 'fields[0].type must be one of'],
    [{ vendorName: 'messages', fields: [{ path: 'id', vendorPath: 'nope' }] }, "fields[0].vendorPath 'nope' is not a field of the vendor's messages"],
    [{ vendorName: 'messages', fields: [{ path: 'colour', vendorPath: 'sid' }] }, "fields[0].path 'colour' is not a field of 'messages'"],
    [{ vendorName: 'messages', fields: [{ path: 'id', vendorPath: 'sid' }, { path: 'to', vendorPath: 'sid' }] }, "fields[1].vendorPath 'sid' is already mapped from 'id'"],
    [{ vendorName: 'messages', fields: [{ path: 'media[*].url', vendorPath: 'media' }] }, 'must have as many [*] as each other'],
    [{ vendorName: 'messages', fields: [], configuration: [{ type: 'magic' }] }, 'configuration[0].type must be passThrough or addToDocumentation'],
    [{ vendorName: 'messages', fields: [], configuration: [{ type: 'passThrough', properties: { fromVendor: 'yes' } }] }, 'fromVendor must be true or false'],
  ])('refuses the transformation %j naming %s', (body, message) => {
    expect(() => validateTransformation(body, 'messages', { definition, vendorFields: new Set(Object.keys(TWILIO_MESSAGE)) })).toThrow(message);
  });
});

describe('merging and queries', () => {
  it('lets the instance override the organization field by field', () => {
    const merged = mergeTransformations(MESSAGES, {
      vendorName: 'messages',
      fields: [{ path: 'to', vendorPath: 'from', type: 'string' }],
      configuration: [{ type: 'addToDocumentation' }],
    });
    expect(merged?.fields.find((f) => f.path === 'to')?.vendorPath).toBe('from');
    expect(merged?.fields).toHaveLength(MESSAGES.fields.length);
    expect(merged?.configuration).toEqual([{ type: 'addToDocumentation' }]);
    expect(mergeTransformations(undefined, MESSAGES)).toBe(MESSAGES);
  });

  const QUERYABLE: Record<string, string> = { to: 'To', date_created: 'DateCreated' };
  it('rewrites where and orderBy onto vendor fields, and refuses what cannot be mapped', () => {
    const where: CeqlExpression = {
      kind: 'and',
      operands: [
        { kind: 'comparison', field: 'to', operator: '=', value: '+1' },
        { kind: 'comparison', field: 'createdDate', operator: '>=', value: '2026-12-01' },
      ],
    };
    expect(rewriteWhere(where, MESSAGES, (p) => QUERYABLE[p])).toEqual({
      kind: 'and',
      operands: [
        { kind: 'comparison', field: 'To', operator: '=', value: '+1' },
        { kind: 'comparison', field: 'DateCreated', operator: '>=', value: '2026-12-01' },
      ],
    });
    expect(() => rewriteWhere({ kind: 'isNull', field: 'colour', negated: false }, MESSAGES, (p) => QUERYABLE[p])).toThrow("where: 'colour' is not a field");
    expect(() => rewriteWhere({ kind: 'isNull', field: 'body', negated: false }, MESSAGES, (p) => QUERYABLE[p])).toThrow("'body' cannot be queried");
    expect(rewriteOrderBy('createdDate desc', MESSAGES, (p) => QUERYABLE[p])).toBe('DateCreated desc');
    expect(() => rewriteOrderBy('body', MESSAGES, (p) => QUERYABLE[p])).toThrow('orderBy');
  });
});

describe('value maps', () => {
  const STATUS: Transformation = {
    vendorName: 'messages',
    fields: [
      { path: 'id', vendorPath: 'sid', type: 'string' },
      { path: 'status', vendorPath: 'status', type: 'string', values: { accepted: 'queued', scheduled: 'queued', read: 'delivered' } },
      { path: 'direction', vendorPath: 'direction', values: { 'outbound-api': 'outbound', 'outbound-reply': 'outbound' } },
    ],
  };
  const queryable = (p: string) => ({ status: 'Status', direction: 'Direction' })[p];

  it('translates listed vendor values and keeps the others', () => {
    expect(toCommon({ sid: 'SM1', status: 'accepted', direction: 'outbound-api' }, STATUS)).toEqual({ id: 'SM1', status: 'queued', direction: 'outbound' });
    expect(toCommon({ sid: 'SM2', status: 'failed', direction: 'inbound' }, STATUS)).toEqual({ id: 'SM2', status: 'failed', direction: 'inbound' });
    expect(toCommon({ sid: 'SM3', status: { odd: true } }, STATUS)).toEqual({ id: 'SM3', status: { odd: true } });
  });

  it('writes the vendor value of the same spelling, else the only one listed for it', () => {
    expect(vendorValuesOf('queued', STATUS.fields[1].values)).toEqual(['queued', 'accepted', 'scheduled']);
    expect(vendorValuesOf('outbound', STATUS.fields[2].values)).toEqual(['outbound', 'outbound-api', 'outbound-reply']);
    expect(toVendor({ status: 'canceled', direction: 'inbound' }, STATUS)).toEqual({ status: 'canceled', direction: 'inbound' });
    const single: Transformation = { vendorName: 'x', fields: [{ path: 'on', vendorPath: 'state', values: { ON: true, OFF: false } }] };
    expect(toVendor({ on: false }, single)).toEqual({ state: 'OFF' });
  });

  it('rewrites filters on translated fields to every vendor value behind the common one', () => {
    expect(rewriteWhere({ kind: 'comparison', field: 'status', operator: '=', value: 'queued' }, STATUS, queryable)).toEqual({
      kind: 'in',
      field: 'Status',
      values: ['queued', 'accepted', 'scheduled'],
    });
    expect(rewriteWhere({ kind: 'comparison', field: 'status', operator: '!=', value: 'delivered' }, STATUS, queryable)).toEqual({
      kind: 'and',
      operands: [
        { kind: 'comparison', field: 'Status', operator: '!=', value: 'delivered' },
        { kind: 'comparison', field: 'Status', operator: '!=', value: 'read' },
      ],
    });
    expect(rewriteWhere({ kind: 'in', field: 'status', values: ['failed', 'delivered'] }, STATUS, queryable)).toEqual({
      kind: 'in',
      field: 'Status',
      values: ['failed', 'delivered', 'read'],
    });
    expect(() => rewriteWhere({ kind: 'like', field: 'status', pattern: 'deliv%' }, STATUS, queryable)).toThrow("'status' takes =, != and in only");
  });

  it("keeps the vendor's own query fields, and with passThrough.toVendor any unmapped name, for the resource to check", () => {
    const poll: CeqlExpression = { kind: 'comparison', field: 'DateSent', operator: '>=', value: '2026-12-01' };
    expect(() => rewriteWhere(poll, STATUS, queryable)).toThrow("'DateSent' is not a field");
    expect(rewriteWhere(poll, STATUS, queryable, new Set(['DateSent']))).toEqual(poll);
    const open: Transformation = { ...STATUS, configuration: [{ type: 'passThrough', properties: { toVendor: true } }] };
    expect(rewriteWhere({ kind: 'isNull', field: 'Colour', negated: true }, open, queryable)).toEqual({ kind: 'isNull', field: 'Colour', negated: true });
    expect(rewriteOrderBy('DateCreated desc', open, queryable)).toBe('DateCreated desc');
  });

  it('refuses a value map that is not one', () => {
    const bad = { vendorName: 'messages', fields: [{ path: 'status', vendorPath: 'status', values: { a: ['b'] } }, { path: 'x', vendorPath: 'x', values: {} }] };
    expect(() => validateTransformation(bad, 'messages')).toThrow(/fields\[0\]\.values\.a must be a string, number or boolean.*fields\[1\]\.values must map vendor values/);
  });
});

describe('properties', () => {
  const json: fc.Arbitrary<unknown> = fc.jsonValue();

  it('arbitrary vendor records and bodies never crash the mapping', () => {
    fc.assert(
      fc.property(json, (record) => {
        toCommon(record, MESSAGES);
        try {
          toVendor(record, MESSAGES);
        } catch (error) {
          expect(error).toBeInstanceOf(BadRequestError);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('mapping, reverse-mapping and mapping again gives the mapped fields unchanged', () => {
    const record = fc.record(
      {
        sid: fc.string(),
        to: fc.string(),
        body: fc.string(),
        date_created: fc.date({ min: new Date('1970-01-01'), max: new Date('2200-01-01'), noInvalidDate: true }).map((d) => d.toUTCString()),
        num_segments: fc.integer({ min: 0, max: 100 }).map(String),
        media: fc.array(fc.record({ uri: fc.string() }), { maxLength: 3 }),
        status: fc.oneof(fc.constantFrom('queued', 'accepted', 'scheduled', 'read', 'delivered', 'failed'), fc.string()),
      },
      { requiredKeys: [] },
    );
    const withValues: Transformation = {
      ...MESSAGES,
      fields: [...MESSAGES.fields, { path: 'status', vendorPath: 'status', values: { accepted: 'queued', scheduled: 'queued', read: 'delivered' } }],
    };
    fc.assert(
      fc.property(record, (vendor) => {
        for (const t of [MESSAGES, withValues]) {
          const common = toCommon(vendor, t);
          expect(toCommon(toVendor(common, t), t)).toEqual(common);
        }
      }),
      { numRuns: 300 },
    );
  });
});
