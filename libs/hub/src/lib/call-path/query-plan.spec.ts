import { checkCallParameters } from './parameters';
import { planCall } from './query-plan';
import { route } from './resolve';
import { element, settings } from './fixtures.spec-helper';

const plan = (query: Record<string, string>, method = 'GET', segments = ['messages']) => {
  const call = { method, segments, query, body: undefined };
  const target = route(element, call);
  const checked = checkCallParameters(element, target, call, undefined);
  const headers: Record<string, string> = {};
  return { planned: planCall(target, query, checked, settings({ max: 50 }), headers), checked, headers };
};

describe('planCall (stage 3: CEQL and the page)', () => {
  it('sends what the vendor filters as its parameters and keeps the rest as the residual the hub filters', () => {
    const { planned, checked } = plan({ where: "To = '+1' AND Status = 'sent'" });
    expect(checked.query).toEqual({ To: '+1' });
    expect(planned.ceql.plan?.residual).toBeDefined();
    expect(planned.identity).toEqual({ path: 'messages', query: { To: '+1', where: "To = '+1' AND Status = 'sent'" }, pageSize: 50 });
  });

  it('refuses a vendor parameter given twice, and a where on a fetch', () => {
    expect(() => plan({ To: '+1', where: "To = '+2'" })).toThrow("'To' is given both as a query parameter and in where: use one");
    expect(() => plan({ where: "To = '+2'" }, 'GET', ['messages', 'SM1'])).toThrow('where and orderBy apply to lists; get takes neither');
  });

  it('binds page tokens to checked parameters only (not a cache buster), and plans no page for a fetch', () => {
    expect(plan({ _: '1', pageSize: '10' }).planned.identity).toEqual({ path: 'messages', query: {}, pageSize: 10 });
    expect(plan({}, 'GET', ['messages', 'SM1']).planned).toMatchObject({ paging: { pageSize: 0 }, identity: { path: 'messages/SM1' } });
  });
});
