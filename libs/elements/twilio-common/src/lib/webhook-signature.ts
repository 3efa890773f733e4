import { validateRequest, validateRequestWithBody } from 'twilio/lib/webhooks/webhooks';

/** The header Twilio signs its webhooks (inbound messages, status callbacks) with. */
export const TWILIO_SIGNATURE_HEADER = 'X-Twilio-Signature';

export type TwilioWebhookParams = Record<string, string | string[]>;

export interface TwilioSignatureCheck {
  /** The instance's Auth Token: the HMAC key. */
  readonly authToken: string;
  /** The X-Twilio-Signature header as received (missing → not valid). */
  readonly signature: string | string[] | undefined;
  /**
   * The full URL Twilio requested, query string included, exactly as configured at Twilio
   * (the hub's public URL, not one rebuilt from a Host header an attacker controls).
   */
  readonly url: string;
  /**
   * The form parameters as parsed (a name given more than once → its values). When left out, a
   * form-encoded `rawBody` is parsed here; with neither, only the URL is signed.
   */
  readonly params?: TwilioWebhookParams;
  /** The raw request body: required for JSON bodies (checked against `bodySHA256`). */
  readonly rawBody?: string;
  /** The request's Content-Type header. */
  readonly contentType?: string;
}

const mediaTypeOf = (contentType: string | undefined): string =>
  (contentType ?? '').split(';')[0].trim().toLowerCase();

const isJsonMediaType = (mediaType: string): boolean =>
  mediaType === 'application/json' || mediaType.endsWith('+json');

/** A form body's parameters; a null-prototype object so that a `__proto__` field stays a field. */
export function parseTwilioForm(rawBody: string): TwilioWebhookParams {
  const params = Object.create(null) as TwilioWebhookParams;
  for (const [name, value] of new URLSearchParams(rawBody)) {
    const seen = params[name];
    if (seen === undefined) params[name] = value;
    else params[name] = Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return params;
}

function bodyHashOf(url: string): string | null | undefined {
  try {
    return new URL(url).searchParams.get('bodySHA256');
  } catch {
    return undefined; // not an absolute URL: nothing can be verified
  }
}

/**
 * Is this request from Twilio? Twilio's algorithm (shared/reference/twilio.md), through the official
 * library's `validateRequest` / `validateRequestWithBody`, which implement it exactly:
 *
 * - form bodies: the full URL, then each parameter name immediately followed by its value, names
 *   sorted; a name given more than once contributes each distinct value, values sorted (that is what
 *   Twilio signs: the official node, python and php libraries and their shared test vector agree);
 * - HMAC-SHA1 keyed with the Auth Token, base64, compared in constant time;
 * - the URL as given, with its port removed, and with the scheme's default port added (Twilio
 *   signs the URL as configured, which a proxy in front of the hub may have changed);
 * - JSON bodies: Twilio adds `bodySHA256=<hex SHA-256 of the body>` to the URL and signs the URL
 *   alone; the signature and the body's hash must both match. A JSON body without `bodySHA256`
 *   is never valid: nothing would bind the body to the signature.
 *
 * Anything that cannot be verified (no signature, an unparsable URL, a body of another type the
 * parameters do not describe) is not valid. Only a missing Auth Token throws: that is the hub's
 * bug, not the sender's.
 */
export function verifyTwilioSignature(check: TwilioSignatureCheck): boolean {
  const { authToken, url, params, rawBody, contentType } = check;
  if (typeof authToken !== 'string' || authToken.length === 0) {
    throw new TypeError(
      'verifyTwilioSignature: authToken must be a non-empty string (the instance’s Twilio Auth Token)',
    );
  }
  if (typeof url !== 'string') throw new TypeError('verifyTwilioSignature: url must be a string');
  const signature = Array.isArray(check.signature) ? check.signature[0] : check.signature;
  if (typeof signature !== 'string' || signature.length === 0) return false;

  const bodyHash = bodyHashOf(url);
  if (bodyHash === undefined) return false;
  const mediaType = mediaTypeOf(contentType);
  try {
    if (bodyHash !== null) {
      // Twilio signed the URL (bodySHA256 included) and nothing else; the hash binds the body.
      if (typeof rawBody !== 'string') return false;
      return validateRequestWithBody(authToken, signature, url, rawBody);
    }
    if (isJsonMediaType(mediaType)) return false;
    let signed: TwilioWebhookParams;
    if (params !== undefined) signed = params;
    else if (rawBody === undefined || rawBody.length === 0) signed = {};
    else if (mediaType === '' || mediaType === 'application/x-www-form-urlencoded')
      signed = parseTwilioForm(rawBody);
    else return false; // a body the signature does not cover
    return validateRequest(authToken, signature, url, signed);
  } catch {
    return false; // the library parses the URL again (`new URL`) and throws on what it cannot parse
  }
}
