import type { FieldSpec, MessageStatus, ParameterSpec, QueryFieldSpec, Transformation } from '@hub/element-sdk';

/** Parameters and fields of Twilio's Messages, shared by both Twilio elements (from Twilio's OpenAPI description). */

export const E164 = /^\+[1-9]\d{1,14}$/;

export const MESSAGE_LIST_PARAMETERS: readonly ParameterSpec[] = [
  { name: 'To', type: 'string', description: 'Only messages sent to this number' },
  { name: 'From', type: 'string', description: 'Only messages sent from this number' },
  { name: 'DateSent', type: 'date', description: 'Only messages sent on this day (YYYY-MM-DD) or at this time' },
  { name: 'DateSent<', type: 'date', description: 'Only messages sent on or before this date' },
  { name: 'DateSent>', type: 'date', description: 'Only messages sent on or after this date' },
];

export const MESSAGE_CREATE_PARAMETERS: readonly ParameterSpec[] = [
  { name: 'To', type: 'string', required: true, description: 'The recipient (E.164 number, or a channel address)' },
  { name: 'From', type: 'string', description: 'The sender: a Twilio number, alphanumeric sender ID or channel address' },
  { name: 'MessagingServiceSid', type: 'string', pattern: /^MG[0-9a-fA-F]{32}$/, description: 'Send through this Messaging Service' },
  { name: 'Body', type: 'string', description: 'The text, up to 1600 characters' },
  { name: 'MediaUrl', type: 'string[]', description: 'Up to 10 media URLs (MMS)' },
  { name: 'ContentSid', type: 'string', description: 'A Content API template' },
  { name: 'ContentVariables', type: 'string', description: 'JSON of the template variables' },
  { name: 'StatusCallback', type: 'url', description: 'Where Twilio posts status changes' },
  { name: 'ApplicationSid', type: 'string', description: 'The application whose status callback applies' },
  { name: 'MaxPrice', type: 'string', description: 'The most the message may cost' },
  { name: 'ProvideFeedback', type: 'boolean', description: 'Track delivery feedback' },
  { name: 'Attempt', type: 'integer', description: 'Total attempts made (including this one)' },
  { name: 'ValidityPeriod', type: 'integer', description: 'Seconds the message may wait in the queue (1–36000)' },
  { name: 'ForceDelivery', type: 'boolean', description: 'Reserved' },
  { name: 'ContentRetention', type: 'string', allowedValues: ['retain', 'discard'], description: 'Keep or discard the body' },
  { name: 'AddressRetention', type: 'string', allowedValues: ['retain', 'obfuscate'], description: 'Keep or obfuscate addresses' },
  { name: 'SmartEncoded', type: 'boolean', description: 'Replace Unicode look-alikes to save segments' },
  { name: 'PersistentAction', type: 'string[]', description: 'Actions attached to the message' },
  { name: 'ShortenUrls', type: 'boolean', description: 'Shorten links (needs a Messaging Service)' },
  { name: 'ScheduleType', type: 'string', allowedValues: ['fixed'], description: 'Schedule the message (with SendAt)' },
  { name: 'SendAt', type: 'date', description: 'When to send a scheduled message' },
  { name: 'SendAsMms', type: 'boolean', description: 'Send as MMS even without media' },
  { name: 'RiskCheck', type: 'string', allowedValues: ['enable', 'disable'], description: 'SMS pumping protection' },
  { name: 'TrafficType', type: 'string', allowedValues: ['free'], description: 'free: a free message (WhatsApp)' },
  { name: 'FallbackFrom', type: 'string', description: 'The sender to fall back to when From cannot deliver (RCS)' },
];

export const MESSAGE_UPDATE_PARAMETERS: readonly ParameterSpec[] = [
  { name: 'Body', type: 'string', description: 'Send "" to redact the body of a sent message' },
  { name: 'Status', type: 'string', allowedValues: ['canceled'], description: 'canceled: cancel a scheduled or queued message' },
];

export const MESSAGE_FIELDS: readonly FieldSpec[] = [
  { path: 'sid', type: 'string', description: 'SM… or MM…' },
  { path: 'account_sid', type: 'string' },
  { path: 'messaging_service_sid', type: 'string' },
  { path: 'from', type: 'string' },
  { path: 'to', type: 'string' },
  { path: 'body', type: 'string' },
  { path: 'status', type: 'string', description: 'queued, sending, sent, failed, delivered, undelivered, receiving, received, accepted, scheduled, read, partially_delivered, canceled' },
  { path: 'direction', type: 'string', description: 'inbound, outbound-api, outbound-call, outbound-reply' },
  { path: 'num_segments', type: 'string' },
  { path: 'num_media', type: 'string' },
  { path: 'price', type: 'string' },
  { path: 'price_unit', type: 'string' },
  { path: 'error_code', type: 'number' },
  { path: 'error_message', type: 'string' },
  { path: 'date_created', type: 'date', description: 'RFC 2822, GMT' },
  { path: 'date_sent', type: 'date', description: 'RFC 2822, GMT' },
  { path: 'date_updated', type: 'date', description: 'RFC 2822, GMT' },
  { path: 'api_version', type: 'string' },
  { path: 'uri', type: 'string' },
  { path: 'subresource_uris', type: 'object' },
];

