import type { ConfigurationDescriptor } from '@hub/element-sdk';
import type { InstanceRecord, PollingPlan } from '@hub/store';
import { resolvedConfigurationOf } from './views';

/** How an instance learns about vendor changes, from its configuration (`webhooks` is the old platform's spelling). */
export function eventVendorTypeOf(configuration: Readonly<Record<string, string | null>>): 'polling' | 'webhook' | null {
  if (configuration['event.notification.enabled'] !== 'true') return null;
  const type = (configuration['event.vendor.type'] ?? '').toLowerCase();
  return type === 'polling' ? 'polling' : type === 'webhook' || type === 'webhooks' ? 'webhook' : null;
}

/** The polling plan of an instance as it now is: events on, by polling, every refresh_interval minutes. */
export function pollingPlanOf(instance: InstanceRecord, descriptors: readonly ConfigurationDescriptor[]): PollingPlan | null {
  const configuration = resolvedConfigurationOf(instance, descriptors);
  if (eventVendorTypeOf(configuration) !== 'polling') return null;
  const minutes = Number(configuration['event.poller.refresh_interval']);
  if (!Number.isFinite(minutes) || minutes < 1) return null; // validation refuses this; never poll in a loop
  return { intervalMs: Math.round(minutes * 60_000) };
}

/** The URL a vendor posts an instance's webhooks to (shown on the instance, set as Twilio's StatusCallback). */
export function eventsWebhookUrl(publicUrl: string, elementKey: string, instanceId: number): string {
  return `${publicUrl.replace(/\/+$/, '')}/elements/api-v2/events/${encodeURIComponent(elementKey)}/${instanceId}`;
}
