import { BadRequestError, type ParameterSpec } from '@hub/element-sdk';
import { checkParameters, quoted, type UnknownParameterPolicy } from './request-parameters';

const SPECS: ParameterSpec[] = [
  { name: 'FriendlyName', type: 'string', description: 'a name' },
  { name: 'EmergencyEnabled', type: 'boolean', description: 'a flag' },
];
const policy = (unknown: UnknownParameterPolicy['unknown'], refusal?: string): UnknownParameterPolicy => ({ unknown, ignored: [], ...(refusal ? { refusal } : {}) });

describe('checkParameters', () => {
  it('refuses an unknown parameter by default, naming it and what is accepted', () => {
    expect(() => checkParameters(SPECS, { FriendlyName: 'x', IsoCountry: 'US' }, 'body')).toThrow(
      new BadRequestError("unknown body parameter 'IsoCountry' (accepted: FriendlyName, EmergencyEnabled)"),
    );
  });

  it('says why unknown parameters are refused when the policy tells', () => {
    expect(() => checkParameters(SPECS, { IsoCountry: 'US' }, 'body', policy('refuse', 'strict mode'))).toThrow(
      "unknown body parameter 'IsoCountry' (accepted: FriendlyName, EmergencyEnabled) (strict mode)",
    );
  });

  it('forwards unknown parameters as form values and names each as ignored', () => {
    const p = policy('forward');
    expect(checkParameters(SPECS, { FriendlyName: 'x', IsoCountry: 'US', Count: 3, Flag: true, Tags: ['a', 'b'] }, 'body', p)).toEqual({
      FriendlyName: 'x',
      IsoCountry: 'US',
      Count: '3',
      Flag: 'true',
      Tags: ['a', 'b'],
    });
    expect(p.ignored).toEqual([
      "ignored body parameter 'IsoCountry'",
      "ignored body parameter 'Count'",
      "ignored body parameter 'Flag'",
      "ignored body parameter 'Tags'",
    ]);
  });

  it('drops what a form cannot carry and names that could reach a prototype, still naming them', () => {
    const p = policy('forward');
    const given = JSON.parse('{"Nested": {"a": 1}, "__proto__": "x", "constructor": "y", "Mixed": ["a", {}]}') as Record<string, unknown>;
    const out = checkParameters(SPECS, given, 'query', p);
    expect(Object.keys(out)).toEqual([]);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(p.ignored).toHaveLength(4);
  });

  it('drops unknown parameters under drop, and still refuses a known one with a wrong value', () => {
    const p = policy('drop');
    expect(checkParameters(SPECS, { _: '1733130000' }, 'query', p)).toEqual({});
    expect(p.ignored).toEqual(["ignored query parameter '_'"]);
    expect(() => checkParameters(SPECS, { EmergencyEnabled: 'maybe', _: '1' }, 'query', policy('forward'))).toThrow(
      "query parameter 'EmergencyEnabled' must be true or false",
    );
  });
});

describe('checkParameters on hostile input', () => {
  it('answers thousands of unknown parameters with the first five named and the rest counted, at once', () => {
    const given = Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`k${i}`, 'v']));
    const started = performance.now();
    const error = (() => {
      try {
        checkParameters([{ name: 'To', type: 'string', description: 'the recipient' }], given, 'body');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(performance.now() - started).toBeLessThan(2_000); // on a busy CI machine; it was the message of 20,000 names that cost
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as Error).message).toMatch(/^unknown body parameter 'k0' \(accepted: To\);.*and 19995 more problems$/);
    expect((error as Error).message.length).toBeLessThan(1_000);
  });
});

describe('quoted', () => {
  it('keeps printable ASCII, escapes the rest and cuts long names, so a header can carry them', () => {
    expect(quoted('IsoCountry')).toBe("'IsoCountry'");
    expect(quoted("a'b\r\nc é")).toBe("'a\\u{27}b\\u{d}\\u{a}c \\u{e9}'");
    expect(quoted('x'.repeat(100))).toBe(`'${'x'.repeat(64)}...'`);
  });
});
