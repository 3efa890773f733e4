import type { CeqlExpression, ResourceDescriptor } from '@hub/element-sdk';
import { queryOf } from './call-path/query-plan';

const base: ResourceDescriptor = {
  name: 'contacts',
  description: 'c',
  idField: 'id',
  kind: 'collection',
  operations: ['list'],
  parameters: {},
  fields: [],
  queryFields: [{ name: 'Email', recordPath: 'email', type: 'string', vendorParameters: { '=': 'email' } }],
  orderBy: ['created desc'],
  subresources: [],
};

describe('queryOf', () => {
  it('plans from the declared query fields by default', () => {
    expect(queryOf({ where: "Email = 'a@b.c'" }, base, 'list').plan).toEqual({ vendorParameters: { email: 'a@b.c' } });
  });

  it('hands the parsed tree to a resource that translates its own queries', () => {
    const seen: CeqlExpression[] = [];
    const resource: ResourceDescriptor = {
      ...base,
      translateQuery: (where) => {
        seen.push(where);
        return { vendorParameters: { q: 'email:"a@b.c"' } };
      },
    };
    const query = queryOf({ where: "Email = 'a@b.c'" }, resource, 'list');
    expect(seen).toEqual([{ kind: 'comparison', field: 'Email', operator: '=', value: 'a@b.c' }]);
    expect(query.tree).toEqual(seen[0]);
    expect(query.plan).toEqual({ vendorParameters: { q: 'email:"a@b.c"' } });
  });

  it('refuses where and orderBy outside lists, and orders the vendor does not keep', () => {
    expect(() => queryOf({ where: "Email = 'x'" }, base, 'get')).toThrow(/where and orderBy apply to lists/);
    expect(() => queryOf({ orderBy: 'email asc' }, base, 'list')).toThrow(/sorts only by created desc/);
    expect(queryOf({ orderBy: 'Created   DESC' }, base, 'list').plan).toBeUndefined();
  });
});
