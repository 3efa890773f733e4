import { BadRequestError } from '@hub/element-sdk';
import { checkParameters } from './request-parameters';

describe('checkParameters', () => {
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
