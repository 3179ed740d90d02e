import { spawnSync } from 'node:child_process';
import { pyStr } from '../expr/py-string.js';
import { lookupError } from './lookup-options.js';
import type { LookupEnv, LookupSpec } from './lookup-types.js';

const MAX_OUTPUT = 64 * 1024 * 1024;

/** Runs a shell command on the controller, in the playbook's directory; its output, or E_LOOKUP with its exit code and stderr. */
function run(name: 'pipe' | 'lines', term: unknown, env: LookupEnv): string {
  const command = pyStr(term);
  const done = spawnSync('/bin/sh', ['-c', command], { cwd: env.playbookDir, input: '', maxBuffer: MAX_OUTPUT, encoding: 'utf8' });
  if (done.error) throw lookupError(name, `cannot run ${JSON.stringify(command)}: ${done.error.message}`);
  if (done.status !== 0) {
    const why = done.status === null ? `was killed by ${done.signal}` : `returned ${done.status}`;
    const stderr = done.stderr.trim();
    throw lookupError(name, `${JSON.stringify(command)} ${why}${stderr ? `: ${stderr.split('\n').slice(-3).join(' / ')}` : ''}`);
  }
  return done.stdout;
}

/** `pipe`: the output of shell commands run on the controller (trailing whitespace removed). */
export const pipeLookup: LookupSpec = {
  description: 'Output of shell commands run on the controller in the playbook directory (trailing whitespace removed).',
  options: {},
  run: (terms, _options, env) => terms.map((term) => run('pipe', term, env).replace(/\s+$/, '')),
};

/** `lines`: the output lines of shell commands run on the controller, one item per line. */
export const linesLookup: LookupSpec = {
  description: 'Output lines of shell commands run on the controller, one item per line.',
  options: {},
  run: (terms, _options, env) => terms.flatMap((term) => run('lines', term, env).split(/\r\n|\n|\r/).filter((line, i, all) => i < all.length - 1 || line !== '')),
};
