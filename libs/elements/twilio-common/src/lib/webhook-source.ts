import type { VendorEvent, VendorWebhookRequest, WebhookEventSource } from '@hub/element-sdk';
import { parseTwilioForm, TWILIO_SIGNATURE_HEADER, type TwilioWebhookParams, verifyTwilioSignature } from './webhook-signature';

/** Twilio reads the answer to an inbound message as TwiML: an empty response sends nothing back. */
export const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

const first = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

function headerOf(headers: VendorWebhookRequest['headers'], name: string): string | string[] | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

function paramsOf(request: VendorWebhookRequest): TwilioWebhookParams {
  const mediaType = (request.contentType ?? '').split(';')[0].trim().toLowerCase();
  if (mediaType === 'application/json' || mediaType.endsWith('+json')) {
    try {
      const parsed: unknown = JSON.parse(request.rawBody);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
        const params = Object.create(null) as TwilioWebhookParams;
        for (const [k, v] of Object.entries(parsed)) if (typeof v === 'string') params[k] = v;
        return params;
      }
    } catch {
      // not JSON after all: no parameters
    }
    return Object.create(null) as TwilioWebhookParams;
  }
  return parseTwilioForm(request.rawBody);
}

/**
 * Twilio's messaging webhooks for an instance, checked with the Auth Token in `authTokenKey`:
 * - an inbound message (SmsStatus/MessageStatus `received`, no earlier status) is a CREATED `messages` event;
 * - a status callback (MessageStatus queued, sent, delivered, undelivered, failed, read…) is an
 *   UPDATED `messages` event, one per status, so Twilio sending the same callback twice makes one event.
 * Unknown extra parameters are kept in `raw`; a request naming no MessageSid/SmsSid reports nothing.
 */
export function twilioWebhookSource(authTokenKey: string): WebhookEventSource {
  return {
    verify(request, configuration) {
      const authToken = configuration[authTokenKey];
      if (!authToken) return false;
      return verifyTwilioSignature({
        authToken,
        signature: headerOf(request.headers, TWILIO_SIGNATURE_HEADER),
        url: request.url,
        rawBody: request.rawBody,
        contentType: request.contentType,
      });
    },
    parse(request): VendorEvent[] {
      const params = paramsOf(request);
      const sid = first(params['MessageSid']) ?? first(params['SmsSid']) ?? first(params['SmsMessageSid']);
      if (!sid) return [];
      const status = (first(params['MessageStatus']) ?? first(params['SmsStatus']) ?? 'received').toLowerCase();
      const raw = Object.fromEntries(Object.entries(params));
      return [
        {
          objectType: 'messages',
          objectId: sid,
          eventType: status === 'received' ? 'CREATED' : 'UPDATED',
          date: new Date().toISOString(),
          version: `status:${status}`,
          raw,
        },
      ];
    },
    reply: { contentType: 'text/xml', body: EMPTY_TWIML },
  };
}
