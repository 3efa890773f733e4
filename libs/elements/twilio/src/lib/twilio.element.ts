import { type ElementDefinition, defineElement } from '@hub/element-sdk';
import {
  TWILIO_ACCOUNTS_URL,
  TWILIO_MESSAGES_TRANSFORMATION,
  type TwilioConnection,
  connectTwilio,
  TWILIO_VENDOR_HOSTS,
  toHubError,
  twilioWebhookSource,
  twilioPingResource,
  validateAccountSid,
  validateAccountsUrl,
  verifyTwilioConnection,
} from '@hub/elements/twilio-common';
import { smsMessagesResource } from './resources/messages.resource';

const validateSender = (value: string): string | null =>
  /^\+[1-9]\d{1,14}$/.test(value) || /^MG[0-9a-fA-F]{32}$/.test(value) || /^[A-Za-z0-9 ]{1,11}$/.test(value)
    ? null
    : 'must be an E.164 phone number (+15005550006), a Messaging Service SID (MG…) or an alphanumeric sender ID';

/** Twilio SMS: send and read SMS from one configured sender (id 7 on the old platform). */
export const twilioElement: ElementDefinition = defineElement<TwilioConnection>({
  metadata: {
    id: 7,
    key: 'twilio',
    name: 'Twilio SMS',
    hub: 'messaging',
    description:
      'Global Text Messaging API.  Build apps that send and receive SMS using phone numbers and short codes. Let friends say hello, tell customers their packages are delivered or alert employees that a shift is ready. The API enables users to communicate with your app or chat with one another; your code decides.',
    image: 'elements/provider_twilio.png',
    typeOauth: true,
    trialAccount: true,
    configDescription:
      'If you do not have an Twilio account, you can create one at <a href="https://www.twilio.com/try-twilio" target="_blank">Twilio Signup</a>',
    authenticationType: 'basic',
    events: { supported: true, methods: ['webhook'] },
  },
  configuration: [
    {
      key: 'messaging.sms.twilio.protocol',
      name: 'Protocol',
      type: 'string',
      required: false,
      default: 'sms',
      allowedValues: ['sms'],
      description: 'The messaging protocol; sms is the only one.',
    },
    {
      key: 'messaging.sms.twilio.account',
      name: 'Account SID',
      type: 'string',
      required: true,
      validate: validateAccountSid,
      description: 'Your Twilio Account SID (AC…), from the Twilio console.',
    },
    {
      key: 'messaging.sms.twilio.sender',
      name: 'Sender',
      type: 'string',
      required: true,
      validate: validateSender,
      description: 'The number (or Messaging Service SID) messages are sent from when a request names no From.',
    },
    {
      key: 'messaging.sms.twilio.token',
      name: 'Auth Token',
      type: 'string',
      required: true,
      secret: true,
      description: 'Your Twilio Auth Token, from the Twilio console.',
    },
    {
      key: 'messaging.sms.twilio.callback.url',
      name: 'Status Callback URL',
      type: 'url',
      required: false,
      default: null,
      description: 'Where Twilio reports the delivery status of messages sent through this instance.',
    },
    {
      key: 'base.url',
      name: 'Base URL',
      type: 'url',
      required: false,
      default: TWILIO_ACCOUNTS_URL,
      validate: validateAccountsUrl,
      description: 'Where the instance’s Twilio API lives. Change it only to point at a Twilio test double.',
    },
  ],
  commonConfiguration: {
    'event.notification.enabled': 'false',
    'event.vendor.type': 'webhook',
    'event.notification.type': 'webhook',
    'event.notification.callback.url': null,
    'event.notification.signature.key': null,
  },
  connect: (configuration, options) =>
    connectTwilio(
      {
        accountSid: configuration['messaging.sms.twilio.account'],
        authToken: configuration['messaging.sms.twilio.token'],
        accountsUrl: configuration['base.url'],
      },
      options,
    ),
  verifyCredentials: verifyTwilioConnection,
  toHubError,
  // Twilio ignores parameters an endpoint does not take: outside strict mode, unknown ones go on to it.
  unknownParameters: 'forward',
  vendorHosts: TWILIO_VENDOR_HOSTS,
  webhook: twilioWebhookSource('messaging.sms.twilio.token'),
  transformations: { common: { messages: TWILIO_MESSAGES_TRANSFORMATION } },
  resources: [smsMessagesResource, twilioPingResource('twilio')],
});
