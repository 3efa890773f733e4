import { Readable } from 'node:stream';
import { httpAnswerOf, readTextAtMost } from './http-answer';

describe('httpAnswerOf and readTextAtMost', () => {
  it('parses a JSON content type’s body, keeps other bodies (and JSON that does not parse) as text, and joins repeated headers', () => {
    expect(httpAnswerOf(200, { 'content-type': 'application/json; charset=utf-8', 'set-cookie': ['a', 'b'], gone: undefined }, '{"a":1}')).toEqual({
      code: 200,
      headers: { 'content-type': 'application/json; charset=utf-8', 'set-cookie': 'a, b' },
      body: { a: 1 },
    });
    expect(httpAnswerOf(502, { 'content-type': 'application/json' }, 'not json').body).toBe('not json');
    expect(httpAnswerOf(200, { 'content-type': 'text/plain' }, '{"a":1}').body).toBe('{"a":1}');
  });

  it('reads a body within its limit, and stops reading one that goes past it', async () => {
    expect(await readTextAtMost(Readable.from([Buffer.from('ab'), Buffer.from('c')]), 3, () => new Error('too large'))).toBe('abc');
    const long = Readable.from([Buffer.from('ab'), Buffer.from('cd'), Buffer.from('ef')]);
    await expect(readTextAtMost(long, 3, () => new Error('too large'))).rejects.toThrow('too large');
    expect(long.destroyed).toBe(true);
  });
});
