import type { RecordedStep } from '@hub/store';
import { StepRecorder } from './step-recorder';

const step = (stepName: string) => ({ stepName, status: 'success' as const, values: [{ key: `${stepName}.x`, value: '1' }] });

describe('StepRecorder', () => {
  let writes: string[][];
  let answer: boolean | Error;
  const write = async (steps: readonly RecordedStep[]) => {
    writes.push(steps.map((s) => s.stepName));
    if (answer instanceof Error) throw answer;
    return answer;
  };

  beforeEach(() => {
    jest.useFakeTimers();
    writes = [];
    answer = true;
  });
  afterEach(() => jest.useRealTimers());

  it('writes nothing while an execution is short: its steps go with the end, in order and with their own times', async () => {
    let clock = 1000;
    const recorder = new StepRecorder(write, 1000, () => new Date(clock++));
    recorder.add(step('trigger'));
    recorder.add(step('build'));
    const left = await recorder.drain();
    expect(writes).toEqual([]);
    expect(left.map((s) => [s.stepName, s.createdDate.getTime()])).toEqual([['trigger', 1000], ['build', 1001]]);
    expect(await recorder.drain()).toEqual([]);
    jest.advanceTimersByTime(5000);
    expect(writes).toEqual([]);
  });

  it('writes what a long execution has kept a delay after the first unwritten step, so it is visible while running', async () => {
    const recorder = new StepRecorder(write, 1000);
    recorder.add(step('trigger'));
    jest.advanceTimersByTime(500);
    recorder.add(step('a'));
    await jest.advanceTimersByTimeAsync(500);
    expect(writes).toEqual([['trigger', 'a']]);
    recorder.add(step('b'));
    expect((await recorder.drain()).map((s) => s.stepName)).toEqual(['b']);
    expect(writes).toEqual([['trigger', 'a']]);
  });

  it('becomes lost when a write finds the execution no longer its worker’s, and writes nothing after', async () => {
    answer = false;
    const recorder = new StepRecorder(write, 1000);
    recorder.add(step('trigger'));
    await recorder.flush();
    expect(recorder.lost).toBe(true);
    recorder.add(step('late'));
    await recorder.flush();
    expect(writes).toEqual([['trigger']]);
  });

  it('throws what the store threw at the next step or at the end (the execution is run again by another claim)', async () => {
    answer = new Error('connection reset');
    const recorder = new StepRecorder(write, 1000);
    recorder.add(step('trigger'));
    await jest.advanceTimersByTimeAsync(1000);
    expect(() => recorder.add(step('next'))).toThrow('connection reset');
    await expect(recorder.drain()).rejects.toThrow('connection reset');
  });

  it('drops what it keeps when disposed, and its timer with it', async () => {
    const recorder = new StepRecorder(write, 1000);
    recorder.add(step('trigger'));
    recorder.dispose();
    await jest.advanceTimersByTimeAsync(2000);
    expect(writes).toEqual([]);
  });
});
