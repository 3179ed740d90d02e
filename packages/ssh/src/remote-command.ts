import { randomBytes } from 'node:crypto';
import { shellJoin, shellQuote, sudoArgv, type ExecOptions } from '@kbrun/core';

/** How a command runs through sudo, and the markers that tell the password prompt and the command's start apart. */
export interface BecomePlan {
  /** The user sudo runs the command as. */
  user: string;
  /** The sudo password; written only after sudo shows `prompt`, never shown. */
  password: string | undefined;
  /** The text sudo prints when it wants the password (`-p`); only with a password. */
  prompt: string | undefined;
  /** A line the command prints first once sudo has let it run; only with a password. */
  started: string | undefined;
}

/** The command line sent in the exec request, and how to drive sudo when becoming. */
export interface RemoteCommand {
  line: string;
  become: BecomePlan | undefined;
}

/**
 * Builds the line the server's login shell runs: a string goes through `/bin/sh -c`, an argument vector is quoted
 * word by word; `cwd` becomes `cd <dir> &&`, `env` an `env K=V` prefix (sshd refuses most setenv requests), and
 * `become` wraps it all in sudo (core's `sudoArgv`) so the directory and variables apply to the become user.
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
  const become = options.become;
  if (!become) return { line, become: undefined };
  if (become.password === undefined) {
    return { line: shellJoin(sudoArgv(['/bin/sh', '-c', line], become)), become: { user: become.user, password: undefined, prompt: undefined, started: undefined } };
  }
  const nonce = randomBytes(8).toString('hex');
  const prompt = `[kbrun-sudo-password-${nonce}]`;
  const started = `KBRUN-BECOME-STARTED-${nonce}`;
  const argv = sudoArgv(['/bin/sh', '-c', `echo ${started}; ${line}`], become);
  // sudoArgv asks for a silent prompt (-p ''); kbrun needs a visible, unique one to answer it only when sudo asks.
  const p = argv.indexOf('-p');
  if (p >= 0 && p + 1 < argv.length) argv[p + 1] = prompt;
  else argv.splice(1, 0, '-p', prompt);
  return { line: shellJoin(argv), become: { user: become.user, password: become.password, prompt, started } };
}
