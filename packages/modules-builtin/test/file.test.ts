import { chmod, lstat, mkdir, readlink, stat as fsStat, symlink, utimes, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { file } from '../src/index.js';
import { modeOf, readText, runModule, useTempDir } from './helpers/target.js';
import { snapshot } from './helpers/snapshot.js';

describe('file', () => {
  const tmp = useTempDir();

  it.each([
    [{ state: 'file' }, 'file (PATH) is absent, cannot continue'],
    [{ state: 'file', mode: 'abc' }, "mode must be in octal or symbolic form (got 'abc')"],
    [{ state: 'link' }, 'src is required for creating new symlinks'],
    [{ state: 'link', src: 'missing-target' }, 'src file does not exist, use "force=yes" if you really want to create the link: DIR/missing-target'],
    [{ state: 'directory', src: 'x' }, "src option requires state to be 'link' or 'hard'"],
  ])('fails for %j on a missing path', async (args, msg) => {
    const result = await runModule(file, { path: tmp.path('p'), ...args });
    expect(result.failed).toBe(true);
    expect(result.msg).toBe(msg.replace('PATH', tmp.path('p')).replace('DIR', tmp.dir));
    expect(await snapshot(tmp.dir)).toEqual({});
  });

  it('refuses to turn a file into a directory or a link (without force)', async () => {
    await writeFile(tmp.path('f'), 'x');
    expect((await runModule(file, { path: tmp.path('f'), state: 'directory' })).msg).toBe(`${tmp.path('f')} already exists as a file`);
    await writeFile(tmp.path('t'), 't');
    expect((await runModule(file, { path: tmp.path('f'), state: 'link', src: 't' })).msg).toBe(`refusing to convert from file to symlink for ${tmp.path('f')}`);
    expect(await readText(tmp.path('f'))).toBe('x');
  });

  it('state=file on a directory fails', async () => {
    await mkdir(tmp.path('d'));
    expect((await runModule(file, { path: tmp.path('d'), state: 'file' })).msg).toBe(`file (${tmp.path('d')}) is directory, cannot continue`);
  });

  it('replaces a file or an empty directory by a link with force, not a full directory', async () => {
    await writeFile(tmp.path('t'), 't');
    await writeFile(tmp.path('f'), 'x');
    expect((await runModule(file, { path: tmp.path('f'), state: 'link', src: 't', force: true })).changed).toBe(true);
    expect(await readlink(tmp.path('f'))).toBe('t');
    await mkdir(tmp.path('empty'));
    expect((await runModule(file, { path: tmp.path('empty'), state: 'link', src: 't', force: true })).changed).toBe(true);
    await mkdir(tmp.path('full'));
    await writeFile(tmp.path('full/x'), '');
    expect((await runModule(file, { path: tmp.path('full'), state: 'link', src: 't', force: true })).msg).toBe(
      `the directory ${tmp.path('full')} is not empty, refusing to convert it`,
    );
  });

  it('links to a missing source with force', async () => {
    const result = await runModule(file, { path: tmp.path('l'), state: 'link', src: '/nonexistent/kbrun', force: true });
    expect(result).toMatchObject({ changed: true, state: 'link', src: '/nonexistent/kbrun' });
    expect(await readlink(tmp.path('l'))).toBe('/nonexistent/kbrun');
  });

  it('touch creates a file and always reports a change, unless both times are preserved', async () => {
    const first = await runModule(file, { path: tmp.path('t'), state: 'touch', mode: '0600' });
    expect(first).toMatchObject({ changed: true, state: 'file', mode: '0600' });
    await utimes(tmp.path('t'), 1_000_000, 1_000_000);
    const again = await runModule(file, { path: tmp.path('t'), state: 'touch', mode: '0600' });
    expect(again.changed).toBe(true);
    expect((await fsStat(tmp.path('t'))).mtimeMs).toBeGreaterThan(1_000_000_000);
    const preserved = await runModule(file, { path: tmp.path('t'), state: 'touch', mode: '0600', access_time: 'preserve', modification_time: 'preserve' });
    expect(preserved.changed).toBe(false);
  });

  it('touch in check mode changes nothing', async () => {
    await writeFile(tmp.path('t'), '');
    await utimes(tmp.path('t'), 1_000_000, 1_000_000);
    const before = await snapshot(tmp.dir);
    expect((await runModule(file, { path: tmp.path('t'), state: 'touch' }, { check: true })).changed).toBe(true);
    expect((await runModule(file, { path: tmp.path('new'), state: 'touch' }, { check: true })).changed).toBe(true);
    expect(await snapshot(tmp.dir)).toEqual(before);
  });

  it('without state keeps the current type (a directory stays a directory)', async () => {
    await mkdir(tmp.path('d'), { mode: 0o755 });
    const result = await runModule(file, { path: tmp.path('d'), mode: '0700' });
    expect(result).toMatchObject({ changed: true, state: 'directory', mode: '0700' });
    expect(await modeOf(tmp.path('d'))).toBe(0o700);
  });

  it('accepts dest and name as aliases of path', async () => {
    expect((await runModule(file, { dest: tmp.path('a'), state: 'directory' })).changed).toBe(true);
    expect((await runModule(file, { name: tmp.path('a'), state: 'directory' })).changed).toBe(false);
  });

  it('applies attributes recursively, and only when something differs', async () => {
    await mkdir(tmp.path('top/sub'), { recursive: true });
    await writeFile(tmp.path('top/sub/f'), 'x', { mode: 0o600 });
    await writeFile(tmp.path('top/g'), 'x', { mode: 0o755 });
    await chmod(tmp.path('top'), 0o755);
    const args = { path: tmp.path('top'), state: 'directory', recurse: true, mode: 'u=rwX,g=rX,o=' };
    const result = await runModule(file, args);
    expect(result.changed).toBe(true);
    expect(await modeOf(tmp.path('top'))).toBe(0o750);
    expect(await modeOf(tmp.path('top/sub'))).toBe(0o750);
    expect(await modeOf(tmp.path('top/sub/f'))).toBe(0o640);
    expect(await modeOf(tmp.path('top/g'))).toBe(0o750);
    expect((await runModule(file, args)).changed).toBe(false);
  });

  it('changes owner and group (by name or id) and reports the names', async () => {
    await writeFile(tmp.path('f'), 'x');
    const result = await runModule(file, { path: tmp.path('f'), owner: 'nobody', group: 65534 });
    expect(result).toMatchObject({ changed: true, owner: 'nobody', group: 'nogroup', uid: 65534, gid: 65534 });
    expect((await fsStat(tmp.path('f'))).uid).toBe(65534);
    expect((await runModule(file, { path: tmp.path('f'), owner: '65534', group: 'nogroup' })).changed).toBe(false);
    const unknown = await runModule(file, { path: tmp.path('f'), owner: 'no-such-user-kbrun' });
    expect(unknown.failed).toBe(true);
  });

  it('follows links for attributes by default, and changes the link itself for state=link', async () => {
    await writeFile(tmp.path('target'), 'x', { mode: 0o644 });
    await symlink('target', tmp.path('link'));
    expect((await runModule(file, { path: tmp.path('link'), mode: '0600', state: 'file' })).changed).toBe(true);
    expect(await modeOf(tmp.path('target'))).toBe(0o600);
    expect((await runModule(file, { path: tmp.path('link'), state: 'link', src: 'target', owner: 'nobody' })).changed).toBe(true);
    expect((await lstat(tmp.path('link'))).uid).toBe(65534);
    expect((await fsStat(tmp.path('target'))).uid).toBe(0);
  });

  it('absent on a missing path is ok', async () => {
    expect(await runModule(file, { path: tmp.path('none'), state: 'absent' })).toEqual({ changed: false, path: tmp.path('none'), state: 'absent' });
  });

  it('the diff of an attribute change shows only what changes', async () => {
    await writeFile(tmp.path('f'), 'x', { mode: 0o644 });
    const result = await runModule(file, { path: tmp.path('f'), mode: '0600' }, { diff: true });
    expect(result.diff).toEqual({
      before: `${JSON.stringify({ path: tmp.path('f'), mode: '0644' }, null, 4)}\n`,
      after: `${JSON.stringify({ path: tmp.path('f'), mode: '0600' }, null, 4)}\n`,
      before_header: tmp.path('f'),
      after_header: tmp.path('f'),
    });
  });
});
