import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signatures of outbound deliveries (README.md of this library: "Verifying a delivery").
 *
 * - `Elements-Webhook-Signature: sha256=<base64 HMAC-SHA256(key, raw body)>`: the old platform's
 *   header, unchanged, so existing receivers keep verifying. It does not protect against replay.
 * - `Elements-Webhook-Timestamp: <unix seconds>` and
 *   `Elements-Webhook-Signature-V2: t=<unix seconds>,v1=<hex HMAC-SHA256(key, "<t>.<raw body>")>`:
 *   the timestamp is inside the MAC, so a receiver that refuses timestamps outside a window
 *   (5 minutes by default) refuses replays older than that, and deduplicates younger ones by
 *   `message.eventId` (inside the signed body; equal to Elements-Webhook-Id). A receiver may accept
 *   several `v1=` entries, so a key can be rotated without a gap.
 *
 * Both are HMACs (never `sha256(secret + payload)`, which length extension breaks) of the exact
 * bytes sent, and every comparison is constant-time.
 */
export const WEBHOOK_ID_HEADER = 'Elements-Webhook-Id';
export const SIGNATURE_HEADER = 'Elements-Webhook-Signature';
export const TIMESTAMP_HEADER = 'Elements-Webhook-Timestamp';
export const SIGNATURE_V2_HEADER = 'Elements-Webhook-Signature-V2';
export const DEFAULT_SIGNATURE_TOLERANCE_SECONDS = 300;

export interface DeliverySignatureHeaders {
  readonly [SIGNATURE_HEADER]: string;
  readonly [TIMESTAMP_HEADER]: string;
  readonly [SIGNATURE_V2_HEADER]: string;
}

export interface SignDeliveryInput {
  /** event.notification.signature.key (its UTF-8 bytes are the HMAC key). */
  readonly key: string;
  /** The exact bytes sent: a string is encoded as UTF-8. */
  readonly rawBody: string | Uint8Array;
  /** When this attempt is sent: a Date, or unix seconds. */
  readonly timestamp: Date | number;
}

function requireKey(key: unknown, field: string): string {
  if (typeof key !== 'string' || key.length === 0) throw new TypeError(`${field} must be a non-empty string`);
  return key;
}

function requireBody(rawBody: unknown): string | Uint8Array {
  if (typeof rawBody !== 'string' && !(rawBody instanceof Uint8Array)) {
    throw new TypeError('rawBody must be a string or bytes (the exact body sent)');
  }
  return rawBody;
}

function unixSeconds(timestamp: unknown, field: string): number {
  if (timestamp instanceof Date) {
    const ms = timestamp.getTime();
    if (Number.isNaN(ms)) throw new TypeError(`${field} must be a valid Date`);
    return Math.floor(ms / 1000);
  }
  // Seconds, not milliseconds: a value past year 2286 is almost certainly Date.now() passed by mistake.
  if (
    typeof timestamp !== 'number' ||
    !Number.isSafeInteger(timestamp) ||
    timestamp < 0 ||
    timestamp >= 10_000_000_000
  ) {
    throw new TypeError(`${field} must be a Date or whole unix seconds (got ${String(timestamp)})`);
  }
  return timestamp;
}

const hmac = (key: string, ...parts: (string | Uint8Array)[]): Buffer => {
  const mac = createHmac('sha256', Buffer.from(key, 'utf8'));
  for (const part of parts) mac.update(part);
  return mac.digest();
};

/** The three signature headers of one attempt (the V2 signature changes with the attempt's time). */
export function signDelivery(input: SignDeliveryInput): DeliverySignatureHeaders {
  const key = requireKey(input.key, 'key');
  const rawBody = requireBody(input.rawBody);
  const t = unixSeconds(input.timestamp, 'timestamp');
  return {
    [SIGNATURE_HEADER]: `sha256=${hmac(key, rawBody).toString('base64')}`,
    [TIMESTAMP_HEADER]: String(t),
    [SIGNATURE_V2_HEADER]: `t=${t},v1=${hmac(key, `${t}.`, rawBody).toString('hex')}`,
  };
}

export type DeliveryHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