export const MEDIA_FIELDS: readonly FieldSpec[] = [
  { path: 'sid', type: 'string', description: 'ME…' },
  { path: 'account_sid', type: 'string' },
  { path: 'parent_sid', type: 'string' },
  { path: 'content_type', type: 'string' },
  { path: 'date_created', type: 'date' },
  { path: 'date_updated', type: 'date' },
  { path: 'uri', type: 'string' },
];

/**
 * CEQL on messages: Twilio filters To, From and DateSent (its `DateSent<`/`DateSent>` are inclusive);
 * the other fields are filtered by the hub on each returned page.
 */
export const MESSAGE_QUERY_FIELDS: readonly QueryFieldSpec[] = [
  { name: 'To', recordPath: 'to', type: 'string', vendorParameters: { '=': 'To' } },
  { name: 'From', recordPath: 'from', type: 'string', vendorParameters: { '=': 'From' } },
  { name: 'DateSent', recordPath: 'date_sent', type: 'date', vendorParameters: { '=': 'DateSent', '<=': 'DateSent<', '>=': 'DateSent>' } },
  { name: 'DateCreated', recordPath: 'date_created', type: 'date' },
  { name: 'DateUpdated', recordPath: 'date_updated', type: 'date' },
  { name: 'Status', recordPath: 'status', type: 'string' },
  { name: 'Direction', recordPath: 'direction', type: 'string' },
  { name: 'Body', recordPath: 'body', type: 'string' },
  { name: 'MessagingServiceSid', recordPath: 'messaging_service_sid', type: 'string' },
  { name: 'ErrorCode', recordPath: 'error_code', type: 'number' },
];

/** Twilio lists messages newest first; that order is the one `orderBy` can name. */
export const MESSAGE_ORDER_BY: readonly string[] = ['DateCreated desc', 'DateSent desc'];

/** Twilio's message statuses in the hub's normalized set (MESSAGE_STATUSES); the rest are the same word. */
export const TWILIO_STATUS_VALUES: Readonly<Record<string, MessageStatus>> = {
  accepted: 'queued',
  scheduled: 'queued',
  read: 'delivered',
  partially_delivered: 'sent',
  receiving: 'received',
};

/**
 * Twilio's Message as the hub's common `messages` (MESSAGES_OBJECT), for both Twilio elements.
 * Writes go back through the same fields (`to` → To, `media[*].url` → MediaUrl); Twilio lists
 * media as a sub-resource (`messages/{id}/media`), so a read record carries mediaCount only.
 */
export const TWILIO_MESSAGES_TRANSFORMATION: Transformation = {
  vendorName: 'messages',
  fields: [
    { path: 'id', vendorPath: 'sid', type: 'string' },
    { path: 'from', vendorPath: 'from', type: 'string' },
    { path: 'to', vendorPath: 'to', type: 'string' },
    { path: 'body', vendorPath: 'body', type: 'string' },
    { path: 'status', vendorPath: 'status', type: 'string', values: TWILIO_STATUS_VALUES },
    {
      path: 'direction',
      vendorPath: 'direction',
      type: 'string',
      values: { 'outbound-api': 'outbound', 'outbound-call': 'outbound', 'outbound-reply': 'outbound' },
    },
    { path: 'createdDate', vendorPath: 'date_created', type: 'date' },
    { path: 'sentDate', vendorPath: 'date_sent', type: 'date' },
    { path: 'updatedDate', vendorPath: 'date_updated', type: 'date' },
    { path: 'errorCode', vendorPath: 'error_code', type: 'number' },
    { path: 'errorMessage', vendorPath: 'error_message', type: 'string' },
    { path: 'segments', vendorPath: 'num_segments', type: 'number' },
    { path: 'mediaCount', vendorPath: 'num_media', type: 'number' },
    { path: 'media[*].url', vendorPath: 'media_url[*]', type: 'string' },
  ],
  configuration: [{ type: 'passThrough', properties: { fromVendor: false, toVendor: false } }, { type: 'addToDocumentation' }],
};
