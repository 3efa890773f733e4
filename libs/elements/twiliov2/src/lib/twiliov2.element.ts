import { type ElementDefinition, type Transformation, defineElement } from '@hub/element-sdk';
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
import { accountsResource } from './resources/accounts.resource';
import { addressesResource } from './resources/addresses.resource';
import { callsResource } from './resources/calls.resource';
import { countryCodesResource } from './resources/country-codes.resource';
import { messagesResource } from './resources/messages.resource';
import { numbersResource } from './resources/numbers.resource';
import { usageResource } from './resources/usage.resource';

/**
 * The messages poller of the old platform's twiliov2 element, verbatim from the seed documents (the
 * documented instance shows it). `DateSent='<day of the last poll>'` asks Twilio for that whole GMT
 * day; the hub's checkpoint, overlap and deduplication make that exact (a poll after midnight still
 * asks for the day before, the next one for the new day), at the cost of re-reading the day's
 * messages. A busy account is better served by `DateSent>='${gmtDate:yyyy-MM-dd'T'HH:mm:ss'Z'}'` and
 * a datesConfiguration on date_created/date_updated (see README, Events).
 */
export const TWILIOV2_DEFAULT_POLLER = JSON.stringify({
  messages: {
    url: "/hubs/messaging/messages?where=DateSent='${date:yyyy-MM-dd'T'HH:mm:ssXXX}'",
    idField: 'sid',
  },
});

/**
 * The old platform's twiliov2 default transformations: `id` ← `sid` on messages, addresses and
 * accounts, where its clients read `id`. Everything else passes through both ways, and `sid` stays
 * too, so that vendor-native clients read the same records as before with `id` added.
 */
const idFromSid = (vendorName: string): Transformation => ({
  vendorName,
  fields: [
    { path: 'id', vendorPath: 'sid', type: 'string' },
    { path: 'sid', vendorPath: 'sid', type: 'string' },
  ],
  configuration: [{ type: 'passThrough', properties: { fromVendor: true, toVendor: true } }],
});

/** Twilio V2: the whole Twilio REST API for messaging, vendor-native models (id 503 on the old platform). */
export const twiliov2Element: ElementDefinition = defineElement<TwilioConnection>({
  metadata: {
    id: 503,
    key: 'twiliov2',
    name: 'Twilio V2',
    hub: 'messaging',
    description:
      'Add a Twilio Instance to connect your existing Twilio account to the Messaging Hub, allowing you to send, receive and manage email, MMS, and SMS messages etc. across multiple Messaging elements. You will need your Twilio account information, or use our trial account to add an instance.',
    image: 'elements/provider_twilio.png',
    typeOauth: false,
    trialAccount: false,
    authenticationType: 'basic',
    events: { supported: true, methods: ['polling', 'webhook'] },
  },
  configuration: [
    {
      key: 'username',
      name: 'Account SID',
      type: 'string',
      required: true,
      validate: validateAccountSid,
      description: 'Your Twilio Account SID (AC…), from the Twilio console.',
    },
    {
      key: 'password',
      name: 'Auth Token',
      type: 'string',
      required: true,
      secret: true,
      description: 'Your Twilio Auth Token, from the Twilio console.',
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
    'pagination.type': 'page',
    'pagination.max': '100',
    'pagination.page.startindex': '0',
    'event.notification.enabled': 'false',
    'event.vendor.type': 'polling',
    'event.notification.type': 'webhook',
    'event.notification.callback.url': null,
    'event.notification.signature.key': null,
    'event.poller.refresh_interval': '15',
    'event.poller.configuration': TWILIOV2_DEFAULT_POLLER,
  },
  connect: (configuration, options) =>
    connectTwilio(
      { accountSid: configuration['username'], authToken: configuration['password'], accountsUrl: configuration['base.url'] },
      options,
    ),
  verifyCredentials: verifyTwilioConnection,
  toHubError,
  // Twilio ignores parameters an endpoint does not take: outside strict mode, unknown ones go on to it.
  unknownParameters: 'forward',
  vendorHosts: TWILIO_VENDOR_HOSTS,
  webhook: twilioWebhookSource('password'),
  transformations: {
    common: { messages: TWILIO_MESSAGES_TRANSFORMATION },
    defaults: { messages: idFromSid('messages'), addresses: idFromSid('addresses'), accounts: idFromSid('accounts') },
  },
  resources: [
    messagesResource,
    accountsResource,
    addressesResource,
    numbersResource,
    countryCodesResource,
    usageResource,
    callsResource,
    twilioPingResource('twiliov2'),
  ],
});
