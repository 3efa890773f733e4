import Fastify from 'fastify';
import pino from 'pino';
import { Writable } from 'node:stream';
import { AccessLogController } from './access-log';

async function linesOf(level: string, run: (app: ReturnType<typeof Fastify>) => Promise<void>): Promise<Record<string, unknown>[]> {
  const out: string[] = [];
  const stream = new Writable({ write: (chunk: Buffer, _e, done) => (out.push(chunk.toString()), done()) });
  const app = Fastify({
    loggerInstance: pino({ level }, stream),
    logController: new AccessLogController({ requestIdLogLabel: 'requestId', disableRequestLogging: (req) => String(req.url).startsWith('/health') }),
  });
  app.get('/things', async () => ({ ok: true }));
  app.get('/health', async () => ({ ok: true }));
  await run(app);
  await app.close();
  return out.join('').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('AccessLogController (one access-log line per request)', () => {
  it('writes one info line per request, when it is answered, with method, URL, status and time', async () => {
    const lines = await linesOf('info', async (app) => {
      await app.inject({ method: 'GET', url: '/things?x=1', headers: { authorization: 'User secret' } });
      await app.inject({ method: 'GET', url: '/health' });
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 30, msg: 'request completed', req: { method: 'GET', url: '/things?x=1' }, res: { statusCode: 200 }, requestId: expect.any(String) });
    expect(typeof lines[0]['responseTime']).toBe('number');
    expect(JSON.stringify(lines)).not.toContain('secret');
  });

  it('adds the incoming line only at debug', async () => {
    const lines = await linesOf('debug', async (app) => {
      await app.inject({ method: 'GET', url: '/things' });
    });
    expect(lines.map((l) => l['msg'])).toEqual(['incoming request', 'request completed']);
  });
});
