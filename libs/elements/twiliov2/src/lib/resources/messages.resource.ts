import type { ResourceSpec } from '@hub/element-sdk';
import {
  MEDIA_FIELDS,
  MESSAGE_CREATE_PARAMETERS,
  MESSAGE_FIELDS,
  MESSAGE_LIST_PARAMETERS,
  MESSAGE_ORDER_BY,
  MESSAGE_QUERY_FIELDS,
  MESSAGE_UPDATE_PARAMETERS,
  type TwilioConnection,
} from '@hub/elements/twilio-common';

const messagePath = (c: TwilioConnection, sid?: string) =>
  sid === undefined
    ? `${c.rest.accountPath}/Messages.json`
    : `${c.rest.accountPath}/Messages/${encodeURIComponent(sid)}.json`;

/** `messages/{sid}/media`: the media of an MMS. */
const media: ResourceSpec<TwilioConnection> = {
  name: 'media',
  description: 'Media (images, files) attached to a message',
  idField: 'sid',
  fields: MEDIA_FIELDS,
  parameters: {
    list: [
      { name: 'DateCreated', type: 'date', description: 'Only media created on this day' },
      { name: 'DateCreated<', type: 'date', description: 'Only media created on or before this date' },
      { name: 'DateCreated>', type: 'date', description: 'Only media created on or after this date' },
    ],
  },
  handlers: {
    list: (c, r) =>
      c.rest.list(
        `${c.rest.accountPath}/Messages/${encodeURIComponent(r.id ?? '')}/Media.json`,
        'media_list',
        r.page,
        r.query,
      ),
    get: (c, r) =>
      c.rest.get(
        `${c.rest.accountPath}/Messages/${encodeURIComponent(r.id ?? '')}/Media/${encodeURIComponent(r.subId ?? '')}.json`,
      ),
    delete: (c, r) =>
      c.rest.delete(
        `${c.rest.accountPath}/Messages/${encodeURIComponent(r.id ?? '')}/Media/${encodeURIComponent(r.subId ?? '')}.json`,
      ),
  },
};

/** SMS, MMS and channel messages of the account, as Twilio models them. */
export const messagesResource: ResourceSpec<TwilioConnection> = {
  name: 'messages',
  description: 'Send, list, fetch, redact, cancel and delete messages',
  idField: 'sid',
  fields: MESSAGE_FIELDS,
  queryFields: MESSAGE_QUERY_FIELDS,
  orderBy: MESSAGE_ORDER_BY,
  parameters: {
    list: MESSAGE_LIST_PARAMETERS,
    create: MESSAGE_CREATE_PARAMETERS,
    update: MESSAGE_UPDATE_PARAMETERS,
  },
  handlers: {
    list: (c, r) => c.rest.list(messagePath(c), 'messages', r.page, r.query),
    get: (c, r) => c.rest.get(messagePath(c, r.id)),
    create: (c, r) => {
      const body = { ...(r.body as Record<string, string>) };
      // With webhook events on, Twilio reports the message's status changes to the hub.
      if (body['StatusCallback'] === undefined && r.eventsWebhookUrl) body['StatusCallback'] = r.eventsWebhookUrl;
      return c.rest.post(messagePath(c), body);
    },
    update: (c, r) => c.rest.post(messagePath(c, r.id), r.body as Record<string, string>),
    delete: (c, r) => c.rest.delete(messagePath(c, r.id)),
  },
  subresources: [media],
};
