import { BadRequestError, type CredentialCheck, ApiError } from '@hub/element-sdk';
import type { Twilio } from 'twilio';
import RestException from 'twilio/lib/base/RestException';
import { toHubError } from './twilio-client';

/**
 * The cheapest authenticated Twilio call: fetch the account the credentials belong to.
 * Rejected credentials are the client's input problem (400, Twilio's words in providerMessage);
 * an unreachable or failing Twilio stays a 502/504.
 */
export async function verifyTwilioAccount(client: Twilio, accountSid: string): Promise<CredentialCheck> {
  try {
    const account = await client.api.v2010.accounts(accountSid).fetch();
    if (account.status !== 'active') {
      throw new BadRequestError(`The Twilio account ${accountSid} is ${account.status}, not active`);
    }
    return { accountId: account.sid, accountName: account.friendlyName };
  } catch (error) {
    if (error instanceof ApiError) throw error;
    if (error instanceof RestException && error.status >= 400 && error.status < 500) {
      throw new BadRequestError('Twilio rejected the credentials: check the Account SID and Auth Token', {
        providerMessage: error.message,
        providerCode: error.code,
      });
    }
    throw toHubError(error);
  }
}
