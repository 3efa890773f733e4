import fc from 'fast-check';
import { createHash, createHmac } from 'node:crypto';
import { validateRequest, validateRequestWithBody } from 'twilio';
import { parseTwilioForm, type TwilioWebhookParams, verifyTwilioSignature } from './webhook-signature';

/**
 * An independent signer, written from Twilio's description (shared/reference/twilio.md), pinned
 * below to the test vectors Twilio's own libraries publish (node, python, php): the URL, then each
 * name+value with names sorted; a repeated name contributes each distinct value, values sorted;
 * HMAC-SHA1 with the Auth Token; base64.
 */
function sign(authToken: string, url: string, params: TwilioWebhookParams = {}): string {
  let data = url;
  for (const name of Object.keys(params).sort()) {
    const value = params[name];
    for (const item of Array.isArray(value) ? [...new Set(value)].sort() : [value]) data += name + item;
  }
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}
const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

// Twilio's published example (its request-validation docs and every official library's tests).
const TOKEN = '12345';
const URL_ = 'https://mycompany.com/myapp.php?foo=1&bar=2';
const PARAMS = {
  CallSid: 'CA1234567890ABCDE',
  Caller: '+14158675309',
  Digits: '1234',
  From: '+14158675309',
  To: '+18005551212',
};
const SIGNATURE = 'RSOYDt4T1cUTdK1PDd93/VVr8B8=';
const FORM =
  'CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=1234&From=%2B14158675309&To=%2B18005551212';
const JSON_BODY = '{"property": "value", "boolean": true}';
const JSON_BODY_HASH = '0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620';
const JSON_URL = `${URL_}&bodySHA256=${JSON_BODY_HASH}`;
const JSON_SIGNATURE = 'a9nBmqA0ju/hNViExpshrM61xv4=';
const FORM_TYPE = 'application/x-www-form-urlencoded';

/** Both paths: ours, and the official library called directly. */
function both(
  url: string,
  params: TwilioWebhookParams,
  signature: string,
  authToken = TOKEN,
): [boolean, boolean] {
  return [
    verifyTwilioSignature({ authToken, signature, url, params }),
    validateRequest(authToken, signature, url, params),
  ];
}

describe('the independent signer', () => {
  it('reproduces Twilio’s published signatures', () => {
    expect(sign(TOKEN, URL_, PARAMS)).toBe(SIGNATURE);
    // A name given three times, twice with the same value: sorted, each value once.
    expect(sign(TOKEN, URL_, { Sid: 'CA123', SidAccount: 'AC123', Digits: ['5678', '1234', '1234'] })).toBe(
      'IK+Dwps556ElfBT0I3Rgjkr1wJU=',
    );
    expect(sha256Hex(JSON_BODY)).toBe(JSON_BODY_HASH);
    expect(sign(TOKEN, JSON_URL)).toBe(JSON_SIGNATURE);
  });
});

