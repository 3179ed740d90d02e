import { createHash } from 'node:crypto';
import { chmod, mkdir, symlink, writeFile } from 'node:fs/promises';
import { describe, expect, it, vi } from 'vitest';
import { LocalConnection } from '@kbrun/core';
import { slurp, stat } from '../src/index.js';
import { makeContext, runModule, useTempDir } from './helpers/target.js';

describe('stat', () => {
  const tmp = useTempDir();

  it('describes a regular file with its sha1 checksum, in one command', async () => {
    await writeFile(tmp.path('f'), 'content\n');
    await chmod(tmp.path('f'), 0o640);
    const test = makeContext();
    const exec = vi.spyOn(test.ctx.connection as LocalConnection, 'exec');
    const result = await stat.run({ path: tmp.path('f') }, test.ctx);
    expect(exec).toHaveBeenCalledTimes(1);
    expect(result.changed).toBe(false);
    expect(result['stat']).toMatchObject({
      exists: true,
      path: tmp.path('f'),
      mode: '0640',
      isreg: true,
      isdir: false,
      islnk: false,
      size: 8,
      uid: process.getuid!(),
      pw_name: 'root',
      rusr: true,
      wgrp: false,
      checksum: createHash('sha1').update('content\n').digest('hex'),
    });
    const mtime = (result['stat'] as { mtime: number }).mtime;
    expect(Math.abs(mtime * 1000 - Date.now())).toBeLessThan(60_000);
  });

  it.each([
    ['sha256', 'sha256'],
    ['md5', 'md5'],
  ] as const)('computes %s checksums', async (algorithm, node) => {
    await writeFile(tmp.path('f'), 'x');
    const result = await runModule(stat, { path: tmp.path('f'), checksum_algorithm: algorithm });
    expect((result['stat'] as { checksum: string }).checksum).toBe(createHash(node).update('x').digest('hex'));
  });

  it('skips the checksum when asked', async () => {
    await writeFile(tmp.path('f'), 'x');
    expect((await runModule(stat, { path: tmp.path('f'), get_checksum: false }))['stat']).not.toHaveProperty('checksum');
  });

  it('reports a missing path', async () => {
    expect(await runModule(stat, { path: tmp.path('nope') })).toEqual({ changed: false, stat: { exists: false } });
  });

  it('describes directories, and symbolic links with or without follow', async () => {
    await mkdir(tmp.path('d'));
    await symlink('d', tmp.path('l'));
    expect((await runModule(stat, { path: tmp.path('d') }))['stat']).toMatchObject({ isdir: true, isreg: false });
    const link = (await runModule(stat, { path: tmp.path('l') }))['stat'];
    expect(link).toMatchObject({ islnk: true, isdir: false, lnk_target: 'd', lnk_source: tmp.path('d') });
    expect((await runModule(stat, { path: tmp.path('l'), follow: true }))['stat']).toMatchObject({ islnk: false, isdir: true });
  });

  it('treats a dangling link as missing only when following it', async () => {
    await symlink('nowhere', tmp.path('dangling'));
    expect((await runModule(stat, { path: tmp.path('dangling') }))['stat']).toMatchObject({ exists: true, islnk: true });
    expect((await runModule(stat, { path: tmp.path('dangling'), follow: true }))['stat']).toEqual({ exists: false });
  });

  it('handles awkward names', async () => {
    const name = tmp.path("it's a -file $(x)\nnewline");
    await writeFile(name, 'y');
    expect((await runModule(stat, { path: name }))['stat']).toMatchObject({ exists: true, size: 1 });
  });
});

describe('slurp', () => {
  const tmp = useTempDir();

  it('returns the content base64-encoded', async () => {
    await writeFile(tmp.path('f'), Buffer.from([0, 1, 2, 255]));
    expect(await runModule(slurp, { src: tmp.path('f') })).toEqual({ changed: false, content: 'AAEC/w==', encoding: 'base64', source: tmp.path('f') });
  });

  it('fails for a missing file or a directory', async () => {
    expect(await runModule(slurp, { src: tmp.path('nope') })).toMatchObject({ failed: true, msg: `file not found: ${tmp.path('nope')}` });
    expect((await runModule(slurp, { src: tmp.dir })).failed).toBe(true);
  });
});
