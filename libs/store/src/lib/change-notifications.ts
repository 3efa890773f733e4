import { Client, type Notification } from 'pg';

/**
 * A change to stored state that makes caches stale, as the database's triggers announce it on
 * CHANGES_CHANNEL (prisma/migrations/*_change_feed_triggers): `instance:<id>`, `organization:<id>`,
 * `rateLimits:<organization id>`, `commonResources`. The runtime's ChangeFeed publishes the same shape.
 */
export type StoredChange =
  | { readonly kind: 'instance'; readonly instanceId: number }
  | { readonly kind: 'organization'; readonly organizationId: number }
  | { readonly kind: 'commonResources' }
  | { readonly kind: 'rateLimits'; readonly organizationId: number }
  | { readonly kind: 'everything' }
  /** New work was stored (notifications to deliver, formula executions to run): workers claim now. */
  | { readonly kind: 'work'; readonly queue: WorkQueue };

/** What `work` notices wake: the delivery workers, the formula workers. */
export type WorkQueue = 'deliveries' | 'formulas';

/** The one channel every process LISTENs on. */
export const CHANGES_CHANNEL = 'hub_changes';

/** A trigger's payload as a change; undefined for one this version does not know (a newer writer's). */
export function parseChangePayload(payload: string): StoredChange | undefined {
  const [kind, id, ...rest] = payload.split(':');
  if (rest.length > 0) return undefined;
  if (kind === 'work') return id === 'deliveries' || id === 'formulas' ? { kind, queue: id } : undefined;
  if (id === undefined) {
    if (kind === 'commonResources') return { kind };
    if (kind === 'everything') return { kind };
    return undefined;
  }
  if (!/^\d{1,15}$/.test(id)) return undefined;
  const n = Number(id);
  switch (kind) {
    case 'instance':
      return { kind, instanceId: n };
    case 'organization':
      return { kind, organizationId: n };
    case 'rateLimits':
      return { kind, organizationId: n };
    default:
      return undefined;
  }
}

export interface ChangeListenerOptions {
  /** A change some process committed (this one included). */
  readonly onChange: (change: StoredChange) => void;
  /**
   * The listener is (again) connected and LISTENing: whatever was committed while it was not is
   * unknown, so the caller treats it as `everything`. Also called on the first connection.
   */
  readonly onConnected: () => void;
  /** The connection failed or was lost (it is being re-established with backoff). */
  readonly onDisconnected?: (error: Error | undefined) => void;
  readonly log?: (message: string) => void;
  /** First reconnection delay; doubles up to maxBackoffMs. */
  readonly minBackoffMs?: number;
  readonly maxBackoffMs?: number;
}

export interface ChangeListener {
  /** Whether the listening connection is up now. */
  readonly connected: boolean;
  /**
   * One round trip on the listening connection: a connection that died silently (no RST, a
   * firewall's idle timeout) is found and replaced (which calls onConnected). Resolves false if it failed.
   */
  check(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * LISTENs on CHANGES_CHANNEL on a connection of its own (not the pool's: a pooled connection is
 * shared, and a LISTEN must stay on one session). Reconnects with exponential backoff when the
 * connection ends or fails; every (re)connection calls onConnected.
 */
export function listenForChanges(databaseUrl: string, options: ChangeListenerOptions): ChangeListener {
  const log = options.log ?? (() => undefined);
  const minBackoff = options.minBackoffMs ?? 100;
  const maxBackoff = options.maxBackoffMs ?? 5_000;
  let client: Client | undefined;
  let connected = false;
  let closed = false;
  let backoff = minBackoff;
  let timer: NodeJS.Timeout | undefined;
  let connecting: Promise<void> | undefined;

  const onNotification = (message: Notification) => {
    if (message.channel !== CHANGES_CHANNEL || message.payload === undefined) return;
    const change = parseChangePayload(message.payload);
    if (change) options.onChange(change);
    else log(`change feed: ignored an unknown notice '${message.payload.slice(0, 40)}'`);
  };

  const lost = (current: Client, error: Error | undefined) => {
    if (client !== current) return; // an older connection, already replaced
    client = undefined;
    const wasConnected = connected;
    connected = false;
    current.removeAllListeners('notification');
    current.end().catch(() => undefined);
    if (closed) return;
    if (wasConnected) log(`change feed: lost the listening connection (${error?.message ?? 'ended'}); reconnecting`);
    options.onDisconnected?.(error);
    schedule();
  };

  const schedule = () => {
    if (closed || timer) return;
    const delay = backoff;
    backoff = Math.min(maxBackoff, backoff * 2);
    timer = setTimeout(() => {
      timer = undefined;
      void connect();
    }, delay);
    timer.unref();
  };

  const connect = (): Promise<void> => {
    connecting ??= (async () => {
      const current = new Client({ connectionString: databaseUrl, keepAlive: true, application_name: 'hub change feed' });
      client = current;
      current.on('error', (error) => lost(current, error));
      current.on('end', () => lost(current, undefined));
      current.on('notification', onNotification);
      try {
        await current.connect();
        await current.query(`LISTEN ${CHANGES_CHANNEL}`);
        if (closed || client !== current) {
          await current.end().catch(() => undefined);
          return;
        }
        connected = true;
        backoff = minBackoff;
        options.onConnected();
      } catch (error) {
        if (client === current) {
          log(`change feed: could not listen (${(error as Error).message}); retrying`);
          lost(current, error as Error);
        }
      }
    })().finally(() => (connecting = undefined));
    return connecting;
  };

  void connect();

  return {
    get connected() {
      return connected;
    },
    async check() {
      const current = client;
      if (!current || !connected) return false;
      try {
        await withTimeout(current.query('SELECT 1'), 5_000);
        return true;
      } catch (error) {
        lost(current, error as Error);
        return false;
      }
    },
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await connecting?.catch(() => undefined);
      const current = client;
      client = undefined;
      connected = false;
      if (current) {
        current.removeAllListeners('notification');
        await current.end().catch(() => undefined);
      }
    },
  };
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
