import type { SudoPlan } from './sudo-plan.js';

/** What the dialog with sudo saw, for telling sudo's own refusal from the command's failure. */
export interface SudoOutcome {
  /** stderr with sudo's prompts removed. */
  stderr: string;
  /** sudo asked for the password a second time: the one given was wrong. */
  passwordRefused: boolean;
  /** The command's start line never came: sudo did not run it. */
  neverStarted: boolean;
}

/** A clear message when sudo itself refused (wrong or missing password, not allowed); undefined when the command ran. */
export function sudoRefusal(plan: SudoPlan, outcome: SudoOutcome): string | undefined {
  const { stderr, passwordRefused, neverStarted } = outcome;
  const said = stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && line !== 'Sorry, try again.');
  // Without a password the command's own stderr is mixed in: only sudo's own first-line refusals count.
  const sudoLine =
    plan.password === undefined
      ? /^sudo: (.*is not in the sudoers file|.*is not allowed to|unknown user|.*must be owned by)/.test(said[0] ?? '')
        ? said[0]
        : undefined
      : said.find((line) => line.startsWith('sudo:'));
  if (passwordRefused || (neverStarted && /incorrect password|Sorry, try again/.test(stderr))) {
    return `become (sudo) failed: incorrect sudo password: check ansible_become_password\n`;
  }
  if (/^sudo: (a password is required|no password was provided|a terminal is required)/m.test(stderr)) {
    return plan.password === undefined
      ? `become (sudo) failed: sudo needs a password to run commands as ${plan.user}: set ansible_become_password\n`
      : `become (sudo) failed: sudo did not accept the password: check ansible_become_password\n`;
  }
  if (sudoLine !== undefined) return `become (sudo) failed: ${sudoLine}\n`;
  if (neverStarted) return `become (sudo) failed: the command did not start${said.length > 0 ? `: ${said.join(' / ')}` : ''}\n`;
  return undefined;
}
