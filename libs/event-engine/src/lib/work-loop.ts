/**
 * A worker's loop: run `tick` until it finds nothing to do, then wait `idleMs` (or until `wake`),
 * and again, until `stop`. `tick` returns how much it did; errors are reported and the loop goes on
 * after a pause (a database that is briefly away must not end event processing).
 */
export class WorkLoop {
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private wakeUp: (() => void) | undefined;
  private done: Promise<void> | undefined;

  constructor(
    private readonly name: string,
    private readonly tick: () => Promise<number>,
    private readonly idleMs: number,
    private readonly onError: (name: string, error: unknown) => void,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.done = this.run();
  }

  /** Look for work now (e.g. this process just stored some). */
  wake(): void {
    this.wakeUp?.();
  }

  /** Stops after the current tick; resolves when it has ended. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.done;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let did = 0;
      try {
        did = await this.tick();
      } catch (error) {
        this.onError(this.name, error);
        await this.sleep(Math.max(this.idleMs, 1_000));
        continue;
      }
      if (did === 0 && this.running) await this.sleep(this.idleMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wakeUp = () => {
        clearTimeout(this.timer);
        this.wakeUp = undefined;
        resolve();
      };
      this.timer = setTimeout(() => this.wakeUp?.(), ms);
      this.timer.unref?.();
    });
  }
}

/** Runs `work` on each item with at most `limit` at once. */
export async function eachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]);
  });
  await Promise.all(runners);
}
