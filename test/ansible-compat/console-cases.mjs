// The console cases: playbooks whose output (banners, one line per host and loop item, recap) must be what
// ansible-playbook's default callback prints, line for line, without and with -v.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const here = new URL('.', import.meta.url).pathname;

export const CONSOLE_CASES = [
  { name: 'loop-labels', playbook: 'loop-labels.yml', args: [] },
  { name: 'loop-labels-v', playbook: 'loop-labels.yml', args: ['-v'] },
];

/** The command-line arguments both tools get for a case (the compatibility inventory: local hosts). */
export function consoleArgs(c) {
  return ['-i', join(here, 'inventory.yml'), ...c.args, join(here, 'playbooks', c.playbook)];
}

/** ansible-playbook's console output for a case, uncoloured, and its exit code. */
export function ansibleConsole(c) {
  const run = spawnSync('ansible-playbook', consoleArgs(c), { env: { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_RETRY_FILES_ENABLED: '0' }, encoding: 'utf8' });
  return { exitCode: run.status, stdout: run.stdout };
}

/**
 * The output without what differs from run to run or between versions: command timings, -v's note about the
 * config file, and `false_condition` (which ansible-core 2.15+ adds to a skipped result, as kbrun does; 2.14 does not).
 */
export function normalizeConsole(text) {
  const value = '("(?:[^"\\\\]|\\\\.)*"|true|false)';
  return text
    .split('\n')
    .filter((line) => line !== 'No config file found; using defaults')
    .map((line) =>
      line
        .replace(/"(delta|end|start)": "[^"]*"/g, '"$1": "…"')
        .replace(new RegExp(`"false_condition": ${value}, `, 'g'), '')
        .replace(new RegExp(`, "false_condition": ${value}`, 'g'), ''),
    )
    .join('\n');
}
