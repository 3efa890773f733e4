import type { ResourceSpec } from '@hub/element-sdk';
import { type TwilioConnection, verifyTwilioConnection } from './twilio-connection';

/** `GET /ping`: checks the instance's credentials with Twilio, as the old platform's ping did. */
export function twilioPingResource(endpoint: string): ResourceSpec<TwilioConnection> {
  return {
    name: 'ping',
    description: 'Checks the instance’s credentials with Twilio',
    idField: 'endpoint',
    kind: 'singleton',
    fields: [
      { path: 'endpoint', type: 'string' },
      { path: 'valid', type: 'boolean' },
    ],
    handlers: {
      get: async (c) => {
        await verifyTwilioConnection(c);
        return { endpoint, valid: true };
      },
    },
  };
}
