import { getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks';

/** A form webhook as Twilio sends it to `url`: the body and its X-Twilio-Signature made with the account's Auth Token. */
export function signedTwilioWebhook(authToken: string, url: string, params: Record<string, string>) {
  return {
    body: new URLSearchParams(params).toString(),
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': getExpectedTwilioSignature(authToken, url, params),
    },
  };
}
