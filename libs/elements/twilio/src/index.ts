export * from './lib/twilio.element';
