export * from './lib/twilio-double';
export * from './lib/webhooks/callback-receiver';
export * from './lib/webhooks/twilio-webhook';
export * from './lib/instances';
export * from './lib/eventually';
export * from './lib/hostile-requests';
