import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkCallbackUrl, type ResolvedAddress } from './callback-url';
import { deliver, pinnedLookup } from './deliver';
import { SIGNATURE_HEADER, verifyDelivery } from './delivery-signature';

interface Seen {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

describe('deliver, against real loopback receivers', () => {
  const seen: Seen[] = [];
  let landings = 0;
  let port: number;
  let landingPort: number;
  let closedPort: number;
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      switch (req.url) {
        case '/ok':
          return void res.end('thanks');
        case '/gone':
          res.statusCode = 410;
          return void res.end('no such hook');
        case '/error':
          res.statusCode = 500;
          return void res.end('boom');
        case '/busy':
          res.writeHead(429, { 'retry-after': '120' });
          return void res.end();
        case '/redirect':
          res.writeHead(302, { location: `http://127.0.0.1:${landingPort}/landing` });
          return void res.end();
        case '/slow':
          return; // never answers
        case '/slow-body':
          res.writeHead(200, { 'content-type': 'text/plain' });
          return void res.write('partial'); // and never ends
        case '/huge': {
          res.writeHead(200, { 'content-type': 'application/octet-stream' });
          res.on('error', () => undefined);
          return void res.end(Buffer.alloc(16 * 1024 * 1024, 'x'));
        }
        default:
          res.statusCode = 404;
          res.end();
      }
    });
  });
  const landing = createServer((_req, res) => {
    landings++;
    res.end('followed');
  });

  beforeAll(async () => {
    port = await listen(receiver);
    landingPort = await listen(landing);
    const closed = createServer();
    closedPort = await listen(closed);
    await close(closed);
  });
  afterAll(async () => {
    await close(receiver);
    await close(landing);
  });
  beforeEach(() => {
    seen.length = 0;
  });

  const KEY = 'whsec_test_key';
  const BODY = JSON.stringify({ message: { eventId: 'evt_1', events: [], raw: {} } });
  const NOW = new Date('2026-01-02T03:04:05Z');
  const target = (path: string, p = port) =>
    checkCallbackUrl(`http://127.0.0.1:${p}${path}`, { allowPrivate: true });
  const attempt = async (path: string, extra: { timeoutMs?: number; p?: number } = {}) =>
    deliver({
      target: await target(path, extra.p),
      webhookId: 'evt_1',
      rawBody: BODY,
      signatureKey: KEY,
      now: () => NOW,
      timeoutMs: extra.timeoutMs ?? 2_000,
    });

  it('POSTs the body as JSON, signed, with Elements-Webhook-Id: 200 is delivered', async () => {
    const result = await attempt('/ok');
    expect(result).toMatchObject({
      outcome: 'delivered',
      status: 200,
      responseBody: 'thanks',
      responseTruncated: false,
    });
    expect(result.error).toBeUndefined();
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
    const [request] = seen;
    expect(request.body).toBe(BODY);
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['elements-webhook-id']).toBe('evt_1');
    expect(verifyDelivery({ key: KEY, rawBody: request.body, headers: request.headers, now: NOW })).toEqual({
      valid: true,
      scheme: 'v2',
      timestamp: NOW.getTime() / 1000,
    });
    expect(
      verifyDelivery({
        key: KEY,
        rawBody: request.body,
        headers: { [SIGNATURE_HEADER]: request.headers['elements-webhook-signature'] },
        acceptLegacy: true,
        now: NOW,
      }),
    ).toEqual({ valid: true, scheme: 'legacy' });
  });

  it('sends no signature headers without a key', async () => {
    const result = await deliver({ target: await target('/ok'), webhookId: 'evt_2', rawBody: BODY });
    expect(result.outcome).toBe('delivered');
    expect(Object.keys(seen[0].headers).filter((h) => h.startsWith('elements-'))).toEqual([
      'elements-webhook-id',
    ]);
  });

  it('retries a 500, fails a 410', async () => {
    expect(await attempt('/error')).toMatchObject({ outcome: 'retry', status: 500, responseBody: 'boom' });
    expect(await attempt('/gone')).toMatchObject({ outcome: 'failed', status: 410 });
  });

  it('retries a 429 and reports its Retry-After', async () => {
    expect(await attempt('/busy')).toMatchObject({ outcome: 'retry', status: 429, retryAfterMs: 120_000 });
  });

  it('does not follow a redirect: a 3xx is a failed attempt', async () => {
    const result = await attempt('/redirect');
    expect(result).toMatchObject({ outcome: 'failed', status: 302 });
    expect(landings).toBe(0);
  });

  it('gives up on a slow receiver at the deadline: retry', async () => {
    const result = await attempt('/slow', { timeoutMs: 300 });
    expect(result.outcome).toBe('retry');
    expect(result.status).toBeUndefined();
    expect(result.error).toMatch(/^timeout/);
    expect(result.durationMs).toBeGreaterThanOrEqual(250);
    expect(result.durationMs).toBeLessThan(2_000);
  });

  it('keeps an answer whose body stalls: the status decides', async () => {
    const result = await attempt('/slow-body', { timeoutMs: 300 });
    expect(result).toMatchObject({
      outcome: 'delivered',
      status: 200,
      responseBody: 'partial',
      responseTruncated: true,
    });
    expect(result.error).toMatch(/^reading the answer: timeout/);
  });

  it('reads at most 64 KiB of a huge answer', async () => {
    const result = await attempt('/huge');
    expect(result).toMatchObject({ outcome: 'delivered', status: 200, responseTruncated: true });
    expect(result.responseBody).toHaveLength(64 * 1024);
    expect(result.durationMs).toBeLessThan(1_500);
  });

  it('retries when nothing listens', async () => {
    const result = await attempt('/ok', { p: closedPort });
    expect(result.outcome).toBe('retry');
    expect(result.status).toBeUndefined();
    expect(result.error).toMatch(/^ECONNREFUSED/);
  });

  it('connects to the vetted addresses only: the host name is never resolved again', async () => {
    // receiver.invalid cannot resolve (RFC 6761): only the pinned lookup can take it to the receiver.
    const vetted = await checkCallbackUrl(`http://receiver.invalid:${port}/ok`, {
      allowPrivate: true,
      resolve: async () => [{ address: '127.0.0.1', family: 4 }],
    });
    const result = await deliver({ target: vetted, webhookId: 'evt_3', rawBody: BODY });
    expect(result).toMatchObject({ outcome: 'delivered', status: 200 });
    expect(seen[0].headers.host).toBe(`receiver.invalid:${port}`);
  });

  it('names bad input', async () => {
    const vetted = await target('/ok');
    await expect(deliver({ target: vetted, webhookId: '', rawBody: BODY })).rejects.toThrow(
      'webhookId must be a non-empty string',
    );
    await expect(deliver({ target: vetted, webhookId: 'e', rawBody: BODY, timeoutMs: 0 })).rejects.toThrow(
      'timeoutMs must be a positive integer (got 0)',
    );
    await expect(
      deliver({ target: vetted, webhookId: 'e', rawBody: BODY, maxResponseBytes: -1 }),
    ).rejects.toThrow(/^maxResponseBytes must be/);
    await expect(
      deliver({ target: { href: 'http://x/' } as typeof vetted, webhookId: 'e', rawBody: BODY }),
    ).rejects.toThrow(/^target must be a VettedCallbackUrl/);
    await expect(
      deliver({ target: vetted, webhookId: 'e', rawBody: BODY, signatureKey: '' }),
    ).rejects.toThrow('key must be a non-empty string');
  });
});

