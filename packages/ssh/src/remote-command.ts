import { shellJoin, shellQuote, sudoPlan, type ExecOptions, type SudoPlan } from '@kbrun/core';

/** The command line sent in the exec request, and how to drive sudo when becoming. */
export interface RemoteCommand {
  line: string;
  become: SudoPlan | undefined;
}

/**
 * Builds the line the server's login shell runs: a string goes through `/bin/sh -c`, an argument vector is quoted
 * word by word; `cwd` becomes `cd <dir> &&`, `env` an `env K=V` prefix (sshd refuses most setenv requests), and
 * `become` wraps it all in sudo (core's `sudoPlan`) so the directory and variables apply to the become user.
 */
export function remoteCommand(command: string | readonly string[], options: ExecOptions): RemoteCommand {
  let line = typeof command === 'string' ? shellJoin(['/bin/sh', '-c', command]) : shellJoin(command);
  const env = Object.entries(options.env ?? {});
  if (env.length > 0) {
    for (const [name] of env) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`environment variable name '${name}' is not valid (letters, digits and _ only)`);
    }
    line = `env ${env.map(([name, value]) => shellQuote(`${name}=${value}`)).join(' ')} ${line}`;
  }
  if (options.cwd !== undefined) line = `cd ${shellQuote(options.cwd)} && ${line}`;
  if (!options.become) return { line, become: undefined };
  const plan = sudoPlan(['/bin/sh', '-c', line], options.become);
  return { line: shellJoin(plan.argv), become: plan };
}
