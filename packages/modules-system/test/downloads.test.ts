// get_url and unarchive for real, on the local machine inside a temporary directory (file:// URLs: no network).
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalConnection } from '@kbrun/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getUrl, unarchive } from '../src/index.js';
import { fakeContext, prepareArgs } from './helpers/fake-target.js';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kbrun-system-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});
const local = (check = false) => fakeContext(new LocalConnection(), { check, findFile: (_kind, path) => join(dir, path) });

describe('get_url (the target downloads)', () => {
  it('downloads, verifies the checksum, then does not download again; check mode predicts', async () => {
    await writeFile(join(dir, 'src.bin'), 'payload v1\n');
    const sha256 = createHash('sha256').update('payload v1\n').digest('hex');
    const args = prepareArgs(getUrl, { url: `file://${dir}/src.bin`, dest: join(dir, 'out.bin'), checksum: `sha256:${sha256}`, mode: '0640' });
    expect(await getUrl.run(args, local(true))).toMatchObject({ changed: true });
    await expect(stat(join(dir, 'out.bin'))).rejects.toThrow();
    expect(await getUrl.run(args, local())).toMatchObject({ changed: true, dest: join(dir, 'out.bin'), msg: 'OK (11 bytes)' });
    expect(await readFile(join(dir, 'out.bin'), 'utf8')).toBe('payload v1\n');
    expect((await stat(join(dir, 'out.bin'))).mode & 0o777).toBe(0o640);
    expect(await getUrl.run(args, local())).toMatchObject({ changed: false, msg: 'file already exists' });
    expect(await getUrl.run(args, local(true))).toMatchObject({ changed: false });
  });

  it('a wrong checksum fails and leaves dest alone; force replaces only changed content', async () => {
    await writeFile(join(dir, 'src.bin'), 'v2\n');
    const bad = prepareArgs(getUrl, { url: `file://${dir}/src.bin`, dest: join(dir, 'out.bin'), checksum: 'sha256:00' });
    expect(await getUrl.run(bad, local())).toMatchObject({ failed: true, msg: expect.stringContaining('did not match') });
    const forced = prepareArgs(getUrl, { url: `file://${dir}/src.bin`, dest: join(dir, 'out.bin'), force: true });
    expect((await getUrl.run(forced, local())).changed).toBe(true);
    expect((await getUrl.run(forced, local())).changed).toBe(false);
  });
});

describe('unarchive', () => {
  async function tarball(): Promise<string> {
    await mkdir(join(dir, 'tree/app/bin'), { recursive: true });
    await writeFile(join(dir, 'tree/app/bin/run.sh'), '#!/bin/sh\necho run\n');
    await writeFile(join(dir, 'tree/app/README'), 'hello\n');
    execFileSync('tar', ['-czf', join(dir, 'app.tar.gz'), '-C', join(dir, 'tree'), 'app']);
    await mkdir(join(dir, 'dest'));
    return join(dir, 'app.tar.gz');
  }

  it('copies a controller archive, unpacks it, then changes nothing; check mode predicts', async () => {
    await tarball();
    const args = prepareArgs(unarchive, { src: 'app.tar.gz', dest: join(dir, 'dest'), list_files: true });
    expect(await unarchive.run(args, local(true))).toMatchObject({ changed: true, handler: 'TgzArchive' });
    await expect(stat(join(dir, 'dest/app'))).rejects.toThrow();
    const unpacked = await unarchive.run(args, local());
    expect(unpacked.changed).toBe(true);
    expect((unpacked['files'] as string[]).sort()).toEqual(['app/', 'app/README', 'app/bin/', 'app/bin/run.sh']);
    expect(await readFile(join(dir, 'dest/app/README'), 'utf8')).toBe('hello\n');
    expect((await unarchive.run(args, local())).changed).toBe(false);
    expect((await unarchive.run(args, local(true))).changed).toBe(false);
    await writeFile(join(dir, 'dest/app/README'), 'edited\n');
    expect((await unarchive.run(args, local(true))).changed).toBe(true);
  });

  it('remote_src from the target, creates, and a missing dest', async () => {
    const src = await tarball();
    const args = prepareArgs(unarchive, { src, dest: join(dir, 'dest'), remote_src: true, creates: join(dir, 'dest/app/README') });
    expect((await unarchive.run(args, local())).changed).toBe(true);
    expect(await unarchive.run(args, local())).toMatchObject({ changed: false, msg: expect.stringContaining('skipped') });
    expect(await unarchive.run(prepareArgs(unarchive, { src, dest: join(dir, 'nope'), remote_src: true }), local())).toMatchObject({ failed: true, msg: `dest '${join(dir, 'nope')}' must be an existing dir` });
  });
});