export type DeliveryVerification =
  | { readonly valid: true; readonly scheme: 'v2'; readonly timestamp: number }
  | { readonly valid: true; readonly scheme: 'legacy' }
  | {
      readonly valid: false;
      readonly reason:
        | 'missing-signature'
        | 'malformed-signature'
        | 'timestamp-out-of-tolerance'
        | 'timestamp-mismatch'
        | 'signature-mismatch';
    };

export interface VerifyDeliveryInput {
  /** The shared key, or several while one is being rotated. */
  readonly key: string | readonly string[];
  readonly rawBody: string | Uint8Array;
  /** The request's headers (names in any case, as Node's IncomingHttpHeaders or a plain record). */
  readonly headers: DeliveryHeaders;
  /** The receiver's clock (defaults to now). */
  readonly now?: Date;
  /** How far the signed timestamp may be from `now`, either way (default 300 s). */
  readonly toleranceSeconds?: number;
  /**
   * Accept a request that carries only the old `Elements-Webhook-Signature` (no replay
   * protection). Off by default. A present but invalid V2 signature is never rescued by it.
   */
  readonly acceptLegacy?: boolean;
}

function header(headers: DeliveryHeaders, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    return typeof value === 'string' ? value : value.join(',');
  }
  return undefined;
}

const equalConstantTime = (a: Buffer, b: Buffer): boolean => a.length === b.length && timingSafeEqual(a, b);

/** For receivers (and the hub's tests): is this delivery signed with the key, and recent? */
export function verifyDelivery(input: VerifyDeliveryInput): DeliveryVerification {
  const keys = (typeof input.key === 'string' ? [input.key] : [...input.key]).map((k, i) =>
    requireKey(k, typeof input.key === 'string' ? 'key' : `key[${i}]`),
  );
  if (keys.length === 0) throw new TypeError('key must name at least one key');
  const rawBody = requireBody(input.rawBody);
  const now = unixSeconds(input.now ?? new Date(), 'now');
  const tolerance = input.toleranceSeconds ?? DEFAULT_SIGNATURE_TOLERANCE_SECONDS;
  if (!Number.isFinite(tolerance) || tolerance < 0)
    throw new RangeError(`toleranceSeconds must be a non-negative number (got ${tolerance})`);

  const v2 = header(input.headers, SIGNATURE_V2_HEADER);
  if (v2 !== undefined) {
    let t: number | undefined;
    const candidates: Buffer[] = [];
    for (const part of v2.split(',')) {
      const [name, value, ...extra] = part.trim().split('=');
      if (extra.length > 0 || value === undefined) return { valid: false, reason: 'malformed-signature' };
      if (name === 't') {
        if (t !== undefined || !/^\d{1,10}$/.test(value))
          return { valid: false, reason: 'malformed-signature' };
        t = Number(value);
      } else if (name === 'v1') {
        if (!/^[0-9a-f]{64}$/i.test(value)) return { valid: false, reason: 'malformed-signature' };
        candidates.push(Buffer.from(value, 'hex'));
      } // other schemes (a future v2=) are ignored, so senders can add them without breaking receivers
    }
    if (t === undefined || candidates.length === 0) return { valid: false, reason: 'malformed-signature' };
    const stated = header(input.headers, TIMESTAMP_HEADER);
    if (stated !== undefined && stated.trim() !== String(t))
      return { valid: false, reason: 'timestamp-mismatch' };
    if (Math.abs(now - t) > tolerance) return { valid: false, reason: 'timestamp-out-of-tolerance' };
    const expected = keys.map((key) => hmac(key, `${t}.`, rawBody));
    // Every pair is compared (no early exit), so the time taken says nothing about which matched.
    let match = false;
    for (const e of expected) for (const c of candidates) match = equalConstantTime(e, c) || match;
    return match
      ? { valid: true, scheme: 'v2', timestamp: t }
      : { valid: false, reason: 'signature-mismatch' };
  }

  const legacy = header(input.headers, SIGNATURE_HEADER);
  if (legacy === undefined || !input.acceptLegacy) return { valid: false, reason: 'missing-signature' };
  const given = Buffer.from(legacy.trim(), 'utf8');
  let match = false;
  for (const key of keys)
    match =
      equalConstantTime(Buffer.from(`sha256=${hmac(key, rawBody).toString('base64')}`, 'utf8'), given) ||
      match;
  return match ? { valid: true, scheme: 'legacy' } : { valid: false, reason: 'signature-mismatch' };
}
