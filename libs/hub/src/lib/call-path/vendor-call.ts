import type { ResourceResult } from '@hub/element-sdk';
import type { Tenant } from '@hub/store';
import type { InstancePlan } from './instance-plan';
import type { CheckedParameters } from './parameters';
import type { PlannedQuery } from './query-plan';
import type { CallTarget } from './resolve';

/**
 * Stage 5: the operation on the instance's vendor connection (kept with the instance's plan, so its
 * keep-alive pool is reused), with the checked parameters, the page and the parsed `where`.
 */
export function callVendor(tenant: Tenant, plan: InstancePlan, target: CallTarget, checked: CheckedParameters, planned: PlannedQuery, cursor: string | undefined): Promise<ResourceResult> {
  const { paging, ceql } = planned;
  return plan.connection(tenant).invoke({
    resourcePath: target.resourcePath,
    operation: target.operation,
    request: {
      id: target.id,
      subId: target.subId,
      query: checked.query as Record<string, string>,
      body: checked.body,
      page: { pageSize: paging.pageSize, pageIndex: paging.pageIndex, cursor },
      ...(ceql.tree ? { where: ceql.tree } : {}),
      configuration: plan.settings.values,
      ...(plan.eventsWebhookUrl ? { eventsWebhookUrl: plan.eventsWebhookUrl } : {}),
    },
  });
}
