export * from './lib/twilio-client';
export * from './lib/twilio-connection';
export * from './lib/twilio-fields';
export * from './lib/twilio-rest';
export * from './lib/undici-request-client';
export * from './lib/verify-account';
export * from './lib/ping.resource';
export * from './lib/webhook-signature';
