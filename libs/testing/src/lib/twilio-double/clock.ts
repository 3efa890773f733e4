/**
 * The double's clock. `manual` (the default for in-process use) only moves when told to;
 * `system` follows the wall clock, and `advance`/`set` shift it by an offset.
 */
export type ClockMode = 'manual' | 'system';

/** Where a manual clock starts unless told otherwise: fixed, so runs are reproducible. */
export const DEFAULT_START_TIME = '2024-01-01T00:00:00.000Z';

export function toEpochMs(value: Date | string | number, what = 'date'): number {
  const ms = value instanceof Date ? value.getTime() : typeof value === 'number' ? value : Date.parse(value);
  if (!Number.isFinite(ms)) {
    throw new TypeError(`Invalid ${what}: ${String(value)}`);
  }
  return ms;
}

export class DoubleClock {
  private manualNow: number;
  private offset = 0;

  constructor(
    readonly mode: ClockMode = 'manual',
    start?: Date | string | number,
  ) {
    this.manualNow = toEpochMs(start ?? DEFAULT_START_TIME, 'clock start');
    if (mode === 'system' && start !== undefined) {
      this.offset = this.manualNow - Date.now();
    }
  }

  /** Current time in epoch milliseconds. */
  nowMs(): number {
    return this.mode === 'manual' ? this.manualNow : Date.now() + this.offset;
  }

  now(): Date {
    return new Date(this.nowMs());
  }

  /** Moves the clock forward (a negative value moves it back). */
  advance(ms: number): Date {
    if (!Number.isFinite(ms)) {
      throw new TypeError(`Invalid clock advance: ${ms}`);
    }
    if (this.mode === 'manual') {
      this.manualNow += ms;
    } else {
      this.offset += ms;
    }
    return this.now();
  }

  set(date: Date | string | number): Date {
    const target = toEpochMs(date, 'clock time');
    if (this.mode === 'manual') {
      this.manualNow = target;
    } else {
      this.offset = target - Date.now();
    }
    return this.now();
  }
}
