import type { TwilioErrorBody } from './types';

/** RFC 2822 in GMT as Twilio writes it: "Thu, 24 Aug 2023 05:01:45 +0000". */
export function rfc2822(ms: number): string {
  return new Date(ms).toUTCString().replace(/ GMT$/, ' +0000');
}

/** An error answered in Twilio's JSON error format. */
export class TwilioApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'TwilioApiError';
  }

  toBody(): TwilioErrorBody {
    return errorBody(this.status, this.code, this.message);
  }
}

export function errorBody(status: number, code: number, message: string): TwilioErrorBody {
  return { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
}

/**
 * The errors the double answers with. Where each code and text comes from:
 * - seen in Twilio's own answers (quoted in public issues/docs): 20003 "Authenticate" (401);
 *   20404 "The requested resource … was not found"; 21604 / 21603 "A 'To'/'From' phone number is
 *   required."; 21211 "The 'To' number … is not a valid phone number."; 21619 "A text message body or
 *   media urls must be specified." (what Twilio answers today, rather than the older 21602); 21620
 *   "Media urls: … are invalid…"; 21617 (1600-character limit, Twilio error page); 30409 "This message
 *   cannot be canceled" (Twilio error page); 20009 with HTTP 409 "Cannot delete message because
 *   delivery has not been completed."; 21610 recipient unsubscribed;
 * - from the project's Twilio reference notes, not checked against Twilio: 21481 invalid PageToken;
 * - the double's own choice where Twilio's exact answer is unknown: 20001 for other invalid
 *   parameters (PageSize, dates, Status), 20004 for 405, 21212 / 21701 / 21623 texts, 20403.
 */
export const TwilioErrors = {
  authenticate: () =>
    new TwilioApiError(401, 20003, 'Authenticate', { 'WWW-Authenticate': 'Basic realm="Twilio API"' }),
  notFound: (path: string) => new TwilioApiError(404, 20404, `The requested resource ${path} was not found`),
  methodNotAllowed: (method: string) => new TwilioApiError(405, 20004, `Method not allowed: ${method}`),
  invalidParameter: (message: string) => new TwilioApiError(400, 20001, message),
  invalidPageToken: () => new TwilioApiError(400, 21481, 'Invalid PageToken'),
  toRequired: () => new TwilioApiError(400, 21604, "A 'To' phone number is required."),
  invalidTo: (to: string) =>
    new TwilioApiError(400, 21211, `The 'To' number ${to} is not a valid phone number.`),
  fromRequired: () => new TwilioApiError(400, 21603, "A 'From' phone number is required."),
  invalidFrom: (from: string) =>
    new TwilioApiError(
      400,
      21212,
      `The 'From' number ${from} is not a valid phone number, shortcode, or alphanumeric sender ID.`,
    ),
  invalidMessagingService: (sid: string) =>
    new TwilioApiError(400, 21701, `The Messaging Service Sid ${sid} is invalid.`),
  contentRequired: () =>
    new TwilioApiError(400, 21619, 'A text message body or media urls must be specified.'),
  bodyTooLong: () =>
    new TwilioApiError(400, 21617, 'The concatenated message body exceeds the 1600 character limit.'),
  invalidMediaUrls: (urls: string[]) =>
    new TwilioApiError(
      400,
      21620,
      `Media urls: ${urls.join(',')} are invalid. Please use only valid http and https urls`,
    ),
  tooManyMedia: () => new TwilioApiError(400, 21623, 'Number of media files exceeds allowed limit of 10.'),
  unsubscribed: () => new TwilioApiError(400, 21610, 'Attempt to send to unsubscribed recipient'),
  cannotCancel: () => new TwilioApiError(400, 30409, 'This message cannot be canceled'),
  cannotDeleteInProgress: () =>
    new TwilioApiError(409, 20009, 'Cannot delete message because delivery has not been completed.'),
} as const;

/** Default Twilio code and text for an injected fault status. */
export function defaultFaultError(status: number): { code: number; message: string } {
  switch (status) {
    case 429:
      return { code: 20429, message: 'Too Many Requests' };
    case 500:
      return { code: 20500, message: 'Internal Server Error' };
    case 502:
      return { code: 20502, message: 'Bad Gateway' };
    case 503:
      return { code: 20503, message: 'Service Unavailable' };
    default:
      return { code: 20000 + status, message: `HTTP ${status}` };
  }
}

const E164 = /^\+[1-9]\d{1,14}$/;
const SHORT_CODE = /^\d{3,8}$/;
const ALPHANUMERIC_SENDER = /^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$/;
const CHANNEL = /^([a-z]+):(.+)$/i;
const PHONE_CHANNELS = new Set(['whatsapp', 'sms', 'mms', 'rcs']);

export function isE164(value: string): boolean {
  return E164.test(value);
}

/** A recipient Twilio accepts: E.164, or a channel address (`whatsapp:+E164`, `messenger:ID`, …). */
export function isValidTo(to: string): boolean {
  if (E164.test(to)) {
    return true;
  }
  const channel = CHANNEL.exec(to);
  if (!channel) {
    return false;
  }
  return PHONE_CHANNELS.has(channel[1].toLowerCase()) ? E164.test(channel[2]) : channel[2].trim() !== '';
}

/** A sender Twilio accepts: E.164, short code, alphanumeric sender ID, or channel address. */
export function isValidFrom(from: string): boolean {
  return SHORT_CODE.test(from) || ALPHANUMERIC_SENDER.test(from) || isValidTo(from);
}

export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

// GSM 03.38 basic character set and its extension table (extension characters take two septets).
const GSM_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const GSM_EXTENSION = new Set('^{}\\[~]|€\f');

/** SMS segments: GSM-7 (160, or 153 per part) when every character fits, else UCS-2 (70, or 67 per part). */
export function countSegments(body: string): number {
  let septets = 0;
  let gsm = true;
  for (const ch of body) {
    if (GSM_BASIC.has(ch)) {
      septets += 1;
    } else if (GSM_EXTENSION.has(ch)) {
      septets += 2;
    } else {
      gsm = false;
      break;
    }
  }
  if (gsm) {
    return septets <= 160 ? 1 : Math.ceil(septets / 153);
  }
  const units = body.length; // UTF-16 code units, as UCS-2 counts them
  return units <= 70 ? 1 : Math.ceil(units / 67);
}

const CONTENT_TYPES: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  mp4: 'video/mp4',
  mp3: 'audio/mpeg',
  ogg: 'audio/ogg',
  pdf: 'application/pdf',
  vcf: 'text/vcard',
  txt: 'text/plain',
};

/** Twilio learns a media's type by fetching it; the double guesses from the URL's extension. */
export function guessContentType(url: string): string {
  let pathname = url;
  try {
    pathname = new URL(url).pathname;
  } catch {
    // keep the raw value
  }
  const ext = /\.([a-z0-9]+)$/i.exec(pathname)?.[1]?.toLowerCase();
  return (ext && CONTENT_TYPES[ext]) || 'application/octet-stream';
}
