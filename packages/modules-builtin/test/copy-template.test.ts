import { createHash } from 'node:crypto';
import { chown, mkdir, readdir, readFile, stat as fsStat, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { copy, template } from '../src/index.js';
import { FIXTURES, modeOf, readText, runModule, useTempDir } from './helpers/target.js';

const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');

describe('copy', () => {
  const tmp = useTempDir();

  it('returns Ansible\'s keys', async () => {
    const result = await runModule(copy, { src: 'hello.txt', dest: tmp.path('hello'), mode: '0640' });
    expect(result).toMatchObject({
      changed: true,
      dest: tmp.path('hello'),
      src: `${FIXTURES}/files/hello.txt`,
      checksum: sha1('Hello from a file\n'),
      size: 18,
      mode: '0640',
      owner: 'root',
      state: 'file',
    });
    expect(result.failed).toBeUndefined();
  });

  it('keeps a backup under Ansible\'s name when replacing', async () => {
    await writeFile(tmp.path('conf'), 'v1\n');
    const result = await runModule(copy, { content: 'v2\n', dest: tmp.path('conf'), backup: true });
    const backup = result['backup_file'] as string;
    expect(backup).toMatch(new RegExp(`^${tmp.path('conf')}\\.\\d+\\.\\d{4}-\\d{2}-\\d{2}@\\d{2}:\\d{2}:\\d{2}~$`));
    expect(await readText(backup)).toBe('v1\n');
    expect(await readText(tmp.path('conf'))).toBe('v2\n');
    // No change, no new backup.
    expect((await runModule(copy, { content: 'v2\n', dest: tmp.path('conf'), backup: true }))['backup_file']).toBeUndefined();
    expect((await readdir(tmp.dir)).length).toBe(2);
  });

  it('leaves an existing file alone with force=false', async () => {
    await writeFile(tmp.path('conf'), 'mine\n');
    const result = await runModule(copy, { content: 'theirs\n', dest: tmp.path('conf'), force: false });
    expect(result).toMatchObject({ changed: false, msg: 'file already exists' });
    expect(await readText(tmp.path('conf'))).toBe('mine\n');
    expect((await runModule(copy, { content: 'new\n', dest: tmp.path('other'), force: false })).changed).toBe(true);
  });

  it('creates a destination directory given with a trailing slash', async () => {
    const result = await runModule(copy, { src: 'hello.txt', dest: `${tmp.path('new/dir')}/` });
    expect(result).toMatchObject({ changed: true, dest: tmp.path('new/dir/hello.txt') });
    expect(await readText(tmp.path('new/dir/hello.txt'))).toBe('Hello from a file\n');
  });

  it.each([
    ['a missing parent directory', (d: string) => ({ content: 'x', dest: `${d}/missing/f` }), 'Destination directory DIR/missing does not exist'],
    ['content into a directory', (d: string) => ({ content: 'x', dest: d }), 'can not use content with a dir as dest'],
    ['a missing src', (d: string) => ({ src: 'nope.txt', dest: `${d}/f` }), "Could not find or access 'nope.txt'"],
    ['src and content', (d: string) => ({ src: 'hello.txt', content: 'x', dest: `${d}/f` }), 'src and content are mutually exclusive'],
    ['a bad mode', (d: string) => ({ content: 'x', dest: `${d}/f`, mode: 'rwxrwxrwx' }), 'mode must be in octal or symbolic form'],
  ])('fails for %s', async (_, args, msg) => {
    const result = await runModule(copy, args(tmp.dir));
    expect(result.failed).toBe(true);
    expect(result.msg).toContain(msg.replace('DIR', tmp.dir));
    expect(await readdir(tmp.dir)).toEqual([]);
  });

  it('keeps the owner of a replaced file', async () => {
    await writeFile(tmp.path('owned'), 'old');
    await chown(tmp.path('owned'), 65534, 65534);
    expect((await runModule(copy, { content: 'new', dest: tmp.path('owned') })).changed).toBe(true);
    const info = await fsStat(tmp.path('owned'));
    expect([info.uid, info.gid]).toEqual([65534, 65534]);
  });

  it('sets owner and group', async () => {
    const result = await runModule(copy, { content: 'x', dest: tmp.path('f'), owner: 'nobody', group: 'nogroup' });
    expect(result).toMatchObject({ changed: true, owner: 'nobody', group: 'nogroup', uid: 65534 });
    expect((await runModule(copy, { content: 'x', dest: tmp.path('f'), owner: 'nobody', group: 'nogroup' })).changed).toBe(false);
  });

  it('preserves the source mode with mode=preserve', async () => {
    await writeFile(tmp.path('src.sh'), '#!/bin/sh\n', { mode: 0o751 });
    await runModule(copy, { src: tmp.path('src.sh'), dest: tmp.path('dst.sh'), mode: 'preserve' });
    expect(await modeOf(tmp.path('dst.sh'))).toBe(0o751);
  });

  it('diff shows the old and new content with headers', async () => {
    await writeFile(tmp.path('f'), 'one\n');
    const result = await runModule(copy, { src: 'hello.txt', dest: tmp.path('f') }, { diff: true });
    expect(result.diff).toEqual({ before: 'one\n', after: 'Hello from a file\n', before_header: tmp.path('f'), after_header: `${FIXTURES}/files/hello.txt` });
  });

  it('writes a list or dict as JSON and other values as Python prints them, as Ansible does', async () => {
    await runModule(copy, { content: { a: [1, 2], é: true }, dest: tmp.path('j') });
    expect(await readText(tmp.path('j'))).toBe('{"a": [1, 2], "\\u00e9": true}');
    await runModule(copy, { content: true, dest: tmp.path('b') });
    expect(await readText(tmp.path('b'))).toBe('True');
  });

  it('check mode predicts the result of a new file', async () => {
    const result = await runModule(copy, { content: 'abc', dest: tmp.path('f'), mode: '0600' }, { check: true });
    expect(result).toMatchObject({ changed: true, mode: '0600', size: 3, checksum: sha1('abc') });
    expect(await readText(tmp.path('f'))).toBeNull();
  });
});

describe('template', () => {
  const tmp = useTempDir();
  const vars = { server: { name: 'db-1' }, port: 5432 };

  it('renders with the host variables and reports the template as src', async () => {
    const result = await runModule(template, { src: 'app.conf.tmpl', dest: tmp.path('app.conf') }, { vars });
    expect(result).toMatchObject({ changed: true, src: `${FIXTURES}/templates/app.conf.tmpl`, checksum: sha1('server db-1 listens on 5432\n') });
    expect(await readText(tmp.path('app.conf'))).toBe('server db-1 listens on 5432\n');
  });

  it('changes when a variable changes', async () => {
    await runModule(template, { src: 'app.conf.tmpl', dest: tmp.path('app.conf') }, { vars });
    const result = await runModule(template, { src: 'app.conf.tmpl', dest: tmp.path('app.conf') }, { vars: { ...vars, port: 6432 }, diff: true });
    expect(result.changed).toBe(true);
    expect(result.diff).toMatchObject({ before: 'server db-1 listens on 5432\n', after: 'server db-1 listens on 6432\n' });
  });

  it('puts the file into a destination directory under the template name', async () => {
    await mkdir(tmp.path('etc'));
    expect((await runModule(template, { src: 'app.conf.tmpl', dest: tmp.path('etc') }, { vars })).dest).toBe(tmp.path('etc/app.conf.tmpl'));
  });

  it('fails when rendering fails, naming the variable and the template line, or when the template is missing', async () => {
    const result = await runModule(template, { src: 'broken.j2', dest: tmp.path('x') }, { vars });
    expect(result).toMatchObject({ failed: true });
    expect(result.msg).toContain(`${FIXTURES}/templates/broken.j2:2:`);
    expect(result.msg).toContain("'server.nope' is undefined");
    expect((await runModule(template, { src: 'missing.j2', dest: tmp.path('x') })).failed).toBe(true);
    expect(await readdir(tmp.dir)).toEqual([]);
  });

  it('renders Jinja2 with Ansible\'s settings, which its arguments change', async () => {
    await runModule(template, { src: 'lines.j2', dest: tmp.path('a') }, { vars });
    expect(await readText(tmp.path('a'))).toBe('café 5432\n');
    await runModule(template, { src: 'lines.j2', dest: tmp.path('b'), trim_blocks: false, newline_sequence: '\\r\\n' }, { vars });
    expect(await readText(tmp.path('b'))).toBe('\r\ncafé 5432\r\n');
    await runModule(template, { src: 'lines.j2', dest: tmp.path('c'), output_encoding: 'latin-1' }, { vars });
    expect(await readFile(tmp.path('c'))).toEqual(Buffer.from('café 5432\n', 'latin1'));
    const ascii = await runModule(template, { src: 'lines.j2', dest: tmp.path('d'), output_encoding: 'ascii' }, { vars });
    expect(ascii).toMatchObject({ failed: true, msg: "'ascii' codec can't encode character '\\u00e9'" });
  });

  it('finds includes beside the template and along ansible_search_path', async () => {
    await mkdir(tmp.path('templates'));
    await writeFile(tmp.path('templates/extra.j2'), 'extra from the search path');
    await runModule(template, { src: 'with-include.j2', dest: tmp.path('inc') }, { vars: { ...vars, ansible_search_path: [tmp.dir] } });
    expect(await readText(tmp.path('inc'))).toBe('part of db-1, extra from the search path 5432\n');
  });

  it('renders .hbs files as Handlebars', async () => {
    await runModule(template, { src: 'list.txt.hbs', dest: tmp.path('list') }, { vars: { servers: [{ name: 'a' }, { name: 'b' }] } });
    expect(await readText(tmp.path('list'))).toBe('a b \n');
  });
});
