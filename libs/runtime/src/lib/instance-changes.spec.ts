import { ChangeFeed, InstanceChanges } from './instance-changes';

describe('ChangeFeed', () => {
  it('wakes a queue’s workers on that queue’s work and on `everything`, not on cache changes or another queue’s work', () => {
    const feed = new ChangeFeed();
    const woken: string[] = [];
    feed.onWork('deliveries', () => woken.push('deliveries'));
    const stop = feed.onWork('formulas', () => woken.push('formulas'));
    feed.publish({ kind: 'work', queue: 'deliveries' });
    feed.publish({ kind: 'instance', instanceId: 1 });
    feed.publish({ kind: 'work', queue: 'formulas' });
    feed.publish({ kind: 'everything' });
    stop();
    feed.publish({ kind: 'work', queue: 'formulas' });
    expect(woken).toEqual(['deliveries', 'formulas', 'deliveries', 'formulas']);
  });

  it('does not tell instance caches about work', () => {
    const feed = new ChangeFeed();
    const dropped: (number | undefined)[] = [];
    new InstanceChanges(feed).subscribe((id) => dropped.push(id));
    feed.publish({ kind: 'work', queue: 'deliveries' });
    feed.publish({ kind: 'instance', instanceId: 7 });
    expect(dropped).toEqual([7]);
  });
});
