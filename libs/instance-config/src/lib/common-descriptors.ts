import type { CommonConfigurationKey, ConfigurationDescriptor } from '@hub/element-sdk';

const isHttpUrl = (value: string): string | null => {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? null : 'must be an absolute http(s) URL';
  } catch {
    return 'must be an absolute http(s) URL';
  }
};

/**
 * The common keys' descriptors, shared by every element. An element's `commonConfiguration`
 * chooses which of them it supports and overrides their defaults.
 */
export const COMMON_DESCRIPTORS: Readonly<Record<CommonConfigurationKey, ConfigurationDescriptor>> = {
  'event.notification.enabled': {
    key: 'event.notification.enabled',
    name: 'Events Enabled',
    type: 'boolean',
    required: false,
    default: 'false',
    description: 'Turns event reception (by webhook or polling) on for this instance.',
  },
  'event.vendor.type': {
    key: 'event.vendor.type',
    name: 'Event Type',
    type: 'string',
    required: false,
    default: null,
    allowedValues: ['webhook', 'polling'],
    aliases: { webhooks: 'webhook' },
    description: 'How the hub learns about changes at the vendor: webhook or polling (a method the element supports).',
  },
  'event.notification.type': {
    key: 'event.notification.type',
    name: 'Event Notification Type',
    type: 'string',
    required: false,
    default: 'webhook',
    allowedValues: ['webhook'],
    description: 'How events reach your application; webhook is the only method: a POST to the callback URL.',
  },
  'event.notification.callback.url': {
    key: 'event.notification.callback.url',
    name: 'Event Notification Callback URL',
    type: 'url',
    required: false,
    default: null,
    validate: isHttpUrl,
    description: 'The http(s) URL that receives this instance’s events.',
  },
  'event.notification.signature.key': {
    key: 'event.notification.signature.key',
    name: 'Callback Notification Signature Key',
    type: 'string',
    required: false,
    default: null,
    secret: true,
    description: 'Optional key used to sign event deliveries (HMAC-SHA256 in Elements-Webhook-Signature).',
  },
  'event.poller.refresh_interval': {
    key: 'event.poller.refresh_interval',
    name: 'Event Poller Refresh Interval (mins)',
    type: 'integer',
    required: false,
    default: '15',
    minimum: 1,
    description: 'Minutes between two polls of the vendor.',
  },
  'event.poller.configuration': {
    key: 'event.poller.configuration',
    name: 'Configure Polling',
    type: 'json',
    required: false,
    default: null,
    description: 'JSON keyed by resource: the URL to poll (with date macros), the id field and date settings.',
  },
  'filter.response.nulls': {
    key: 'filter.response.nulls',
    name: 'Filter null values from the response',
    type: 'boolean',
    required: false,
    default: 'true',
    description: 'When true, null fields are removed from hub responses.',
  },
  'request.parameters.strict': {
    key: 'request.parameters.strict',
    name: 'Refuse unknown parameters',
    type: 'boolean',
    required: false,
    default: 'false',
    description:
      'When true, a hub call with a query or body parameter its resource does not take is refused (400 naming it). ' +
      'When false (the old platform’s behaviour) such a parameter is passed on to a vendor that ignores unknown ones (Twilio) or dropped, ' +
      'and named in the Elements-Warning response header.',
  },
  'pagination.type': {
    key: 'pagination.type',
    name: 'Pagination Type',
    type: 'string',
    required: false,
    default: 'page',
    allowedValues: ['page', 'offset', 'cursor'],
    description: 'How the vendor pages its lists.',
  },
  'pagination.max': {
    key: 'pagination.max',
    name: 'Max Page Size',
    type: 'integer',
    required: false,
    default: '100',
    minimum: 1,
    description: 'The largest page size the vendor accepts.',
  },
  'pagination.page.startindex': {
    key: 'pagination.page.startindex',
    name: 'Pagination Page Start Index',
    type: 'integer',
    required: false,
    default: '0',
    allowedValues: ['0', '1'],
    description: 'The number of the first page: 0 or 1.',
  },
};
