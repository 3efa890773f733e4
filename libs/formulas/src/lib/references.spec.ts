import { fillPathPlaceholders, lookupReference, type ReferenceScope, resolveList, resolveString, resolveValue } from './references';

const scope: ReferenceScope = {
  config: { src: 42, 'crm.instance': 7, 'resource.name': 'messages', crm: 'short', trigger_instance: 99 },
  steps: { 'create-list': { list: [1, 2, 3] }, get: { response: { code: 200, body: [{ id: '8000270E-1392053436' }] } }, p: { resource: 'a b', id: 5 } },
  trigger: { args: { id: 3, nested: { x: true } }, event: { objectId: 'SM1' } },
  info: { formulaId: 1, formulaInstanceId: 2 },
};

describe('references', () => {
  it('takes a whole reference as the value itself, objects included', () => {
    expect(resolveString('${config.src}', scope)).toBe(42);
    expect(resolveString('${trigger.args}', scope)).toEqual({ id: 3, nested: { x: true } });
    expect(resolveString('${steps.create-list.list}', scope)).toEqual([1, 2, 3]);
    expect(resolveString('${steps.get.response.body[0].id}', scope)).toBe('8000270E-1392053436');
    expect(resolveString('${info.formulaInstanceId}', scope)).toBe(2);
  });

  it('interpolates references inside text (objects as JSON, missing as empty)', () => {
    expect(resolveString('/hubs/crm/${config.resource.name}/${steps.p.id}', scope)).toBe('/hubs/crm/messages/5');
    expect(resolveString('x=${trigger.args.nested}', scope)).toBe('x={"x":true}');
    expect(resolveString('a${steps.nope.id}b', scope)).toBe('ab');
  });

  it('matches the longest declared configuration key (keys contain dots)', () => {
    expect(lookupReference('config.crm.instance', scope)).toBe(7);
    expect(lookupReference('config.crm', scope)).toBe('short');
    expect(lookupReference('config.unknown', scope)).toBeUndefined();
  });

  it('reads the legacy forms: a bare configuration key, a bare step reference, a list with no ${}', () => {
    expect(resolveString('${trigger_instance}', scope)).toBe(99);
    expect(resolveString('${get.response.code}', scope)).toBe(200);
    expect(resolveList('create-list.list', scope)).toEqual([1, 2, 3]);
    expect(resolveList('steps.create-list.list', scope)).toEqual([1, 2, 3]);
    expect(resolveList('${steps.create-list.list}', scope)).toEqual([1, 2, 3]);
  });

  it('walks objects and arrays, and fills {placeholders} from a path object', () => {
    expect(resolveValue({ q: '${trigger.args.id}', l: ['${config.src}', 'x'] }, scope)).toEqual({ q: 3, l: [42, 'x'] });
    expect(fillPathPlaceholders('/hubs/crm/{resource}/{id}/{missing}', resolveValue('${steps.p}', scope))).toBe('/hubs/crm/a%20b/5/{missing}');
  });

  it('never reaches past own properties (no prototype walk)', () => {
    expect(resolveString('${trigger.args.constructor}', scope)).toBeUndefined();
    expect(resolveString('${steps.__proto__}', scope)).toBeUndefined();
  });
});
