import type { ResourceSpec } from '@hub/element-sdk';
import {
  MESSAGE_CREATE_PARAMETERS,
  MESSAGE_FIELDS,
  MESSAGE_LIST_PARAMETERS,
  MESSAGE_ORDER_BY,
  MESSAGE_QUERY_FIELDS,
  type TwilioConnection,
} from '@hub/elements/twilio-common';

const SENDER = 'messaging.sms.twilio.sender';
const CALLBACK = 'messaging.sms.twilio.callback.url';

/**
 * SMS through one configured sender: From defaults to it, StatusCallback to the hub's webhook URL
 * when the instance receives events by webhook, else to the configured URL.
 */
export const smsMessagesResource: ResourceSpec<TwilioConnection> = {
  name: 'messages',
  description: 'Send SMS from the configured sender, list and fetch messages',
  idField: 'sid',
  fields: MESSAGE_FIELDS,
  queryFields: MESSAGE_QUERY_FIELDS,
  orderBy: MESSAGE_ORDER_BY,
  parameters: {
    list: MESSAGE_LIST_PARAMETERS,
    create: MESSAGE_CREATE_PARAMETERS,
  },
  handlers: {
    list: (c, r) => c.rest.list(`${c.rest.accountPath}/Messages.json`, 'messages', r.page, r.query),
    get: (c, r) => c.rest.get(`${c.rest.accountPath}/Messages/${encodeURIComponent(r.id ?? '')}.json`),
    create: (c, r) => {
      const body = { ...(r.body as Record<string, string>) };
      const sender = r.configuration[SENDER];
      if (body['From'] === undefined && body['MessagingServiceSid'] === undefined && sender) {
        if (/^MG[0-9a-fA-F]{32}$/.test(sender)) body['MessagingServiceSid'] = sender;
        else body['From'] = sender;
      }
      // With webhook events on, Twilio reports status changes to the hub, which makes them events.
      const callback = r.eventsWebhookUrl ?? r.configuration[CALLBACK];
      if (body['StatusCallback'] === undefined && callback) body['StatusCallback'] = callback;
      return c.rest.post(`${c.rest.accountPath}/Messages.json`, body);
    },
  },
};
