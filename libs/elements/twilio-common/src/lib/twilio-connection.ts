import type { ConnectionOptions, CredentialCheck } from '@hub/element-sdk';
import type { Twilio } from 'twilio';
import { TWILIO_ACCOUNTS_URL, createTwilioClient } from './twilio-client';
import { TwilioRest } from './twilio-rest';
import { verifyTwilioAccount } from './verify-account';

/** One instance's connection to Twilio: the official client, built once and reused. */
export interface TwilioConnection {
  readonly accountSid: string;
  readonly client: Twilio;
  readonly rest: TwilioRest;
}

export function connectTwilio(
  credentials: { accountSid: string | null; authToken: string | null; accountsUrl: string | null },
  options: ConnectionOptions,
): TwilioConnection {
  const accountSid = credentials.accountSid ?? '';
  const client = createTwilioClient({
    accountSid,
    authToken: credentials.authToken ?? '',
    accountsUrl: credentials.accountsUrl ?? TWILIO_ACCOUNTS_URL,
    timeoutMs: options.timeoutMs,
    onVendorExchange: options.onVendorExchange,
    vendorNetwork: options.vendorNetwork,
  });
  return { accountSid, client, rest: new TwilioRest(client, accountSid) };
}

export function verifyTwilioConnection(connection: TwilioConnection): Promise<CredentialCheck> {
  return verifyTwilioAccount(connection.client, connection.accountSid);
}
