import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM helpers shared with the recorder script
import { CASES } from './ansible-compat/cases.mjs';
// @ts-expect-error plain ESM helpers shared with the recorder script
import { fromAnsibleJson, fromKbrunEvents } from './ansible-compat/normalize.mjs';
import { events, runKbrun } from './helpers/run-kbrun.js';
import { commandMissing, requires } from './helpers/prerequisite.js';

// The same YAML run by kbrun gives the recap, registered values and exit code that ansible-playbook gave
// (recorded in ansible-compat/expected by record.mjs; compared live too where ansible-playbook is installed, always under CI=true).
const here = new URL('./ansible-compat/', import.meta.url).pathname;
const needsAnsible = requires(commandMissing('ansible-playbook', ['--version'], "install Debian's ansible (apt-get install ansible)"));

interface Case {
  name: string;
  playbook: string;
  args: string[];
}

async function kbrunReport(c: Case): Promise<Record<string, unknown>> {
  const workdir = mkdtempSync(join(tmpdir(), 'kbrun-compat-'));
  try {
    const run = await runKbrun(['--output', 'json', '-i', join(here, 'inventory.yml'), ...c.args, '-e', `workdir=${workdir}`, join(here, 'playbooks', c.playbook)]);
    return { exitCode: run.code, ...fromKbrunEvents(events(run.stdout)) };
  } finally {
    rmSync(workdir, { recursive: true, force: true });
  }
}

describe('same results as ansible-playbook', () => {
  for (const c of CASES as Case[]) {
    it(`${c.name}: recap, registered values and exit code match the recording`, async () => {
      const expected = JSON.parse(readFileSync(join(here, 'expected', `${c.name}.json`), 'utf8'));
      expect(await kbrunReport(c)).toEqual(expected);
    }, 120_000);

    needsAnsible(`${c.name}: matches ansible-playbook run now`, async () => {
      const workdir = mkdtempSync(join(tmpdir(), 'kbrun-compat-'));
      const run = spawnSync('ansible-playbook', ['-i', join(here, 'inventory.yml'), ...c.args, '-e', `workdir=${workdir}`, join(here, 'playbooks', c.playbook)], {
        env: { ...process.env, ANSIBLE_STDOUT_CALLBACK: 'json', ANSIBLE_NOCOLOR: '1', ANSIBLE_RETRY_FILES_ENABLED: '0' },
        encoding: 'utf8',
      });
      rmSync(workdir, { recursive: true, force: true });
      expect(await kbrunReport(c)).toEqual({ exitCode: run.status, ...fromAnsibleJson(JSON.parse(run.stdout)) });
    }, 180_000); // ansible-playbook alone takes most of a minute on the largest case (role-idioms) on a busy machine
  }
});
