/** Test fixtures of the call-path specs: a small element, an instance of it, its settings. */
import type { ElementDefinition, ResourceDescriptor } from '@hub/element-sdk';
import type { InstanceSettings } from '@hub/instance-config';
import type { InstanceRecord } from '@hub/store';

export const messages: ResourceDescriptor = {
  name: 'messages',
  description: 'messages',
  idField: 'sid',
  kind: 'collection',
  operations: ['list', 'get', 'create', 'update', 'delete'],
  parameters: {
    list: [{ name: 'To', type: 'string', description: 'to' }],
    create: [
      { name: 'To', type: 'string', required: true, description: 'to' },
      { name: 'Body', type: 'string', description: 'body' },
    ],
    update: [{ name: 'Body', type: 'string', description: 'body' }],
  },
  fields: [],
  queryFields: [
    { name: 'To', recordPath: 'to', type: 'string', vendorParameters: { '=': 'To' } },
    { name: 'Status', recordPath: 'status', type: 'string' },
  ],
  orderBy: ['DateCreated desc'],
  subresources: [
    { name: 'media', description: 'media', idField: 'sid', kind: 'collection', operations: ['list', 'get'], parameters: {}, fields: [], queryFields: [], orderBy: [], subresources: [] },
  ],
};

export const ping: ResourceDescriptor = { ...messages, name: 'ping', kind: 'singleton', operations: ['get'], parameters: {}, queryFields: [], orderBy: [], subresources: [] };

export const element = {
  metadata: { id: 7, key: 'double', hub: 'messaging' },
  resources: [messages, ping],
  unknownParameters: 'forward',
  transformations: { common: {}, defaults: {} },
  connect: () => {
    throw new Error('not connected in this spec');
  },
} as unknown as ElementDefinition;

export function settings(overrides: { omitNulls?: boolean; strict?: boolean; max?: number; startIndex?: number } = {}): InstanceSettings {
  return {
    values: { 'filter.response.nulls': String(overrides.omitNulls ?? true) },
    request: { omitNulls: overrides.omitNulls ?? true, strictParameters: overrides.strict ?? false },
    pagination: { max: overrides.max ?? 500, startIndex: overrides.startIndex ?? 1 },
    events: { vendorType: null, notificationsEnabled: false, callbackUrl: null, signatureKey: null, pollIntervalMs: null, pollerResources: {} },
  };
}

export function instance(overrides: Partial<InstanceRecord> = {}): InstanceRecord {
  return {
    id: 3,
    organizationId: 1,
    userId: 1,
    elementId: 7,
    name: 'i',
    tags: [],
    token: 't',
    valid: true,
    disabled: false,
    eventsEnabled: false,
    cachingEnabled: false,
    maxCacheSize: 0,
    cacheTimeToLive: 0,
    traceLoggingEnabled: false,
    externalAuthentication: 'none',
    providerData: null,
    createdDate: new Date(0),
    updatedDate: new Date(1000),
    configuration: [
      { key: 'username', value: 'AC1', secret: false },
      { key: 'password', value: 'sekret-token', secret: true },
    ],
    user: { id: 1, emailAddress: 'a@b.c' },
    ...overrides,
  } as InstanceRecord;
}
