/**
 * bench:hub --floor: what the frameworks of the design card cost on their own in this bench's layout,
 * with none of the hub's work. One GET route that fetches a message through the official `twilio`
 * library (its `httpClient` option backed by an undici Pool, as ../shared/reference/twilio.md
 * measured) and returns it, served by
 *
 *   FRAMEWORK=nest     NestJS on Fastify (one controller, no guard, pipe, filter, metric or log)
 *   FRAMEWORK=fastify  Fastify alone (one route)
 *
 * Env: TARGET (the double's base URL), ACCOUNT_SID, AUTH_TOKEN. Prints `floor listening on PORT`.
 * Plain CommonJS (decorators applied as functions) so that it runs under node without a build.
 */
'use strict';
require('reflect-metadata');
const twilio = require('twilio');
const { Pool } = require('undici');

const { TARGET, ACCOUNT_SID, AUTH_TOKEN, FRAMEWORK } = process.env;
const pool = new Pool(TARGET, { connections: 128 });

/** The twilio library's httpClient contract: request(opts) → {statusCode, body, headers}. */
const httpClient = {
  async request(opts) {
    const url = new URL(opts.uri.replace('https://api.twilio.com', TARGET));
    for (const [k, v] of Object.entries(opts.params ?? {})) url.searchParams.set(k, String(v));
    const headers = { ...opts.headers, authorization: 'Basic ' + Buffer.from(`${opts.username}:${opts.password}`).toString('base64') };
    const res = await pool.request({ method: opts.method.toUpperCase(), path: url.pathname + url.search, headers });
    const text = await res.body.text();
    return { statusCode: res.statusCode, body: text ? JSON.parse(text) : text, headers: res.headers };
  },
};
const client = twilio(ACCOUNT_SID, AUTH_TOKEN, { httpClient });
const fetchMessage = (sid) => client.messages(sid).fetch();

async function nest() {
  const { Controller, Get, Module, Param } = require('@nestjs/common');
  const { NestFactory } = require('@nestjs/core');
  const { FastifyAdapter } = require('@nestjs/platform-fastify');
  class MessagesController {
    fetch(sid) {
      return fetchMessage(sid);
    }
  }
  Param('sid')(MessagesController.prototype, 'fetch', 0);
  Get(':sid')(MessagesController.prototype, 'fetch', Object.getOwnPropertyDescriptor(MessagesController.prototype, 'fetch'));
  Controller('messages')(MessagesController);
  class FloorModule {}
  Module({ controllers: [MessagesController] })(FloorModule);
  const app = await NestFactory.create(FloorModule, new FastifyAdapter(), { logger: false });
  await app.listen(0, '127.0.0.1');
  return app.getHttpServer().address().port;
}

async function fastify() {
  const app = require('fastify')();
  app.get('/messages/:sid', (request) => fetchMessage(request.params.sid));
  await app.listen({ port: 0, host: '127.0.0.1' });
  return app.server.address().port;
}

// Exit normally on SIGTERM, so that a CPU profile (node --cpu-prof) is written.
process.on('SIGTERM', () => process.exit(0));

(FRAMEWORK === 'nest' ? nest() : fastify()).then(
  (port) => console.log('floor listening on ' + port),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
