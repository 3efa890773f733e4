import { StageTimer, wantsServerTiming } from './stage-timer';

describe('StageTimer (Server-Timing)', () => {
  it('names each stage with the time since the previous mark, in order', () => {
    let t = 10;
    const timer = new StageTimer(() => t);
    t = 10.5;
    timer.mark('resolve');
    t = 13;
    timer.mark('vendor');
    timer.add('before', 1.234);
    expect(timer.header()).toBe('resolve;dur=0.50, vendor;dur=2.50, before;dur=1.23');
  });

  it('is asked for only with Elements-Server-Timing: true', () => {
    expect(wantsServerTiming({ 'elements-server-timing': 'true' })).toBe(true);
    expect(wantsServerTiming({ 'elements-server-timing': ' TRUE ' })).toBe(true);
    expect(wantsServerTiming({ 'elements-server-timing': 'false' })).toBe(false);
    expect(wantsServerTiming({ 'elements-server-timing': ['true', 'true'] })).toBe(false);
    expect(wantsServerTiming({})).toBe(false);
  });
});
