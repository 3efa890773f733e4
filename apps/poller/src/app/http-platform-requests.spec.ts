import { FORMULA_OWNER_HEADER, verifyFormulaOwner } from '@hub/runtime';
import { SecretBox, type Store, type Tenant } from '@hub/store';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpPlatformRequests } from './http-platform-requests';

describe('the poller calls the platform API over HUB_API_URL', () => {
  const box = new SecretBox([{ id: 'k', key: randomBytes(32) }]);
  const store = {
    sign: (value: string, context: string) => box.sign(value, `signed:${context}`),
    signatureMatches: (value: string, context: string, signature: string) => box.verify(value, `signed:${context}`, signature),
  } as unknown as Store;
  const seen: { method?: string; url?: string; headers: IncomingHttpHeaders; body: string }[] = [];
  let server: Server;
  let base: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(req.url?.includes('missing') ? 404 : 200, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify(req.url?.includes('missing') ? { requestId: 'r', message: 'not found' } : [{ id: 5 }]));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('sends the path below /elements/api-v2 with the signed owner identity, not the step’s credentials, and parses JSON answers', async () => {
    const platform = new HttpPlatformRequests(base, store, 2_000);
    const owner = { organizationId: 3, userId: 4 } as Tenant;
    const answer = await platform.call(owner, { method: 'PATCH', path: '/instances/5', query: { a: 'b c' }, headers: { Authorization: 'User x, Organization y', 'X-Trace': 't' }, body: { name: 'n' } });
    expect(answer).toMatchObject({ code: 200, body: [{ id: 5 }], headers: { 'content-type': 'application/json; charset=utf-8' } });
    const [request] = seen;
    expect(request).toMatchObject({ method: 'PATCH', url: '/elements/api-v2/instances/5?a=b+c', body: '{"name":"n"}' });
    expect(request.headers).toMatchObject({ 'content-type': 'application/json', 'x-trace': 't' });
    expect(request.headers.authorization).toBeUndefined();
    expect(verifyFormulaOwner(store, request.headers[FORMULA_OWNER_HEADER])).toEqual({ organizationId: 3, userId: 4 });
    await expect(platform.call(owner, { method: 'GET', path: '/instances/missing', query: {}, headers: {}, body: undefined })).resolves.toMatchObject({ code: 404, body: { message: 'not found' } });
  });

  it('an api that cannot be reached fails the call naming HUB_API_URL', async () => {
    const platform = new HttpPlatformRequests('http://127.0.0.1:1', store, 1_000);
    await expect(platform.call({ organizationId: 1, userId: 1 } as Tenant, { method: 'GET', path: '/instances', query: {}, headers: {}, body: undefined })).rejects.toThrow(/HUB_API_URL \(http:\/\/127\.0\.0\.1:1\) could not be reached/);
  });
});
