import { BadRequestError, type CeqlExpression, type QueryFieldSpec, type ResourceSpec } from '@hub/element-sdk';
import type { TwilioConnection } from '@hub/elements/twilio-common';
import { twilioParameters } from './parameters';

const owned = (c: TwilioConnection, sid?: string) =>
  sid === undefined
    ? `${c.rest.accountPath}/IncomingPhoneNumbers.json`
    : `${c.rest.accountPath}/IncomingPhoneNumbers/${encodeURIComponent(sid)}.json`;

const NUMBER_TYPES = ['Local', 'Mobile', 'TollFree'] as const;
/** Twilio's filters of AvailablePhoneNumbers/{Country}/{Type} (Beta also filters the account's own numbers). */
const AVAILABLE_FILTERS = [
  'AreaCode',
  'Contains',
  'SmsEnabled',
  'MmsEnabled',
  'VoiceEnabled',
  'FaxEnabled',
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
/** Twilio's filters of IncomingPhoneNumbers (the account's own numbers). */
const OWNED_FILTERS = ['FriendlyName', 'PhoneNumber', 'Origin'];
const TYPES = Object.fromEntries([
  ...[
    'SmsEnabled',
    'MmsEnabled',
    'VoiceEnabled',
    'FaxEnabled',
    'Beta',
    'ExcludeAllAddressRequired',
    'ExcludeLocalAddressRequired',
    'ExcludeForeignAddressRequired',
  ].map((n) => [n, 'boolean' as const]),
  ['AreaCode', 'integer' as const],
  ['Distance', 'integer' as const],
]);

const eq = (parameter: string) => ({ '=': parameter });
const available = (name: string, recordPath: string, type: QueryFieldSpec['type'], vendorOnly = false): QueryFieldSpec => ({
  name,
  recordPath,
  type,
  vendorParameters: eq(name),
  ...(vendorOnly ? { vendorOnly } : {}),
});

/**
 * `where` on numbers: each of Twilio's filters as its own name, sent as its query parameter. The
 * capability flags and places are also fields of the available numbers' records (the hub filters them
 * in an OR); AreaCode, Contains, NearNumber, NearLatLong, Distance and the address exclusions mean
 * more than a field holds, so only Twilio filters them (a top-level `=` only).
 */
const QUERY_FIELDS: readonly QueryFieldSpec[] = [
  available('SmsEnabled', 'capabilities.SMS', 'boolean'),
  available('MmsEnabled', 'capabilities.MMS', 'boolean'),
  available('VoiceEnabled', 'capabilities.voice', 'boolean'),
  available('FaxEnabled', 'capabilities.fax', 'boolean'),
  available('Beta', 'beta', 'boolean'),
  available('InRegion', 'region', 'string'),
  available('InPostalCode', 'postal_code', 'string'),
  available('InLocality', 'locality', 'string'),
  available('InRateCenter', 'rate_center', 'string'),
  available('InLata', 'lata', 'string'),
  available('AreaCode', 'phone_number', 'number', true),
  available('Contains', 'phone_number', 'string', true),
  available('NearNumber', 'phone_number', 'string', true),
  available('NearLatLong', 'latitude', 'string', true),
  available('Distance', 'latitude', 'number', true),
  available('ExcludeAllAddressRequired', 'address_requirements', 'boolean', true),
  available('ExcludeLocalAddressRequired', 'address_requirements', 'boolean', true),
  available('ExcludeForeignAddressRequired', 'address_requirements', 'boolean', true),
  available('FriendlyName', 'friendly_name', 'string'),
  available('PhoneNumber', 'phone_number', 'string'),
  available('Origin', 'origin', 'string'),
];

/** The field names a `where` mentions. */
function fieldsOf(where: CeqlExpression | undefined): string[] {
  if (!where) return [];
  return 'operands' in where ? where.operands.flatMap(fieldsOf) : [where.field];
}
const named = (names: readonly string[], list: readonly string[]) =>
  [...new Set(names.filter((n) => list.some((l) => l.toLowerCase() === n.toLowerCase())))];
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
      ...twilioParameters([...AVAILABLE_FILTERS, 'Beta'], { types: TYPES }),
      ...twilioParameters(OWNED_FILTERS),
    ],
    create: twilioParameters(['PhoneNumber', 'AreaCode', 'ApiVersion', ...CONFIGURABLE]),
    update: twilioParameters(['AccountSid', 'ApiVersion', ...CONFIGURABLE]),
  },
  queryFields: QUERY_FIELDS,
  handlers: {
    list: (c, r) => {
      const { countryCode, type, ...filters } = r.query;
      // A filter of the other list, given as a parameter or in where (the hub may filter an OR itself).
      const given = [...Object.keys(filters), ...fieldsOf(r.where)];
      if (countryCode === undefined) {
        const available = named(given, AVAILABLE_FILTERS);
        if (type !== undefined || available.length > 0) {
          throw new BadRequestError(
            `countryCode is required with ${type !== undefined ? 'type' : available.join(', ')}: which country's available numbers?`,
          );
        }
        return c.rest.list(owned(c), 'incoming_phone_numbers', r.page, filters);
      }
      const owning = named(given, OWNED_FILTERS);
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
