export * from './lib/twilio-double';
export { twilioDoubleFaults } from './lib/twilio-double/conformance-faults';
