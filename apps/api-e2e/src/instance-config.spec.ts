/**
 * Common instance configuration against the built hub process: both paging styles over 250
 * messages, a CEQL query, the response cache (counting the double's requests), trace logging.
 */
import { type HubWithDouble, startHubWithDouble } from './support/hub-with-double';

jest.setTimeout(120_000);

type Json = Record<string, unknown>;

let s: HubWithDouble;
let v2: { id: number; token: string };

const http = (method: string, url: string, authorization: string, body?: unknown) => s.http(method, url, authorization, body);
const call = (method: string, url: string, body?: unknown) =>
  http(method, `/hubs/messaging${url}`, `${s.user}, Element ${v2.token}`, body);

const to = '+15005550600';

beforeAll(async () => {
  s = await startHubWithDouble({ folder: 'hub-e2e-config-' });
  s.double.seedMessages(s.account.sid, 250, { to, from: '+15005550006' });
  v2 = await s.twiliov2('config e2e');
});
afterAll(() => s?.stop());

it('reaches every one of 250 messages exactly once with page numbers and with nextPage tokens', async () => {
  const byPage: string[] = [];
  for (let page = 0; page < 10; page++) {
    const res = await call('GET', `/messages?To=${encodeURIComponent(to)}&pageSize=60&page=${page}`);
    byPage.push(...(res.body as Json[]).map((m) => String(m['sid'])));
    if ((res.body as Json[]).length < 60) break;
  }
  const byToken: string[] = [];
  let next: string | null = null;
  do {
    const res = await call('GET', `/messages?To=${encodeURIComponent(to)}&pageSize=60${next ? `&nextPage=${encodeURIComponent(next)}` : ''}`);
    byToken.push(...(res.body as Json[]).map((m) => String(m['sid'])));
    next = res.headers.get('elements-next-page-token');
  } while (next);
  expect(new Set(byPage).size).toBe(250);
  expect(byToken).toEqual(byPage);
});

it('narrows a list with CEQL', async () => {
  const [first] = s.double.listMessages(s.account.sid).filter((m) => m.to === to);
  s.double.setMessageStatus(String(first.sid), 'undelivered', { errorCode: 30006 });
  const res = await call('GET', `/messages?where=${encodeURIComponent(`To = '${to}' AND Status = 'undelivered'`)}&pageSize=100`);
  expect(res.status).toBe(200);
  const sids: string[] = (res.body as Json[]).map((m) => String(m['sid']));
  let next = res.headers.get('elements-next-page-token');
  while (next) {
    const more = await call('GET', `/messages?where=${encodeURIComponent(`To = '${to}' AND Status = 'undelivered'`)}&pageSize=100&nextPage=${encodeURIComponent(next)}`);
    sids.push(...(more.body as Json[]).map((m) => String(m['sid'])));
    next = more.headers.get('elements-next-page-token');
  }
  expect(sids).toEqual([first.sid]);
});

it('answers a repeated GET from the cache without calling Twilio, and a POST invalidates it', async () => {
  await http('PATCH', `/instances/${v2.id}`, s.platform, { cachingEnabled: true, maxCacheSize: 50, cacheTimeToLive: 120 });
  const first = await call('GET', `/messages?To=${encodeURIComponent(to)}&pageSize=5`);
  expect(first.headers.get('elements-cache')).toBe('MISS');
  const before = s.double.requestCount;
  const second = await call('GET', `/messages?To=${encodeURIComponent(to)}&pageSize=5`);
  expect(second.headers.get('elements-cache')).toBe('HIT');
  expect(s.double.requestCount).toBe(before);
  await call('POST', '/messages', { To: to, From: '+15005550006', Body: 'new' });
  expect((await call('GET', `/messages?To=${encodeURIComponent(to)}&pageSize=5`)).headers.get('elements-cache')).toBe('MISS');
});

it('records traces that hold no secret', async () => {
  await http('PATCH', `/instances/${v2.id}`, s.platform, { traceLoggingEnabled: true, cachingEnabled: false });
  await call('GET', `/accounts/${s.account.sid}`);
  await call('GET', '/messages?pageSize=1');
  await new Promise((r) => setTimeout(r, 300));
  const res = await fetch(`${s.baseUrl}/elements/api-v2/instances/${v2.id}/traces`, { headers: { authorization: s.platform } });
  const text = await res.text();
  expect(res.status).toBe(200);
  expect((JSON.parse(text) as Json[]).length).toBe(2);
  expect(text).not.toContain(s.account.authToken);
});
