import type { ElementConnection, ElementDefinition } from '@hub/element-sdk';
import { eventsWebhookUrl, type InstanceSettings, STRICT_PARAMETERS_KEY } from '@hub/instance-config';
import type { InstanceRecord, Tenant } from '@hub/store';

/**
 * What the call path needs of an instance, compiled once per stored version of it (its updatedDate)
 * instead of on every call: the element, the typed settings (configuration parsed, with nulls filtering,
 * paging and strict mode), the secret values to redact from traces, the events webhook URL, whether
 * answers are cached, and the vendor connection. Dropped when the change feed names the instance
 * (or says anything may have changed), and replaced when a newer record of it arrives.
 */
export interface InstancePlan {
  readonly instance: InstanceRecord;
  readonly version: number;
  readonly element: ElementDefinition;
  readonly settings: InstanceSettings;
  /** The instance's secret configuration values, to redact from anything recorded. */
  readonly secrets: readonly string[];
  /** Why unknown parameters are refused on this instance (request.parameters.strict), if they are. */
  readonly strictRefusal?: string;
  /** cachingEnabled: GET answers are kept in the response cache. */
  readonly caches: boolean;
  /** The URL the vendor posts events to, for elements whose events come by webhook. */
  readonly eventsWebhookUrl?: string;
  /** The instance's vendor connection, built on first use (its trace hook records for `tenant`) and kept with the plan. */
  connection(tenant: Tenant): ElementConnection;
}

export interface PlanInputs {
  elementOf(instance: InstanceRecord): ElementDefinition;
  settingsOf(instance: InstanceRecord): InstanceSettings;
  connect(plan: Omit<InstancePlan, 'connection'>, tenant: Tenant): ElementConnection;
  readonly publicUrl: string;
}

export function compileInstancePlan(instance: InstanceRecord, inputs: PlanInputs): InstancePlan {
  const element = inputs.elementOf(instance);
  const settings = inputs.settingsOf(instance);
  const base = {
    instance,
    version: instance.updatedDate.getTime(),
    element,
    settings,
    secrets: instance.configuration.filter((c) => c.secret && c.value).map((c) => String(c.value)),
    strictRefusal: settings.request.strictParameters ? `strict mode: ${STRICT_PARAMETERS_KEY} is true on this instance` : undefined,
    caches: instance.cachingEnabled,
    eventsWebhookUrl:
      element.webhook && settings.events.vendorType === 'webhook' ? eventsWebhookUrl(inputs.publicUrl, element.metadata.key, instance.id) : undefined,
  };
  let connection: ElementConnection | undefined;
  return { ...base, connection: (tenant) => (connection ??= inputs.connect(base, tenant)) };
}

/** The compiled plans of this process's instances, by instance id; at most `max` of them (least recently used go first). */
export class InstancePlans {
  private readonly plans = new Map<number, InstancePlan>();

  constructor(
    private readonly inputs: PlanInputs,
    private readonly max = 10_000,
  ) {}

  of(instance: InstanceRecord): InstancePlan {
    const plan = this.plans.get(instance.id);
    if (plan && plan.version === instance.updatedDate.getTime()) return plan;
    const compiled = compileInstancePlan(instance, this.inputs);
    this.plans.delete(instance.id);
    if (this.plans.size >= this.max) this.plans.delete(this.plans.keys().next().value as number);
    this.plans.set(instance.id, compiled);
    return compiled;
  }

  /** The change feed: one instance changed (`undefined`: anything may have). */
  drop(instanceId: number | undefined): void {
    if (instanceId === undefined) this.plans.clear();
    else this.plans.delete(instanceId);
  }

  get size(): number {
    return this.plans.size;
  }
}
