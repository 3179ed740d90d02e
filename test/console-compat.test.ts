import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM helpers shared with the recorder script
import { ansibleConsole, consoleArgs, CONSOLE_CASES, normalizeConsole } from './ansible-compat/console-cases.mjs';
import { commandMissing, requires } from './helpers/prerequisite.js';
import { runKbrun } from './helpers/run-kbrun.js';

// kbrun's console prints loops as ansible-playbook does: the `(item=…)` label (loop_control.label, else the loop
// variable's value as Python shows it), a debug msg alone (never the loop variable), the loop variables in -v and
// failure results, skipped items and loops (recorded in ansible-compat/expected by record-console.mjs; compared
// live too where ansible-playbook is installed, always under CI=true).
const expectedDir = new URL('./ansible-compat/expected/', import.meta.url).pathname;
const needsAnsible = requires(commandMissing('ansible-playbook', ['--version'], "install Debian's ansible (apt-get install ansible)"));

interface ConsoleCase {
  name: string;
  args: string[];
}

async function kbrunConsole(c: ConsoleCase): Promise<{ exitCode: number; stdout: string }> {
  const run = await runKbrun(consoleArgs(c));
  return { exitCode: run.code, stdout: normalizeConsole(run.stdout) };
}

describe('the console prints loops as ansible-playbook does', () => {
  for (const c of CONSOLE_CASES as ConsoleCase[]) {
    it(`${c.name}: line for line as recorded`, async () => {
      const expected = readFileSync(join(expectedDir, `${c.name}.console.txt`), 'utf8');
      expect(await kbrunConsole(c)).toEqual({ exitCode: 0, stdout: expected });
    });

    needsAnsible(`${c.name}: line for line as ansible-playbook prints it now`, async () => {
      const ansible = ansibleConsole(c);
      expect(await kbrunConsole(c)).toEqual({ exitCode: ansible.exitCode, stdout: normalizeConsole(ansible.stdout) });
    });
  }
});
