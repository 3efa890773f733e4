export * from './lib/twilio-double';
export { twilioDoubleFaults } from './lib/twilio-double/conformance-faults';
export * from './lib/webhooks/callback-receiver';
export * from './lib/webhooks/twilio-webhook';
