import {
  BadRequestError,
  ConflictError,
  type ElementDefinition,
  NotFoundError,
} from '@hub/element-sdk';
import { CALLBACK_URL_FIELD, CallbackUrlRefusedError, checkCallbackUrl } from '@hub/delivery';
import { eventsWebhookUrl, type InstanceSettings, resolveConfiguration, resolvedConfigurationOf, secretKeysOf, settingsFromValues, validateConfiguration } from '@hub/instance-config';
import type { Store, InstanceAttributes, InstanceRecord, PollingPlan, Tenant } from '@hub/store';
import { Inject, Injectable } from '@nestjs/common';
import { ElementCatalog, STORE, InstanceChanges, PLATFORM_OPTIONS, type PlatformOptions } from '@hub/runtime';
import type { ConfigurationEntryPatchDto, InstanceInputDto } from './instance.dto';
import { configurationEntriesView, instanceView } from './views';

export type InstanceView = ReturnType<typeof instanceView> & { eventsWebhookUrl?: string };

/**
 * Provisioning and management of element instances. A change is validated against the
 * element's descriptors and, when it touches the element's own settings (credentials, base
 * URL), checked with the vendor before anything is stored.
 */
@Injectable()
export class InstancesService {
  constructor(
    @Inject(STORE) private readonly store: Store,
    @Inject(PLATFORM_OPTIONS) private readonly options: PlatformOptions,
    private readonly catalog: ElementCatalog,
    private readonly changes: InstanceChanges,
  ) {}

  async provision(tenant: Tenant, input: InstanceInputDto, pathElement?: string): Promise<InstanceView> {
    const element = this.elementOf(input, pathElement);
    if (!(await this.catalog.isActive(element))) {
      throw new ConflictError(`Element '${element.metadata.key}' is not active: it cannot be provisioned`);
    }
    if (!input.name) throw new BadRequestError('name is required: give the instance a name');
    const values = validateConfiguration(element, input.configuration, { mode: 'full' });
    const descriptors = this.catalog.descriptors(element);
    const resolved = resolveConfiguration(descriptors, values);
    const settings = settingsFromValues(resolved);
    await this.checkCallbackUrl(settings.events.callbackUrl);
    await element.connect(resolved, { timeoutMs: this.options.vendorTimeoutMs, vendorNetwork: this.catalog.vendorNetworkOf(element) }).verifyCredentials();
    const record = await this.store.instances.create(tenant, {
      ...attributesOf(input),
      name: input.name,
      elementId: element.metadata.id,
      configuration: resolved,
      secretKeys: secretKeysOf(element),
      eventsEnabled: settings.events.notificationsEnabled,
      valid: true,
      polling: pollingPlanOf(settings),
    });
    return this.view(record, element);
  }

  async list(
    tenant: Tenant,
    query: { tags?: string[]; searchText?: string; page: number; pageSize: number },
  ): Promise<{ items: InstanceView[]; total: number }> {
    const { items, total } = await this.store.instances.list(tenant, {
      tags: query.tags,
      searchText: query.searchText,
      skip: (query.page - 1) * query.pageSize,
      take: query.pageSize,
    });
    const active = await this.catalog.activeStates();
    return {
      items: items.map((r) => {
        const element = this.catalog.byId(r.elementId);
        return this.withWebhookUrl(instanceView(r, element, active.get(r.elementId) ?? true, this.catalog.descriptors(element)), r, element);
      }),
      total,
    };
  }

  async get(tenant: Tenant, id: number): Promise<InstanceView> {
    const record = await this.record(tenant, id);
    return this.view(record, this.catalog.byId(record.elementId));
  }

  /**
   * PUT replaces (`full`: name required, tags replaced, configuration merged over the current
   * one and checked as a whole); PATCH changes only what it names.
   */
  async update(tenant: Tenant, id: number, input: InstanceInputDto, mode: 'full' | 'partial'): Promise<InstanceView> {
    const current = await this.record(tenant, id);
    const element = this.catalog.byId(current.elementId);
    const reference = input.element?.key ?? input.element?.id;
    if (reference !== undefined && this.catalog.find(reference).metadata.id !== element.metadata.id) {
      throw new BadRequestError(`element cannot change: instance ${id} is a '${element.metadata.key}' instance`);
    }
    if (mode === 'full' && !input.name) throw new BadRequestError('name is required: PUT replaces the instance');
    const changes = await this.configurationChanges(current, element, input.configuration ?? {});
    const record = await this.store.instances.update(tenant, id, {
      ...attributesOf(input),
      ...(mode === 'full' && input.tags === undefined ? { tags: [] } : {}),
      ...changes,
    });
    if (!record) throw instanceNotFound(id);
    this.changes.changed(id);
    return this.view(record, element);
  }

  async delete(tenant: Tenant, id: number): Promise<void> {
    if (!(await this.store.instances.delete(tenant, id))) throw instanceNotFound(id);
    this.changes.changed(id);
  }

  async setEnabled(tenant: Tenant, id: number, enabled: boolean): Promise<InstanceView> {
    const record = await this.store.instances.update(tenant, id, { disabled: !enabled });
    if (!record) throw instanceNotFound(id);
    this.changes.changed(id);
    return this.view(record, this.catalog.byId(record.elementId));
  }

  async configuration(tenant: Tenant, id: number) {
    const record = await this.record(tenant, id);
    const element = this.catalog.byId(record.elementId);
    return configurationEntriesView(record, this.catalog.descriptors(element));
  }

