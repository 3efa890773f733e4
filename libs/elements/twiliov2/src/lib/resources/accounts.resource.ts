import type { ListPage, ResourceSpec, VendorRecord } from '@hub/element-sdk';
import type { TwilioConnection } from '@hub/elements/twilio-common';

/**
 * Twilio's account JSON carries the account's auth token: the instance's own secret. The hub
 * never returns it (found by the conformance kit's secrets check).
 */
function withoutAuthToken(record: VendorRecord): VendorRecord {
  const { auth_token: _secret, ...rest } = record;
  return rest;
}

const pageWithoutAuthTokens = (page: ListPage): ListPage => ({
  ...page,
  records: page.records.map(withoutAuthToken),
});

/** The account and its subaccounts. */
export const accountsResource: ResourceSpec<TwilioConnection> = {
  name: 'accounts',
  description: 'The Twilio account and its subaccounts',
  idField: 'sid',
  fields: [
    { path: 'sid', type: 'string' },
    { path: 'friendly_name', type: 'string' },
    { path: 'status', type: 'string', description: 'active, suspended, closed' },
    { path: 'type', type: 'string', description: 'Trial, Full' },
    { path: 'owner_account_sid', type: 'string' },
    { path: 'date_created', type: 'date' },
    { path: 'date_updated', type: 'date' },
    { path: 'uri', type: 'string' },
  ],
  queryFields: [
    {
      name: 'FriendlyName',
      recordPath: 'friendly_name',
      type: 'string',
      vendorParameters: { '=': 'FriendlyName' },
    },
    { name: 'Status', recordPath: 'status', type: 'string', vendorParameters: { '=': 'Status' } },
    { name: 'Type', recordPath: 'type', type: 'string' },
  ],
  parameters: {
    list: [
      { name: 'FriendlyName', type: 'string', description: 'Only accounts with this name' },
      {
        name: 'Status',
        type: 'string',
        allowedValues: ['active', 'suspended', 'closed'],
        description: 'Only accounts with this status',
      },
    ],
    update: [
      { name: 'FriendlyName', type: 'string', description: 'A new name' },
      {
        name: 'Status',
        type: 'string',
        allowedValues: ['active', 'suspended', 'closed'],
        description: 'Suspend, reactivate or close a subaccount',
      },
    ],
  },
  handlers: {
    list: async (c, r) =>
      pageWithoutAuthTokens(await c.rest.list('/2010-04-01/Accounts.json', 'accounts', r.page, r.query)),
    get: async (c, r) =>
      withoutAuthToken(await c.rest.get(`/2010-04-01/Accounts/${encodeURIComponent(r.id ?? '')}.json`)),
    update: async (c, r) =>
      withoutAuthToken(
        await c.rest.post(
          `/2010-04-01/Accounts/${encodeURIComponent(r.id ?? '')}.json`,
          r.body as Record<string, string>,
        ),
      ),
  },
};
