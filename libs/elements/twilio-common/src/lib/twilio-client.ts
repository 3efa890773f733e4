import { BadRequestError, ApiError, type VendorExchange, type VendorNetwork, VendorRejectedError, VendorUnavailableError } from '@hub/element-sdk';
import twilio, { type Twilio } from 'twilio';
import RestException from 'twilio/lib/base/RestException';
import { UndiciRequestClient } from './undici-request-client';

/** Twilio's public hosts: `base.url` elsewhere needs the operator's HUB_VENDOR_HOSTS (or, for private addresses, HUB_ALLOW_PRIVATE_VENDOR_URLS). */
export const TWILIO_VENDOR_HOSTS: readonly string[] = ['*.twilio.com'];

/** Twilio's own address, as the old platform's twiliov2 element named it in `base.url`. */
export const TWILIO_ACCOUNTS_URL = 'https://api.twilio.com/2010-04-01/Accounts';
const ACCOUNTS_PATH = '/2010-04-01/Accounts';

export const ACCOUNT_SID_PATTERN = /^AC[0-9a-fA-F]{32}$/;

export const validateAccountSid = (value: string): string | null =>
  ACCOUNT_SID_PATTERN.test(value) ? null : 'must be a Twilio Account SID (AC followed by 32 hexadecimal characters)';

export const validateAccountsUrl = (value: string): string | null => {
  try {
    const url = new URL(value);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an http(s) URL';
    if (!url.pathname.replace(/\/+$/, '').endsWith(ACCOUNTS_PATH)) return `must end with ${ACCOUNTS_PATH}`;
    if (url.search || url.hash) return 'must not have a query or fragment';
    return null;
  } catch {
    return `must be an absolute URL such as ${TWILIO_ACCOUNTS_URL}`;
  }
};

/** `https://api.twilio.com/2010-04-01/Accounts` → `https://api.twilio.com` (what the library calls its base URL). */
export function twilioApiBaseUrl(accountsUrl: string): string {
  const problem = validateAccountsUrl(accountsUrl);
  if (problem) throw new BadRequestError(`configuration 'base.url' ${problem}`);
  const url = new URL(accountsUrl);
  const prefix = url.pathname.replace(/\/+$/, '').slice(0, -ACCOUNTS_PATH.length);
  return `${url.origin}${prefix}`;
}

export interface TwilioCredentials {
  readonly accountSid: string;
  readonly authToken: string;
  /** Where the instance's Twilio lives, in `base.url` form (…/2010-04-01/Accounts). */
  readonly accountsUrl: string;
  readonly timeoutMs: number;
  readonly onVendorExchange?: (exchange: VendorExchange) => void;
  /** The hub's vendor-URL policy: every request is checked against it and connects through it. */
  readonly vendorNetwork?: VendorNetwork;
}

/** The official `twilio` client for one instance, pointed at its base URL, over the undici transport. */
export function createTwilioClient(credentials: TwilioCredentials): Twilio {
  const client = twilio(credentials.accountSid, credentials.authToken, {
    accountSid: credentials.accountSid,
    httpClient: new UndiciRequestClient(credentials.timeoutMs, undefined, credentials.onVendorExchange, credentials.vendorNetwork).asTwilioHttpClient(),
  });
  client.api.baseUrl = twilioApiBaseUrl(credentials.accountsUrl);
  return client;
}

/**
 * How Twilio's answers become hub errors: its 4xx pass through with Twilio's status, code and
 * message; its 5xx are a 502. Transport failures arrive already typed from the transport.
 */
export function toHubError(error: unknown): Error {
  if (error instanceof ApiError) return error;
  if (error instanceof RestException) {
    const providerMessage = error.message;
    const code = error.code ?? undefined;
    if (error.status >= 500) {
      return new VendorUnavailableError(`Twilio failed with status ${error.status}`, providerMessage, code);
    }
    if (error.status === 401 || error.status === 403) {
      // Not the caller's credentials but the instance's: a 401 here would read as the hub refusing the caller.
      return new VendorUnavailableError(
        `Twilio refused the instance's credentials (status ${error.status}): update the instance's configuration`,
        providerMessage,
        code,
      );
    }
    return new VendorRejectedError(
      error.status,
      `Twilio rejected the request (status ${error.status}${code ? `, code ${code}` : ''})`,
      providerMessage,
      code,
    );
  }
  return error instanceof Error ? error : new Error(String(error));
}
