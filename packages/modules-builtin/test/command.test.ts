import { mkdir, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { command, shell } from '../src/index.js';
import { makeContext, readText, runModule, useTempDir } from './helpers/target.js';

const TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$/;
const DELTA = /^\d+:\d{2}:\d{2}(\.\d{6})?$/;

describe('command', () => {
  const tmp = useTempDir();

  it('runs an argument vector without a shell and returns Ansible\'s result shape', async () => {
    const result = await runModule(command, { cmd: "printf '%s\\n' 'a b' '$HOME' c" });
    expect(result).toMatchObject({
      changed: true,
      rc: 0,
      cmd: ['printf', '%s\\n', 'a b', '$HOME', 'c'],
      stdout: 'a b\n$HOME\nc',
      stderr: '',
      stdout_lines: ['a b', '$HOME', 'c'],
      stderr_lines: [],
      msg: '',
    });
    expect(result.failed).toBeUndefined();
    expect(result['start']).toMatch(TIMESTAMP);
    expect(result['end']).toMatch(TIMESTAMP);
    expect(result['delta']).toMatch(DELTA);
  });

  it('accepts argv', async () => {
    const result = await runModule(command, { argv: ['echo', 'one; two'] });
    expect(result['stdout']).toBe('one; two');
    expect(result['cmd']).toEqual(['echo', 'one; two']);
  });

  it('fails on a non-zero return code', async () => {
    const result = await runModule(command, { argv: ['sh', '-c', 'echo oops >&2; exit 3'] });
    expect(result).toMatchObject({ failed: true, rc: 3, msg: 'non-zero return code', stderr: 'oops', stderr_lines: ['oops'], changed: true });
  });

  it('reports a missing program as a failure', async () => {
    const result = await runModule(command, { cmd: 'definitely-not-a-program-kbrun' });
    expect(result.failed).toBe(true);
    expect(result['rc']).not.toBe(0);
  });

  it('refuses cmd and argv together, and an empty command', async () => {
    expect((await runModule(command, { cmd: 'true', argv: ['true'] })).msg).toBe('only command or argv can be given, not both');
    expect(await runModule(command, { cmd: '  ' })).toMatchObject({ failed: true, msg: 'no command given' });
  });

  it('keeps empty ends when strip_empty_ends is false', async () => {
    const result = await runModule(command, { argv: ['printf', 'x\\n\\n'], strip_empty_ends: false });
    expect(result['stdout']).toBe('x\n\n');
    expect(result['stdout_lines']).toEqual(['x', '']);
  });

  it('changes directory with chdir and fails for a missing one', async () => {
    await mkdir(tmp.path('work'));
    expect((await runModule(command, { cmd: 'pwd', chdir: tmp.path('work') }))['stdout']).toBe(tmp.path('work'));
    const missing = await runModule(command, { cmd: 'pwd', chdir: tmp.path('nope') });
    expect(missing.failed).toBe(true);
    expect(missing.msg).toContain('Unable to change directory before execution');
  });

  it('writes stdin, with a newline unless told not to', async () => {
    expect((await runModule(command, { cmd: 'od -c', stdin: 'hi' }))['stdout']).toContain('h   i  \\n');
    expect((await runModule(command, { cmd: 'wc -c', stdin: 'hi', stdin_add_newline: false }))['stdout']).toBe('2');
  });

  it('passes the task environment', async () => {
    const { ctx } = makeContext({ environment: { KBRUN_GREETING: 'bonjour' } });
    const result = await command.run({ cmd: 'printenv KBRUN_GREETING' }, ctx);
    expect(result['stdout']).toBe('bonjour');
  });

  it('skips when creates matches (a glob, relative to chdir)', async () => {
    await writeFile(tmp.path('done.flag'), '');
    const result = await runModule(command, { cmd: 'touch ran', chdir: tmp.dir, creates: '*.flag' });
    expect(result).toMatchObject({ changed: false, rc: 0, stdout: 'skipped, since *.flag exists', msg: "Did not run command since '*.flag' exists" });
    expect(await readText(tmp.path('ran'))).toBeNull();
  });

  it('runs when creates does not match, skips when removes does not match', async () => {
    const ran = await runModule(command, { argv: ['touch', tmp.path('ran')], creates: tmp.path('missing') });
    expect(ran.changed).toBe(true);
    expect(await readText(tmp.path('ran'))).toBe('');
    const skipped = await runModule(command, { argv: ['touch', tmp.path('ran2')], removes: tmp.path('missing') });
    expect(skipped).toMatchObject({ changed: false, msg: `Did not run command since '${tmp.path('missing')}' does not exist` });
    expect(await readText(tmp.path('ran2'))).toBeNull();
  });

  it('check mode: skipped without creates/removes, changed when they let it run, ok when they skip', async () => {
    const plain = await runModule(command, { argv: ['touch', tmp.path('x')] }, { check: true });
    expect(plain).toMatchObject({ skipped: true, changed: false, msg: 'Command would have run if not in check mode' });
    const wouldRun = await runModule(command, { argv: ['touch', tmp.path('x')], creates: tmp.path('x') }, { check: true });
    expect(wouldRun).toMatchObject({ changed: true, msg: 'Command would have run if not in check mode' });
    expect(wouldRun.skipped).toBeUndefined();
    await writeFile(tmp.path('x'), '');
    const decided = await runModule(command, { argv: ['rm', tmp.path('x')], creates: tmp.path('x') }, { check: true });
    expect(decided).toMatchObject({ changed: false, rc: 0 });
    expect(await readText(tmp.path('x'))).toBe('');
  });
});

describe('shell', () => {
  const tmp = useTempDir();

  it('runs the string through /bin/sh -c and reports it as cmd', async () => {
    const result = await runModule(shell, { cmd: 'echo $((6*7)) | tr 4 X; echo err >&2' });
    expect(result).toMatchObject({ changed: true, rc: 0, cmd: 'echo $((6*7)) | tr 4 X; echo err >&2', stdout: 'X2', stderr: 'err' });
  });

  it('uses another executable', async () => {
    const result = await runModule(shell, { cmd: 'echo "$0"', executable: '/bin/bash' });
    expect(result['stdout']).toBe('/bin/bash');
  });

  it('fails with the rc of the shell', async () => {
    expect(await runModule(shell, { cmd: 'exit 7' })).toMatchObject({ failed: true, rc: 7, msg: 'non-zero return code' });
  });

  it('honours chdir, creates, stdin and the environment', async () => {
    const { ctx } = makeContext({ environment: { WHO: 'kbrun' } });
    const result = await shell.run({ cmd: 'read line; echo "$line $WHO" > out; cat out', chdir: tmp.dir, stdin: 'hello' }, ctx);
    expect(result['stdout']).toBe('hello kbrun');
    const again = await shell.run({ cmd: 'echo again > out', chdir: tmp.dir, creates: 'out' }, ctx);
    expect(again.changed).toBe(false);
    expect(await readText(tmp.path('out'))).toBe('hello kbrun\n');
  });

  it('does not run in check mode', async () => {
    const result = await runModule(shell, { cmd: `touch ${tmp.path('never')}` }, { check: true });
    expect(result.skipped).toBe(true);
    expect(await readText(tmp.path('never'))).toBeNull();
  });
});
