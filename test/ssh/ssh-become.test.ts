// Password logins and sudo with a password, as the local test user the harness prepares (root only).
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPlaybook, type KbrunEvent } from '@kbrun/core';
import { builtinModules } from '@kbrun/modules-builtin';
import { sshConnectionFactory, sshModules, type SshConnectionFactory } from '@kbrun/ssh';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { testUserMissing, startSshdHarness, type SshdHarness } from '../helpers/sshd-harness.js';
import { requires } from '../helpers/prerequisite.js';
import { tempProject, type TempProject } from '../helpers/temp-project.js';

const needsTestUser = requires(testUserMissing);

let harness: SshdHarness;
let ssh: SshConnectionFactory;
let project: TempProject;
let password: string;

beforeAll(async () => {
  if (testUserMissing) return;
  harness = await startSshdHarness({ hosts: [{ name: 'box', address: '127.0.0.70' }], testUser: true });
  if (!harness.testUser) throw new Error(harness.testUserSkipReason);
  password = harness.testUser.password;
  ssh = sshConnectionFactory({ agentSocket: null, homeDirectory: harness.dir });
  project = tempProject();
});

afterAll(async () => {
  await ssh?.closeAll();
  await harness?.stop();
  project?.cleanup();
});

const asUser = (extra: Record<string, unknown> = {}) => harness.hostVars('box', { ansible_user: 'kbrun-test', ...extra });
const sudo = (pw: string | undefined) => ({ method: 'sudo' as const, user: 'root', ...(pw === undefined ? {} : { password: pw }) });

/** Runs a playbook through the engine on `box` as the test user, with its sudo password in the inventory. */
async function runAsTestUser(site: string): Promise<{ exitCode: number; stats: Record<string, unknown>; events: KbrunEvent[] }> {
  project.write('hosts.yml', `all:\n  hosts:\n    box:\n${Object.entries(asUser({ ansible_become_password: password })).map(([k, v]) => `      ${k}: ${JSON.stringify(v)}`).join('\n')}\n`);
  project.write('site.yml', site);
  const events: KbrunEvent[] = [];
  const result = await runPlaybook({
    playbook: project.path('site.yml'),
    inventory: [project.path('hosts.yml')],
    modules: [builtinModules, sshModules],
    connections: { ssh: ssh.factory },
    onEvent: (e) => events.push(e),
  });
  return { exitCode: result.exitCode, stats: result.stats, events };
}

describe('password login', () => {
  needsTestUser('logs in with ansible_password, and says authentication failed for a wrong one without showing it', async () => {
    const good = await ssh.factory('box', asUser({ ansible_ssh_private_key_file: undefined, ansible_password: password }));
    expect((await good.exec(['id', '-un'])).stdout).toBe('kbrun-test\n');
    const wrongPassword = `${password}-wrong`;
    const bad = await ssh.factory('box', asUser({ ansible_ssh_private_key_file: undefined, ansible_ssh_pass: wrongPassword }));
    const error = await bad.exec(['true']).then(() => undefined, (e: Error) => e);
    expect(error?.message).toMatch(/authentication failed: the server refused every method tried \(password\)/);
    expect(error?.message).not.toContain(wrongPassword);
  });
});

