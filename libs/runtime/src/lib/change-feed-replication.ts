import type { ChangeListener, Store } from '@hub/store';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ChangeFeed } from './instance-changes';
import { PLATFORM_OPTIONS, type PlatformOptions, STORE } from './tokens';

/** The periodic full refresh when PlatformOptions does not say (HUB_CHANGE_FEED_REFRESH_SECONDS). */
export const DEFAULT_CHANGE_FEED_REFRESH_SECONDS = 30;

/**
 * Carries other processes' changes into this process's ChangeFeed. On PostgreSQL the database's
 * triggers NOTIFY every committed change (whoever wrote it); this process LISTENs on a connection
 * of its own and publishes each one. On every (re)connection it publishes `everything` (what was
 * committed while it was not listening is unknown), and every `changeFeedRefreshSeconds` it checks
 * the listening connection with one round trip and publishes `everything` as a safety net.
 * On the embedded store (one process) there is nobody to hear from: in-process publishes are all.
 */
@Injectable()
export class ChangeFeedReplication implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ChangeFeed');
  private listener?: ChangeListener;
  private refresh?: NodeJS.Timeout;

  constructor(
    @Inject(STORE) private readonly store: Store,
    @Inject(PLATFORM_OPTIONS) private readonly options: PlatformOptions,
    private readonly feed: ChangeFeed,
  ) {}

  /** Whether this process hears other processes' changes now (undefined: it has none to hear, the embedded store). */
  get listening(): boolean | undefined {
    return this.listener?.connected;
  }

  onApplicationBootstrap(): void {
    this.listener = this.store.listenForChanges?.({
      onChange: (change) => this.feed.publish(change),
      onConnected: () => this.feed.publish({ kind: 'everything' }),
      log: (message) => this.logger.warn(message),
    });
    if (!this.listener) return;
    const seconds = this.options.changeFeedRefreshSeconds ?? DEFAULT_CHANGE_FEED_REFRESH_SECONDS;
    if (seconds > 0) {
      this.refresh = setInterval(() => void this.refreshNow(), seconds * 1000);
      this.refresh.unref();
    }
  }

  /** The safety net: a dead listening connection is replaced (which publishes `everything`); a live one publishes it here. */
  async refreshNow(): Promise<void> {
    if (!this.listener) return;
    if (await this.listener.check()) this.feed.publish({ kind: 'everything' });
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.refresh) clearInterval(this.refresh);
    await this.listener?.close();
    this.listener = undefined;
  }
}
