import { getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks';
import { createHash } from 'node:crypto';
import { EMPTY_TWIML, twilioWebhookSource } from './webhook-source';

const TOKEN = '12345678901234567890123456789012';
const URL = 'https://hub.example.test/elements/api-v2/events/twiliov2/4';
const source = twilioWebhookSource('password');
const configuration = { password: TOKEN };

const form = (params: Record<string, string>, token = TOKEN, url = URL) => ({
  url,
  rawBody: new URLSearchParams(params).toString(),
  contentType: 'application/x-www-form-urlencoded',
  headers: { 'X-Twilio-Signature': getExpectedTwilioSignature(token, url, params) },
});

describe('twilioWebhookSource', () => {
  const inbound = { MessageSid: 'SM' + '1'.repeat(32), SmsStatus: 'received', From: '+15005550002', To: '+15005550006', Body: 'hi', Extra: 'x' };
  const status = { MessageSid: 'SM' + '2'.repeat(32), MessageStatus: 'undelivered', SmsStatus: 'undelivered', ErrorCode: '30003' };

  it('accepts what the instance’s Auth Token signed, whatever the header’s case, and nothing else', () => {
    expect(source.verify(form(inbound), configuration)).toBe(true);
    const lower = form(inbound);
    expect(source.verify({ ...lower, headers: { 'x-twilio-signature': lower.headers['X-Twilio-Signature'] } }, configuration)).toBe(true);
    expect(source.verify(form(inbound, 'another-token-0000000000000000000'), configuration)).toBe(false);
    expect(source.verify({ ...form(inbound), rawBody: form(inbound).rawBody.replace('hi', 'ho') }, configuration)).toBe(false);
    expect(source.verify({ ...form(inbound), headers: {} }, configuration)).toBe(false);
    expect(source.verify(form(inbound), {})).toBe(false); // no Auth Token configured: nothing can be verified
    expect(source.verify({ ...form(inbound), url: `${URL}?replayed=1` }, configuration)).toBe(false);
  });

  it('verifies a JSON body by its bodySHA256', () => {
    const rawBody = JSON.stringify(status);
    const url = `${URL}?bodySHA256=${createHash('sha256').update(rawBody).digest('hex')}`;
    const request = { url, rawBody, contentType: 'application/json', headers: { 'X-Twilio-Signature': getExpectedTwilioSignature(TOKEN, url, {}) } };
    expect(source.verify(request, configuration)).toBe(true);
    expect(source.verify({ ...request, rawBody: rawBody.replace('undelivered', 'delivered') }, configuration)).toBe(false);
    expect(source.parse(request)).toMatchObject([{ objectId: status.MessageSid, eventType: 'UPDATED', version: 'status:undelivered' }]);
  });

  it('reads an inbound message as CREATED and a status callback as UPDATED, one version per status, keeping every parameter', () => {
    const [created] = source.parse(form(inbound));
    expect(created).toMatchObject({ objectType: 'messages', objectId: inbound.MessageSid, eventType: 'CREATED', version: 'status:received' });
    expect(created.raw).toEqual(inbound);
    expect(source.parse(form(status))).toMatchObject([{ objectId: status.MessageSid, eventType: 'UPDATED', version: 'status:undelivered' }]);
    expect(source.parse(form({ SmsSid: 'SM' + '3'.repeat(32), SmsStatus: 'sent' }))).toMatchObject([{ eventType: 'UPDATED', version: 'status:sent' }]);
    expect(source.parse(form({ CallSid: 'CA1' }))).toEqual([]);
    expect(source.reply).toEqual({ contentType: 'text/xml', body: EMPTY_TWIML });
  });
});