describe('become with sudo', () => {
  needsTestUser('answers the sudo prompt with the password and runs the command as root, stdin intact', async () => {
    const box = await ssh.factory('box', asUser());
    const whoami = await box.exec(['id', '-un'], { become: sudo(password) });
    expect(whoami).toEqual({ rc: 0, stdout: 'root\n', stderr: '' });
    const piped = await box.exec('cat; echo "[$HOME]"', { become: sudo(password), stdin: 'line one\nline two\n', cwd: '/', env: { KBRUN_X: '1' } });
    expect(piped).toEqual({ rc: 0, stdout: 'line one\nline two\n[/root]\n', stderr: '' });
  });

  needsTestUser('reports a wrong sudo password clearly and never shows it', async () => {
    const box = await ssh.factory('box', asUser());
    const wrong = `${password}-nope`;
    const result = await box.exec(['cat'], { become: sudo(wrong), stdin: 'secret input\n' });
    expect(result.rc).not.toBe(0);
    expect(result.stderr).toBe('become (sudo) failed: incorrect sudo password: check ansible_become_password\n');
    expect(JSON.stringify(result)).not.toContain(wrong);
    expect(JSON.stringify(result)).not.toContain('secret input');
  });

  needsTestUser('says a password is needed when sudo asks and none was given', async () => {
    const box = await ssh.factory('box', asUser());
    const result = await box.exec(['id'], { become: sudo(undefined) });
    expect(result.rc).toBe(1);
    expect(result.stderr).toMatch(/^become \(sudo\) failed: sudo needs a password to run commands as root: set ansible_become_password\n/);
  });

  needsTestUser('does not feed the password to a command when sudo does not ask for it', async () => {
    // root never needs a password for sudo: the password must not end up in the command's stdin.
    const rootBox = await ssh.factory('box', harness.hostVars('box'));
    const result = await rootBox.exec(['cat'], { become: sudo(password), stdin: 'only this\n' });
    expect(result).toEqual({ rc: 0, stdout: 'only this\n', stderr: '' });
  });

  needsTestUser('works through the engine with become: true, and no event carries the password', async () => {
    const { exitCode, stats, events } = await runAsTestUser(`- hosts: all
  gather_facts: false
  tasks:
    - name: as root
      command: id -un
      become: true
      register: who
    - assert: { that: ["who.stdout == 'root'"] }
    - name: as the login user
      command: id -un
      register: me
    - assert: { that: ["me.stdout == 'kbrun-test'"] }
`);
    expect(exitCode).toBe(0);
    expect(stats['box']).toMatchObject({ ok: 4, failed: 0 });
    expect(JSON.stringify(events)).not.toContain(password);
  });

  needsTestUser('writes and reads files as the become user: copy/template/slurp into a root-only directory', async () => {
    // The sshd runs on this machine: the directory is root's (0700), the login user kbrun-test cannot enter it.
    const dir = mkdtempSync(join(tmpdir(), 'kbrun-become-'));
    chmodSync(dir, 0o700);
    try {
      project.write('motd.j2', 'welcome to {{ inventory_hostname }}\n');
      const { exitCode, events } = await runAsTestUser(`- hosts: all
  gather_facts: false
  tasks:
    - name: without become
      copy: { content: "x\\n", dest: "${dir}/denied" }
      ignore_errors: true
      register: denied
    - assert: { that: ["denied is failed"] }
    - name: copy
      copy: { content: "secret: 42\\n", dest: "${dir}/app.conf", mode: "0600" }
      become: true
    - name: template
      template: { src: motd.j2, dest: "${dir}/motd" }
      become: true
    - name: read back
      slurp: { src: "${dir}/app.conf" }
      become: true
      register: back
    - assert: { that: ["(back.content | b64decode) == 'secret: 42\\n'"] }
    - name: copy again
      copy: { content: "secret: 42\\n", dest: "${dir}/app.conf", mode: "0600" }
      become: true
      register: again
    - assert: { that: ["not again.changed"] }
`);
      const failures = events.filter((e) => e.type === 'host_result' && e.status === 'failed').map((e) => JSON.stringify((e as { result: unknown }).result));
      expect(exitCode, failures.join('\n')).toBe(0);
      expect(readFileSync(join(dir, 'app.conf'), 'utf8')).toBe('secret: 42\n');
      expect(statSync(join(dir, 'app.conf'))).toMatchObject({ uid: 0, mode: 0o100600 });
      expect(readFileSync(join(dir, 'motd'), 'utf8')).toBe('welcome to box\n');
      expect(statSync(join(dir, 'motd')).uid).toBe(0);
      expect(JSON.stringify(events)).not.toContain(password);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
