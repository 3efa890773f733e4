import { allowPrivateCallbackUrls, allowPrivateVendorUrls, platformSettingsFrom, publicUrlOf, validateEnvironment } from './environment';

describe('the hub environment', () => {
  it('has defaults that need nothing set', () => {
    const env = validateEnvironment({});
    expect(env).toMatchObject({ HOST: '127.0.0.1', PORT: 8080, HUB_EVENT_WORKERS: 'auto', HUB_EVENT_LEASE_MS: 120_000, HUB_EVENT_RETENTION_DAYS: 30 });
    expect(publicUrlOf(env)).toBe('http://127.0.0.1:8080');
    expect(allowPrivateCallbackUrls(env, 'embedded')).toBe(true);
    expect(allowPrivateCallbackUrls(env, 'postgresql')).toBe(false);
  });

  it('names every bad variable', () => {
    const attempt = () =>
      validateEnvironment({
        HUB_EVENT_WORKERS: 'sometimes',
        HUB_PUBLIC_URL: 'ftp://hub',
        HUB_EVENT_RETRY_SCHEDULE: '30 seconds',
        HUB_EVENT_RETENTION_DAYS: '0',
        HUB_API_URL: 'hub-api:8080',
      });
    expect(attempt).toThrow(/HUB_EVENT_WORKERS must be auto, true or false/);
    expect(attempt).toThrow(/HUB_PUBLIC_URL must be an absolute http\(s\) URL/);
    expect(attempt).toThrow(/HUB_EVENT_RETRY_SCHEDULE must list delays with units/);
    expect(attempt).toThrow(/HUB_EVENT_RETENTION_DAYS/);
    expect(attempt).toThrow(/HUB_API_URL must be an absolute http\(s\) URL/);
    expect(validateEnvironment({ HUB_API_URL: 'http://hub-api:8080/' }).HUB_API_URL).toBe('http://hub-api:8080/');
    expect(validateEnvironment({}).HUB_API_URL).toBeUndefined();
  });

  it('operations: metrics off until a token or a port is set, the metrics port on loopback, a 10 s shutdown budget, logs by terminal', () => {
    expect(validateEnvironment({})).toMatchObject({
      HUB_METRICS_HOST: '127.0.0.1',
      HUB_SHUTDOWN_DRAIN_MS: 0,
      HUB_SHUTDOWN_TIMEOUT_MS: 10_000,
      LOG_FORMAT: 'auto',
    });
    expect(validateEnvironment({}).HUB_METRICS_TOKEN).toBeUndefined();
    expect(validateEnvironment({}).HUB_METRICS_PORT).toBeUndefined();
    expect(validateEnvironment({ HUB_METRICS_PORT: '9464', HUB_METRICS_TOKEN: 'x'.repeat(16) })).toMatchObject({ HUB_METRICS_PORT: 9464 });
    const attempt = () => validateEnvironment({ HUB_METRICS_TOKEN: 'short', HUB_METRICS_PORT: 'ninety', HUB_SHUTDOWN_TIMEOUT_MS: '5', LOG_FORMAT: 'xml' });
    expect(attempt).toThrow(/HUB_METRICS_TOKEN must have at least 16 characters/);
    expect(attempt).toThrow(/HUB_METRICS_PORT must be a port number/);
    expect(attempt).toThrow(/HUB_SHUTDOWN_TIMEOUT_MS/);
    expect(attempt).toThrow(/LOG_FORMAT must be auto, json or pretty/);
  });

  it('logins and secrets: 15 min tokens, 5 attempts per username and 50 per address in 15 min, 24 h grace', () => {
    expect(platformSettingsFrom(validateEnvironment({}), 'embedded')).toMatchObject({
      login: { tokenTtlSeconds: 900, maxFailuresPerUsername: 5, maxFailuresPerAddress: 50, windowSeconds: 900 },
      secretGraceSeconds: 86_400,
    });
    expect(
      platformSettingsFrom(validateEnvironment({ HUB_LOGIN_TOKEN_TTL_SECONDS: '60', HUB_SECRET_GRACE_SECONDS: '0' }), 'embedded'),
    ).toMatchObject({ login: { tokenTtlSeconds: 60 }, secretGraceSeconds: 0 });
    const attempt = () =>
      validateEnvironment({ HUB_LOGIN_TOKEN_TTL_SECONDS: '0', HUB_LOGIN_MAX_FAILURES: 'many', HUB_SECRET_GRACE_SECONDS: '-1' });
    expect(attempt).toThrow(/HUB_LOGIN_TOKEN_TTL_SECONDS/);
    expect(attempt).toThrow(/HUB_LOGIN_MAX_FAILURES must be a positive integer/);
    expect(attempt).toThrow(/HUB_SECRET_GRACE_SECONDS must be a whole number of seconds/);
  });

  it('the change feed refreshes every 30 s by default, never with 0, and refuses what is not a number of seconds', () => {
    expect(platformSettingsFrom(validateEnvironment({}), 'postgresql').changeFeedRefreshSeconds).toBe(30);
    expect(platformSettingsFrom(validateEnvironment({ HUB_CHANGE_FEED_REFRESH_SECONDS: '0' }), 'postgresql').changeFeedRefreshSeconds).toBe(0);
    expect(() => validateEnvironment({ HUB_CHANGE_FEED_REFRESH_SECONDS: '-5' })).toThrow(/HUB_CHANGE_FEED_REFRESH_SECONDS/);
    expect(() => validateEnvironment({ HUB_CHANGE_FEED_REFRESH_SECONDS: 'often' })).toThrow(/HUB_CHANGE_FEED_REFRESH_SECONDS must be a whole number of seconds/);
  });

  it('the first operator needs both HUB_ADMIN_EMAIL and a HUB_ADMIN_PASSWORD of 12 characters or more', () => {
    expect(() => validateEnvironment({ HUB_ADMIN_EMAIL: 'ops@example.com' })).toThrow(/set both \(the first operator\) or neither/);
    expect(() => validateEnvironment({ HUB_ADMIN_PASSWORD: 'long enough pw' })).toThrow(/set both/);
    expect(() => validateEnvironment({ HUB_ADMIN_EMAIL: 'ops@example.com', HUB_ADMIN_PASSWORD: 'short' })).toThrow(
      /HUB_ADMIN_PASSWORD must have at least 12 characters/,
    );
    expect(() => validateEnvironment({ HUB_ADMIN_EMAIL: 'not-an-email', HUB_ADMIN_PASSWORD: 'long enough pw' })).toThrow(
      /HUB_ADMIN_EMAIL must be an email address/,
    );
    expect(validateEnvironment({ HUB_ADMIN_EMAIL: 'ops@example.com', HUB_ADMIN_PASSWORD: 'long enough pw' })).toMatchObject({
      HUB_ADMIN_EMAIL: 'ops@example.com',
    });
  });

  it('refuses a lease that a vendor call could outlive', () => {
    expect(() => validateEnvironment({ HUB_VENDOR_TIMEOUT_MS: '15000', HUB_EVENT_LEASE_MS: '20000' })).toThrow(
      /HUB_EVENT_LEASE_MS: must be at least twice HUB_VENDOR_TIMEOUT_MS \(30000\)/,
    );
    expect(validateEnvironment({ HUB_VENDOR_TIMEOUT_MS: '3000', HUB_EVENT_LEASE_MS: '6000' }).HUB_EVENT_LEASE_MS).toBe(6000);
  });

  it('takes the public URL as given, and settles explicit choices about private callback URLs', () => {
    const env = validateEnvironment({ HUB_PUBLIC_URL: 'https://hub.example.com/', HUB_ALLOW_PRIVATE_CALLBACK_URLS: 'false' });
    expect(publicUrlOf(env)).toBe('https://hub.example.com');
    expect(allowPrivateCallbackUrls(env, 'embedded')).toBe(false);
    expect(publicUrlOf(validateEnvironment({ HOST: '0.0.0.0', PORT: '9000' }))).toBe('http://127.0.0.1:9000');
  });

  it('allows private vendor URLs on the embedded store only, unless told; reads extra vendor hosts and names a bad list', () => {
    const auto = validateEnvironment({});
    expect(allowPrivateVendorUrls(auto, 'embedded')).toBe(true);
    expect(allowPrivateVendorUrls(auto, 'postgresql')).toBe(false);
    expect(allowPrivateVendorUrls(validateEnvironment({ HUB_ALLOW_PRIVATE_VENDOR_URLS: 'true' }), 'postgresql')).toBe(true);
    expect(allowPrivateVendorUrls(validateEnvironment({ HUB_ALLOW_PRIVATE_VENDOR_URLS: 'false' }), 'embedded')).toBe(false);
    expect(() => validateEnvironment({ HUB_ALLOW_PRIVATE_VENDOR_URLS: 'yes' })).toThrow(/HUB_ALLOW_PRIVATE_VENDOR_URLS must be auto, true or false/);
    const settings = platformSettingsFrom(validateEnvironment({ HUB_VENDOR_HOSTS: 'twiliov2:gw.example.com,*:*.corp.example' }), 'postgresql');
    expect(settings.vendorHosts.get('twiliov2')).toEqual(['gw.example.com']);
    expect(settings.vendorHosts.get('*')).toEqual(['*.corp.example']);
    expect(() => validateEnvironment({ HUB_VENDOR_HOSTS: 'twiliov2:gw/example' })).toThrow(/HUB_VENDOR_HOSTS/);
    expect(() => validateEnvironment({ HUB_MAX_EVENT_LOOP_DELAY_MS: '-1' })).toThrow(/HUB_MAX_EVENT_LOOP_DELAY_MS/);
  });
});
