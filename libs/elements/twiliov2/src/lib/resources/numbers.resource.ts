import { BadRequestError, type ResourceSpec } from '@hub/element-sdk';
import type { TwilioConnection } from '@hub/elements/twilio-common';
import { twilioParameters } from './parameters';

const owned = (c: TwilioConnection, sid?: string) =>
  sid === undefined
    ? `${c.rest.accountPath}/IncomingPhoneNumbers.json`
    : `${c.rest.accountPath}/IncomingPhoneNumbers/${encodeURIComponent(sid)}.json`;

const NUMBER_TYPES = ['Local', 'Mobile', 'TollFree'] as const;
const AVAILABLE_FILTERS = [
  'AreaCode',
  'Contains',
  'SmsEnabled',
  'MmsEnabled',
  'VoiceEnabled',
  'FaxEnabled',
  'Beta',
  'ExcludeAllAddressRequired',
  'ExcludeLocalAddressRequired',
  'ExcludeForeignAddressRequired',
  'NearNumber',
  'NearLatLong',
  'Distance',
  'InPostalCode',
  'InRegion',
  'InRateCenter',
  'InLata',
  'InLocality',
];
const BOOLEAN = Object.fromEntries(
  [
    'SmsEnabled',
    'MmsEnabled',
    'VoiceEnabled',
    'FaxEnabled',
    'Beta',
    'ExcludeAllAddressRequired',
    'ExcludeLocalAddressRequired',
    'ExcludeForeignAddressRequired',
  ].map((n) => [n, 'boolean' as const]),
);
const CONFIGURABLE = [
  'FriendlyName',
  'SmsApplicationSid',
  'SmsFallbackMethod',
  'SmsFallbackUrl',
  'SmsMethod',
  'SmsUrl',
  'StatusCallback',
  'StatusCallbackMethod',
  'VoiceApplicationSid',
  'VoiceCallerIdLookup',
  'VoiceFallbackMethod',
  'VoiceFallbackUrl',
  'VoiceMethod',
  'VoiceUrl',
  'EmergencyStatus',
  'EmergencyAddressSid',
  'TrunkSid',
  'IdentitySid',
  'AddressSid',
  'VoiceReceiveMode',
  'BundleSid',
];

/**
 * Phone numbers. `GET /numbers?countryCode=US&type=Local` lists the numbers available to buy
 * (Twilio's AvailablePhoneNumbers); `GET /numbers` without a country lists the account's own;
 * `POST /numbers` with AreaCode or PhoneNumber buys one; `/numbers/{sid}` is an owned number.
 */
export const numbersResource: ResourceSpec<TwilioConnection> = {
  name: 'numbers',
  description: 'Numbers available to buy (with countryCode and type) and the account’s own numbers',
  idField: 'sid',
  fields: [
    { path: 'sid', type: 'string', description: 'PN… (owned numbers only)' },
    { path: 'phone_number', type: 'string' },
    { path: 'friendly_name', type: 'string' },
    { path: 'iso_country', type: 'string' },
    { path: 'locality', type: 'string' },
    { path: 'region', type: 'string' },
    { path: 'capabilities', type: 'object' },
    { path: 'sms_url', type: 'string' },
    { path: 'date_created', type: 'date' },
  ],
  parameters: {
    list: [
      {
        name: 'countryCode',
        type: 'string',
        pattern: /^[A-Z]{2}$/,
        description: 'ISO country (US, GB…): list numbers available to buy there',
      },
      {
        name: 'type',
        type: 'string',
        allowedValues: NUMBER_TYPES,
        description: 'Local (default), Mobile or TollFree, with countryCode',
      },
      ...twilioParameters(AVAILABLE_FILTERS, { types: BOOLEAN }),
      ...twilioParameters(['FriendlyName', 'PhoneNumber', 'Origin']),
    ],
    create: twilioParameters(['PhoneNumber', 'AreaCode', ...CONFIGURABLE]),
    update: twilioParameters(CONFIGURABLE),
  },
  handlers: {
    list: (c, r) => {
      const { countryCode, type, ...filters } = r.query;
      if (countryCode === undefined) {
        const available = Object.keys(filters).filter((k) => AVAILABLE_FILTERS.includes(k));
        if (type !== undefined || available.length > 0) {
          throw new BadRequestError(
            `countryCode is required with ${type !== undefined ? 'type' : available.join(', ')}: which country's available numbers?`,
          );
        }
        return c.rest.list(owned(c), 'incoming_phone_numbers', r.page, filters);
      }
      const owning = Object.keys(filters).filter((k) =>
        ['FriendlyName', 'PhoneNumber', 'Origin'].includes(k),
      );
      if (owning.length > 0)
        throw new BadRequestError(
          `${owning.join(', ')} filter the account's own numbers: leave out countryCode`,
        );
      const path = `${c.rest.accountPath}/AvailablePhoneNumbers/${encodeURIComponent(countryCode)}/${type ?? 'Local'}.json`;
      return c.rest.list(path, 'available_phone_numbers', r.page, filters);
    },
    create: (c, r) => {
      if (r.body['PhoneNumber'] === undefined && r.body['AreaCode'] === undefined) {
        throw new BadRequestError('buying a number needs PhoneNumber or AreaCode');
      }
      return c.rest.post(owned(c), r.body as Record<string, string>);
    },
    get: (c, r) => c.rest.get(owned(c, r.id)),
    update: (c, r) => c.rest.post(owned(c, r.id), r.body as Record<string, string>),
    delete: (c, r) => c.rest.delete(owned(c, r.id)),
  },
};
