import { checkCallParameters, singleParameter, warningOf } from './parameters';
import { route } from './resolve';
import { element } from './fixtures.spec-helper';

const check = (method: string, segments: string[], query: Record<string, string | string[]>, body?: unknown, refusal?: string) => {
  const call = { method, segments, query, body };
  return checkCallParameters(element, route(element, call), call, refusal);
};

describe('checkCallParameters (stage 2)', () => {
  it('leaves the hub’s own parameters to the plan stage and passes unknown ones on, naming them', () => {
    const checked = check('GET', ['messages'], { To: '+1', where: "Status = 'sent'", pageSize: '5', _: '123' });
    expect(checked.query).toEqual({ To: '+1', _: '123' });
    expect([...checked.unchecked]).toEqual(['_']);
    expect(checked.ignored).toEqual(["ignored query parameter '_'"]);
  });

  it('drops unknown query parameters of a fetch, and refuses them when a refusal says why', () => {
    expect(check('GET', ['messages', 'SM1'], { Colour: 'red' }).query).toEqual({});
    expect(() => check('GET', ['messages'], { Colour: 'red' }, undefined, 'strict mode')).toThrow(/unknown query parameter 'Colour'.*\(strict mode\)/);
  });

  it('checks a write’s body: required parameters, and a body that is not an object', () => {
    expect(check('POST', ['messages'], {}, { To: '+1', Body: 'hi' }).body).toEqual({ To: '+1', Body: 'hi' });
    expect(() => check('POST', ['messages'], {}, { Body: 'hi' })).toThrow("body parameter 'To' is required");
    expect(() => check('POST', ['messages'], {}, [1])).toThrow('the request body must be a JSON object');
  });

  it('refuses a hub parameter given twice, and counts warnings beyond twenty', () => {
    expect(() => singleParameter({ where: ['a', 'b'] }, 'where')).toThrow("query parameter 'where' was given more than once");
    expect(warningOf(Array.from({ length: 22 }, (_, i) => `w${i}`))).toMatch(/w19, and 2 more$/);
  });
});
