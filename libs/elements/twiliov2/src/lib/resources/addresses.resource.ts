import type { ResourceSpec } from '@hub/element-sdk';
import type { TwilioConnection } from '@hub/elements/twilio-common';
import { twilioParameters } from './parameters';

const path = (c: TwilioConnection, sid?: string) =>
  sid === undefined
    ? `${c.rest.accountPath}/Addresses.json`
    : `${c.rest.accountPath}/Addresses/${encodeURIComponent(sid)}.json`;

const WRITABLE = [
  'FriendlyName',
  'CustomerName',
  'Street',
  'StreetSecondary',
  'City',
  'Region',
  'PostalCode',
  'EmergencyEnabled',
  'AutoCorrectAddress',
];
const TYPES = { EmergencyEnabled: 'boolean', AutoCorrectAddress: 'boolean' } as const;

/** Addresses registered on the account (needed to buy numbers in some countries). */
export const addressesResource: ResourceSpec<TwilioConnection> = {
  name: 'addresses',
  description: 'The account’s addresses',
  idField: 'sid',
  fields: [
    { path: 'sid', type: 'string', description: 'AD…' },
    { path: 'customer_name', type: 'string' },
    { path: 'friendly_name', type: 'string' },
    { path: 'street', type: 'string' },
    { path: 'city', type: 'string' },
    { path: 'region', type: 'string' },
    { path: 'postal_code', type: 'string' },
    { path: 'iso_country', type: 'string' },
    { path: 'emergency_enabled', type: 'boolean' },
    { path: 'validated', type: 'boolean' },
    { path: 'verified', type: 'boolean' },
    { path: 'date_created', type: 'date' },
    { path: 'date_updated', type: 'date' },
  ],
  queryFields: [
    {
      name: 'CustomerName',
      recordPath: 'customer_name',
      type: 'string',
      vendorParameters: { '=': 'CustomerName' },
    },
    {
      name: 'FriendlyName',
      recordPath: 'friendly_name',
      type: 'string',
      vendorParameters: { '=': 'FriendlyName' },
    },
    {
      name: 'IsoCountry',
      recordPath: 'iso_country',
      type: 'string',
      vendorParameters: { '=': 'IsoCountry' },
    },
    { name: 'City', recordPath: 'city', type: 'string' },
    { name: 'PostalCode', recordPath: 'postal_code', type: 'string' },
  ],
  parameters: {
    list: twilioParameters(['CustomerName', 'FriendlyName', 'EmergencyEnabled', 'IsoCountry'], {
      types: TYPES,
    }),
    create: twilioParameters([...WRITABLE, 'IsoCountry'], {
      required: ['CustomerName', 'Street', 'City', 'Region', 'PostalCode', 'IsoCountry'],
      types: TYPES,
    }),
    update: twilioParameters(WRITABLE, { types: TYPES }),
  },
  handlers: {
    list: (c, r) => c.rest.list(path(c), 'addresses', r.page, r.query),
    get: (c, r) => c.rest.get(path(c, r.id)),
    create: (c, r) => c.rest.post(path(c), r.body as Record<string, string>),
    update: (c, r) => c.rest.post(path(c, r.id), r.body as Record<string, string>),
    delete: (c, r) => c.rest.delete(path(c, r.id)),
  },
};
