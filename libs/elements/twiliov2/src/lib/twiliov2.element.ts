import { type ElementDefinition, defineElement } from '@hub/element-sdk';
import {
  TWILIO_ACCOUNTS_URL,
  type TwilioConnection,
  connectTwilio,
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
 * The messages poller: the old platform's twiliov2 poller (see the seed documents), with its dates
 * configuration, and asking for messages sent *since* the last poll (`DateSent>=`) where the seed's
 * `DateSent=` asked for the whole day of the last poll, and missed what came after midnight.
 * Twilio cannot filter on date_updated, so a status change of a message sent before the window is
 * seen only by webhook (event.vendor.type webhook sets each sent message's StatusCallback).
 */
export const TWILIOV2_DEFAULT_POLLER = JSON.stringify({
  messages: {
    url: "/hubs/messaging/messages?where=DateSent>='${gmtDate:yyyy-MM-dd'T'HH:mm:ss'Z'}'",
    idField: 'sid',
    filterByUpdatedDate: true,
    datesConfiguration: {
      updatedDateField: 'date_updated',
      updatedDateFormat: 'EEE, dd MMM yyyy HH:mm:ss Z',
      updatedDateTimezone: 'GMT',
      createdDateField: 'date_created',
      createdDateFormat: 'EEE, dd MMM yyyy HH:mm:ss Z',
      createdDateTimezone: 'GMT',
    },
    createdCheckTolerance: 60,
    pageSize: 100,
    pollDelay: 60,
  },
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
  webhook: twilioWebhookSource('password'),
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
