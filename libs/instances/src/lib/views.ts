import type { ConfigurationDescriptor, ElementDefinition } from '@hub/element-sdk';
import { maskConfiguration, resolvedConfigurationOf } from '@hub/instance-config';
import type { InstanceRecord } from '@hub/store';

/** JSON shapes of the platform API, as the old platform wrote them. */

export function elementSummaryView(element: ElementDefinition, active: boolean) {
  const m = element.metadata;
  return {
    id: m.id,
    name: m.name,
    key: m.key,
    hub: m.hub,
    description: m.description,
    image: m.image,
    active,
    deleted: false,
    typeOauth: m.typeOauth,
    trialAccount: m.trialAccount,
    ...(m.configDescription ? { configDescription: m.configDescription } : {}),
    resources: [] as unknown[],
  };
}

export function descriptorView(d: ConfigurationDescriptor) {
  return {
    key: d.key,
    name: d.name,
    type: d.type,
    required: d.required,
    default: d.default ?? null,
    secret: d.secret ?? false,
    description: d.description,
    ...(d.allowedValues ? { allowedValues: [...d.allowedValues] } : {}),
  };
}

export function elementView(element: ElementDefinition, active: boolean, descriptors: readonly ConfigurationDescriptor[]) {
  return {
    ...elementSummaryView(element, active),
    authentication: { type: element.metadata.authenticationType },
    configuration: descriptors.map(descriptorView),
    events: element.metadata.events,
  };
}

export function elementMetadataView(element: ElementDefinition) {
  const m = element.metadata;
  return {
    id: m.id,
    key: m.key,
    name: m.name,
    hub: m.hub,
    authentication: { type: m.authenticationType },
    events: { supported: m.events.supported, methods: [...m.events.methods] },
  };
}

export function instanceView(
  record: InstanceRecord,
  element: ElementDefinition,
  active: boolean,
  descriptors: readonly ConfigurationDescriptor[],
) {
  return {
    id: record.id,
    name: record.name,
    createdDate: record.createdDate.toISOString(),
    updatedDate: record.updatedDate.toISOString(),
    token: record.token,
    element: elementSummaryView(element, active),
    tags: [...record.tags],
    provisionInteractions: [] as unknown[],
    valid: record.valid,
    disabled: record.disabled,
    maxCacheSize: record.maxCacheSize,
    cacheTimeToLive: record.cacheTimeToLive,
    cachingEnabled: record.cachingEnabled,
    configuration: maskConfiguration(descriptors, resolvedConfigurationOf(record, descriptors)),
    eventsEnabled: record.eventsEnabled,
    traceLoggingEnabled: record.traceLoggingEnabled,
    externalAuthentication: record.externalAuthentication,
    ...(record.providerData !== null && record.providerData !== undefined ? { providerData: record.providerData } : {}),
    user: { id: record.user.id, emailAddress: record.user.emailAddress },
  };
}

/** GET /instances/{id}/configuration: one entry per descriptor, secrets masked. */
export function configurationEntriesView(record: InstanceRecord, descriptors: readonly ConfigurationDescriptor[]) {
  const masked = maskConfiguration(descriptors, resolvedConfigurationOf(record, descriptors));
  const ids = new Map(record.configuration.map((c) => [c.key, c.id]));
  return descriptors.map((d) => ({
    id: ids.get(d.key) ?? null,
    key: d.key,
    name: d.name,
    propertyValue: masked[d.key] ?? null,
  }));
}
