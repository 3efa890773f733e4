import type { ConfigurationDescriptor } from '@hub/element-sdk';
import { resolveConfiguration, STRICT_PARAMETERS_KEY } from './instance-configuration';
import type { PollerResourceConfiguration } from './poller-configuration';

/**
 * An instance's settings, parsed once from its configuration into what each part of the hub reads:
 * the hub call path (paging, nulls, parameter strictness), polling and deliveries. No part outside this
 * library and the element folders reads a configuration key by its string; they read these fields.
 */
export interface InstanceSettings {
  /** Every configuration value as the instance runs with it: stored values over element defaults (adapters read their own keys). */
  readonly values: Readonly<Record<string, string | null>>;
  readonly request: {
    /** filter.response.nulls: drop null fields from answers (default true). */
    readonly omitNulls: boolean;
    /** request.parameters.strict: unknown query parameters are a 400 on this instance. */
    readonly strictParameters: boolean;
  };
  readonly pagination: {
    /** pagination.max: the largest pageSize this instance allows. */
    readonly max: number;
    /** pagination.page.startindex: the number of the first page (0 or 1). */
    readonly startIndex: number;
  };
  readonly events: EventSettings;
}

export interface EventSettings {
  /** How vendor changes are learned: null when events are off (event.notification.enabled, event.vendor.type). */
  readonly vendorType: 'polling' | 'webhook' | null;
  /** event.notification.enabled: notifications go to the callback URL. */
  readonly notificationsEnabled: boolean;
  /** event.notification.callback.url */
  readonly callbackUrl: string | null;
  /** event.notification.signature.key: the HMAC key of delivery signatures. */
  readonly signatureKey: string | null;
  /** Polling every event.poller.refresh_interval minutes; null when the instance is not polled. */
  readonly pollIntervalMs: number | null;
  /** event.poller.configuration, parsed: per resource, what is polled and how. */
  readonly pollerResources: Readonly<Record<string, PollerResourceConfiguration>>;
}

/** The default page size when a client names none, capped by the element's pagination.max. */
export const DEFAULT_PAGE_SIZE = 200;

/** The smallest shape an instance's stored configuration has (the store's InstanceRecord is one). */
export interface StoredConfiguration {
  readonly configuration: readonly { readonly key: string; readonly value: string | null }[];
}

/** The configuration an instance runs with: stored values over element defaults. */
export function resolvedConfigurationOf(record: StoredConfiguration, descriptors: readonly ConfigurationDescriptor[]): Record<string, string | null> {
  return resolveConfiguration(descriptors, Object.fromEntries(record.configuration.map((c) => [c.key, c.value])));
}

/** Parses an instance's configuration into its settings. Pure; callers cache the result per instance version. */
export function instanceSettingsOf(record: StoredConfiguration, descriptors: readonly ConfigurationDescriptor[]): InstanceSettings {
  return settingsFromValues(resolvedConfigurationOf(record, descriptors));
}

/** The same, from configuration values already resolved (a create or update being checked). */
export function settingsFromValues(values: Readonly<Record<string, string | null>>): InstanceSettings {
  const max = Number(values['pagination.max'] ?? DEFAULT_PAGE_SIZE) || DEFAULT_PAGE_SIZE;
  const startIndex = Number(values['pagination.page.startindex'] ?? '0') || 0;
  return {
    values,
    request: {
      omitNulls: values['filter.response.nulls'] !== 'false',
      strictParameters: values[STRICT_PARAMETERS_KEY] === 'true',
    },
    pagination: { max, startIndex },
    events: eventSettingsOf(values),
  };
}

function eventSettingsOf(values: Readonly<Record<string, string | null>>): EventSettings {
  const vendorType = eventVendorTypeOf(values);
  const minutes = Number(values['event.poller.refresh_interval']);
  // Validation refuses an interval under a minute; never poll in a loop if one got through.
  const pollIntervalMs = vendorType === 'polling' && Number.isFinite(minutes) && minutes >= 1 ? Math.round(minutes * 60_000) : null;
  return {
    vendorType,
    notificationsEnabled: values['event.notification.enabled'] === 'true',
    callbackUrl: values['event.notification.callback.url'] || null,
    signatureKey: values['event.notification.signature.key'] || null,
    pollIntervalMs,
    pollerResources: pollIntervalMs === null ? {} : parsePollerConfiguration(values['event.poller.configuration']),
  };
}

/** How an instance learns about vendor changes, from its configuration (`webhooks` is the old platform's spelling). */
function eventVendorTypeOf(values: Readonly<Record<string, string | null>>): 'polling' | 'webhook' | null {
  if (values['event.notification.enabled'] !== 'true') return null;
  const type = (values['event.vendor.type'] ?? '').toLowerCase();
  return type === 'polling' ? 'polling' : type === 'webhook' || type === 'webhooks' ? 'webhook' : null;
}

/** event.poller.configuration as stored: a JSON object, or (the old platform's clients send it so) a JSON string of one. */
export function parsePollerConfiguration(text: string | null | undefined): Record<string, PollerResourceConfiguration> {
  if (!text) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
    if (typeof value === 'string') value = JSON.parse(value);
  } catch {
    return {}; // validation refuses malformed JSON on write; a stored one from before polls nothing
  }
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, PollerResourceConfiguration>) : {};
}

/** The URL a vendor posts an instance's webhooks to (shown on the instance, set as Twilio's StatusCallback). */
export function eventsWebhookUrl(publicUrl: string, elementKey: string, instanceId: number): string {
  return `${publicUrl.replace(/\/+$/, '')}/elements/api-v2/events/${encodeURIComponent(elementKey)}/${instanceId}`;
}
