import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
/**
 * A worker's loop over claimed work: keeps up to `concurrency` items in flight, claiming as many as
 * there are free slots whenever one frees up, so that one slow item never holds back the others.
 * When a claim finds less than it asked for, nothing more is due: the loop waits `idleMs`, or
 * until `wake` (this process stored work) or an item finishes (which may make more work due, e.g.
 * an instance's next notification). Errors are reported and the loop goes on after a pause: a
 * database that is briefly away must not end event processing.
 */
export class ClaimLoop<T> {
  private running = false;
  private inFlight = 0;
  private readonly pending = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private wakeUp: (() => void) | undefined;
  /** A wake that came while the loop was not asleep: the next sleep returns at once. */
  private woken = false;
  private done: Promise<void> | undefined;

  constructor(
    private readonly options: {
      readonly name: string;
      readonly concurrency: number;
      readonly idleMs: number;
      readonly claim: (count: number) => Promise<T[]>;
      readonly work: (item: T) => Promise<void>;
      /** Gives back what this process still holds once it has stopped (claims are then due again at once, not after their lease). */
      readonly release: () => Promise<void>;
      readonly logger: { error(message: string): void };
    },
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.done = this.run();
  }

  /** Look for work now. */
  wake(): void {
    if (this.wakeUp) this.wakeUp();
    else this.woken = true;
  }

  /**
   * Stops claiming, waits for the items in flight (at most `waitMs`), and gives back what is
   * still held: another process can take it at once instead of after its lease.
   */
  async stop(waitMs = Infinity): Promise<void> {
    this.running = false;
    this.wake();
    await this.done;
    let timer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      Promise.all(this.pending).then(() => true),
      new Promise<boolean>((resolve) => (timer = Number.isFinite(waitMs) ? setTimeout(() => resolve(false), waitMs) : undefined)),
    ]);
    clearTimeout(timer);
    if (!finished) this.options.logger.error(`${this.options.name} loop: ${this.pending.size} item(s) still running after ${waitMs} ms; giving their claims back`);
    await this.options.release().catch((error: unknown) => this.onError(error));
  }

  private onError(error: unknown): void {
    this.options.logger.error(`${this.options.name} loop: ${error instanceof Error ? error.message : String(error)}`);
  }

  private async run(): Promise<void> {
    const { concurrency, idleMs, claim, work } = this.options;
    while (this.running) {
      const free = concurrency - this.inFlight;
      if (free <= 0) {
        await this.sleep(idleMs); // an item finishing wakes the loop
        continue;
      }
      let items: T[];
      try {
        items = await claim(free);
      } catch (error) {
        this.onError(error);
        await this.sleep(Math.max(idleMs, 1_000));
        continue;
      }
      for (const item of items) {
        this.inFlight++;
        const task: Promise<void> = work(item)
          .catch((error: unknown) => this.onError(error))
          .finally(() => {
            this.inFlight--;
            this.pending.delete(task);
            this.wake();
          });
        this.pending.add(task);
      }
      if (items.length < free && this.running) await this.sleep(idleMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
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

/**
 * A worker whose work comes from a ClaimLoop (the poll scheduler, the delivery workers): starting,
 * waking and stopping it is its loop's.
 */
export abstract class ClaimingWorker<T> {
  protected abstract readonly loop: ClaimLoop<T>;

  start(): void {
    this.loop.start();
  }

  /** Looks for work now instead of at the next idle tick (new work was just stored). */
  wake(): void {
    this.loop.wake();
  }

  /** Finishes the work in flight (at most `waitMs`) and gives back the claims still held. */
  stop(waitMs?: number): Promise<void> {
    return this.loop.stop(waitMs);
  }
}

/** This process's name in claims and leases: host, pid and a random part (a restarted pid is another owner). */
export function newOwnerId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}
