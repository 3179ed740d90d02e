import { describe, expect, it } from 'vitest';
import { NameDirectory } from '../src/client/name-directory.js';

/** A list function over a mutable set of networks that counts its calls (each answers after a tick). */
function networks(initial: [number, string][]) {
  const items = new Map(initial);
  let calls = 0;
  const list = async () => {
    calls++;
    const snapshot = [...items].map(([id, name]) => ({ id, name }));
    await new Promise((r) => setTimeout(r, 1));
    return snapshot;
  };
  return { items, list, calls: () => calls };
}

describe('NameDirectory', () => {
  it('one list request for every caller, concurrent or later; none without IDs', async () => {
    const net = networks([[1, 'private'], [2, 'backend']]);
    const directory = new NameDirectory(60_000);
    expect((await directory.names([], net.list)).size).toBe(0);
    const answers = await Promise.all([directory.names([1], net.list), directory.names([2], net.list), directory.names([1, 2], net.list)]);
    expect(answers.map((names) => [...names.values()])).toEqual([
      ['private', 'backend'],
      ['private', 'backend'],
      ['private', 'backend'],
    ]);
    expect((await directory.names([2], net.list)).get(2)).toBe('backend');
    expect(net.calls()).toBe(1);
  });

  it('lists again for an ID it does not hold, after forget() (a write) and when older than its lifetime', async () => {
    let now = 0;
    const net = networks([[1, 'private']]);
    const directory = new NameDirectory(60_000, () => now);
    await directory.names([1], net.list);
    net.items.set(2, 'created');
    expect((await directory.names([2], net.list)).get(2)).toBe('created');
    expect(net.calls()).toBe(2);
    net.items.set(1, 'renamed here');
    directory.forget();
    expect((await directory.names([1], net.list)).get(1)).toBe('renamed here');
    net.items.set(1, 'renamed elsewhere');
    now += 59_999;
    expect((await directory.names([1], net.list)).get(1)).toBe('renamed here');
    now += 1;
    expect((await directory.names([1], net.list)).get(1)).toBe('renamed elsewhere');
    expect(net.calls()).toBe(4);
  });

  it('a list under way when forget() is called is not kept, and later callers do not share it', async () => {
    const net = networks([[1, 'old']]);
    const directory = new NameDirectory(60_000);
    const before = directory.names([1], net.list);
    directory.forget();
    net.items.set(1, 'new');
    expect((await directory.names([1], net.list)).get(1)).toBe('new');
    expect((await before).get(1)).toBe('old');
    expect((await directory.names([1], net.list)).get(1)).toBe('new');
    expect(net.calls()).toBe(2);
  });

  it("a caller sharing another's failed list request lists on its own", async () => {
    const net = networks([[1, 'private']]);
    const directory = new NameDirectory(60_000);
    const failing = directory.names([1], () => Promise.reject(new Error('that task was cancelled')));
    const sharing = directory.names([1], net.list);
    await expect(failing).rejects.toThrow('cancelled');
    expect((await sharing).get(1)).toBe('private');
  });
});
