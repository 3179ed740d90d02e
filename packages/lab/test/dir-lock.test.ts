import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lockDirectory } from '../src/dir-lock.js';

// The lock that lets labs coming up together (test files run in parallel) build the machine's caches once.
describe('lockDirectory', () => {
  const dirs: string[] = [];
  const lockIn = () => {
    const dir = mkdtempSync(join(tmpdir(), 'kbrun-lock-'));
    dirs.push(dir);
    return join(dir, 'build.lock');
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('lets one holder in at a time; the second enters once the first releases', async () => {
    const lock = lockIn();
    const order: string[] = [];
    const first = await lockDirectory(lock, { waitMs: 10_000, busy: () => 'busy' });
    const second = lockDirectory(lock, { waitMs: 10_000, busy: () => 'busy' }).then((release) => {
      order.push('second in');
      return release;
    });
    await new Promise((r) => setTimeout(r, 700));
    order.push('first out');
    await first();
    await (await second)();
    expect(order).toEqual(['first out', 'second in']);
  });

  it('takes over a lock whose owner is gone (a crashed run), and says who holds a live one', async () => {
    const lock = lockIn();
    const gone = spawnSync('true').pid!;
    mkdirSync(lock);
    writeFileSync(join(lock, 'pid'), String(gone));
    const release = await lockDirectory(lock, { waitMs: 1_000, busy: () => 'busy' });
    await expect(lockDirectory(lock, { waitMs: 600, busy: (owner) => `held by ${owner}` })).rejects.toThrow(`held by ${process.pid}`);
    await release();
  });
});
