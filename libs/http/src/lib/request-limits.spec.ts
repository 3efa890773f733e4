import Fastify from 'fastify';
import { BadRequestError } from '@hub/element-sdk';
import { JsonShapeScanner, bodyLimitsOf, fieldWithNul, isProbePath, registerRequestLimits } from './request-limits';
import { summarizeProblems } from './validation';

const scan = (text: string, limits = { maxBytes: 1_000_000, maxDepth: 4, maxKeys: 10 }) => new JsonShapeScanner(limits).feed(Buffer.from(text));

describe('JsonShapeScanner', () => {
  it('counts depth and keys outside strings only', () => {
    expect(scan('{"a":[1,2,{"b":"[[[[[::::,,,,"}]}')).toBeUndefined();
    expect(scan('[[[[[1]]]]]')?.message).toMatch(/more than 4 deep/);
    expect(scan(JSON.stringify(Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, i]))))?.message).toMatch(/more than 10 keys/);
    expect(scan('"\\"[[[[[[["')).toBeUndefined(); // an escaped quote does not end the string
    expect(scan('x'.repeat(20), { maxBytes: 10, maxDepth: 4, maxKeys: 10 })?.status).toBe(413);
  });

  it('stops at the byte that crosses the limit, however the body is split', () => {
    const scanner = new JsonShapeScanner({ maxBytes: 1_000_000, maxDepth: 3, maxKeys: 100 });
    expect(scanner.feed(Buffer.from('[['))).toBeUndefined();
    expect(scanner.feed(Buffer.from('['))).toBeUndefined();
    expect(scanner.feed(Buffer.from('['))).toBeInstanceOf(BadRequestError);
  });
});

describe('limits per route, NUL characters, summaries', () => {
  it('gives hub calls the old platform’s 8 MiB and the login a few KiB', () => {
    expect(bodyLimitsOf('/elements/api-v2/hubs/messaging/messages').maxBytes).toBe(8 * 1024 * 1024);
    expect(bodyLimitsOf('/elements/api-v2/authentication').maxBytes).toBe(16 * 1024);
    expect(bodyLimitsOf('/elements/api-v2/instances').maxBytes).toBe(1024 * 1024);
  });

  it('finds the field holding a NUL, in keys too', () => {
    expect(fieldWithNul({ name: 'ok', tags: ['a', 'b\u0000'] }, '')).toBe('tags[1]');
    expect(fieldWithNul({ a: { 'k\u0000': 1 } }, '')).toBe('a.k\u0000');
    expect(fieldWithNul({ a: { b: 'fine' } }, '')).toBeUndefined();
  });

  it('names the first five problems and counts the rest', () => {
    expect(summarizeProblems(['a', 'b'])).toBe('a; b');
    expect(summarizeProblems(Array.from({ length: 8 }, (_, i) => `p${i}`))).toBe('p0; p1; p2; p3; p4; and 3 more problems');
  });

  it('spares probes and metrics from the overload guard', () => {
    expect(isProbePath('/health')).toBe(true);
    expect(isProbePath('/health/ready')).toBe(true);
    expect(isProbePath('/healthz')).toBe(true);
    expect(isProbePath('/metrics')).toBe(true);
    expect(isProbePath('/elements/api-v2/instances')).toBe(false);
  });
});

describe('registerRequestLimits on Fastify', () => {
  async function app(maxEventLoopDelayMs = 0) {
    const fastify = Fastify();
    await registerRequestLimits(fastify, { maxEventLoopDelayMs });
    fastify.post('/elements/api-v2/instances', async (request) => ({ got: request.body }));
    fastify.get('/health', async () => ({ ok: true }));
    fastify.get('/elements/api-v2/elements', async () => []);
    await fastify.ready();
    return fastify;
  }

  it('refuses deep and wide bodies before parsing, and NULs by field, with the hub’s error body', async () => {
    const fastify = await app();
    const post = (payload: string) => fastify.inject({ method: 'POST', url: '/elements/api-v2/instances', headers: { 'content-type': 'application/json' }, payload });
    const deep = await post(`${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    expect(deep.statusCode).toBe(400);
    expect(deep.json()).toMatchObject({ message: expect.stringMatching(/deep/) });
    expect((await post('{"name":"a\\u0000b"}')).json()).toMatchObject({ requestId: expect.any(String), message: "'name' must not contain a NUL character (U+0000)" });
    expect((await post('{"name":"fine"}')).statusCode).toBe(200);
    expect((await post('x'.repeat(2 * 1024 * 1024))).statusCode).toBe(413);
    await fastify.close();
  });

  it('answers 503 while the event loop lags, but not on /health', async () => {
    const fastify = await app(50);
    // Wait until the guard is armed (two samples after ready), then keep the loop busy in 100 ms
    // slices, asking between slices, until the guard has sampled the lag (one sample interval on a
    // quiet machine; a loaded one samples later, so the loop is held for up to 5 s, not a fixed time).
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const until = Date.now() + 5_000;
    let busy;
    do {
      const slice = Date.now() + 100;
      while (Date.now() < slice) {
        /* work that holds the loop */
      }
      await new Promise((resolve) => setImmediate(resolve));
      busy = await fastify.inject({ method: 'GET', url: '/elements/api-v2/elements' });
    } while (busy.statusCode !== 503 && Date.now() < until);
    const health = await fastify.inject({ method: 'GET', url: '/health' });
    expect(busy.statusCode).toBe(503);
    expect(busy.headers['retry-after']).toBe('1');
    expect(busy.json()).toMatchObject({ message: expect.stringMatching(/overloaded/) });
    expect(health.statusCode).toBe(200);
    await fastify.close();
  });
});
