import { register } from 'node:module';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
register('/work/main/bench/ssh/ts-hooks.mjs', import.meta.url);
const { startSshdHarness } = await import('/work/main/test/helpers/sshd-harness.ts');
const h = await startSshdHarness({ count: 2, firstAddress: 100 });
try {
  const d = mkdtempSync('/tmp/kbprobe-');
  writeFileSync(d + '/hosts.yml', h.inventory());
  writeFileSync(d + '/site.yml', '- hosts: all\n  gather_facts: false\n  tasks:\n    - command: "true"\n    - command: "true"\n');
  const r = spawnSync('/usr/bin/time', ['-f', '%M %e', process.execPath, 'packages/cli/bin/kbrun.js', '--output', 'json', '-i', d + '/hosts.yml', d + '/site.yml'], { encoding: 'utf8' });
  console.log(r.status, r.stdout, r.stderr);
  const a = spawnSync('/usr/bin/time', ['-f', '%M %e', 'ansible-playbook', '-f', '50', '-i', d + '/hosts.yml', d + '/site.yml', '-e', 'ansible_python_interpreter=/usr/bin/python3'], { encoding: 'utf8', env: { ...process.env, ANSIBLE_PIPELINING: '1' } });
  console.log(a.status, a.stdout, a.stderr);
} finally { await h.stop(); }
