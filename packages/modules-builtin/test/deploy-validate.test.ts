import { readdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { blockinfile, copy, lineinfile } from '../src/index.js';
import { readText, runModule, useTempDir } from './helpers/target.js';

// copy, template, lineinfile and blockinfile `validate` (Ansible's argument): the program named checks a temporary copy of the new
// content before it replaces the file; a refusal leaves the file as it was and no temporary file behind.
describe('copy and template validate', () => {
  const tmp = useTempDir();

  it('puts content the command accepts in place, with the temporary copy beside dest and the final mode', async () => {
    const seen = tmp.path('seen');
    const result = await runModule(copy, {
      content: 'port=1\n',
      dest: tmp.path('app.conf'),
      mode: '0600',
      validate: `sh -c 'grep -q port= "$1" && stat -c "%a %n" "$1" > ${seen}' validate %s`,
    });
    expect(result).toMatchObject({ changed: true, mode: '0600' });
    expect(await readText(tmp.path('app.conf'))).toBe('port=1\n');
    expect(await readText(seen)).toMatch(new RegExp(`^600 ${tmp.dir}/\\.app\\.conf\\.kbrun-validate-`));
    expect(await readdir(tmp.dir)).toEqual(['app.conf', 'seen']);
  });

  it('leaves dest untouched when the command refuses the content, and says why', async () => {
    await runModule(copy, { content: 'port=1\n', dest: tmp.path('app.conf') });
    const result = await runModule(copy, { content: 'nonsense\n', dest: tmp.path('app.conf'), validate: "sh -c 'grep port= \"$1\" || { echo \"no port in $1\" >&2; exit 3; }' v %s" });
    expect(result.failed).toBe(true);
    expect(String(result.msg)).toMatch(/^failed to validate: .* exited with 3:\nno port in .*app\.conf$/);
    expect(await readText(tmp.path('app.conf'))).toBe('port=1\n');
    expect(await readdir(tmp.dir)).toEqual(['app.conf']);
  });

  it('does not run the command when nothing changes or in check mode, and needs %s', async () => {
    await runModule(copy, { content: 'port=1\n', dest: tmp.path('app.conf') });
    expect(await runModule(copy, { content: 'port=1\n', dest: tmp.path('app.conf'), validate: 'false %s' })).toMatchObject({ changed: false });
    expect(await runModule(copy, { content: 'port=2\n', dest: tmp.path('app.conf'), validate: 'false %s' }, { check: true })).toMatchObject({ changed: true });
    expect(() => runModule(copy, { content: 'x\n', dest: tmp.path('other'), validate: 'true' })).toThrow(/validate must match pattern "%s"/);
  });
});

describe('lineinfile and blockinfile validate', () => {
  const tmp = useTempDir();
  const refuseNo = "sh -c '! grep -q \"^PasswordAuthentication yes\" \"$1\"' v %s";

  it('puts an edit the command accepts in place and leaves the file untouched when it refuses', async () => {
    await runModule(copy, { content: 'Port 22\n', dest: tmp.path('sshd_config') });
    expect(await runModule(lineinfile, { path: tmp.path('sshd_config'), line: 'PasswordAuthentication no', validate: refuseNo })).toMatchObject({ changed: true });
    const refused = await runModule(lineinfile, { path: tmp.path('sshd_config'), regexp: '^PasswordAuthentication', line: 'PasswordAuthentication yes', validate: refuseNo });
    expect(refused.failed).toBe(true);
    expect(String(refused.msg)).toMatch(/^failed to validate: /);
    expect(await readText(tmp.path('sshd_config'))).toBe('Port 22\nPasswordAuthentication no\n');
    const block = await runModule(blockinfile, { path: tmp.path('sshd_config'), block: 'PasswordAuthentication yes', validate: refuseNo });
    expect(block.failed).toBe(true);
    expect(await readText(tmp.path('sshd_config'))).toBe('Port 22\nPasswordAuthentication no\n');
    expect(await readdir(tmp.dir)).toEqual(['sshd_config']);
  });
});