describe('verifyTwilioSignature, form bodies', () => {
  it('accepts Twilio’s published example, as parsed parameters or as the raw body', () => {
    expect(both(URL_, PARAMS, SIGNATURE)).toEqual([true, true]);
    expect(
      verifyTwilioSignature({
        authToken: TOKEN,
        signature: SIGNATURE,
        url: URL_,
        rawBody: FORM,
        contentType: FORM_TYPE,
      }),
    ).toBe(true);
    expect(
      verifyTwilioSignature({
        authToken: TOKEN,
        signature: SIGNATURE,
        url: URL_,
        rawBody: FORM,
        contentType: `${FORM_TYPE}; charset=utf-8`,
      }),
    ).toBe(true);
  });

  it('accepts repeated names (values sorted and de-duplicated, as Twilio signs them)', () => {
    const signature = 'IK+Dwps556ElfBT0I3Rgjkr1wJU=';
    const rawBody = 'Sid=CA123&SidAccount=AC123&Digits=5678&Digits=1234&Digits=1234';
    expect(parseTwilioForm(rawBody)).toEqual({
      Sid: 'CA123',
      SidAccount: 'AC123',
      Digits: ['5678', '1234', '1234'],
    });
    expect(
      verifyTwilioSignature({ authToken: TOKEN, signature, url: URL_, rawBody, contentType: FORM_TYPE }),
    ).toBe(true);
    expect(both(URL_, { Digits: ['1234', '5678'], Sid: 'CA123', SidAccount: 'AC123' }, signature)).toEqual([
      true,
      true,
    ]);
    // "each value, in arrival order" is not what Twilio signs:
    const inOrder = createHmac('sha1', TOKEN)
      .update(`${URL_}Digits5678Digits1234Digits1234SidCA123SidAccountAC123`)
      .digest('base64');
    expect(
      verifyTwilioSignature({
        authToken: TOKEN,
        signature: inOrder,
        url: URL_,
        rawBody,
        contentType: FORM_TYPE,
      }),
    ).toBe(false);
  });

  it('accepts parameters in any order', () => {
    const reversed = Object.fromEntries(Object.entries(PARAMS).reverse());
    expect(both(URL_, reversed, SIGNATURE)).toEqual([true, true]);
    const shuffled =
      'To=%2B18005551212&Digits=1234&CallSid=CA1234567890ABCDE&From=%2B14158675309&Caller=%2B14158675309';
    expect(
      verifyTwilioSignature({
        authToken: TOKEN,
        signature: SIGNATURE,
        url: URL_,
        rawBody: shuffled,
        contentType: FORM_TYPE,
      }),
    ).toBe(true);
  });

  it('refuses a wrong Auth Token', () => {
    expect(both(URL_, PARAMS, SIGNATURE, '54321')).toEqual([false, false]);
    expect(both(URL_, PARAMS, sign('54321', URL_, PARAMS))).toEqual([false, false]);
  });

  it('refuses a tampered, an extra or a missing parameter', () => {
    expect(both(URL_, { ...PARAMS, Digits: '9999' }, SIGNATURE)).toEqual([false, false]);
    expect(both(URL_, { ...PARAMS, Body: 'injected' }, SIGNATURE)).toEqual([false, false]);
    const { Digits: _dropped, ...missing } = PARAMS;
    expect(both(URL_, missing, SIGNATURE)).toEqual([false, false]);
    expect(
      verifyTwilioSignature({
        authToken: TOKEN,
        signature: SIGNATURE,
        url: URL_,
        rawBody: `${FORM}&Body=injected`,
        contentType: FORM_TYPE,
      }),
    ).toBe(false);
  });

  it('refuses a tampered URL (path, query, scheme)', () => {
    expect(both('https://mycompany.com/myapp.php?foo=1&bar=3', PARAMS, SIGNATURE)).toEqual([false, false]);
    expect(both(`${URL_}&extra=1`, PARAMS, SIGNATURE)).toEqual([false, false]);
    expect(both('https://mycompany.com/other.php?foo=1&bar=2', PARAMS, SIGNATURE)).toEqual([false, false]);
    expect(both('http://mycompany.com/myapp.php?foo=1&bar=2', PARAMS, SIGNATURE)).toEqual([false, false]);
    expect(both('https://evil.example/myapp.php?foo=1&bar=2', PARAMS, SIGNATURE)).toEqual([false, false]);
  });

  it('signs http and https differently', () => {
    const signedHttp = sign(TOKEN, 'http://hub.example/events/twilio/1', PARAMS);
    expect(both('http://hub.example/events/twilio/1', PARAMS, signedHttp)).toEqual([true, true]);
    expect(both('https://hub.example/events/twilio/1', PARAMS, signedHttp)).toEqual([false, false]);
  });

  it('accepts the URL with its port removed or the default port added, as Twilio’s validator does', () => {
    const cases: [signedAt: string, receivedAt: string][] = [
      ['https://hub.example:443/events/twilio/1?x=1', 'https://hub.example/events/twilio/1?x=1'],
      ['https://hub.example/events/twilio/1?x=1', 'https://hub.example:443/events/twilio/1?x=1'],
      ['http://hub.example:80/events/twilio/1', 'http://hub.example/events/twilio/1'],
      ['http://hub.example/events/twilio/1', 'http://hub.example:80/events/twilio/1'],
      // Twilio signed the public URL; the hub sees its own port (behind a proxy): port removed.
      ['https://hub.example/events/twilio/1', 'https://hub.example:8443/events/twilio/1'],
    ];
    for (const [signedAt, receivedAt] of cases) {
      expect([receivedAt, ...both(receivedAt, PARAMS, sign(TOKEN, signedAt, PARAMS))]).toEqual([
        receivedAt,
        true,
        true,
      ]);
    }
    const refused: [string, string][] = [
      ['https://hub.example:8443/events/twilio/1', 'https://hub.example:9443/events/twilio/1'],
      ['https://hub.example:8443/events/twilio/1', 'https://hub.example/events/twilio/1'],
      ['https://hub.example:80/events/twilio/1', 'https://hub.example/events/twilio/1'], // not https' default
    ];
    for (const [signedAt, receivedAt] of refused) {
      expect([receivedAt, ...both(receivedAt, PARAMS, sign(TOKEN, signedAt, PARAMS))]).toEqual([
        receivedAt,
        false,
        false,
      ]);
    }
  });

  it('refuses a missing or empty signature', () => {
    for (const signature of [undefined, '', []]) {
      expect(verifyTwilioSignature({ authToken: TOKEN, signature, url: URL_, params: PARAMS })).toBe(false);
    }
    expect(
      verifyTwilioSignature({ authToken: TOKEN, signature: [SIGNATURE], url: URL_, params: PARAMS }),
    ).toBe(true);
  });

  it('refuses what it cannot verify rather than throwing', () => {
    expect(
      verifyTwilioSignature({
        authToken: TOKEN,
        signature: SIGNATURE,
        url: '/myapp.php?foo=1&bar=2',
        params: PARAMS,
      }),
    ).toBe(false);
    // A body the parameters do not describe is not covered by the signature.
    expect(
      verifyTwilioSignature({
        authToken: TOKEN,
        signature: sign(TOKEN, URL_),
        url: URL_,
        rawBody: 'hello',
        contentType: 'text/plain',
      }),
    ).toBe(false);
    // A body-less request signs the URL alone.
    expect(verifyTwilioSignature({ authToken: TOKEN, signature: sign(TOKEN, URL_), url: URL_ })).toBe(true);
  });

  it('keeps a __proto__ field a field', () => {
    const rawBody = '__proto__=x&Body=hi';
    const params = parseTwilioForm(rawBody);
    expect(Object.keys(params).sort()).toEqual(['Body', '__proto__']);
    expect(
      verifyTwilioSignature({
        authToken: TOKEN,
        signature: sign(TOKEN, URL_, params),
        url: URL_,
        rawBody,
        contentType: FORM_TYPE,
      }),
    ).toBe(true);
  });

  it('names the missing Auth Token (the hub’s bug, not the sender’s)', () => {
    expect(() =>
      verifyTwilioSignature({ authToken: '', signature: SIGNATURE, url: URL_, params: PARAMS }),
    ).toThrow(/authToken/);
  });

  it('agrees with the official library and the independent signer on arbitrary requests', () => {
    const name = fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,11}$/);
    const value = fc.string({ maxLength: 20, unit: 'grapheme' });
    const params = fc.dictionary(name, fc.oneof(value, fc.array(value, { minLength: 1, maxLength: 3 })), {
      maxKeys: 8,
    });
    const url = fc
      .tuple(fc.constantFrom('http', 'https'), fc.webSegment(), fc.webQueryParameters())
      .map(
        ([scheme, path, query]) =>
          `${scheme}://hub.example/events/${encodeURIComponent(path)}${query ? `?${query}` : ''}`,
      );
    fc.assert(
      fc.property(url, params, fc.string({ minLength: 1, maxLength: 40 }), (u, p, token) => {
        const signature = sign(token, u, p);
        expect(both(u, p, signature, token)).toEqual([true, true]);
        expect(both(u, { ...p, Tampered: 'x' }, signature, token)).toEqual([false, false]);
      }),
      { numRuns: 300 },
    );
  });
});

