export { TwilioDouble, type TwilioDoubleOptions } from './twilio-double';
export { DoubleClock, DEFAULT_START_TIME, type ClockMode } from './clock';
export { FaultQueue, type FaultSpec } from './faults';
export { DEFAULT_PROGRESSION } from './state';
export { rfc2822, countSegments } from './twilio-format';
export { DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN, DEFAULT_BIN_PORT } from './defaults';
export type * from './types';
