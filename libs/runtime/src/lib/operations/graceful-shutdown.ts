import type { ProcessState } from '@hub/metrics';
import type { Logger } from 'pino';

export interface ShutdownOptions {
  readonly name: string;
  readonly state: ProcessState;
  readonly logger: Logger;
  /** Keep serving this long after the signal (readiness already 503), so load balancers see the process leave first. */
  readonly drainMs: number;
  /** Then at most this long for the work in flight; past it the process exits with 1. */
  readonly timeoutMs: number;
  /** Stops the process's work: stop accepting, finish what is in flight, give claims back, close the store. */
  readonly close: () => Promise<void>;
  readonly exit?: (code: number) => void;
  readonly signals?: readonly NodeJS.Signals[];
  /** Where the signals come from: the process (tests pass an emitter of their own). */
  readonly emitter?: Pick<NodeJS.EventEmitter, 'on' | 'off'>;
}

/**
 * SIGTERM (and SIGINT): readiness turns false at once, the process keeps serving for `drainMs`,
 * then `close` runs; a clean close exits 0. A close that takes longer than `timeoutMs`, or a second
 * signal, exits 1 without waiting more. Returns a function that removes the handlers.
 */
export function closeOnSignals(options: ShutdownOptions): () => void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const signals = options.signals ?? (['SIGTERM', 'SIGINT'] as const);
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    const { logger, name, drainMs, timeoutMs } = options;
    if (stopping) {
      logger.warn({ signal }, `${name}: second signal, exiting without waiting for the work in flight`);
      exit(1);
      return;
    }
    stopping = true;
    options.state.drain();
    logger.info({ signal, drainMs, timeoutMs }, `${name} is stopping: not ready any more, finishing the work in flight`);
    const timer = setTimeout(() => {
      logger.error({ timeoutMs }, `${name} did not stop within ${timeoutMs} ms: exiting with the work in flight unfinished`);
      exit(1);
    }, drainMs + timeoutMs);
    new Promise((resolve) => setTimeout(resolve, drainMs))
      .then(() => options.close())
      .then(
        () => {
          clearTimeout(timer);
          logger.info(`${name} stopped`);
          exit(0);
        },
        (error: unknown) => {
          clearTimeout(timer);
          logger.error({ err: error }, `${name} did not stop cleanly`);
          exit(1);
        },
      );
  };
  const emitter = options.emitter ?? process;
  for (const signal of signals) emitter.on(signal, onSignal);
  return () => {
    for (const signal of signals) emitter.off(signal, onSignal);
  };
}
