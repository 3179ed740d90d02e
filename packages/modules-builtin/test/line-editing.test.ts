import { mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { blockinfile, lineinfile } from '../src/index.js';
import { modeOf, readText, runModule, useTempDir } from './helpers/target.js';

interface EditCase {
  name: string;
  initial: string | null;
  args: Record<string, unknown>;
  expected: string | null;
  msg: string;
}

const lineCases: EditCase[] = [
  { name: 'appends at EOF', initial: 'a\nb\n', args: { line: 'c' }, expected: 'a\nb\nc\n', msg: 'line added' },
  { name: 'ends an unterminated last line first', initial: 'a', args: { line: 'c' }, expected: 'a\nc\n', msg: 'line added' },
  { name: 'leaves a present line alone', initial: 'a\nc\n', args: { line: 'c' }, expected: 'a\nc\n', msg: '' },
  { name: 'replaces the last regexp match', initial: 'x=1\ny\nx=2\n', args: { regexp: '^x=', line: 'x=9' }, expected: 'x=1\ny\nx=9\n', msg: 'line replaced' },
  { name: 'replaces the first match with firstmatch', initial: 'x=1\ny\nx=2\n', args: { regexp: '^x=', line: 'x=9', firstmatch: true }, expected: 'x=9\ny\nx=2\n', msg: 'line replaced' },
  { name: 'search_string finds a literal', initial: 'a.b(c)\nz\n', args: { search_string: '.b(', line: 'new' }, expected: 'new\nz\n', msg: 'line replaced' },
  { name: 'adds at EOF when regexp does not match', initial: 'a\n', args: { regexp: '^x=', line: 'x=1' }, expected: 'a\nx=1\n', msg: 'line added' },
  { name: 'inserts after the last anchor match', initial: '[a]\nk\n[b]\nk\n', args: { line: 'new', insertafter: '^\\[' }, expected: '[a]\nk\n[b]\nnew\nk\n', msg: 'line added' },
  { name: 'inserts after the first anchor match with firstmatch', initial: '[a]\nk\n[b]\n', args: { line: 'new', insertafter: '^\\[', firstmatch: true }, expected: '[a]\nnew\nk\n[b]\n', msg: 'line added' },
  { name: 'inserts before an anchor', initial: 'a\nend\n', args: { line: 'new', insertbefore: '^end$' }, expected: 'a\nnew\nend\n', msg: 'line added' },
  { name: 'inserts at BOF', initial: 'a\n', args: { line: '#!/bin/sh', insertbefore: 'BOF' }, expected: '#!/bin/sh\na\n', msg: 'line added' },
  { name: 'falls back to EOF when the anchor does not match', initial: 'a\n', args: { line: 'new', insertafter: '^zzz' }, expected: 'a\nnew\n', msg: 'line added' },
  { name: 'expands backrefs', initial: 'port = 80\n', args: { regexp: '^port = (?P<n>\\d+)$', line: 'port = \\g<n>0 # was \\1', backrefs: true }, expected: 'port = 800 # was 80\n', msg: 'line replaced' },
  { name: 'changes nothing with backrefs and no match', initial: 'a\n', args: { regexp: '^port = (\\d+)$', line: 'port = \\1', backrefs: true }, expected: 'a\n', msg: '' },
  { name: 'removes every exact line', initial: 'a\nb\na\n', args: { line: 'a', state: 'absent' }, expected: 'b\n', msg: '2 line(s) removed' },
  { name: 'removes regexp matches', initial: 'keep\n# c1\n# c2\n', args: { regexp: '^#', state: 'absent' }, expected: 'keep\n', msg: '2 line(s) removed' },
  { name: 'removes nothing when nothing matches', initial: 'keep\n', args: { regexp: '^#', state: 'absent' }, expected: 'keep\n', msg: '' },
  { name: 'creates a missing file', initial: null, args: { line: 'first', create: true }, expected: 'first\n', msg: 'line added' },
  { name: 'handles case-insensitive inline flags', initial: 'FOO=1\n', args: { regexp: '(?i)^foo=', line: 'foo=2' }, expected: 'foo=2\n', msg: 'line replaced' },
];

describe('lineinfile', () => {
  const tmp = useTempDir();

  it.each(lineCases)('$name', async ({ initial, args, expected, msg }) => {
    const path = tmp.path('file');
    if (initial !== null) await writeFile(path, initial);
    const result = await runModule(lineinfile, { path, ...args });
    expect(result.failed, String(result.msg)).toBeFalsy();
    expect(result).toMatchObject({ changed: expected !== initial, msg });
    expect(await readText(path)).toBe(expected);
    // Idempotent: the same task again changes nothing.
    expect((await runModule(lineinfile, { path, ...args })).changed).toBe(false);
  });

  it.each([
    [{ line: 'x' }, 'Destination FILE does not exist !'],
    [{ regexp: 'x' }, 'line is required with state=present'],
    [{ line: 'x', backrefs: true }, 'regexp is required with backrefs=true'],
    [{ line: 'x', regexp: '(' }, 'invalid regular expression'],
    [{ state: 'absent' }, 'one of line, search_string, or regexp is required with state=absent'],
  ])('fails for %j', async (args, msg) => {
    const result = await runModule(lineinfile, { path: tmp.path('file'), ...args });
    expect(result.failed).toBe(true);
    expect(result.msg).toContain(msg.replace('FILE', tmp.path('file')));
  });

  it('reports a missing file as not present for state=absent', async () => {
    expect(await runModule(lineinfile, { path: tmp.path('file'), line: 'x', state: 'absent' })).toMatchObject({ changed: false, msg: 'file not present' });
  });

  it('fails on a directory', async () => {
    expect((await runModule(lineinfile, { path: tmp.dir, line: 'x' })).msg).toBe(`Path ${tmp.dir} is a directory !`);
  });

  it('edits the file a symbolic link points to', async () => {
    await writeFile(tmp.path('real'), 'a\n');
    await symlink('real', tmp.path('link'));
    await runModule(lineinfile, { path: tmp.path('link'), line: 'b' });
    expect(await readText(tmp.path('real'))).toBe('a\nb\n');
  });

  it('words attribute-only changes like Ansible and backs up content changes', async () => {
    await writeFile(tmp.path('file'), 'a\n', { mode: 0o644 });
    expect(await runModule(lineinfile, { path: tmp.path('file'), line: 'a', mode: '0600' })).toMatchObject({ changed: true, msg: 'ownership, perms or SE linux context changed' });
    expect(await modeOf(tmp.path('file'))).toBe(0o600);
    const both = await runModule(lineinfile, { path: tmp.path('file'), line: 'b', mode: '0640', backup: true });
    expect(both.msg).toBe('line added and ownership, perms or SE linux context changed');
    expect(await readText(both['backup'] as string)).toBe('a\n');
  });

  it('check mode with diff shows the edit and writes nothing', async () => {
    await writeFile(tmp.path('file'), 'a\n');
    const result = await runModule(lineinfile, { path: tmp.path('file'), line: 'b' }, { check: true, diff: true });
    expect(result).toMatchObject({ changed: true, msg: 'line added', diff: { before: 'a\n', after: 'a\nb\n' } });
    expect(await readText(tmp.path('file'))).toBe('a\n');
    expect(await runModule(lineinfile, { path: tmp.path('new'), line: 'x', create: true }, { check: true })).toMatchObject({ changed: true });
    expect(await readdir(tmp.dir)).toEqual(['file']);
  });
});

const BEGIN = '# BEGIN ANSIBLE MANAGED BLOCK';
const END = '# END ANSIBLE MANAGED BLOCK';

const blockCases: EditCase[] = [
  { name: 'appends a block', initial: 'a\n', args: { block: 'x\ny\n' }, expected: `a\n${BEGIN}\nx\ny\n${END}\n`, msg: 'Block inserted' },
  { name: 'replaces the block between markers', initial: `a\n${BEGIN}\nold\n${END}\nz\n`, args: { block: 'new' }, expected: `a\n${BEGIN}\nnew\n${END}\nz\n`, msg: 'Block inserted' },
  { name: 'keeps an identical block', initial: `${BEGIN}\nsame\n${END}\n`, args: { block: 'same' }, expected: `${BEGIN}\nsame\n${END}\n`, msg: '' },
  { name: 'removes the block', initial: `a\n${BEGIN}\nold\n${END}\nz\n`, args: { state: 'absent' }, expected: 'a\nz\n', msg: 'Block removed' },
  { name: 'removes the block when block is empty', initial: `a\n${BEGIN}\nold\n${END}\n`, args: { block: '' }, expected: 'a\n', msg: 'Block removed' },
  { name: 'inserts at BOF', initial: 'a\n', args: { block: 'x', insertbefore: 'BOF' }, expected: `${BEGIN}\nx\n${END}\na\n`, msg: 'Block inserted' },
  { name: 'inserts after the last anchor match', initial: '[s]\n[s]\nk\n', args: { block: 'x', insertafter: '^\\[s\\]' }, expected: `[s]\n[s]\n${BEGIN}\nx\n${END}\nk\n`, msg: 'Block inserted' },
  { name: 'inserts before an anchor', initial: 'a\nexit 0\n', args: { block: 'x', insertbefore: '^exit' }, expected: `a\n${BEGIN}\nx\n${END}\nexit 0\n`, msg: 'Block inserted' },
  { name: 'uses custom markers', initial: '', args: { block: 'x', marker: '<!-- {mark} -->', marker_begin: 'start', marker_end: 'stop' }, expected: '<!-- start -->\nx\n<!-- stop -->\n', msg: 'Block inserted' },
  { name: 'ends an unterminated last line', initial: 'a', args: { block: 'x' }, expected: `a\n${BEGIN}\nx\n${END}\n`, msg: 'Block inserted' },
  { name: 'does not touch a file without the block when removing', initial: 'a', args: { state: 'absent' }, expected: 'a', msg: '' },
  { name: 'creates a missing file', initial: null, args: { block: 'x', create: true }, expected: `${BEGIN}\nx\n${END}\n`, msg: 'File created' },
];

describe('blockinfile', () => {
  const tmp = useTempDir();

  it.each(blockCases)('$name', async ({ initial, args, expected, msg }) => {
    const path = tmp.path('file');
    if (initial !== null) await writeFile(path, initial);
    const result = await runModule(blockinfile, { path, ...args });
    expect(result.failed, String(result.msg)).toBeFalsy();
    expect(result).toMatchObject({ changed: expected !== initial, msg });
    expect(await readText(path)).toBe(expected);
    expect((await runModule(blockinfile, { path, ...args })).changed).toBe(false);
  });

  it('fails on a missing file without create', async () => {
    expect(await runModule(blockinfile, { path: tmp.path('nope'), block: 'x' })).toMatchObject({ failed: true, rc: 257, msg: `Path ${tmp.path('nope')} does not exist !` });
  });

  it('creates parent directories with create', async () => {
    await runModule(blockinfile, { path: tmp.path('a/b/c'), block: 'x', create: true, mode: '0600' });
    expect(await modeOf(tmp.path('a/b/c'))).toBe(0o600);
  });

  it('check mode leaves the file alone; diff shows the block', async () => {
    await mkdir(tmp.path('d'));
    await writeFile(tmp.path('d/f'), 'a\n');
    const result = await runModule(blockinfile, { path: tmp.path('d/f'), block: 'x' }, { check: true, diff: true });
    expect(result).toMatchObject({ changed: true, msg: 'Block inserted', diff: { before: 'a\n', after: `a\n${BEGIN}\nx\n${END}\n` } });
    expect(await readText(tmp.path('d/f'))).toBe('a\n');
  });
});
