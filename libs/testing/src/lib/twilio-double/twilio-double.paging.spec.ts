import { TwilioDouble } from './twilio-double';
import { type TwilioClient, clientFor, raw, restError } from './spec-helpers';
import type { AccountCredentials, TwilioMessageJson, TwilioPageEnvelope } from './types';

type MessagesPage = TwilioPageEnvelope & { messages: TwilioMessageJson[] };

/** What the library's pages have in common (nextPage() is typed as returning the base Page). */
interface LibraryPage {
  instances: { sid: string }[];
  nextPageUrl?: string;
  previousPageUrl?: string;
  nextPage(): Promise<LibraryPage> | undefined;
}

describe('TwilioDouble: paging exactly as Twilio', () => {
  let double: TwilioDouble;
  let account: AccountCredentials;
  let client: TwilioClient;
  let seeded: TwilioMessageJson[];
  /** Newest first, the order Twilio lists them in. */
  let expectedSids: string[];
  let listPath: string;

  beforeEach(async () => {
    double = await TwilioDouble.start({ now: '2024-03-01T00:00:00Z' });
    account = double.addAccount();
    client = clientFor(double, account);
    seeded = double.seedMessages(account.sid, 250, { body: (i) => `message ${i}` });
    expectedSids = seeded.map((m) => m.sid).reverse();
    listPath = `/2010-04-01/Accounts/${account.sid}/Messages.json`;
  });

  afterEach(() => double.stop());

  async function page(query: string): Promise<MessagesPage> {
    const response = await raw(double, 'GET', `${listPath}?${query}`, { auth: account });
    expect(response.status).toBe(200);
    return response.json as MessagesPage;
  }

  it('seeds 250 messages with distinct date_sent', () => {
    expect(new Set(seeded.map((m) => m.date_sent)).size).toBe(250);
    expect(seeded[249].date_sent).toBe('Thu, 29 Feb 2024 23:59:00 +0000');
  });

  it('client.messages.list({ pageSize: 20 }) walks all 250, each exactly once, newest first', async () => {
    double.resetRequests();
    const listed = await client.messages.list({ pageSize: 20 });
    expect(listed.map((m) => m.sid)).toEqual(expectedSids);
    expect(listed[0].body).toBe('message 249');

    const requests = double.requests;
    expect(requests).toHaveLength(13);
    expect(requests[0].query).toEqual({ PageSize: '20' });
    for (const [i, request] of requests.slice(1).entries()) {
      expect(request.query).toEqual({
        PageSize: '20',
        Page: String(i + 1),
        PageToken: `PA${expectedSids[(i + 1) * 20 - 1]}`,
      });
    }
  });

  it('page() / nextPage() walks page by page, then stops with no next page', async () => {
    let current: LibraryPage = await client.messages.page({ pageSize: 20 });
    const sids: string[] = [];
    const sizes: number[] = [];
    for (;;) {
      sids.push(...current.instances.map((m) => m.sid));
      sizes.push(current.instances.length);
      const next = current.nextPage();
      if (next === undefined) {
        break;
      }
      current = await next;
    }
    expect(sids).toEqual(expectedSids);
    expect(sizes).toEqual([...Array(12).fill(20), 10]);
    expect(current.nextPageUrl).toBeUndefined();
    expect(current.previousPageUrl).toBe(
      `${double.baseUrl}${listPath}?PageSize=20&Page=11&PageToken=PB${expectedSids[240]}`,
    );
  });

  it('previousPage() goes back to the same records', async () => {
    const first = await client.messages.page({ pageSize: 20 });
    const second = await first.nextPage();
    const third = await second?.nextPage();
    const back = await third?.previousPage();
    expect(back?.instances.map((m) => m.sid)).toEqual(second?.instances.map((m) => m.sid));
    const backToFirst = await back?.previousPage();
    expect(backToFirst?.instances.map((m) => m.sid)).toEqual(first.instances.map((m) => m.sid));
    expect(backToFirst?.previousPageUrl).toBeUndefined();
  });

  it('answers the exact envelope on the first page', async () => {
    const first = await page('PageSize=20');
    expect(first).toEqual({
      end: 19,
      first_page_uri: `${listPath}?PageSize=20&Page=0`,
      messages: expect.any(Array),
      next_page_uri: `${listPath}?PageSize=20&Page=1&PageToken=PA${expectedSids[19]}`,
      page: 0,
      page_size: 20,
      previous_page_uri: null,
      start: 0,
      uri: `${listPath}?PageSize=20&Page=0`,
    });
    expect(first.messages.map((m) => m.sid)).toEqual(expectedSids.slice(0, 20));
  });

  it('answers next_page_uri null on the last page', async () => {
    const last = await page(`PageSize=20&Page=12&PageToken=PA${expectedSids[239]}`);
    expect(last.messages.map((m) => m.sid)).toEqual(expectedSids.slice(240));
    expect(last).toMatchObject({
      start: 240,
      end: 249,
      page: 12,
      page_size: 20,
      next_page_uri: null,
      previous_page_uri: `${listPath}?PageSize=20&Page=11&PageToken=PB${expectedSids[240]}`,
      uri: `${listPath}?PageSize=20&Page=12&PageToken=PA${expectedSids[239]}`,
      first_page_uri: `${listPath}?PageSize=20&Page=0`,
    });
  });

  it('defaults PageSize to 50, allows 1000, and takes a bare Page as an offset', async () => {
    const byDefault = await page('');
    expect(byDefault.page_size).toBe(50);
    expect(byDefault.messages).toHaveLength(50);
    const everything = await page('PageSize=1000');
    expect(everything.messages).toHaveLength(250);
    expect(everything.next_page_uri).toBeNull();
    expect(everything.end).toBe(249);
    const third = await page('PageSize=20&Page=2');
    expect(third.messages.map((m) => m.sid)).toEqual(expectedSids.slice(40, 60));
    expect(third.start).toBe(40);
  });

  it('answers an empty page with end = start and no links', async () => {
    const empty = await page('To=%2B19999999999');
    expect(empty).toMatchObject({
      messages: [],
      start: 0,
      end: 0,
      next_page_uri: null,
      previous_page_uri: null,
    });
  });

  it.each(['PageSize=0', 'PageSize=1001', 'PageSize=abc', 'Page=-1'])(
    'refuses %s with 400',
    async (query) => {
      const response = await raw(double, 'GET', `${listPath}?${query}`, { auth: account });
      expect(response.status).toBe(400);
      expect(response.json).toMatchObject({ status: 400, code: 20001 });
    },
  );

  it.each([
    ['garbage', 'nonsense'],
    ['an unknown SID', `PASM${'f'.repeat(32)}`],
    ['a SID of another kind', `PAME${'0'.repeat(32)}`],
    ['a bare SID', `SM${'0'.repeat(32)}`],
  ])('refuses a PageToken that is %s with 400 / 21481', async (_label, token) => {
    const response = await raw(double, 'GET', `${listPath}?PageSize=20&Page=1&PageToken=${token}`, {
      auth: account,
    });
    expect(response.status).toBe(400);
    expect(response.json).toEqual({
      code: 21481,
      message: 'Invalid PageToken',
      more_info: 'https://www.twilio.com/docs/errors/21481',
      status: 400,
    });
    const error = await restError(client.messages.page({ pageSize: 20, pageNumber: 1, pageToken: token }));
    expect(error.code).toBe(21481);
  });

  it('keeps tokens valid when the anchor message is deleted and new messages arrive mid-walk', async () => {
    const first = await client.messages.page({ pageSize: 20 });
    const anchor = first.instances[19].sid;
    await client.messages(anchor).remove();
    double.advance(60_000);
    await client.messages.create({ to: '+15550001111', from: '+15550002222', body: 'arrived mid-walk' });
    const second = await first.nextPage();
    expect(second?.instances.map((m) => m.sid)).toEqual(expectedSids.slice(20, 40));
  });

  it('pages filtered lists and keeps the filter in every link', async () => {
    double.seedMessages(account.sid, 45, { to: '+15550007777', start: '2024-02-01T00:00:00Z' });
    const listed = await client.messages.list({ to: '+15550007777', pageSize: 10 });
    expect(listed).toHaveLength(45);
    expect(new Set(listed.map((m) => m.sid)).size).toBe(45);
    const last = double.requests[double.requests.length - 1];
    expect(last.query).toMatchObject({ To: '+15550007777', PageSize: '10', Page: '4' });
  });
});
