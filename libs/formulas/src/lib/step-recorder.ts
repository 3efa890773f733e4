import type { RecordedStep } from '@hub/store';
import type { StepRecord } from './runner';

/**
 * An execution's step records on their way to the store. Writing each step as it ends cost a
 * transaction of five statements per step, most of a short execution's database work; so steps are
 * kept here and written together: with the execution's end (one statement for steps and status), or
 * by a timer `delayMs` after the first unwritten one, so a long execution's steps are still visible
 * while it runs. Nothing is lost by waiting: an execution whose worker dies starts again from its
 * trigger, and what that worker had written is deleted anyway.
 *
 * `write` answers false when the execution is no longer this worker's (its lease lapsed, or it was
 * cancelled): from then on the recorder is `lost` and the execution must stop.
 */
export class StepRecorder {
  private pending: RecordedStep[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private failure: Error | undefined;
  private isLost = false;

  constructor(
    private readonly write: (steps: readonly RecordedStep[]) => Promise<boolean>,
    private readonly delayMs: number,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The execution is no longer this worker's (seen at a write). */
  get lost(): boolean {
    return this.isLost;
  }

  /** Keeps a step that just ended, with its time; throws what a background write met. */
  add(step: StepRecord): void {
    this.throwFailure();
    this.pending.push({ stepName: step.stepName, status: step.status, values: step.values, createdDate: this.now() });
    // A failure of this write is kept and thrown at the next step or at the end.
    this.timer ??= setTimeout(() => this.flush().catch(() => undefined), this.delayMs);
    this.timer.unref?.();
  }

  /** Writes what is kept now (and waits for it); throws what the store threw. */
  async flush(): Promise<void> {
    this.clearTimer();
    const steps = this.pending.splice(0);
    if (steps.length > 0) {
      this.writing = this.writing.then(async () => {
        if (this.isLost || this.failure) return;
        try {
          if (!(await this.write(steps))) this.isLost = true;
        } catch (error) {
          this.failure = error instanceof Error ? error : new Error(String(error));
        }
      });
    }
    await this.writing;
    this.throwFailure();
  }

  /** What is left for the statement that ends the execution, once any write in flight is done. */
  async drain(): Promise<readonly RecordedStep[]> {
    this.clearTimer();
    await this.writing;
    this.throwFailure();
    return this.pending.splice(0);
  }

  /** Stops the timer (the execution ended some other way); what is kept is dropped. */
  dispose(): void {
    this.clearTimer();
    this.pending = [];
  }

  private clearTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private throwFailure(): void {
    if (this.failure) throw this.failure;
  }
}