describe('verifyTwilioSignature, JSON bodies (bodySHA256)', () => {
  const check = (
    url: string,
    rawBody: string | undefined,
    signature = JSON_SIGNATURE,
    contentType = 'application/json',
  ) => verifyTwilioSignature({ authToken: TOKEN, signature, url, rawBody, contentType });

  it('accepts Twilio’s published example: the URL with bodySHA256 is signed, the hash matches the body', () => {
    expect(check(JSON_URL, JSON_BODY)).toBe(true);
    expect(validateRequestWithBody(TOKEN, JSON_SIGNATURE, JSON_URL, JSON_BODY)).toBe(true);
    // the same with the port variants
    const withPort = JSON_URL.replace('mycompany.com', 'mycompany.com:443');
    expect(check(withPort, JSON_BODY)).toBe(true);
  });

  it('refuses a tampered body', () => {
    const tampered = '{"property": "other", "boolean": true}';
    expect(check(JSON_URL, tampered)).toBe(false);
    expect(validateRequestWithBody(TOKEN, JSON_SIGNATURE, JSON_URL, tampered)).toBe(false);
    // ... even with the URL's hash replaced by the tampered body's: the URL is signed.
    const rehashed = `${URL_}&bodySHA256=${sha256Hex(tampered)}`;
    expect(check(rehashed, tampered)).toBe(false);
    // ... unless the attacker has the token.
    expect(check(rehashed, tampered, sign(TOKEN, rehashed))).toBe(true);
  });

  it('refuses a JSON body without bodySHA256, or a bodySHA256 URL without its body', () => {
    expect(check(URL_, JSON_BODY, sign(TOKEN, URL_))).toBe(false);
    expect(check(JSON_URL, undefined)).toBe(false);
    expect(check(JSON_URL, JSON_BODY, sign('54321', JSON_URL))).toBe(false);
    expect(check(JSON_URL, JSON_BODY, '')).toBe(false);
  });

  it('does not append form parameters to a bodySHA256 URL', () => {
    const signedWithParams = sign(TOKEN, JSON_URL, PARAMS);
    expect(
      verifyTwilioSignature({
        authToken: TOKEN,
        signature: signedWithParams,
        url: JSON_URL,
        params: PARAMS,
        rawBody: JSON_BODY,
      }),
    ).toBe(false);
  });
});
