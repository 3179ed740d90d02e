import { chmodSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { runKbrun } from './helpers/run-kbrun.js';
import { tempProject, type TempProject } from './helpers/temp-project.js';

let project: TempProject;
afterEach(() => project?.cleanup());

const TOKEN = 'tok-9f8e7d6c5b4a';
const PASSWORD = 'pw-Zx81-spectrum';
const VAULTED = 'vaulted-Q7w8e9r0';

describe('secrets never reach any output', () => {
  it('no_log and secret-named variables are hidden in console, JSON, log file, errors and -vvv', async () => {
    project = tempProject({
      'vars.yml': `db_password: ${PASSWORD}\n`,
      'site.yml': `- hosts: localhost
  gather_facts: false
  vars:
    api_token: ${TOKEN}
  vars_files: [vars.yml]
  tasks:
    - name: shows the token
      debug: { msg: "token is {{ api_token }}" }
    - name: a command carrying the password
      command: echo {{ db_password }}
    - name: a failure quoting both
      shell: echo "{{ api_token }} {{ db_password }}" >&2; exit 3
      ignore_errors: true
    - name: hidden entirely
      command: echo not-secret-but-hidden
      no_log: true
    - name: a bad argument quoting the token
      wait_for: { port: "{{ api_token }}", timeout: 1 }
      ignore_errors: true
    - name: a loop over secrets
      debug: { msg: "{{ item }}" }
      loop: ["{{ api_token }}", "{{ db_password }}"]
`,
    });
    const outputs: string[] = [];
    for (const args of [['-vvv'], ['--output', 'json', '-vvv'], ['--log-file', project.path('run.log'), '-v']]) {
      const run = await runKbrun([...args, project.path('site.yml')]);
      expect(run.code).toBe(0);
      outputs.push(run.stdout, run.stderr);
    }
    outputs.push(readFileSync(project.path('run.log'), 'utf8'));
    const all = outputs.join('\n');
    expect(all).not.toContain(TOKEN);
    expect(all).not.toContain(PASSWORD);
    expect(all).not.toContain('not-secret-but-hidden');
    expect(all).toContain('token is ********');
    expect(all).toContain("'no_log: true' was specified");
  });
});

describe('vault', () => {
  it('encrypts a vars file and a single value; both load transparently and stay redacted; a wrong password is a clear error', async () => {
    project = tempProject({
      'pass.txt': 'correct horse battery staple\n',
      'wrong.txt': 'not the password\n',
      'secret-vars.yml': `cloud_token: ${VAULTED}\nregion: nbg1\n`,
    });
    chmodSync(project.path('pass.txt'), 0o600);
    chmodSync(project.path('wrong.txt'), 0o600);
    const env = { KBRUN_VAULT_PASSWORD_FILE: project.path('pass.txt') };
    const encrypt = await runKbrun(['vault', 'encrypt', project.path('secret-vars.yml')], { env });
    expect(encrypt.code).toBe(0);
    const encrypted = readFileSync(project.path('secret-vars.yml'), 'utf8');
    expect(encrypted).toMatch(/^\$KBRUN_VAULT;1\.0;AES256-GCM;SCRYPT\n/);
    expect(encrypted).not.toContain(VAULTED);

    const single = await runKbrun(['vault', 'encrypt-string', 'inline_secret'], { env, input: 'inline-S3cr3t-value' });
    expect(single.code).toBe(0);
    project.write(
      'site.yml',
      `- hosts: localhost
  gather_facts: false
  vars_files: [secret-vars.yml]
  vars:
${single.stdout.replace(/^/gm, '    ').trimEnd()}
  tasks:
    - name: use them
      debug: { msg: "{{ region }} {{ cloud_token }} {{ inline_secret }}" }
    - name: length
      debug: { msg: "{{ inline_secret | length }}" }
`,
    );
    const run = await runKbrun(['--output', 'json', project.path('site.yml')], { env });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('"msg":"nbg1 ******** ********"');
    expect(run.stdout).toContain('"msg":"19"'); // a debug message shows a lone expression's number as Ansible does, as text
    expect(run.stdout + run.stderr).not.toContain(VAULTED);
    expect(run.stdout + run.stderr).not.toContain('inline-S3cr3t-value');

    const view = await runKbrun(['vault', 'view', project.path('secret-vars.yml')], { env });
    expect(view.stdout).toContain(`cloud_token: ${VAULTED}`);

    const wrong = await runKbrun([project.path('site.yml')], { env: { KBRUN_VAULT_PASSWORD_FILE: project.path('wrong.txt') } });
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/E_VAULT .*wrong vault password/);
    expect(wrong.stderr).not.toContain('not the password');
    const none = await runKbrun([project.path('site.yml')]);
    expect(none.stderr).toMatch(/E_VAULT .*no vault password/);
  });
});
