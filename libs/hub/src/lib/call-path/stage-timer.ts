/**
 * Server-Timing for one hub call, when the client asks for it (`Elements-Server-Timing: true`):
 * each stage's duration in milliseconds, in the order the stages ran. Without the request header
 * the call path gets no timer and measures nothing.
 */
export class StageTimer {
  private readonly stages: [string, number][] = [];
  private last: number;

  constructor(private readonly now: () => number = () => performance.now()) {
    this.last = now();
  }

  /** The stage that just ended is `name`: its time is since the previous mark (or the start). */
  mark(name: string): void {
    const now = this.now();
    this.stages.push([name, now - this.last]);
    this.last = now;
  }

  /** Adds a measured duration (e.g. the time before the hub's own code ran). */
  add(name: string, ms: number): void {
    this.stages.push([name, ms]);
  }

  /** The Server-Timing header value: `resolve;dur=0.12, vendor;dur=3.40, …`. */
  header(): string {
    return this.stages.map(([name, ms]) => `${name};dur=${ms.toFixed(2)}`).join(', ');
  }
}

/** The request header that asks for Server-Timing, and its one accepted value. */
export const SERVER_TIMING_REQUEST_HEADER = 'elements-server-timing';

export function wantsServerTiming(headers: Readonly<Record<string, string | string[] | undefined>>): boolean {
  const value = headers[SERVER_TIMING_REQUEST_HEADER];
  return typeof value === 'string' && value.trim().toLowerCase() === 'true';
}