  /** PATCH /instances/{id}/configuration/{configId}: configId is the entry's id, or its key. */
  async patchConfigurationEntry(tenant: Tenant, id: number, configId: string, input: ConfigurationEntryPatchDto) {
    const current = await this.record(tenant, id);
    const element = this.catalog.byId(current.elementId);
    const entry = /^\d+$/.test(configId)
      ? current.configuration.find((c) => c.id === Number(configId))
      : { key: configId };
    const descriptor = entry && this.catalog.descriptors(element).find((d) => d.key === entry.key);
    if (!entry || !descriptor) throw new NotFoundError(`Instance ${id} has no configuration entry '${configId}'`);
    if (input.key !== undefined && input.key !== descriptor.key) {
      throw new BadRequestError(`key '${input.key}' does not match configuration entry ${configId} ('${descriptor.key}')`);
    }
    const changes = await this.configurationChanges(current, element, { [descriptor.key]: input.propertyValue });
    const record = await this.store.instances.update(tenant, id, changes);
    if (!record) throw instanceNotFound(id);
    this.changes.changed(id);
    return configurationEntriesView(record, this.catalog.descriptors(element)).find((e) => e.key === descriptor.key);
  }

  /** Validates configuration input against what is stored and re-checks credentials when they change. */
  private async configurationChanges(current: InstanceRecord, element: ElementDefinition, input: Record<string, unknown>) {
    if (Object.keys(input).length === 0) return {};
    const descriptors = this.catalog.descriptors(element);
    const currentValues = resolvedConfigurationOf(current, descriptors);
    const values = validateConfiguration(element, input, { mode: 'partial', current: currentValues });
    const settings = settingsFromValues(resolveConfiguration(descriptors, { ...currentValues, ...values }));
    if (settings.events.callbackUrl !== settingsFromValues(currentValues).events.callbackUrl) await this.checkCallbackUrl(settings.events.callbackUrl);
    const ownKeys = new Set(element.configuration.map((d) => d.key));
    const touchesConnection = Object.keys(values).some((k) => ownKeys.has(k) && values[k] !== currentValues[k]);
    if (touchesConnection) {
      await element.connect(settings.values, { timeoutMs: this.options.vendorTimeoutMs, vendorNetwork: this.catalog.vendorNetworkOf(element) }).verifyCredentials();
    }
    return {
      configuration: values,
      secretKeys: secretKeysOf(element),
      eventsEnabled: settings.events.notificationsEnabled,
      polling: pollingPlanOf(settings),
    };
  }

  /**
   * A callback URL is customer input: one that resolves to a loopback, private or link-local address
   * is refused now (400 naming the key), unless the operator allows them. A name that does not resolve
   * right now is accepted (DNS may be down, or the receiver not yet published): every delivery checks
   * the URL again, after resolving it.
   */
  private async checkCallbackUrl(url: string | null | undefined): Promise<void> {
    if (!url) return;
    try {
      await checkCallbackUrl(url, { allowPrivate: this.options.allowPrivateCallbackUrls, field: CALLBACK_URL_FIELD });
    } catch (error) {
      if (error instanceof CallbackUrlRefusedError && error.reason === 'unresolvable') return;
      throw error;
    }
  }

  private elementOf(input: InstanceInputDto, pathElement?: string): ElementDefinition {
    const reference = input.element?.key ?? input.element?.id;
    if (pathElement === undefined && reference === undefined) {
      throw new BadRequestError('element is required: send {"element": {"key": "twiliov2"}} (or its id)');
    }
    const element = this.catalog.find(pathElement ?? reference ?? '');
    if (pathElement !== undefined && reference !== undefined && this.catalog.find(reference) !== element) {
      throw new BadRequestError(`element '${reference}' in the body does not match '${pathElement}' in the path`);
    }
    return element;
  }

  private async record(tenant: Tenant, id: number): Promise<InstanceRecord> {
    const record = await this.store.instances.findById(tenant, id);
    if (!record) throw instanceNotFound(id);
    return record;
  }

  private async view(record: InstanceRecord, element: ElementDefinition): Promise<InstanceView> {
    return this.withWebhookUrl(instanceView(record, element, await this.catalog.isActive(element), this.catalog.descriptors(element)), record, element);
  }

  /** Where the vendor posts this instance's webhooks, for elements that receive them. */
  private withWebhookUrl(view: ReturnType<typeof instanceView>, record: InstanceRecord, element: ElementDefinition): InstanceView {
    return element.webhook ? { ...view, eventsWebhookUrl: eventsWebhookUrl(this.options.publicUrl, element.metadata.key, record.id) } : view;
  }
}

/** How an instance with these settings is polled (null: it is not). */
function pollingPlanOf(settings: InstanceSettings): PollingPlan | null {
  return settings.events.pollIntervalMs === null ? null : { intervalMs: settings.events.pollIntervalMs };
}

function instanceNotFound(id: number): NotFoundError {
  return new NotFoundError(`No instance with id ${id}`);
}

function attributesOf(input: InstanceInputDto): InstanceAttributes {
  return {
    name: input.name,
    tags: input.tags,
    providerData: input.providerData,
    externalAuthentication: input.externalAuthentication,
    cachingEnabled: input.cachingEnabled,
    maxCacheSize: input.maxCacheSize,
    cacheTimeToLive: input.cacheTimeToLive,
    traceLoggingEnabled: input.traceLoggingEnabled,
  };
}
