import { randomBytes } from 'node:crypto';
import type { BecomeOptions } from './become.js';

/** How one command runs through sudo; with a password, the markers that tell sudo's prompt and the command's start apart. */
export interface SudoPlan {
  /** The argument vector to run (sudo first). */
  argv: string[];
  /** The user sudo runs the command as. */
  user: string;
  /** The sudo password; written only after sudo shows `prompt`, never shown. */
  password: string | undefined;
  /** The unique text sudo prints on stderr when it wants the password (`-p`); only with a password. */
  prompt: string | undefined;
  /** The line the command prints on stdout first, once sudo has let it run; only with a password. */
  started: string | undefined;
}

/**
 * Wraps `argv` in sudo as `become.user`. Without a password sudo never asks (`-n`). With one, sudo reads it from
 * stdin (`-S`) after a unique prompt, and the command announces itself with a unique line first, so the password is
 * written only when sudo asks (not at all as root, with NOPASSWD or cached credentials) and the command's own stdin
 * only once it runs.
 */
export function sudoPlan(argv: readonly string[], become: BecomeOptions): SudoPlan {
  if (become.password === undefined) {
    return { argv: ['sudo', '-H', '-n', '-u', become.user, '--', ...argv], user: become.user, password: undefined, prompt: undefined, started: undefined };
  }
  const nonce = randomBytes(8).toString('hex');
  const prompt = `[kbrun-sudo-password-${nonce}]`;
  const started = `KBRUN-BECOME-STARTED-${nonce}`;
  return {
    argv: ['sudo', '-H', '-S', '-p', prompt, '-u', become.user, '--', '/bin/sh', '-c', `echo ${started}; exec "$@"`, 'sh', ...argv],
    user: become.user,
    password: become.password,
    prompt,
    started,
  };
}
