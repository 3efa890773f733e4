import type { ChangeListener, ChangeListenerOptions, Store } from '@hub/store';
import { ChangeFeedReplication } from './change-feed-replication';
import { ChangeFeed, type Change } from './instance-changes';
import type { PlatformOptions } from './tokens';

/** A store whose listener the test drives: what the database would NOTIFY, a reconnection, a dead connection. */
function fakeStore(alive = { value: true }) {
  let options: ChangeListenerOptions | undefined;
  const listener: ChangeListener & { closed: boolean } = {
    connected: true,
    closed: false,
    check: async () => alive.value,
    close: async () => {
      listener.closed = true;
    },
  };
  const store = { listenForChanges: (o: ChangeListenerOptions) => ((options = o), listener) } as unknown as Store;
  return { store, listener, driver: () => options as ChangeListenerOptions };
}

function replication(store: Store, refreshSeconds?: number) {
  const feed = new ChangeFeed();
  const seen: Change[] = [];
  feed.subscribe((c) => seen.push(c));
  const options = { changeFeedRefreshSeconds: refreshSeconds } as PlatformOptions;
  return { replication: new ChangeFeedReplication(store, options, feed), seen };
}

describe('ChangeFeedReplication', () => {
  afterEach(() => jest.useRealTimers());

  it('publishes what other processes committed, and everything on each (re)connection', async () => {
    const { store, driver, listener } = fakeStore();
    const { replication: r, seen } = replication(store, 0);
    r.onApplicationBootstrap();
    driver().onConnected();
    driver().onChange({ kind: 'instance', instanceId: 7 });
    driver().onConnected(); // after a lost connection: what happened meanwhile is unknown
    expect(seen).toEqual([{ kind: 'everything' }, { kind: 'instance', instanceId: 7 }, { kind: 'everything' }]);
    await r.onApplicationShutdown();
    expect(listener.closed).toBe(true);
  });

  it('publishes everything every changeFeedRefreshSeconds while the listening connection answers', async () => {
    jest.useFakeTimers();
    const alive = { value: true };
    const { store } = fakeStore(alive);
    const { replication: r, seen } = replication(store, 30);
    r.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(29_000);
    expect(seen).toEqual([]);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(seen).toEqual([{ kind: 'everything' }]);
    // A dead connection is replaced instead (its reconnection publishes everything, see above).
    alive.value = false;
    await jest.advanceTimersByTimeAsync(30_000);
    expect(seen).toEqual([{ kind: 'everything' }]);
    await r.onApplicationShutdown();
  });

  it('does nothing on the embedded store (no listener: one process, in-process publishes are all)', async () => {
    jest.useFakeTimers();
    const { replication: r, seen } = replication({ listenForChanges: () => undefined } as unknown as Store, 1);
    r.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(5_000);
    expect(seen).toEqual([]);
    expect(r.listening).toBeUndefined();
    await r.onApplicationShutdown();
  });
});
