import type { ResourceSpec } from '@hub/element-sdk';
import type { TwilioConnection } from '@hub/elements/twilio-common';

/** The countries where numbers are available (Twilio's AvailablePhoneNumbers). */
export const countryCodesResource: ResourceSpec<TwilioConnection> = {
  name: 'countryCodes',
  description: 'Countries with numbers available to buy',
  idField: 'country_code',
  fields: [
    { path: 'country_code', type: 'string' },
    { path: 'country', type: 'string' },
    { path: 'beta', type: 'boolean' },
    { path: 'subresource_uris', type: 'object' },
  ],
  queryFields: [
    { name: 'CountryCode', recordPath: 'country_code', type: 'string' },
    { name: 'Country', recordPath: 'country', type: 'string' },
  ],
  handlers: {
    list: (c, r) => c.rest.list(`${c.rest.accountPath}/AvailablePhoneNumbers.json`, 'countries', r.page, r.query),
    get: (c, r) =>
      c.rest.get(`${c.rest.accountPath}/AvailablePhoneNumbers/${encodeURIComponent(r.id ?? '')}.json`),
  },
};
