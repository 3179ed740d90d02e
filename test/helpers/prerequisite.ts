// Tests that need a tool this machine may lack (sshd, sudo, ansible-playbook, python3-hcloud): skipped, with the
// reason in their names, on a developer machine without it; failed with the reason under CI=true, so that CI
// cannot be green without running them.
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { it, type TestFunction } from 'vitest';

/** Whether this is a CI run (`CI=true` or `CI=1`): there a missing prerequisite fails the test instead of skipping it. */
export const inCI = /^(true|1)$/i.test(process.env['CI'] ?? '');

/**
 * `it` for tests that need something this machine may lack. `missing` says what is missing and how to get it,
 * or is undefined when everything is there: the test then runs as usual (with its timeout, when given). Otherwise it is skipped with the reason
 * in its name, except under CI=true, where it fails with the reason.
 */
export function requires(missing: string | undefined): (name: string, fn: TestFunction, timeout?: number) => void {
  return (name, fn, timeout) => {
    if (missing === undefined) it(name, fn, timeout);
    else if (inCI)
      it(`${name} [prerequisite missing: ${missing}]`, () => {
        throw new Error(`prerequisite missing (CI=true does not skip): ${missing}`);
      });
    else it.skip(`${name} [skipped: ${missing}]`, fn);
  };
}

/** Why `command ...args` does not run successfully here (not found, or its exit status and last error line), ending with `install`; undefined when it exits 0. */
export function commandMissing(command: string, args: readonly string[], install: string, options: Pick<SpawnSyncOptions, 'cwd' | 'env'> = {}): string | undefined {
  const run = spawnSync(command, args, { ...options, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], timeout: 60_000 });
  if (run.error) return `${command} cannot be run (${(run.error as NodeJS.ErrnoException).code ?? run.error.message}): ${install}`;
  if (run.status === 0) return undefined;
  const lastError = run.stderr.trim().split('\n').pop();
  return `\`${[command, ...args].join(' ')}\` exited with ${run.status ?? run.signal}${lastError ? ` (${lastError})` : ''}: ${install}`;
}
