// Python's fnmatch and glob on the controller (the one reading of shell patterns in kbrun).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fnmatchRegExp, isRegularFile, pyGlob } from '../../src/util/py-glob.js';

describe('fnmatchRegExp', () => {
  it.each([
    ['a?[!x]*.b', 'abc-def.b', true],
    ['a.b', 'axb', false],
    ['web-*.conf', 'web-01.conf', true],
    ['[a-c]x', 'bx', true],
    ['[!a-c]x', 'bx', false],
    ['[]]', ']', true],
    ['[!]]', 'a', true],
    ['[!]', '[!]', true],
    ['[', '[', true],
    ['*', 'line\nbreak', true],
    ['a/b?', 'a/bc', true],
    ['(x)+{1}$', '(x)+{1}$', true],
    ['\\', '\\', true],
  ])('%s on %j → %s', (pattern, name, expected) => {
    expect(fnmatchRegExp(pattern).test(name)).toBe(expected);
  });
});

describe('pyGlob', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kbrun-glob-'));
  mkdirSync(join(dir, 'sub'));
  for (const name of ['b.conf', 'a.conf', '.hidden.conf', 'sub/c.conf']) writeFileSync(join(dir, name), '');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lists matching names sorted, hidden ones only for a pattern starting with a dot', () => {
    expect(pyGlob(join(dir, '*.conf'))).toEqual([join(dir, 'a.conf'), join(dir, 'b.conf')]);
    expect(pyGlob(join(dir, '.*.conf'))).toEqual([join(dir, '.hidden.conf')]);
    expect(pyGlob(join(dir, '*', '*.conf'))).toEqual([join(dir, 'sub', 'c.conf')]);
  });

  it('returns a pattern without magic when the path exists, and tells files from directories', () => {
    expect(pyGlob(join(dir, 'a.conf'))).toEqual([join(dir, 'a.conf')]);
    expect(pyGlob(join(dir, 'missing'))).toEqual([]);
    expect(pyGlob(join(dir, '*')).filter(isRegularFile)).toEqual([join(dir, 'a.conf'), join(dir, 'b.conf')]);
  });
});
