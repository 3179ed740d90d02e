// The kbrun binary against sshd hosts: SSH is the default connection for inventory hosts.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { recapOf, runKbrun } from '../helpers/run-kbrun.js';
import { sshdMissing, startSshdHarness, type SshdHarness } from '../helpers/sshd-harness.js';
import { requires } from '../helpers/prerequisite.js';
import { tempProject, type TempProject } from '../helpers/temp-project.js';

const needsSshd = requires(sshdMissing);

let harness: SshdHarness;
let project: TempProject;

beforeAll(async () => {
  if (sshdMissing) return;
  harness = await startSshdHarness({ count: 2, firstAddress: 80 });
  project = tempProject({
    'site.yml': `- hosts: nodes
  gather_facts: false
  tasks:
    - wait_for_connection: { timeout: 10 }
    - command: echo hi from {{ inventory_hostname }}
      register: out
    - copy: { content: "{{ out.stdout }}\\n", dest: "{{ workdir }}/{{ inventory_hostname }}.txt" }
`,
  });
  project.write('hosts.yml', harness.inventory());
  project.write('plain.yml', '- hosts: nodes\n  gather_facts: false\n  tasks:\n    - command: "true"\n');
});

afterAll(async () => {
  await harness?.stop();
  project?.cleanup();
});

describe('kbrun over SSH', () => {
  needsSshd('runs a playbook on sshd hosts, then changes nothing', async () => {
    // HOME points into the harness: the run must not read or write the real ~/.ssh.
    const env = { HOME: harness.dir, SSH_AUTH_SOCK: '', KBRUN_MODULE_PACKS: 'builtin,ssh' };
    const args = ['--output', 'json', '-i', project.path('hosts.yml'), '-e', `workdir=${harness.dir}`, project.path('site.yml')];
    const first = await runKbrun(args, { env });
    expect(first.code, first.stderr + first.stdout).toBe(0);
    expect(recapOf(first.stdout)['ssh1']).toMatchObject({ ok: 3, changed: 2 });
    expect(readFileSync(`${harness.dir}/ssh2.txt`, 'utf8')).toBe('hi from ssh2\n');
    const second = await runKbrun(args, { env });
    expect(recapOf(second.stdout)['ssh2']).toMatchObject({ ok: 3, changed: 1 });
  });

  needsSshd('exits with 4 when a host is unreachable, saying why', async () => {
    const down = harness.host('ssh2');
    await down.stop();
    try {
      const run = await runKbrun(['--output', 'json', '-i', project.path('hosts.yml'), project.path('plain.yml')], {
        env: { HOME: harness.dir, SSH_AUTH_SOCK: '' },
      });
      expect(run.code).toBe(4);
      expect(recapOf(run.stdout)['ssh2']).toMatchObject({ unreachable: 1 });
      expect(recapOf(run.stdout)['ssh1']).toMatchObject({ ok: 1, unreachable: 0 });
      expect(run.stdout).toMatch(/ssh to ssh2 \(root@127\.0\.0\.81:\d+\): connect to 127\.0\.0\.81 port \d+: connection refused/);
    } finally {
      await down.start();
    }
  });
});
