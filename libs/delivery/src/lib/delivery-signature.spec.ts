import { createHash, createHmac } from 'node:crypto';
import {
  SIGNATURE_HEADER,
  SIGNATURE_V2_HEADER,
  signDelivery,
  TIMESTAMP_HEADER,
  verifyDelivery,
  type VerifyDeliveryInput,
} from './delivery-signature';

const KEY = 'key';
const BODY = 'The quick brown fox jumps over the lazy dog';
// HMAC-SHA256("key", BODY): the well-known published value.
const KNOWN_HMAC_HEX = 'f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8';
const T = 1_767_323_045; // 2026-01-02T03:04:05Z
const AT = new Date(T * 1000);

describe('signDelivery', () => {
  it('signs the body as the old platform did, and the timestamped body for V2', () => {
    const headers = signDelivery({ key: KEY, rawBody: BODY, timestamp: AT });
    expect(headers[SIGNATURE_HEADER]).toBe(`sha256=${Buffer.from(KNOWN_HMAC_HEX, 'hex').toString('base64')}`);
    expect(headers[TIMESTAMP_HEADER]).toBe(String(T));
    const v1 = createHmac('sha256', KEY).update(`${T}.${BODY}`).digest('hex');
    expect(headers[SIGNATURE_V2_HEADER]).toBe(`t=${T},v1=${v1}`);
    // never the unsafe sha256(secret + payload)
    expect(headers[SIGNATURE_HEADER]).not.toContain(
      createHash('sha256')
        .update(KEY + BODY)
        .digest('base64'),
    );
  });

  it('signs bytes and their UTF-8 string alike, and takes unix seconds', () => {
    const text = '{"message":{"raw":"héllo ✓"}}';
    expect(signDelivery({ key: KEY, rawBody: Buffer.from(text, 'utf8'), timestamp: T })).toEqual(
      signDelivery({ key: KEY, rawBody: text, timestamp: AT }),
    );
  });

  it('names bad input', () => {
    expect(() => signDelivery({ key: '', rawBody: BODY, timestamp: AT })).toThrow(
      'key must be a non-empty string',
    );
    expect(() => signDelivery({ key: KEY, rawBody: BODY, timestamp: Date.now() })).toThrow(
      /^timestamp must be a Date or whole unix seconds/,
    );
    expect(() => signDelivery({ key: KEY, rawBody: BODY, timestamp: new Date('x') })).toThrow(
      'timestamp must be a valid Date',
    );
    expect(() => signDelivery({ key: KEY, rawBody: { a: 1 } as unknown as string, timestamp: AT })).toThrow(
      /^rawBody must be/,
    );
  });
});

describe('verifyDelivery', () => {
  const signed = signDelivery({ key: KEY, rawBody: BODY, timestamp: AT });
  const verify = (overrides: Partial<VerifyDeliveryInput> = {}) =>
    verifyDelivery({ key: KEY, rawBody: BODY, headers: { ...signed }, now: AT, ...overrides });

  it('accepts a fresh V2 signature, header names in any case', () => {
    expect(verify()).toEqual({ valid: true, scheme: 'v2', timestamp: T });
    const lower = Object.fromEntries(Object.entries(signed).map(([k, v]) => [k.toLowerCase(), v]));
    expect(verify({ headers: lower })).toEqual({ valid: true, scheme: 'v2', timestamp: T });
  });

  it('refuses a tampered body or another key', () => {
    expect(verify({ rawBody: BODY + ' ' })).toEqual({ valid: false, reason: 'signature-mismatch' });
    expect(verify({ key: 'other' })).toEqual({ valid: false, reason: 'signature-mismatch' });
  });

  it('refuses a replay outside the tolerance window, either way; the window is configurable', () => {
    expect(verify({ now: new Date((T + 300) * 1000) }).valid).toBe(true);
    expect(verify({ now: new Date((T + 301) * 1000) })).toEqual({
      valid: false,
      reason: 'timestamp-out-of-tolerance',
    });
    expect(verify({ now: new Date((T - 301) * 1000) })).toEqual({
      valid: false,
      reason: 'timestamp-out-of-tolerance',
    });
    expect(verify({ now: new Date((T + 3600) * 1000), toleranceSeconds: 3600 }).valid).toBe(true);
    expect(() => verify({ toleranceSeconds: -1 })).toThrow(/^toleranceSeconds must be/);
  });

  it('refuses a moved timestamp: it is inside the MAC', () => {
    const v1 = signed[SIGNATURE_V2_HEADER].split(',v1=')[1];
    const moved = { [SIGNATURE_V2_HEADER]: `t=${T + 60},v1=${v1}` };
    expect(verify({ headers: moved, now: new Date((T + 60) * 1000) })).toEqual({
      valid: false,
      reason: 'signature-mismatch',
    });
    expect(verify({ headers: { ...signed, [TIMESTAMP_HEADER]: String(T + 1) } })).toEqual({
      valid: false,
      reason: 'timestamp-mismatch',
    });
  });

  it('refuses malformed V2 headers', () => {
    for (const value of [
      '',
      'garbage',
      `t=${T}`,
      'v1=' + 'a'.repeat(64),
      `t=${T},v1=zz`,
      `t=${T},t=${T},v1=${'a'.repeat(64)}`,
      `t=-1,v1=${'a'.repeat(64)}`,
    ]) {
      expect([value, verify({ headers: { [SIGNATURE_V2_HEADER]: value } })]).toEqual([
        value,
        { valid: false, reason: 'malformed-signature' },
      ]);
    }
  });

  it('supports key rotation: several v1 entries, several keys; ignores unknown schemes', () => {
    const byNew = signDelivery({ key: 'new', rawBody: BODY, timestamp: AT })[SIGNATURE_V2_HEADER].split(
      ',v1=',
    )[1];
    const byOld = signed[SIGNATURE_V2_HEADER].split(',v1=')[1];
    const both = { [SIGNATURE_V2_HEADER]: `t=${T},v1=${byOld},v1=${byNew},v9=future` };
    expect(verify({ headers: both, key: 'new' }).valid).toBe(true);
    expect(verify({ headers: both, key: KEY }).valid).toBe(true);
    expect(verify({ key: ['new', KEY] }).valid).toBe(true);
    expect(verify({ key: ['new', 'newer'] }).valid).toBe(false);
    expect(() => verify({ key: [] })).toThrow('key must name at least one key');
    expect(() => verify({ key: ['a', ''] })).toThrow('key[1] must be a non-empty string');
  });

  it('accepts the old header alone only when asked, and never to rescue a bad V2 signature', () => {
    const legacyOnly = { [SIGNATURE_HEADER]: signed[SIGNATURE_HEADER] };
    expect(verify({ headers: legacyOnly })).toEqual({ valid: false, reason: 'missing-signature' });
    expect(verify({ headers: legacyOnly, acceptLegacy: true })).toEqual({ valid: true, scheme: 'legacy' });
    expect(verify({ headers: legacyOnly, acceptLegacy: true, rawBody: 'x' })).toEqual({
      valid: false,
      reason: 'signature-mismatch',
    });
    const badV2 = { ...signed, [SIGNATURE_V2_HEADER]: `t=${T},v1=${'0'.repeat(64)}` };
    expect(verify({ headers: badV2, acceptLegacy: true })).toEqual({
      valid: false,
      reason: 'signature-mismatch',
    });
    expect(verify({ headers: {}, acceptLegacy: true })).toEqual({
      valid: false,
      reason: 'missing-signature',
    });
  });
});
