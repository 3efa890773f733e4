/**
 * How the hub serves the admin web app at /admin/: the redirect, index.html for client routes
 * (revalidated), hashed assets (cached a year), a strict Content-Security-Policy and the other
 * helmet headers on the app, JSON-only headers on the admin API, and the hub API and its OpenAPI
 * document untouched by them. Without a build the hub still starts and /admin/ says how to build it.
 * (The real build, in a real browser, is apps/api-e2e/src/admin-app.spec.ts.)
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ApiHarness, storesUnderTest } from '../testing/api-harness';

jest.setTimeout(60_000);

const CSP =
  "default-src 'self';script-src 'self';style-src 'self';img-src 'self' data:;connect-src 'self';font-src 'self';" +
  "frame-ancestors 'none';base-uri 'none';form-action 'self';object-src 'none'";
const INDEX = '<!doctype html><html><head><script type="module" src="/admin/assets/index-abc123.js"></script></head><body><div id="root"></div></body></html>';

const [[, embedded]] = storesUnderTest();

describe('the admin app, built', () => {
  let dir: string;
  let harness: ApiHarness;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'hub-admin-app-'));
    await mkdir(path.join(dir, 'assets'));
    await writeFile(path.join(dir, 'index.html'), INDEX);
    await writeFile(path.join(dir, 'assets', 'index-abc123.js'), 'console.log("admin")');
    await writeFile(path.join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    harness = new ApiHarness(embedded, {}, { adminAppDir: dir });
    await harness.start(['Org']);
  });
  afterAll(async () => {
    await harness?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('redirects /admin to /admin/ and answers index.html there and for every client route, revalidated each time', async () => {
    const redirect = await harness.call('GET', '/admin');
    expect(redirect.status).toBe(302);
    expect(redirect.headers['location']).toBe('/admin/');
    for (const url of ['/admin/', '/admin/instances/12', '/admin/organizations?name=x', '/admin/health']) {
      const res = await harness.call('GET', url);
      expect({ url, status: res.status, text: res.text, cache: res.headers['cache-control'] }).toEqual({ url, status: 200, text: INDEX, cache: 'no-cache' });
      expect(String(res.headers['content-type'])).toMatch(/^text\/html/);
    }
  });

  it('serves hashed assets with a year-long immutable cache; a missing asset is a 404, not the page', async () => {
    const asset = await harness.call('GET', '/admin/assets/index-abc123.js');
    expect(asset.status).toBe(200);
    expect(asset.text).toBe('console.log("admin")');
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(String(asset.headers['content-type'])).toMatch(/javascript/);
    expect((await harness.call('GET', '/admin/favicon.svg')).headers['cache-control']).toBe('no-cache');
    const missing = await harness.call('GET', '/admin/assets/index-old999.js');
    expect(missing.status).toBe(404);
    expect(missing.text).not.toContain('<html');
    expect((await harness.call('GET', '/admin/%2e%2e/%2e%2e/package.json')).text).not.toContain('"name"');
  });

  it('sends a strict Content-Security-Policy and the other security headers with the app', async () => {
    for (const url of ['/admin/', '/admin/instances', '/admin/assets/index-abc123.js']) {
      const { headers } = await harness.call('GET', url);
      expect({ url, csp: headers['content-security-policy'] }).toEqual({ url, csp: CSP });
      expect(headers).toMatchObject({
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        'referrer-policy': 'no-referrer',
        'cross-origin-opener-policy': 'same-origin',
      });
      expect(headers['strict-transport-security']).toBeUndefined(); // plain HTTP here: HSTS would mean nothing
    }
  });

  it('gives the admin API JSON-only headers, and leaves the hub API and its OpenAPI document as they were', async () => {
    const admin = await harness.call('GET', '/elements/api-v2/admin/session');
    expect(admin.status).toBe(401);
    expect(admin.headers).toMatchObject({ 'content-security-policy': "default-src 'none'; frame-ancestors 'none'", 'x-content-type-options': 'nosniff' });
    const docs = await harness.call('GET', '/elements/api-v2/docs');
    expect(docs.status).toBe(200);
    expect(docs.body).toMatchObject({ openapi: expect.any(String), paths: expect.objectContaining({ '/elements/api-v2/admin/session': expect.any(Object) }) });
    expect(docs.headers['content-security-policy']).toBeUndefined();
    const elements = await harness.call('GET', '/elements/api-v2/elements');
    expect(elements.headers['content-security-policy']).toBeUndefined();
    expect(elements.headers['elements-request-id']).toEqual(expect.any(String));
  });
});

describe('the admin app, not built', () => {
  let harness: ApiHarness;

  beforeAll(async () => {
    harness = new ApiHarness(embedded, {}, { adminAppDir: path.join(tmpdir(), 'hub-admin-app-missing-dir') });
    await harness.start([]);
  });
  afterAll(async () => harness?.dispose());

  it('still starts, and /admin/ answers 503 saying how to build the app', async () => {
    for (const url of ['/admin/', '/admin/instances']) {
      const res = await harness.call('GET', url);
      expect(res.status).toBe(503);
      expect(res.text).toContain('The admin app is not built');
      expect(res.text).toContain('npx nx build admin-app');
    }
    expect((await harness.call('GET', '/elements/api-v2/elements')).status).toBe(401);
    expect((await harness.call('GET', '/health')).status).toBe(200);
  });
});
