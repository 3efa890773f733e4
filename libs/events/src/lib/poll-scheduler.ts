import { hubMetrics } from '@hub/metrics';
import { ElementCatalog, HUB_CALLS, STORE, type HubCalls } from '@hub/runtime';
import type { ElementDefinition } from '@hub/element-sdk';
import { type ClaimedPoll, EventKeyConflict, type InstanceRecord, type PollCommit, type Store } from '@hub/store';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DeliveryWorker } from './delivery-worker';
import { EVENTS_OPTIONS, type EventsOptions } from './events.options';
import { InstanceLookup } from './instance-lookup';
import { GroupCommit } from './group-commit';
import { notificationBuilder, notificationContext, pendingFromPoll, type PolledChange, pollResources } from './poll-runner';
import { ClaimLoop, ClaimingWorker } from '@hub/runtime';

/** A poll that ran: what it found, to commit with the others that finished meanwhile. */
interface FinishedPoll {
  readonly poll: ClaimedPoll;
  readonly instance: InstanceRecord;
  readonly element: ElementDefinition;
  readonly changes: readonly PolledChange[];
}

/** How often a batch is read and built again when a concurrent webhook stored one of its keys first. */
const CONFLICT_RETRIES = 3;

/**
 * Polls the instances whose events come by polling, when they are due. Any number of processes may
 * run it against one PostgreSQL: each due instance is claimed by one of them (SKIP LOCKED), leased,
 * and its events and new checkpoint are committed together only while the lease is held.
 *
 * Round trips are what a poll costs the database (and this process: each is a socket write), so
 * they are batched: a claim takes at least a quarter of the free slots at once, and polls that
 * finish while a commit is in flight are committed together (GroupCommit): one read of the unseen
 * keys for all of them, then one transaction with one statement each for the checkpoints, the keys
 * and the notifications.
 */
@Injectable()
export class PollScheduler extends ClaimingWorker<ClaimedPoll> {
  private readonly logger = new Logger('PollScheduler');
  protected readonly loop: ClaimLoop<ClaimedPoll>;
  private readonly commits: GroupCommit<FinishedPoll, { committed: boolean; events: number }>;

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
      // A few free slots wait for more (an item finishing wakes the loop): claims come in batches.
      claim: (count) =>
        count < Math.ceil(options.pollConcurrency / 4) ? Promise.resolve([]) : this.store.pollStates.claimPolls(options.owner, count, options.leaseMs),
      work: (poll) => this.poll(poll),
      release: () => this.store.pollStates.releasePolls(options.owner),
      logger: this.logger,
    });
    this.commits = new GroupCommit((polls) => this.commit(polls));
  }

  /**
   * Commits finished polls together: their unseen keys read in one statement, their notifications
   * built here (the store takes data), then one transaction. A key stored meanwhile by a webhook
   * (EventKeyConflict, nothing committed) makes the batch read and build again.
   */
  private async commit(polls: FinishedPoll[]): Promise<{ committed: boolean; events: number }[]> {
    for (let attempt = 1; ; attempt++) {
      const withChanges = polls.filter((p) => p.changes.length > 0);
      const unseen = await this.store.eventKeys.unseen(withChanges.map((p) => ({ instanceId: p.poll.instanceId, keys: p.changes.map((c) => c.key) })));
      const found = new Map(withChanges.map((p, i) => [p, unseen[i]]));
      const commits: PollCommit[] = polls.map((p) => {
        const keys = found.get(p);
        const notifications =
          keys && keys.fresh.length > 0
            ? notificationBuilder(notificationContext(p.instance, p.element), 'polling', pendingFromPoll(p.changes))(keys.fresh, keys.knownObjects)
            : [];
        return {
          poll: p.poll,
          events: { keys: notifications.length > 0 && keys ? keys.fresh : [], notifications },
          checkpoint: p.poll.claimedAt,
          nextRunAt: new Date(p.poll.claimedAt.getTime() + p.poll.intervalMs),
        };
      });
      try {
        const kept = await this.store.pollStates.commitPolls(this.options.owner, commits);
        return commits.map((c) => ({
          committed: kept.has(c.poll.instanceId),
          events: kept.has(c.poll.instanceId) ? c.events.notifications.reduce((n, x) => n + x.eventCount, 0) : 0,
        }));
      } catch (error) {
        if (!(error instanceof EventKeyConflict) || attempt >= CONFLICT_RETRIES) throw error;
      }
    }
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
        if (!(await this.store.pollStates.extendPollLease(owner, poll.instanceId, leaseMs))) throw new LeaseLostError();
        renewedAt = Date.now();
      };
      const outcome = await pollResources(this.hub, { tenant: poll.tenant, instance }, element, resources, poll.checkpoint, renewLease);
      const { committed, events } = await this.commits.add({ poll, instance, element, changes: outcome.changes });
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
      await this.store.pollStates.failPoll(owner, poll, message, new Date(Date.now() + Math.min(poll.intervalMs, 60_000))).catch((e: Error) =>
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
