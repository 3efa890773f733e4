import { GroupCommit } from './group-commit';

describe('GroupCommit', () => {
  it('writes what arrives while a write is in flight as one batch, in order', async () => {
    const batches: number[][] = [];
    let release: () => void = () => undefined;
    const group = new GroupCommit<number, string>(async (items) => {
      batches.push(items);
      if (batches.length === 1) await new Promise<void>((r) => (release = r));
      return items.map((i) => `done ${i}`);
    });
    const first = group.add(1);
    await new Promise((r) => setImmediate(r));
    const rest = [group.add(2), group.add(3), group.add(4)];
    release();
    expect(await Promise.all([first, ...rest])).toEqual(['done 1', 'done 2', 'done 3', 'done 4']);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('fails every item of a batch whose write failed, and goes on with the next', async () => {
    let calls = 0;
    const group = new GroupCommit<number, number>(async (items) => {
      if (calls++ === 0) throw new Error('database away');
      return items;
    });
    await expect(group.add(1)).rejects.toThrow('database away');
    expect(await group.add(2)).toBe(2);
  });

  it('splits a queue longer than the largest batch', async () => {
    const sizes: number[] = [];
    const group = new GroupCommit<number, number>(async (items) => (sizes.push(items.length), items), 2);
    await Promise.all([1, 2, 3, 4, 5].map((i) => group.add(i)));
    expect(sizes).toEqual([2, 2, 1]);
  });
});
