// The built-in modules over SSH through the engine: the same playbook, real sshd targets, idempotent, check mode;
// and a host that goes away in the middle of a play.
import { existsSync, mkdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runPlaybook, type KbrunEvent } from '@kbrun/core';
import { builtinModules } from '@kbrun/modules-builtin';
import { sshConnectionFactory, sshModules, type SshConnectionFactory } from '@kbrun/ssh';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { sshdMissing, startSshdHarness, type SshdHarness } from '../helpers/sshd-harness.js';
import { requires } from '../helpers/prerequisite.js';
import { tempProject, type TempProject } from '../helpers/temp-project.js';

const needsSshd = requires(sshdMissing);

let harness: SshdHarness;
let project: TempProject;

beforeAll(async () => {
  if (sshdMissing) return;
  harness = await startSshdHarness({ count: 3, firstAddress: 50 });
  project = tempProject({
    'templates/app.conf.j2': '# managed by kbrun\nname={{ inventory_hostname }}\nport=80\n',
    'site.yml': SUITE,
    'unreachable.yml': UNREACHABLE,
  });
});

afterAll(async () => {
  await harness?.stop();
  project?.cleanup();
});

const SUITE = `- hosts: nodes
  gather_facts: false
  vars:
    dir: "{{ workdir }}/{{ inventory_hostname }}"
  tasks:
    - name: base directory
      file: { path: "{{ dir }}/conf.d", state: directory, mode: "0755" }
    - name: command
      command: echo hello from {{ inventory_hostname }}
      register: cmd
      changed_when: false
    - name: shell with chdir, stdin and creates
      shell: cat > created.txt && pwd
      args: { chdir: "{{ dir }}", stdin: "from stdin", creates: "{{ dir }}/created.txt" }
      register: sh
    - name: copy
      copy: { content: "hello\\n", dest: "{{ dir }}/conf.d/hello.conf", mode: "0640" }
    - name: template
      template: { src: app.conf.j2, dest: "{{ dir }}/app.conf", mode: "0644" }
    - name: lineinfile
      lineinfile: { path: "{{ dir }}/edit.conf", regexp: "^port=", line: "port=8080", create: true }
    - name: blockinfile
      blockinfile: { path: "{{ dir }}/edit.conf", block: "extra=1\\nmore=2", create: true }
    - name: link
      file: { src: "{{ dir }}/app.conf", dest: "{{ dir }}/app.link", state: link }
    - name: stat
      stat: { path: "{{ dir }}/conf.d/hello.conf" }
      register: st
    - name: slurp
      slurp: { src: "{{ dir }}/app.conf" }
      register: sl
    - name: check what was read back
      assert:
        that:
          - "ansible_check_mode or 'hello from' in cmd.stdout"
          - st.stat.exists
          - st.stat.mode == '0640'
          - "(sl.content | b64decode) is search('port=80\\n')"
          - "(sl.content | b64decode) is search('name=' ~ inventory_hostname)"
          - sh.stdout == dir or sh.stdout is search('skipped, since')
    - name: wait_for_connection answers at once on a live host
      wait_for_connection: { timeout: 10 }
`;

const UNREACHABLE = `- hosts: nodes
  gather_facts: false
  tasks:
    - name: first
      command: "true"
    - name: second
      command: "true"
    - name: third
      command: "true"
`;

describe('the module suite over SSH', () => {
  needsSshd('changes the targets, then changes nothing on a second run, and writes nothing in check mode', async () => {
    const workdir = join(harness.dir, 'suite');
    mkdirSync(workdir);
    project.write('hosts.yml', harness.inventory());
    const ssh = sshConnectionFactory({ agentSocket: null, homeDirectory: harness.dir });
    const run = async (extra: { check?: boolean; workdir: string }) => {
      const failures: unknown[] = [];
      const result = await runPlaybook({
        playbook: project.path('site.yml'),
        inventory: [project.path('hosts.yml')],
        extraVars: { workdir: extra.workdir },
        check: extra.check ?? false,
        modules: [builtinModules, sshModules],
        connections: { ssh: ssh.factory },
        onEvent: (e) => {
          if (e.type === 'host_result' && (e.status === 'failed' || e.status === 'unreachable')) failures.push({ task: e.task.name, host: e.host, result: e.result });
        },
      });
      expect(failures).toEqual([]);
      return result;
    };
    try {
      const first = await run({ workdir });
      expect(first.exitCode).toBe(0);
      for (const host of ['ssh1', 'ssh2', 'ssh3']) {
        expect(first.stats[host]).toMatchObject({ failed: 0, unreachable: 0, changed: 7 });
        const dir = join(workdir, host);
        expect(readFileSync(join(dir, 'created.txt'), 'utf8')).toBe('from stdin\n');
        expect(readFileSync(join(dir, 'app.conf'), 'utf8')).toBe(`# managed by kbrun\nname=${host}\nport=80\n`);
        expect(readFileSync(join(dir, 'edit.conf'), 'utf8')).toBe('port=8080\n# BEGIN ANSIBLE MANAGED BLOCK\nextra=1\nmore=2\n# END ANSIBLE MANAGED BLOCK\n');
        expect(statSync(join(dir, 'conf.d', 'hello.conf')).mode & 0o777).toBe(0o640);
        expect(readlinkSync(join(dir, 'app.link'))).toBe(join(dir, 'app.conf'));
      }

      const second = await run({ workdir });
      expect(second.exitCode).toBe(0);
      for (const host of ['ssh1', 'ssh2', 'ssh3']) expect(second.stats[host]).toMatchObject({ changed: 0, failed: 0, unreachable: 0 });

      // Drift on ssh1: check mode reports what it would change and changes nothing.
      writeFileSync(join(workdir, 'ssh1', 'conf.d', 'hello.conf'), 'tampered\n');
      rmSync(join(workdir, 'ssh1', 'edit.conf'));
      const checked = await run({ check: true, workdir });
      expect(checked.exitCode).toBe(0);
      expect(checked.stats['ssh1']).toMatchObject({ changed: 3, failed: 0 });
      expect(checked.stats['ssh2']).toMatchObject({ changed: 0, failed: 0 });
      expect(readFileSync(join(workdir, 'ssh1', 'conf.d', 'hello.conf'), 'utf8')).toBe('tampered\n');
      expect(existsSync(join(workdir, 'ssh1', 'edit.conf'))).toBe(false);

      // One login per host and run: every task of a run went over the same connection.
      expect([...ssh.connections.values()].every((c) => c.stats().logins === 1)).toBe(true);
    } finally {
      await ssh.closeAll();
    }
  });
});

