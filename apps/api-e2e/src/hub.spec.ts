/**
 * Hub calls against the built hub as a process (embedded store), over real HTTP, with the
 * Twilio double: provision twiliov2 and twilio, send, list with DateSent, page through 250
 * messages to the end, fetch, redact, delete; and the error paths.
 */
import { type HubWithDouble, startHubWithDouble } from './support/hub-with-double';

jest.setTimeout(120_000);

type Json = Record<string, unknown>;

let s: HubWithDouble;

const http = (method: string, url: string, authorization: string, body?: unknown) => s.http(method, url, authorization, body);

beforeAll(async () => {
  s = await startHubWithDouble({ folder: 'hub-e2e-hub-', env: { HUB_VENDOR_TIMEOUT_MS: '1500' }, double: { clock: 'system' } });
});
afterAll(() => s?.stop());

describe('messaging through the hub process', () => {
  let v2Token: string;
  let smsToken: string;
  const v2 = (method: string, url: string, body?: unknown) => http(method, `/hubs/messaging${url}`, `${s.user}, Element ${v2Token}`, body);

  beforeAll(async () => {
    const v2Instance = await http('POST', '/instances', s.platform, {
      element: { key: 'twiliov2' },
      configuration: { username: s.account.sid, password: s.account.authToken, 'base.url': s.double.accountsUrl },
      name: 'e2e v2',
    });
    expect(v2Instance.status).toBe(200);
    v2Token = String((v2Instance.body as Json)['token']);
    const smsInstance = await http('POST', '/instances', s.platform, {
      element: { key: 'twilio' },
      configuration: {
        'messaging.sms.twilio.account': s.account.sid,
        'messaging.sms.twilio.token': s.account.authToken,
        'messaging.sms.twilio.sender': '+15005550006',
        'base.url': s.double.accountsUrl,
      },
      name: 'e2e sms',
    });
    expect(smsInstance.status).toBe(200);
    smsToken = String((smsInstance.body as Json)['token']);
  });

  it('sends with both elements, lists with DateSent, fetches, redacts and deletes', async () => {
    const sms = await http('POST', '/hubs/messaging/messages', `${s.user}, Element ${smsToken}`, { To: '+15005550100', Body: 'via twilio' });
    expect(sms.status).toBe(200);
    expect(sms.body).toMatchObject({ from: '+15005550006', to: '+15005550100' });

    const sent = await v2('POST', '/messages', { To: '+15005550101', From: '+15005550006', Body: 'via twiliov2' });
    expect(sent.status).toBe(200);
    const sid = String((sent.body as Json)['sid']);
    await new Promise((r) => setTimeout(r, 2_200));
    const today = new Date().toISOString().slice(0, 10);
    const listed = await v2('GET', `/messages?DateSent=${today}&To=%2B15005550101`);
    expect((listed.body as Json[]).map((m) => m['sid'])).toEqual([sid]);
    expect((await v2('GET', `/messages/${sid}`)).body).toMatchObject({ sid, body: 'via twiliov2' });
    const redacted = await v2('PATCH', `/messages/${sid}`, { Body: '' });
    expect(redacted.status).toBe(200);
    await new Promise((r) => setTimeout(r, 3_000));
    expect((await v2('DELETE', `/messages/${sid}`)).status).toBe(200);
    expect((await v2('GET', `/messages/${sid}`)).status).toBe(404);
  });

  it('pages through 250 messages to the end, each exactly once', async () => {
    const to = '+15005550250';
    s.double.seedMessages(s.account.sid, 250, { to, from: '+15005550006' });
    const seen: string[] = [];
    let next: string | null = null;
    let pages = 0;
    do {
      const res = await v2('GET', `/messages?To=${encodeURIComponent(to)}&pageSize=100${next ? `&nextPage=${encodeURIComponent(next)}` : ''}`);
      expect(res.status).toBe(200);
      seen.push(...(res.body as Json[]).map((m) => String(m['sid'])));
      next = res.headers.get('elements-next-page-token');
      pages++;
    } while (next && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(250);
    expect(new Set(seen).size).toBe(250);
  });

  it('answers each error path with the hub’s error body', async () => {
    const expectError = async (res: { status: number; body: unknown; headers: Headers }, status: number) => {
      expect(res.status).toBe(status);
      expect(res.body).toMatchObject({ requestId: res.headers.get('elements-request-id'), message: expect.any(String) });
    };
    await expectError(await http('GET', '/hubs/messaging/messages', `${s.user}, Element wrong`), 401);
    await expectError(await v2('GET', '/nothing-here'), 404);
    await expectError(await v2('PUT', '/messages'), 405);
    await expectError(await v2('GET', '/messages?DateSent=soon'), 400);
    await expectError(await v2('POST', '/messages', { To: 'nobody', From: '+15005550006', Body: 'x' }), 400);
    s.double.faults.next({ status: 503 });
    await expectError(await v2('GET', '/accounts'), 502);
    s.double.faults.next({ delayMs: 2_500 });
    await expectError(await v2('GET', '/accounts'), 504);
    s.double.faults.next({ status: 429, retryAfter: 20, times: 10 });
    const limited = await v2('GET', '/accounts');
    await expectError(limited, 429);
    expect(limited.headers.get('retry-after')).toBe('20');
    s.double.faults.clear();
  });
});
