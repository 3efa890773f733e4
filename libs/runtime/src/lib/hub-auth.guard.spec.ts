import type { ExecutionContext } from '@nestjs/common';
import type { Store } from '@hub/store';
import { HubAuthGuard } from './hub-auth.guard';
import { ChangeFeed, InstanceChanges } from './instance-changes';
import type { RateLimiter } from './rate-limiter';

/** A store whose answers the test controls: the instance's `disabled` flag, and when a resolution finishes. */
function fakeStore() {
  const state = { disabled: false, resolutions: 0, hold: undefined as Promise<void> | undefined };
  const tenant = { organizationId: 1, userId: 1 };
  const store = {
    tenants: { authenticateUser: async () => tenant },
    instances: {
      resolveByToken: async () => {
        state.resolutions++;
        const disabled = state.disabled;
        await state.hold;
        return { tenant, instance: { id: 5, organizationId: 1, disabled }, organizationStrictParameters: false };
      },
    },
  } as unknown as Store;
  return { store, state };
}

const context = () =>
  ({
    switchToHttp: () => ({ getRequest: () => ({ headers: { authorization: 'User u, Element e' } }), getResponse: () => ({ headers: () => undefined }) }),
  }) as unknown as ExecutionContext;

describe('HubAuthGuard and the change feed', () => {
  const limiter = { take: async () => ({}) } as unknown as RateLimiter;

  it('drops the cached caller when the feed says the instance or its organization changed', async () => {
    const { store, state } = fakeStore();
    const feed = new ChangeFeed();
    const guard = new HubAuthGuard(store, new InstanceChanges(feed), limiter);
    await guard.canActivate(context());
    await guard.canActivate(context());
    expect(state.resolutions).toBe(1);
    state.disabled = true;
    feed.publish({ kind: 'instance', instanceId: 5 });
    await expect(guard.canActivate(context())).rejects.toThrow(/disabled/);
    state.disabled = false;
    feed.publish({ kind: 'organization', organizationId: 1 });
    await guard.canActivate(context());
    expect(state.resolutions).toBe(3);
    feed.publish({ kind: 'rateLimits', organizationId: 1 }); // not its business
    await guard.canActivate(context());
    expect(state.resolutions).toBe(3);
  });

  it('does not cache a resolution that began before a change and ended after it', async () => {
    const { store, state } = fakeStore();
    const feed = new ChangeFeed();
    const guard = new HubAuthGuard(store, new InstanceChanges(feed), limiter);
    let release = () => undefined as void;
    state.hold = new Promise<void>((resolve) => (release = resolve));
    const inFlight = guard.canActivate(context()); // reads disabled = false
    await Promise.resolve();
    state.disabled = true;
    feed.publish({ kind: 'instance', instanceId: 5 }); // the change commits while the read is in flight
    release();
    await inFlight;
    state.hold = undefined;
    await expect(guard.canActivate(context())).rejects.toThrow(/disabled/);
  });
});
