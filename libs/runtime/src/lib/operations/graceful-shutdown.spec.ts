import { ProcessState } from '@hub/metrics';
import { EventEmitter } from 'node:events';
import pino from 'pino';
import { closeOnSignals } from './graceful-shutdown';

describe('closeOnSignals', () => {
  const logger = pino({ level: 'silent' });
  const signal = 'SIGUSR2';
  let remove: (() => void) | undefined;
  afterEach(() => remove?.());
  // Jest's sandboxed `process` does not receive real signals: the e2e tests send those to the built apps.
  const signals = new EventEmitter();
  const send = async () => void signals.emit(signal, signal);

  const setUp = (close: () => Promise<void>, timeoutMs = 1_000, drainMs = 0) => {
    const state = new ProcessState();
    state.running(async () => ({ kind: 'embedded' }));
    const exits: number[] = [];
    let exited: (code: number) => void = () => undefined;
    const exit = new Promise<number>((resolve) => (exited = resolve));
    remove = closeOnSignals({ name: 'test', state, logger, drainMs, timeoutMs, close, signals: [signal], emitter: signals, exit: (code) => (exits.push(code), exited(code)) });
    return { state, exits, exit };
  };

  it('drains at once, keeps serving for drainMs, closes, then exits 0', async () => {
    const events: string[] = [];
    const { state, exit } = setUp(async () => void events.push(`close while ${state.phase}`), 1_000, 100);
    const started = Date.now();
    await send();
    expect(state.phase).toBe('draining');
    expect(events).toEqual([]);
    expect(await exit).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    expect(events).toEqual(['close while draining']);
  });

  it('exits 1 when the work in flight outlasts the timeout, and 1 when closing fails', async () => {
    const slow = setUp(() => new Promise(() => undefined), 100);
    await send();
    expect(await slow.exit).toBe(1);
    remove?.();
    const failing = setUp(() => Promise.reject(new Error('store gone')));
    await send();
    expect(await failing.exit).toBe(1);
  });

  it('exits 1 at once on a second signal', async () => {
    const { exits, exit } = setUp(() => new Promise(() => undefined), 300);
    await send();
    await send();
    expect(await exit).toBe(1);
    expect(exits).toEqual([1]);
  });
});
