export * from './lib/twilio-client';
export * from './lib/undici-request-client';
export * from './lib/verify-account';
