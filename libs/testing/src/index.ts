export * from './lib/twilio-double';
