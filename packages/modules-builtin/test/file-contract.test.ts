// The contract every file-changing module keeps, run over one table:
// check mode reports the change and writes nothing; the real run changes; the second run changes nothing; --diff shows it.
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import type { AnyModule } from '@kbrun/core';
import { describe, expect, it } from 'vitest';
import { blockinfile, copy, file, lineinfile, template } from '../src/index.js';
import { makeContext, modeOf, prepareArgs, readText, useTempDir } from './helpers/target.js';
import { snapshot } from './helpers/snapshot.js';

interface Case {
  name: string;
  module: AnyModule;
  setup?: (path: (p: string) => string) => Promise<void>;
  args: (path: (p: string) => string) => Record<string, unknown>;
  verify: (path: (p: string) => string) => Promise<void>;
  /** The diff shows content (before/after text) rather than state documents. */
  diffContains?: string;
  vars?: Record<string, unknown>;
}

const cases: Case[] = [
  {
    name: 'copy content to a new file with a mode',
    module: copy,
    args: (p) => ({ content: 'alpha\n', dest: p('a.txt'), mode: '0600' }),
    verify: async (p) => {
      expect(await readText(p('a.txt'))).toBe('alpha\n');
      expect(await modeOf(p('a.txt'))).toBe(0o600);
    },
    diffContains: 'alpha',
  },
  {
    name: 'copy replaces different content',
    module: copy,
    setup: (p) => writeFile(p('a.txt'), 'old\n'),
    args: (p) => ({ content: 'new\n', dest: p('a.txt') }),
    verify: async (p) => expect(await readText(p('a.txt'))).toBe('new\n'),
    diffContains: 'new',
  },
  {
    name: 'copy src into a directory keeps the basename',
    module: copy,
    setup: (p) => mkdir(p('etc')),
    args: (p) => ({ src: 'hello.txt', dest: p('etc') }),
    verify: async (p) => expect(await readText(p('etc/hello.txt'))).toBe('Hello from a file\n'),
    diffContains: 'Hello from a file',
  },
  {
    name: 'copy only changes a mode given as a YAML octal number',
    module: copy,
    setup: async (p) => writeFile(p('a.txt'), 'same\n', { mode: 0o644 }),
    args: (p) => ({ content: 'same\n', dest: p('a.txt'), mode: 0o640 }),
    verify: async (p) => expect(await modeOf(p('a.txt'))).toBe(0o640),
  },
  {
    name: 'template renders variables',
    module: template,
    vars: { server: { name: 'web-1' }, port: 8080 },
    args: (p) => ({ src: 'app.conf.tmpl', dest: p('app.conf'), mode: 'u=rw,g=r,o=' }),
    verify: async (p) => {
      expect(await readText(p('app.conf'))).toBe('server web-1 listens on 8080\n');
      expect(await modeOf(p('app.conf'))).toBe(0o640);
    },
    diffContains: 'web-1',
  },
  {
    name: 'lineinfile replaces the line matching regexp',
    module: lineinfile,
    setup: (p) => writeFile(p('sshd_config'), 'Port 22\nPermitRootLogin yes\nUsePAM yes\n'),
    args: (p) => ({ path: p('sshd_config'), regexp: '^PermitRootLogin\\s', line: 'PermitRootLogin no' }),
    verify: async (p) => expect(await readText(p('sshd_config'))).toBe('Port 22\nPermitRootLogin no\nUsePAM yes\n'),
    diffContains: 'PermitRootLogin no',
  },
  {
    name: 'lineinfile creates a missing file with create',
    module: lineinfile,
    args: (p) => ({ path: p('new/dir/hosts'), line: '127.0.0.1 app', create: true }),
    verify: async (p) => expect(await readText(p('new/dir/hosts'))).toBe('127.0.0.1 app\n'),
    diffContains: '127.0.0.1 app',
  },
  {
    name: 'lineinfile removes lines',
    module: lineinfile,
    setup: (p) => writeFile(p('list'), 'a\n#x\nb\n#y\n'),
    args: (p) => ({ path: p('list'), regexp: '^#', state: 'absent' }),
    verify: async (p) => expect(await readText(p('list'))).toBe('a\nb\n'),
    diffContains: '#x',
  },
  {
    name: 'blockinfile inserts a block',
    module: blockinfile,
    setup: (p) => writeFile(p('conf'), 'first\n'),
    args: (p) => ({ path: p('conf'), block: 'x = 1\ny = 2' }),
    verify: async (p) => expect(await readText(p('conf'))).toBe('first\n# BEGIN ANSIBLE MANAGED BLOCK\nx = 1\ny = 2\n# END ANSIBLE MANAGED BLOCK\n'),
    diffContains: 'x = 1',
  },
  {
    name: 'file creates a directory with parents',
    module: file,
    args: (p) => ({ path: p('a/b/c'), state: 'directory', mode: '0750' }),
    verify: async (p) => expect(await modeOf(p('a/b/c'))).toBe(0o750),
    diffContains: 'directory',
  },
  {
    name: 'file removes a tree',
    module: file,
    setup: async (p) => {
      await mkdir(p('tree/sub'), { recursive: true });
      await writeFile(p('tree/sub/x'), 'x');
    },
    args: (p) => ({ path: p('tree'), state: 'absent' }),
    verify: async (p) => expect(await modeOf(p('tree'))).toBeNull(),
    diffContains: 'absent',
  },
  {
    name: 'file creates a symbolic link',
    module: file,
    setup: (p) => writeFile(p('target'), 't'),
    args: (p) => ({ path: p('link'), src: 'target', state: 'link' }),
    verify: async (p) => expect(await readText(p('link'))).toBe('t'),
    diffContains: 'link',
  },
  {
    name: 'file re-points a symbolic link',
    module: file,
    setup: async (p) => {
      await writeFile(p('one'), '1');
      await writeFile(p('two'), '2');
      await symlink('one', p('link'));
    },
    args: (p) => ({ path: p('link'), src: 'two', state: 'link' }),
    verify: async (p) => expect(await readText(p('link'))).toBe('2'),
    diffContains: 'two',
  },
  {
    name: 'file changes the mode of an existing file',
    module: file,
    setup: (p) => writeFile(p('f'), 'x', { mode: 0o644 }),
    args: (p) => ({ path: p('f'), mode: 'go-r' }),
    verify: async (p) => expect(await modeOf(p('f'))).toBe(0o600),
    diffContains: '0600',
  },
];

