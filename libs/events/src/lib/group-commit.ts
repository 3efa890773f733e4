/**
 * Group commit: work that finishes while a write is in flight waits for it, then all of it is written
 * with one call (one statement or transaction for the batch). No timer: a lone item is written at once
 * (on the next turn of the event loop); under load the batch grows with the load, so the number of
 * round trips to the database grows far slower than the work.
 */
export class GroupCommit<I, R> {
  private queue: { item: I; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  private draining = false;

  constructor(
    /** Writes a batch; returns one result per item, in order. A throw fails every item of the batch. */
    private readonly write: (items: I[]) => Promise<R[]>,
    private readonly maxBatch = 200,
  ) {}

  add(item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.draining) {
        this.draining = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      try {
        const results = await this.write(batch.map((b) => b.item));
        batch.forEach((b, i) => b.resolve(results[i]));
      } catch (error) {
        for (const b of batch) b.reject(error);
      }
    }
    this.draining = false;
  }
}
