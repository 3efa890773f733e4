import type { ResourceSpec } from '@hub/element-sdk';
import { type TwilioConnection, verifyTwilioConnection } from '@hub/elements/twilio-common';

/** `GET /ping`: checks the credentials with Twilio, as the old platform's ping did. */
export function pingResource(endpoint: string): ResourceSpec<TwilioConnection> {
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
