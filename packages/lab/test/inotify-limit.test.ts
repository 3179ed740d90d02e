import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureInotifyInstances } from '../src/inotify-limit.js';

describe('ensureInotifyInstances', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kbrun-inotify-'));
  const file = join(dir, 'max_user_instances');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("raises Linux's default of 128 and says so; never lowers a higher limit", async () => {
    writeFileSync(file, '128\n');
    expect(await ensureInotifyInstances(1024, file)).toMatch(/raised fs\.inotify\.max_user_instances from 128 to 1024/);
    expect(readFileSync(file, 'utf8')).toBe('1024\n');
    writeFileSync(file, '4096\n');
    expect(await ensureInotifyInstances(1024, file)).toBeUndefined();
    expect(readFileSync(file, 'utf8')).toBe('4096\n');
  });
});
