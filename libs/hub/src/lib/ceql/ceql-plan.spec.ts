import { BadRequestError, type QueryFieldSpec } from '@hub/element-sdk';
import { parseCeql } from './ceql-parser';
import { checkFieldPaths, matches, planQuery, project } from './ceql-plan';

const FIELDS: QueryFieldSpec[] = [
  { name: 'To', recordPath: 'to', type: 'string', vendorParameters: { '=': 'To' } },
  { name: 'DateSent', recordPath: 'date_sent', type: 'date', vendorParameters: { '=': 'DateSent', '<=': 'DateSent<', '>=': 'DateSent>' } },
  { name: 'Status', recordPath: 'status', type: 'string' },
  { name: 'ErrorCode', recordPath: 'error_code', type: 'number' },
];
const plan = (where: string) => planQuery(parseCeql(where), FIELDS, 'messages');

describe('planQuery', () => {
  it('sends what the vendor filters as its parameters, with nothing left for the hub', () => {
    expect(plan("To = '+1' AND DateSent >= '2026-01-01' AND DateSent <= '2026-01-31'")).toEqual({
      vendorParameters: { To: '+1', 'DateSent>': '2026-01-01', 'DateSent<': '2026-01-31' },
    });
  });

  it('serves strict bounds with the vendor’s inclusive ones and keeps them for the hub to finish', () => {
    expect(plan("DateSent > '2026-01-01'")).toEqual({
      vendorParameters: { 'DateSent>': '2026-01-01' },
      residual: { kind: 'comparison', field: 'DateSent', operator: '>', value: '2026-01-01' },
    });
  });

  it('leaves fields and operators the vendor cannot filter, ORs, and repeated parameters to the hub', () => {
    const p = plan("To = '+1' AND (Status = 'sent' OR Status = 'delivered') AND To != '+2' AND To = '+3'");
    expect(p.vendorParameters).toEqual({ To: '+1' });
    expect(p.residual).toMatchObject({ kind: 'and', operands: [{ kind: 'or' }, { operator: '!=' }, { value: '+3' }] });
  });

  it('refuses unknown fields and values of the wrong type with a 400 naming them', () => {
    expect(() => plan("Colour = 'red'")).toThrow(new BadRequestError("where: 'messages' cannot be queried on 'Colour' (queryable: To, DateSent, Status, ErrorCode)"));
    expect(() => plan('DateSent = 5')).toThrow(/'DateSent' is compared with a date/);
    expect(() => plan("DateSent = 'yesterday'")).toThrow(/'DateSent' is compared with a date/);
    expect(() => plan("ErrorCode = 'many'")).toThrow(/'ErrorCode' is compared with a number, not "many"/);
    expect(() => plan("ErrorCode LIKE '3%'")).toThrow(/LIKE needs a text field/);
  });
});

describe('matches', () => {
  const record = { to: '+1', status: 'delivered', date_sent: 'Thu, 15 Jan 2026 10:00:00 +0000', error_code: null, body: 'Hello there' };
  const m = (where: string) => matches(parseCeql(where), record, [...FIELDS, { name: 'Body', recordPath: 'body', type: 'string' }]);

  it('compares dates by day for a date and by instant for a date-time, across Twilio’s RFC 2822 format', () => {
    expect(m("DateSent = '2026-01-15'")).toBe(true);
    expect(m("DateSent > '2026-01-15'")).toBe(false);
    expect(m("DateSent >= '2026-01-15T09:59:59Z'")).toBe(true);
    expect(m("DateSent < '2026-01-15T10:00:00Z'")).toBe(false);
  });

  it('evaluates OR, IN, LIKE and IS NULL', () => {
    expect(m("Status = 'sent' OR Status = 'delivered'")).toBe(true);
    expect(m("Status IN ('queued', 'sent')")).toBe(false);
    expect(m("Body LIKE 'Hello%'")).toBe(true);
    expect(m("Body LIKE 'hello%'")).toBe(false);
    expect(m('ErrorCode IS NULL')).toBe(true);
    expect(m('ErrorCode IS NOT NULL')).toBe(false);
  });
});

describe('project', () => {
  it('never walks into or writes prototypes', () => {
    expect(() => checkFieldPaths(['__proto__.polluted'])).toThrow(/not a field path/);
    expect(() => checkFieldPaths(['a..b'])).toThrow(/not a field path/);
    const record = JSON.parse('{"__proto__": {"x": 1}, "sid": "SM1"}') as Record<string, unknown>;
    expect(project(record, ['sid', 'constructor', 'toString'])).toEqual({ sid: 'SM1' });
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('keeps only the named paths', () => {
    expect(project({ sid: 'SM1', to: '+1', subresource_uris: { media: '/m', feedback: '/f' } }, ['sid', 'subresource_uris.media', 'missing'])).toEqual({
      sid: 'SM1',
      subresource_uris: { media: '/m' },
    });
  });
});

describe('planQuery on the old platform’s forms', () => {
  const NUMBERS: QueryFieldSpec[] = [
    { name: 'MmsEnabled', recordPath: 'capabilities.MMS', type: 'boolean', vendorParameters: { '=': 'MmsEnabled' } },
    { name: 'AreaCode', recordPath: 'phone_number', type: 'number', vendorParameters: { '=': 'AreaCode' }, vendorOnly: true },
    { name: 'InRegion', recordPath: 'region', type: 'string', vendorParameters: { '=': 'InRegion' } },
  ];
  const numbers = (where: string) => planQuery(parseCeql(where), NUMBERS, 'numbers');

  it('reads quoted booleans and numbers as the values they spell, and sends them as the vendor writes them', () => {
    expect(numbers("MmsEnabled = 'true' AND AreaCode = '510'")).toEqual({ vendorParameters: { MmsEnabled: 'true', AreaCode: '510' } });
    expect(numbers("MmsEnabled = 'FALSE' AND AreaCode = 415")).toEqual({ vendorParameters: { MmsEnabled: 'false', AreaCode: '415' } });
    expect(() => numbers("MmsEnabled = 'yes'")).toThrow(/'MmsEnabled' is compared with a boolean, not "yes"/);
  });

  it('filters quoted booleans on the records it has to filter itself', () => {
    const { residual } = numbers("MmsEnabled != 'true'");
    if (!residual) throw new Error('expected a residual filter');
    expect(matches(residual, { capabilities: { MMS: false } }, NUMBERS)).toBe(true);
    expect(matches(residual, { capabilities: { MMS: true } }, NUMBERS)).toBe(false);
  });

  it('refuses a vendor-only field anywhere the vendor cannot take it, naming the field', () => {
    expect(() => numbers("AreaCode != '510'")).toThrow(/'AreaCode' is filtered by the vendor only/);
    expect(() => numbers("AreaCode = '510' OR InRegion = 'CA'")).toThrow(/'AreaCode' is filtered by the vendor only/);
    expect(() => numbers("AreaCode = '510' AND AreaCode = '415'")).toThrow(/'AreaCode' is filtered by the vendor only/);
    expect(() => numbers("AreaCode > 500")).toThrow(/'AreaCode' is filtered by the vendor only/);
    expect(numbers("InRegion = 'CA' OR InRegion = 'NY'").residual).toMatchObject({ kind: 'or' });
  });
});
