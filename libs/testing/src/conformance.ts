// The Twilio double's faults for the element conformance kit (@hub/element-sdk/testing), apart from
// the double itself: the kit runs inside Jest, the double also runs in scripts (npm run demo).
export { twilioDoubleFaults } from './lib/twilio-double/conformance-faults';
