import { hubMetrics } from '@hub/metrics';
import { ElementCatalog, HUB_CALLS, STORE, type HubCalls } from '@hub/runtime';
import type { ClaimedPoll, Store } from '@hub/store';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DeliveryWorker } from './delivery-worker';
import { EVENTS_OPTIONS, type EventsOptions } from './events.options';
import { InstanceLookup } from './instance-lookup';
import { notificationBuilder, notificationContext, pendingFromPoll, pollResources } from './poll-runner';
import { ClaimLoop, ClaimingWorker } from '@hub/runtime';

/**
 * Polls the instances whose events come by polling, when they are due. Any number of processes may
 * run it against one PostgreSQL: each due instance is claimed by one of them (SKIP LOCKED), leased,
 * and its events and new checkpoint are committed together only while the lease is held.
 */
@Injectable()
export class PollScheduler extends ClaimingWorker<ClaimedPoll> {
  private readonly logger = new Logger('PollScheduler');
  protected readonly loop: ClaimLoop<ClaimedPoll>;

  constructor(
    @Inject(STORE) private readonly store: Store,
    @Inject(EVENTS_OPTIONS) private readonly options: EventsOptions,
    private readonly instances: InstanceLookup,
    @Inject(HUB_CALLS) private readonly hub: HubCalls,
    private readonly catalog: ElementCatalog,
    private readonly delivery: DeliveryWorker,
  ) {
    super();
    this.loop = new ClaimLoop({
      name: 'poll',
      concurrency: options.pollConcurrency,
      idleMs: options.idleMs,
      claim: (count) => this.store.events.claimPolls(options.owner, count, options.leaseMs),
      work: (poll) => this.poll(poll),
      release: () => this.store.events.releasePolls(options.owner),
      logger: this.logger,
    });
  }

  private async poll(poll: ClaimedPoll): Promise<void> {
    const { owner, leaseMs } = this.options;
    const started = Date.now();
    hubMetrics.pollLag.observe(Math.max(0, poll.claimedAt.getTime() - poll.dueAt.getTime()) / 1000);
    const took = (outcome: 'success' | 'failure' | 'lease_lost') => hubMetrics.pollDuration.observe({ outcome }, (Date.now() - started) / 1000);
    try {
      const instance = await this.instances.find(poll.tenant, poll.instanceId, poll.instanceUpdatedDate);
      if (!instance) return; // deleted meanwhile: its poll state went with it
      const element = this.catalog.byId(instance.elementId);
      const resources = this.catalog.settingsOf(instance).events.pollerResources;
      let renewedAt = Date.now();
      const renewLease = async () => {
        if (Date.now() - renewedAt < leaseMs / 3) return;
        if (!(await this.store.events.extendPollLease(owner, poll.instanceId, leaseMs))) throw new LeaseLostError();
        renewedAt = Date.now();
      };
      const outcome = await pollResources(this.hub, { tenant: poll.tenant, instance }, element, resources, poll.checkpoint, renewLease);
      const { committed, events } = await this.store.events.completePoll(owner, poll, {
        keys: outcome.changes.map((c) => c.key),
        build: notificationBuilder(notificationContext(instance, element), 'polling', pendingFromPoll(outcome.changes)),
        checkpoint: poll.claimedAt,
        nextRunAt: new Date(poll.claimedAt.getTime() + poll.intervalMs),
      });
      if (!committed) throw new LeaseLostError();
      took('success');
      hubMetrics.pollEventsFound.inc(events);
      if (outcome.withoutId > 0) {
        this.logger.warn(
          `poll of instance ${poll.instanceId}: ${outcome.withoutId} record(s) have no value at their idField and cannot be events: check event.poller.configuration (a transformed object's records use its common field names)`,
        );
      }
      this.logger.log(
        `polled instance ${poll.instanceId}: ${outcome.records} record(s) on ${outcome.pages} page(s), ${events} new event(s) in ${Date.now() - started} ms`,
      );
      if (events > 0) this.delivery.wake();
    } catch (error) {
      if (error instanceof LeaseLostError) {
        took('lease_lost');
        this.logger.warn(`poll of instance ${poll.instanceId}: the lease was lost to another poller; its results were dropped`);
        return;
      }
      took('failure');
      hubMetrics.pollFailures.inc();
      const message = (error as Error).message ?? String(error);
      this.logger.warn(`poll of instance ${poll.instanceId} failed: ${message}`);
      // The checkpoint stays: the next poll (within a minute, or the interval if shorter) asks for the same window again.
      await this.store.events.failPoll(owner, poll, message, new Date(Date.now() + Math.min(poll.intervalMs, 60_000))).catch((e: Error) =>
        this.logger.error(`recording the failed poll of instance ${poll.instanceId}: ${e.message}`),
      );
    }
  }
}

class LeaseLostError extends Error {
  constructor() {
    super('the poll lease was lost');
  }
}
