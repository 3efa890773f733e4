/**
 * One injected fault. Combine `delayMs` with `status` or `reset` to fail after a delay; `delayMs`
 * alone only slows the request down and then answers it normally.
 */
export interface FaultSpec {
  /** Answer with this HTTP status and a Twilio error body (default code: 429→20429, 500→20500, 503→20503). */
  status?: number;
  /** Twilio error code in the body. */
  code?: number;
  /** Error message in the body. */
  message?: string;
  /** Seconds, sent as the Retry-After header. */
  retryAfter?: number;
  /** Wait this long (wall-clock ms) before answering. */
  delayMs?: number;
  /** Destroy the socket instead of answering. */
  reset?: boolean;
  /** Only requests whose path matches: a RegExp, or a glob where `*` matches within one path segment and `**` across segments. */
  path?: string | RegExp;
  /** Only requests with this HTTP method. */
  method?: string;
  /** How many matching requests this fault hits (default 1; Infinity for all). */
  times?: number;
}

interface QueuedFault {
  spec: FaultSpec;
  remaining: number;
  pathPattern: RegExp | null;
}

export function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i];
    if (ch === '*') {
      if (glob[i + 1] === '*') {
        source += '.*';
        i++;
      } else {
        source += '[^/]*';
      }
    } else {
      source += ch.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`);
}

/** Faults queued for the next requests; the first queued fault that matches a request is applied to it. */
export class FaultQueue {
  private queue: QueuedFault[] = [];

  /** Queues a fault; returns the queue for chaining. */
  next(spec: FaultSpec): this {
    const hasEffect = spec.status !== undefined || spec.delayMs !== undefined || spec.reset === true;
    if (!hasEffect) {
      throw new TypeError('A fault needs status, delayMs or reset');
    }
    if (
      spec.status !== undefined &&
      (!Number.isInteger(spec.status) || spec.status < 100 || spec.status > 599)
    ) {
      throw new TypeError(`Invalid fault status: ${spec.status}`);
    }
    if (spec.delayMs !== undefined && !(spec.delayMs >= 0)) {
      throw new TypeError(`Invalid fault delayMs: ${spec.delayMs}`);
    }
    const times = spec.times ?? 1;
    if (!(times >= 1)) {
      throw new TypeError(`Invalid fault times: ${times}`);
    }
    const pathPattern =
      spec.path === undefined ? null : spec.path instanceof RegExp ? spec.path : globToRegExp(spec.path);
    this.queue.push({ spec: { ...spec }, remaining: times, pathPattern });
    return this;
  }

  /** Takes the fault for a request, if one matches, consuming one of its `times`. */
  take(method: string, path: string): FaultSpec | undefined {
    const index = this.queue.findIndex(
      (fault) =>
        (fault.spec.method === undefined || fault.spec.method.toUpperCase() === method.toUpperCase()) &&
        (fault.pathPattern === null || matches(fault.pathPattern, path)),
    );
    if (index < 0) {
      return undefined;
    }
    const fault = this.queue[index];
    fault.remaining -= 1;
    if (fault.remaining <= 0) {
      this.queue.splice(index, 1);
    }
    return fault.spec;
  }

  clear(): void {
    this.queue = [];
  }

  /** Number of queued faults not yet used up. */
  get pending(): number {
    return this.queue.length;
  }
}

function matches(pattern: RegExp, path: string): boolean {
  pattern.lastIndex = 0; // a /g or /y RegExp keeps state between test() calls
  return pattern.test(path);
}
