/**
 * Configuration descriptors: the typed schema of an element's per-instance settings.
 * The instance-config library validates, defaults and masks configuration from them;
 * the catalog API publishes them (GET /elements/{keyOrId}/configuration).
 */
export type ConfigurationType = 'string' | 'boolean' | 'integer' | 'url' | 'json';

export interface ConfigurationDescriptor {
  /** The key clients send, e.g. `username` or `messaging.sms.twilio.token`. */
  readonly key: string;
  /** A human name, e.g. "Account SID". */
  readonly name: string;
  readonly type: ConfigurationType;
  readonly required: boolean;
  /** Default value as the API returns it: a string, or null for "no value". */
  readonly default?: string | null;
  /** Secret values are encrypted at rest and returned as "********". */
  readonly secret?: boolean;
  /** When present, the value must be one of these (compared case-sensitively after normalizing). */
  readonly allowedValues?: readonly string[];
  /** Extra spellings accepted on input and normalized to the allowed value, e.g. webhooks → webhook. */
  readonly aliases?: Readonly<Record<string, string>>;
  /** Smallest allowed value of an integer entry. */
  readonly minimum?: number;
  /** Extra check of a value that passed its type check; returns a message, or null when valid. */
  readonly validate?: (value: string) => string | null;
  readonly description: string;
}

/** An instance's configuration after defaults are merged and secrets decrypted: every value a string or null. */
export type ResolvedConfiguration = Readonly<Record<string, string | null>>;

/** Configuration keys every element may support; their behaviour is the hub's, not the adapter's. */
export const COMMON_CONFIGURATION_KEYS = [
  'event.notification.enabled',
  'event.vendor.type',
  'event.notification.type',
  'event.notification.callback.url',
  'event.notification.signature.key',
  'event.poller.refresh_interval',
  'event.poller.configuration',
  'filter.response.nulls',
  'pagination.type',
  'pagination.max',
  'pagination.page.startindex',
  'request.parameters.strict',
] as const;

export type CommonConfigurationKey = (typeof COMMON_CONFIGURATION_KEYS)[number];

/** An element's defaults for the common keys it supports (a key left out is not supported). */
export type CommonConfigurationDefaults = Readonly<Partial<Record<CommonConfigurationKey, string | null>>>;
