import { TRACE_BODY_LIMIT, redactBody } from './trace-recorder';

describe('redactBody', () => {
  it('redacts secret-looking JSON fields at any depth and configured secret values anywhere', () => {
    const body = JSON.stringify({ sid: 'AC1', auth_token: 'tok', nested: [{ Password: 'p' }], note: 'contains s3cret-value' });
    expect(JSON.parse(redactBody(body, ['s3cret-value']) ?? '')).toEqual({
      sid: 'AC1',
      auth_token: '[redacted]',
      nested: [{ Password: '[redacted]' }],
      note: 'contains [redacted]',
    });
  });

  it('redacts form fields and URL-encoded secret values', () => {
    expect(redactBody('To=%2B1&AuthToken=abc&Body=hi%20there%2Fsecret%2F', ['hi there/secret/'])).toBe('To=%2B1&AuthToken=%5Bredacted%5D&Body=%5Bredacted%5D');
  });

  it('redacts a password field whatever its prefix (SipAuthPassword, sip_auth_password)', () => {
    expect(redactBody('To=%2B1&SipAuthUsername=u&SipAuthPassword=pw1234', [])).toBe('To=%2B1&SipAuthUsername=u&SipAuthPassword=%5Bredacted%5D');
    expect(JSON.parse(redactBody(JSON.stringify({ sip_auth_password: 'pw', username: 'u' }), []) ?? '')).toEqual({ sip_auth_password: '[redacted]', username: 'u' });
  });

  it('truncates long bodies and leaves short secrets alone (too short to redact meaningfully)', () => {
    const long = 'x'.repeat(TRACE_BODY_LIMIT + 10);
    expect(redactBody(long, [])).toBe(`${'x'.repeat(TRACE_BODY_LIMIT)}…[10 more characters]`);
    expect(redactBody('abc', ['ab'])).toBe('abc');
    expect(redactBody(undefined, [])).toBeUndefined();
  });
});
