import twilio from 'twilio';
import { TwilioDouble } from './twilio-double';
import { basicAuth, clientFor, raw, restError } from './spec-helpers';
import type { AccountCredentials } from './types';

describe('TwilioDouble: accounts and authentication', () => {
  let double: TwilioDouble;
  let account: AccountCredentials;

  beforeEach(async () => {
    double = await TwilioDouble.start();
    account = double.addAccount({ friendlyName: 'Main' });
  });

  afterEach(() => double.stop());

  it('listens on 127.0.0.1 and names its URLs', () => {
    expect(double.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(double.accountsUrl).toBe(`${double.baseUrl}/2010-04-01/Accounts`);
    expect(double.port).toBeGreaterThan(0);
  });

  it('generates Twilio-shaped, deterministic credentials', async () => {
    expect(account.sid).toMatch(/^AC[0-9a-f]{32}$/);
    expect(account.authToken).toMatch(/^[0-9a-f]{32}$/);
    const other = await TwilioDouble.start();
    try {
      expect(other.addAccount({ friendlyName: 'Main' })).toEqual(account);
    } finally {
      await other.stop();
    }
  });

  it('fetches the account through the twilio library', async () => {
    const fetched = await clientFor(double, account).api.v2010.accounts(account.sid).fetch();
    expect(fetched.sid).toBe(account.sid);
    expect(fetched.friendlyName).toBe('Main');
    expect(fetched.status).toBe('active');
    expect(fetched.type).toBe('Full');
    expect(fetched.ownerAccountSid).toBe(account.sid);
    expect(fetched.dateCreated).toEqual(new Date('2024-01-01T00:00:00Z'));
  });

  it('answers the account in Twilio JSON (RFC 2822 dates, uri, subresource_uris)', async () => {
    const response = await raw(double, 'GET', `/2010-04-01/Accounts/${account.sid}.json`, { auth: account });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.json).toMatchObject({
      sid: account.sid,
      friendly_name: 'Main',
      status: 'active',
      type: 'Full',
      owner_account_sid: account.sid,
      date_created: 'Mon, 01 Jan 2024 00:00:00 +0000',
      date_updated: 'Mon, 01 Jan 2024 00:00:00 +0000',
      uri: `/2010-04-01/Accounts/${account.sid}.json`,
      subresource_uris: expect.objectContaining({
        messages: `/2010-04-01/Accounts/${account.sid}/Messages.json`,
        calls: `/2010-04-01/Accounts/${account.sid}/Calls.json`,
      }),
    });
  });

  it('refuses a wrong auth token with RestException 401 / 20003', async () => {
    const client = clientFor(double, { sid: account.sid, authToken: '0'.repeat(32) });
    const error = await restError(client.api.v2010.accounts(account.sid).fetch());
    expect(error).toEqual({
      status: 401,
      code: 20003,
      message: 'Authenticate',
      moreInfo: 'https://www.twilio.com/docs/errors/20003',
    });
  });

  it('answers 401 with Twilio’s exact body when credentials are missing or malformed', async () => {
    const expected = {
      code: 20003,
      message: 'Authenticate',
      more_info: 'https://www.twilio.com/docs/errors/20003',
      status: 401,
    };
    for (const auth of [undefined, 'Bearer abc', 'Basic !!!', basicAuth('ACnope', 'x')]) {
      const response = await raw(double, 'GET', `/2010-04-01/Accounts/${account.sid}.json`, { auth });
      expect(response.status).toBe(401);
      expect(response.json).toEqual(expected);
      expect(response.headers.get('www-authenticate')).toBe('Basic realm="Twilio API"');
    }
  });

  it('refuses valid credentials of another account on this account’s paths (401 / 20003)', async () => {
    const stranger = double.addAccount();
    const client = clientFor(double, stranger);
    expect((await restError(client.api.v2010.accounts(account.sid).fetch())).code).toBe(20003);
    expect((await restError(client.api.v2010.accounts(account.sid).messages.list())).status).toBe(401);
  });

  it('lets a parent act on its subaccounts, but not the other way round', async () => {
    const sub = double.addAccount({ ownerAccountSid: account.sid, friendlyName: 'Sub' });
    const parentClient = clientFor(double, account);
    expect((await parentClient.api.v2010.accounts(sub.sid).fetch()).ownerAccountSid).toBe(account.sid);
    const subClient = clientFor(double, sub);
    expect((await restError(subClient.api.v2010.accounts(account.sid).fetch())).status).toBe(401);
  });

  it('refuses a closed account’s credentials', async () => {
    const closed = double.addAccount({ status: 'closed' });
    expect((await restError(clientFor(double, closed).api.v2010.accounts(closed.sid).fetch())).code).toBe(
      20003,
    );
  });

  it('lists the account and its subaccounts, filtered by FriendlyName and Status', async () => {
    double.addAccount({ ownerAccountSid: account.sid, friendlyName: 'Sub A' });
    double.addAccount({ ownerAccountSid: account.sid, friendlyName: 'Sub B', status: 'suspended' });
    double.addAccount({ friendlyName: 'Unrelated' });
    const client = clientFor(double, account);
    expect((await client.api.v2010.accounts.list()).map((a) => a.friendlyName)).toEqual([
      'Main',
      'Sub A',
      'Sub B',
    ]);
    expect(
      (await client.api.v2010.accounts.list({ friendlyName: 'Sub A' })).map((a) => a.friendlyName),
    ).toEqual(['Sub A']);
    expect(
      (await client.api.v2010.accounts.list({ status: 'suspended' })).map((a) => a.friendlyName),
    ).toEqual(['Sub B']);
    const response = await raw(double, 'GET', '/2010-04-01/Accounts.json?Status=active', { auth: account });
    expect(response.json).toMatchObject({
      first_page_uri: '/2010-04-01/Accounts.json?Status=active&PageSize=50&Page=0',
      uri: '/2010-04-01/Accounts.json?Status=active&PageSize=50&Page=0',
      next_page_uri: null,
      previous_page_uri: null,
      page: 0,
      page_size: 50,
      start: 0,
      end: 1,
    });
  });

  it('updates FriendlyName and Status, moving date_updated with the clock', async () => {
    const client = clientFor(double, account);
    double.advance(90_000);
    const updated = await client.api.v2010
      .accounts(account.sid)
      .update({ friendlyName: 'Renamed', status: 'suspended' });
    expect(updated.friendlyName).toBe('Renamed');
    expect(updated.status).toBe('suspended');
    expect(updated.dateUpdated).toEqual(new Date('2024-01-01T00:01:30Z'));
    expect(updated.dateCreated).toEqual(new Date('2024-01-01T00:00:00Z'));
    expect(
      (await restError(client.api.v2010.accounts(account.sid).update({ status: 'frozen' as 'active' })))
        .status,
    ).toBe(400);
  });

  it('creates subaccounts via POST /Accounts.json', async () => {
    const client = clientFor(double, account);
    const sub = await client.api.v2010.accounts.create({ friendlyName: 'Created' });
    expect(sub.sid).toMatch(/^AC[0-9a-f]{32}$/);
    expect(sub.ownerAccountSid).toBe(account.sid);
    expect(sub.authToken).toMatch(/^[0-9a-f]{32}$/);
    const subClient = twilio(sub.sid, sub.authToken);
    subClient.api.baseUrl = double.baseUrl;
    expect((await subClient.api.v2010.accounts(sub.sid).fetch()).friendlyName).toBe('Created');
  });

  it('answers 404 / 20404 for unknown resources, after authenticating', async () => {
    const path = `/2010-04-01/Accounts/${account.sid}/Queues.json`;
    expect((await raw(double, 'GET', path)).status).toBe(401);
    const response = await raw(double, 'GET', path, { auth: account });
    expect(response.status).toBe(404);
    expect(response.json).toEqual({
      code: 20404,
      message: `The requested resource ${path} was not found`,
      more_info: 'https://www.twilio.com/docs/errors/20404',
      status: 404,
    });
  });

  it('answers 405 for a method a resource does not have', async () => {
    const response = await raw(double, 'DELETE', `/2010-04-01/Accounts/${account.sid}.json`, {
      auth: account,
    });
    expect(response.status).toBe(405);
    expect(response.json).toMatchObject({ code: 20004 });
  });

  it('rejects a non-loopback host and bad seeds', async () => {
    await expect(TwilioDouble.start({ host: '0.0.0.0' as '127.0.0.1' })).rejects.toThrow(/127\.0\.0\.1/);
    expect(() => double.addAccount({ sid: 'AC123' })).toThrow(/AC/);
    expect(() => double.addAccount({ sid: account.sid })).toThrow(/exists/);
  });
});