describe('a host that goes away', () => {
  needsSshd('is unreachable from the task where its sshd died; the others go on; exit code 4', async () => {
    project.write('hosts.yml', harness.inventory());
    const ssh = sshConnectionFactory({ agentSocket: null, homeDirectory: harness.dir });
    const events: KbrunEvent[] = [];
    try {
      const result = await runPlaybook({
        playbook: project.path('unreachable.yml'),
        inventory: [project.path('hosts.yml')],
        modules: [builtinModules, sshModules],
        connections: { ssh: ssh.factory },
        onEvent: (event) => {
          events.push(event);
          if (event.type === 'task_start' && event.task.name === 'second') void harness.host('ssh2').kill();
        },
      });
      expect(result.exitCode).toBe(4);
      expect(result.unreachableHosts).toEqual(['ssh2']);
      expect(result.stats['ssh1']).toMatchObject({ ok: 3, unreachable: 0 });
      expect(result.stats['ssh3']).toMatchObject({ ok: 3, unreachable: 0 });
      expect(result.stats['ssh2']).toMatchObject({ ok: 1, unreachable: 1 });
      const failure = events.find((e) => e.type === 'host_result' && e.host === 'ssh2' && e.status === 'unreachable');
      expect(JSON.stringify(failure)).toMatch(/ssh to ssh2 \(root@127\.0\.0\.51:\d+\): (connect to 127\.0\.0\.51 port \d+: connection refused|the connection was lost)/);
    } finally {
      await ssh.closeAll();
      await harness.host('ssh2').start();
    }
  });
});

describe('wait_for_connection', () => {
  needsSshd('waits for a host whose sshd comes up during the wait, on the connection the engine keeps', async () => {
    project.write('hosts.yml', harness.inventory(['ssh3']));
    project.write(
      'wait.yml',
      `- hosts: nodes
  gather_facts: false
  tasks:
    - name: wait
      wait_for_connection: { timeout: 20, sleep: 0.2, connect_timeout: 2 }
      register: waited
    - name: use it
      command: echo up
      register: up
    - assert: { that: ["up.stdout == 'up'", "waited.elapsed >= 0"] }
`,
    );
    const ssh = sshConnectionFactory({ agentSocket: null, homeDirectory: harness.dir });
    const host = harness.host('ssh3');
    await host.stop();
    const back = new Promise<void>((resolve, reject) => setTimeout(() => host.start().then(resolve, reject), 1200));
    try {
      const result = await runPlaybook({
        playbook: project.path('wait.yml'),
        inventory: [project.path('hosts.yml')],
        modules: [builtinModules, sshModules],
        connections: { ssh: ssh.factory },
      });
      await back;
      expect(result.stats['ssh3']).toMatchObject({ ok: 3, failed: 0, unreachable: 0 });
      expect(ssh.connections.get('ssh3')?.stats().logins).toBe(1);
    } finally {
      await back.catch(() => undefined);
      await ssh.closeAll();
    }
  });

  needsSshd('fails after its timeout with the last connection error', async () => {
    project.write('hosts.yml', harness.inventory(['ssh3']));
    project.write('wait-fail.yml', `- hosts: nodes\n  gather_facts: false\n  tasks:\n    - name: wait\n      wait_for_connection: { timeout: 1, sleep: 0.2 }\n`);
    const ssh = sshConnectionFactory({ agentSocket: null, homeDirectory: harness.dir });
    const host = harness.host('ssh3');
    await host.stop();
    const results: unknown[] = [];
    try {
      const result = await runPlaybook({
        playbook: project.path('wait-fail.yml'),
        inventory: [project.path('hosts.yml')],
        modules: [builtinModules, sshModules],
        connections: { ssh: ssh.factory },
        onEvent: (e) => {
          if (e.type === 'host_result') results.push(e.result);
        },
      });
      expect(result.exitCode).toBe(2);
      expect(results[0]).toMatchObject({ failed: true, msg: expect.stringMatching(/^timed out waiting for connection: ssh to ssh3 \(root@127\.0\.0\.52:\d+\): connect to 127\.0\.0\.52 port \d+: connection refused$/) });
    } finally {
      await ssh.closeAll();
      await host.start();
    }
  });
});