describe('pinnedLookup', () => {
  const addresses: ResolvedAddress[] = [
    { address: '93.184.215.14', family: 4 },
    { address: '2606:2800:21f:cb07:6820:80da:af6b:8b2c', family: 6 },
  ];
  const call = (host: string, options: { all?: boolean; family?: number }) =>
    new Promise<[string | null, unknown, unknown]>((resolve) =>
      pinnedLookup('receiver.example', addresses)(host, options, (err, address, family) =>
        resolve([err?.message ?? null, address, family]),
      ),
    );

  it('answers the vetted addresses, in both callback forms, honouring the family asked for', async () => {
    expect(await call('receiver.example', { all: true })).toEqual([null, addresses, undefined]);
    expect(await call('receiver.example', {})).toEqual([null, '93.184.215.14', 4]);
    expect(await call('receiver.example', { family: 6 })).toEqual([
      null,
      '2606:2800:21f:cb07:6820:80da:af6b:8b2c',
      6,
    ]);
    expect(await call('receiver.example', { all: true, family: 4 })).toEqual([
      null,
      [addresses[0]],
      undefined,
    ]);
  });

  it('refuses any other host name', async () => {
    expect((await call('elsewhere.example', {}))[0]).toBe(
      'refusing to resolve elsewhere.example: only receiver.example was vetted',
    );
  });
});