describe.each(cases)('$name', (testCase) => {
  const tmp = useTempDir();
  const path = (p: string) => tmp.path(p);
  const run = (options: { check?: boolean; diff?: boolean } = {}) =>
    testCase.module.run(prepareArgs(testCase.module, testCase.args(path)), makeContext({ ...options, ...(testCase.vars ? { vars: testCase.vars } : {}) }).ctx);

  it('check mode reports the change and leaves the target untouched', async () => {
    await testCase.setup?.(path);
    const before = await snapshot(tmp.dir);
    const result = await run({ check: true });
    expect(result.failed, String(result.msg)).toBeFalsy();
    expect(result.changed).toBe(true);
    expect(await snapshot(tmp.dir)).toEqual(before);
  });

  it('changes on the first run and not on the second', async () => {
    await testCase.setup?.(path);
    const first = await run();
    expect(first.failed, String(first.msg)).toBeFalsy();
    expect(first.changed).toBe(true);
    await testCase.verify(path);
    const after = await snapshot(tmp.dir);
    const second = await run();
    expect(second.failed, String(second.msg)).toBeFalsy();
    expect(second.changed).toBe(false);
    expect(await snapshot(tmp.dir)).toEqual(after);
    // Check mode agrees that nothing is left to do.
    expect((await run({ check: true })).changed).toBe(false);
  });

  it('returns a diff with --diff', async () => {
    await testCase.setup?.(path);
    const result = await run({ diff: true, check: true });
    const diffs = [result.diff].flat();
    expect(diffs[0]).toBeDefined();
    const text = diffs.map((d) => `${d!.before}${d!.after}`).join('');
    if (testCase.diffContains) expect(text).toContain(testCase.diffContains);
    expect(typeof diffs[0]!.before_header).toBe('string');
  });
});
