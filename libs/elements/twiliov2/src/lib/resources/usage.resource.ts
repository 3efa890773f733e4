import type { ResourceSpec } from '@hub/element-sdk';
import type { TwilioConnection } from '@hub/elements/twilio-common';
import { twilioParameters } from './parameters';

/** Usage records of the account (Twilio's Usage/Records): what was used, and its price. */
export const usageResource: ResourceSpec<TwilioConnection> = {
  name: 'usage',
  description: 'Usage records by category and period',
  idField: 'category',
  fields: [
    { path: 'category', type: 'string' },
    { path: 'description', type: 'string' },
    { path: 'count', type: 'string' },
    { path: 'count_unit', type: 'string' },
    { path: 'usage', type: 'string' },
    { path: 'usage_unit', type: 'string' },
    { path: 'price', type: 'string' },
    { path: 'price_unit', type: 'string' },
    { path: 'start_date', type: 'date' },
    { path: 'end_date', type: 'date' },
  ],
  queryFields: [
    { name: 'Category', recordPath: 'category', type: 'string', vendorParameters: { '=': 'Category' } },
    { name: 'StartDate', recordPath: 'start_date', type: 'date', vendorParameters: { '>=': 'StartDate' } },
    { name: 'EndDate', recordPath: 'end_date', type: 'date', vendorParameters: { '<=': 'EndDate' } },
  ],
  parameters: {
    list: twilioParameters(['Category', 'StartDate', 'EndDate', 'IncludeSubaccounts'], {
      types: { StartDate: 'date', EndDate: 'date', IncludeSubaccounts: 'boolean' },
    }),
  },
  handlers: {
    list: (c, r) => c.rest.list(`${c.rest.accountPath}/Usage/Records.json`, 'usage_records', r.page, r.query),
  },
};
