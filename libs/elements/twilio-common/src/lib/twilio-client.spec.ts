import { BadRequestError, VendorRejectedError, VendorTimeoutError, VendorUnavailableError } from '@hub/element-sdk';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTwilioClient, toHubError, twilioApiBaseUrl, validateAccountSid, validateAccountsUrl } from './twilio-client';
import { verifyTwilioAccount } from './verify-account';

const SID = 'AC' + 'a'.repeat(32);

describe('base URL handling', () => {
  it('derives the library base URL from the instance base.url', () => {
    expect(twilioApiBaseUrl('https://api.twilio.com/2010-04-01/Accounts')).toBe('https://api.twilio.com');
    expect(twilioApiBaseUrl('http://127.0.0.1:4010/2010-04-01/Accounts/')).toBe('http://127.0.0.1:4010');
    expect(twilioApiBaseUrl('http://proxy.local/twilio/2010-04-01/Accounts')).toBe('http://proxy.local/twilio');
  });

  it('refuses base URLs that do not name the Accounts collection', () => {
    expect(validateAccountsUrl('https://api.twilio.com/')).toContain('must end with /2010-04-01/Accounts');
    expect(validateAccountsUrl('not a url')).toContain('absolute URL');
    expect(validateAccountsUrl('ftp://x/2010-04-01/Accounts')).toContain('http(s)');
    expect(() => twilioApiBaseUrl('https://x')).toThrow(BadRequestError);
  });

  it('checks Account SIDs', () => {
    expect(validateAccountSid(SID)).toBeNull();
    expect(validateAccountSid('TWILIO_ACCOUNT_SID')).toContain('Account SID');
  });
});

describe('the undici transport and error mapping, against a real loopback server', () => {
  let server: Server;
  let baseUrl: string;
  let behaviour: 'ok' | 'unauthorized' | 'slow' | 'broken' | 'reset' = 'ok';
  let seenAuth: string | undefined;

  beforeAll(async () => {
    server = createServer((req, res) => {
      seenAuth = req.headers.authorization;
      if (behaviour === 'slow') return void setTimeout(() => res.end('{}'), 500);
      if (behaviour === 'reset') return void req.socket.destroy();
      res.setHeader('content-type', 'application/json');
      if (behaviour === 'unauthorized') {
        res.statusCode = 401;
        return void res.end(JSON.stringify({ code: 20003, message: 'Authenticate', more_info: 'x', status: 401 }));
      }
      if (behaviour === 'broken') {
        res.statusCode = 500;
        return void res.end(JSON.stringify({ code: 20500, message: 'Internal Server Error', status: 500 }));
      }
      res.end(JSON.stringify({ sid: SID, friendly_name: 'Main', status: 'active' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const client = (timeoutMs = 2000, url = baseUrl) =>
    createTwilioClient({ accountSid: SID, authToken: 'tok', accountsUrl: `${url}/2010-04-01/Accounts`, timeoutMs });

  it('fetches the account with Basic auth', async () => {
    behaviour = 'ok';
    await expect(verifyTwilioAccount(client(), SID)).resolves.toEqual({ accountId: SID, accountName: 'Main' });
    expect(seenAuth).toBe('Basic ' + Buffer.from(`${SID}:tok`).toString('base64'));
  });

  it('turns rejected credentials into a 400 carrying Twilio’s words', async () => {
    behaviour = 'unauthorized';
    const error = await verifyTwilioAccount(client(), SID).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).details).toEqual({ providerMessage: 'Authenticate', providerCode: 20003 });
  });

  it('turns a Twilio 5xx into a 502', async () => {
    behaviour = 'broken';
    const error = await verifyTwilioAccount(client(), SID).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VendorUnavailableError);
    expect((error as VendorUnavailableError).status).toBe(502);
  });

  it('gives up after the timeout with a 504', async () => {
    behaviour = 'slow';
    const started = Date.now();
    const error = await verifyTwilioAccount(client(150), SID).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VendorTimeoutError);
    expect(Date.now() - started).toBeLessThan(450);
  });

  it('turns a reset connection and a closed port into 502s naming the host, in the same words (no port scanner)', async () => {
    behaviour = 'reset';
    const reset = await verifyTwilioAccount(client(), SID).catch((e: unknown) => e);
    expect(reset).toBeInstanceOf(VendorUnavailableError);
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await verifyTwilioAccount(client(2000, `http://127.0.0.1:${port}`), SID).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VendorUnavailableError);
    expect((error as Error).message).toContain(`127.0.0.1:${port}`);
    expect((error as Error).message).not.toMatch(/ECONN|reset|refused/i);
    const origin = (text: string) => text.replace(/127\.0\.0\.1:\d+/, 'HOST');
    expect(origin((error as Error).message)).toBe(origin((reset as Error).message));
  });

  it('maps other errors: 4xx pass through, hub errors stay as they are', () => {
    const rest = Object.assign(Object.create(VendorRejectedError.prototype), {}) as Error;
    expect(toHubError(rest)).toBe(rest);
    expect(toHubError('boom')).toBeInstanceOf(Error);
  });
});
