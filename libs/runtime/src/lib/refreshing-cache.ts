/**
 * A cache of stored state that keeps the request path off the database in steady state: an entry
 * is served for `ttlMs`; once it is older than `refreshAfterMs` the next read starts one reload in
 * the background (the read is answered from memory). Under steady traffic an entry is reloaded
 * before it expires, so no request waits for the store; an entry nobody read for `ttlMs` is loaded
 * on the request path again, which bounds how stale a change made elsewhere (another replica, an
 * operator's SQL) can be seen: at most `ttlMs`. A background reload that fails (the state is now a
 * refusal: a suspended organization, a deleted instance) drops the entry, so the next read loads it
 * on the path and answers the refusal. `delete`/`clear` (the change feed) win over reloads in flight.
 */
export class RefreshingCache<K, V> {
  private readonly entries = new Map<K, { value: V; loadedAt: number; reloading: boolean }>();
  /** Bumped by every delete/clear: a load that started before it must not store what it read. */
  private epoch = 0;

  constructor(
    private readonly options: { readonly ttlMs: number; readonly refreshAfterMs: number; readonly max: number },
    private readonly now: () => number = Date.now,
  ) {}

  async get(key: K, load: () => Promise<V>): Promise<V> {
    const entry = this.entries.get(key);
    const now = this.now();
    if (entry && now - entry.loadedAt < this.options.ttlMs) {
      if (!entry.reloading && now - entry.loadedAt >= this.options.refreshAfterMs) this.reload(key, entry, load);
      return entry.value;
    }
    const epoch = this.epoch;
    const value = await load();
    if (epoch === this.epoch) this.set(key, value);
    return value;
  }

  /** The cached value, fresh or not, without loading. */
  peek(key: K): V | undefined {
    return this.entries.get(key)?.value;
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    if (this.entries.size >= this.options.max) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { value, loadedAt: this.now(), reloading: false });
  }

  /** Loads and reloads that started before now will not store what they read (a change arrived for a key not yet cached). */
  forgetLoadsInFlight(): void {
    this.epoch++;
  }

  delete(key: K): void {
    this.epoch++;
    this.entries.delete(key);
  }

  clear(): void {
    this.epoch++;
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  private reload(key: K, entry: { reloading: boolean }, load: () => Promise<V>): void {
    entry.reloading = true;
    const epoch = this.epoch;
    load().then(
      (value) => {
        if (epoch === this.epoch && this.entries.get(key) === entry) this.set(key, value);
        else entry.reloading = false;
      },
      () => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
  }
}
