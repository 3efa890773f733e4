import Fastify, { type FastifyInstance } from 'fastify';
import { TooManyRequestsError, UnauthorizedError } from '@hub/element-sdk';
import { type CompletedHubCall, type HubAuthGuard, type HubCall, type HubCaller, HubCallEvents } from '@hub/runtime';
import type { HubService } from './hub.service';
import { HubCallRoute } from './hub-call.route';

const caller = { tenant: { organizationId: 3, userId: 4 }, instance: { id: 11 } } as unknown as HubCaller;

/** The route on a bare Fastify, with a guard and a hub service that record what they were given. */
async function routeWith(options: { refuse?: Error; answer?: { status: number; headers: Record<string, string>; body: unknown }; fail?: Error } = {}) {
  const calls: HubCall[] = [];
  const guard = {
    authenticate: async (_request: unknown, reply: { header(name: string, value: string): unknown }) => {
      if (options.refuse) throw options.refuse;
      reply.header('x-ratelimit-remaining', '9');
      return caller;
    },
  } as unknown as HubAuthGuard;
  const hub = {
    call: async (who: HubCaller, call: HubCall, timer?: { add(stage: string, ms: number): void }) => {
      expect(who).toBe(caller);
      calls.push(call);
      timer?.add('vendor', 1.5);
      if (options.fail) throw options.fail;
      return options.answer ?? { status: 200, headers: { 'elements-total-count': '1' }, body: { sid: 'SM1' } };
    },
  } as unknown as HubService;
  const events = new HubCallEvents();
  const fastify: FastifyInstance = Fastify();
  fastify.addHook('onRequest', async (request) => {
    // The app's id: what failures name.
    (request as { id: string }).id = 'req-1';
  });
  new HubCallRoute(hub, guard, events).register(fastify, '/elements/api-v2');
  await fastify.ready();
  return { fastify, calls, events };
}

describe('HubCallRoute', () => {
  it('passes the path segments after the hub, the method, the query and the body to the hub, and answers its status, headers and body', async () => {
    const { fastify, calls } = await routeWith({ answer: { status: 201, headers: { 'elements-next-page-token': 't2' }, body: { sid: 'SM9' } } });
    const res = await fastify.inject({ method: 'POST', url: '/elements/api-v2/hubs/messaging/messages/SM1/media?pageSize=5', payload: { Body: 'hi' } });
    expect(res.statusCode).toBe(201);
    expect(res.headers['elements-next-page-token']).toBe('t2');
    expect(res.headers['x-ratelimit-remaining']).toBe('9');
    expect(res.json()).toEqual({ sid: 'SM9' });
    expect(calls).toEqual([{ method: 'POST', segments: ['messages', 'SM1', 'media'], query: { pageSize: '5' }, body: { Body: 'hi' } }]);
  });

  it('serves every depth from the resource to a sub-resource id, and nothing deeper', async () => {
    const { fastify, calls } = await routeWith();
    for (const path of ['messages', 'messages/SM1', 'messages/SM1/media', 'messages/SM1/media/ME1']) {
      expect((await fastify.inject({ method: 'GET', url: `/elements/api-v2/hubs/messaging/${path}` })).statusCode).toBe(200);
    }
    expect(calls.map((c) => c.segments.length)).toEqual([1, 2, 3, 4]);
    expect((await fastify.inject({ method: 'GET', url: '/elements/api-v2/hubs/messaging/messages/SM1/media/ME1/x' })).statusCode).toBe(404);
  });

  it("answers the guard's refusal as every route answers a failure ({requestId, message}), without calling the hub", async () => {
    const { fastify, calls } = await routeWith({ refuse: new UnauthorizedError('The User secret or Element token is not valid') });
    const res = await fastify.inject({ method: 'GET', url: '/elements/api-v2/hubs/messaging/messages' });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({ requestId: 'req-1', message: 'The User secret or Element token is not valid' });
    expect(calls).toEqual([]);
  });

  it("answers the hub's failure with its status and headers (a 429's Retry-After)", async () => {
    const { fastify } = await routeWith({ fail: new TooManyRequestsError('over the limit', 7, { 'retry-after': '7' }) });
    const res = await fastify.inject({ method: 'GET', url: '/elements/api-v2/hubs/messaging/messages' });
    expect(res.statusCode).toBe(429);
    expect(res.headers['retry-after']).toBe('7');
    expect(res.json()).toMatchObject({ requestId: 'req-1', message: 'over the limit' });
  });

  it('adds Server-Timing only when Elements-Server-Timing asks for it', async () => {
    const { fastify } = await routeWith();
    const plain = await fastify.inject({ method: 'GET', url: '/elements/api-v2/hubs/messaging/messages' });
    expect(plain.headers['server-timing']).toBeUndefined();
    const timed = await fastify.inject({ method: 'GET', url: '/elements/api-v2/hubs/messaging/messages', headers: { 'elements-server-timing': 'true' } });
    expect(String(timed.headers['server-timing'])).toMatch(/^before;dur=[\d.]+, vendor;dur=1\.50/);
  });

  it('tells HubCallEvents of a completed call after answering, only when someone listens', async () => {
    const { fastify, events } = await routeWith();
    const seen: CompletedHubCall[] = [];
    await fastify.inject({ method: 'GET', url: '/elements/api-v2/hubs/messaging/messages' });
    events.subscribe((call) => seen.push(call));
    await fastify.inject({ method: 'GET', url: '/elements/api-v2/hubs/messaging/messages/SM1?x=1' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual([{ tenant: caller.tenant, instanceId: 11, method: 'GET', path: 'messages/SM1', query: { x: '1' }, requestBody: undefined, status: 200, responseBody: { sid: 'SM1' } }]);
  });
});
