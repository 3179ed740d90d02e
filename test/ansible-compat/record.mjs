// Records what ansible-playbook does with each compatibility playbook into expected/<name>.json.
// Development only (needs Debian's ansible-core): node test/ansible-compat/record.mjs [case…] (all cases when none is named)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromAnsibleJson } from './normalize.mjs';
import { CASES } from './cases.mjs';

const here = new URL('.', import.meta.url).pathname;
const only = process.argv.slice(2);
for (const c of CASES.filter((c) => only.length === 0 || only.includes(c.name))) {
  const workdir = mkdtempSync(join(tmpdir(), 'kbrun-compat-'));
  const run = spawnSync('ansible-playbook', ['-i', join(here, 'inventory.yml'), ...c.args, '-e', `workdir=${workdir}`, join(here, 'playbooks', c.playbook)], {
    env: { ...process.env, ANSIBLE_STDOUT_CALLBACK: 'json', ANSIBLE_NOCOLOR: '1', ANSIBLE_RETRY_FILES_ENABLED: '0' },
    encoding: 'utf8',
  });
  rmSync(workdir, { recursive: true, force: true });
  const expected = { exitCode: run.status, ...fromAnsibleJson(JSON.parse(run.stdout)) };
  writeFileSync(join(here, 'expected', `${c.name}.json`), `${JSON.stringify(expected, null, 2)}\n`);
  console.log(`${c.name}: exit ${run.status}`);
}
