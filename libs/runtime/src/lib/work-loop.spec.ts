import { ClaimLoop } from './work-loop';

describe('ClaimLoop.stop', () => {
  const setUp = (workMs: number) => {
    const events: string[] = [];
    let claimed = false;
    const loop = new ClaimLoop<number>({
      name: 'test',
      concurrency: 2,
      idleMs: 10,
      claim: async () => (claimed ? [] : ((claimed = true), [1, 2])),
      work: (item) =>
        new Promise<void>((resolve) =>
          setTimeout(() => {
            events.push(`finished ${item}`);
            resolve();
          }, workMs),
        ),
      release: async () => void events.push('released'),
      logger: { error: (message) => events.push(`error: ${message}`) },
    });
    return { loop, events };
  };
  const started = (loop: ClaimLoop<number>) => new Promise((resolve) => setTimeout(resolve, 30, loop));

  it('lets the work in flight finish, then gives back what is held', async () => {
    const { loop, events } = setUp(50);
    loop.start();
    await started(loop);
    await loop.stop(1_000);
    expect(events).toEqual(['finished 1', 'finished 2', 'released']);
  });

  it('gives the claims back after waitMs when the work takes longer, without waiting for it', async () => {
    const { loop, events } = setUp(600);
    loop.start();
    await started(loop);
    const stopping = Date.now();
    await loop.stop(100);
    expect(Date.now() - stopping).toBeLessThan(500);
    expect(events).toEqual(['error: test loop: 2 item(s) still running after 100 ms; giving their claims back', 'released']);
    await new Promise((resolve) => setTimeout(resolve, 600)); // the abandoned items end; nothing is left running
  });
});
