import { spawn } from 'node:child_process';
import { KbrunError } from '@kbrun/core';

/** What a finished command returned (the shape execa uses, cut down to what the lab needs). */
export interface CommandResult {
  command: string;
  exitCode: number;
  stdout: string;
  stderr: string;
  durationMs: number;
}

/** Options of one command: the environment, input, a timeout. */
export interface CommandOptions {
  env?: NodeJS.ProcessEnv;
  input?: string;
  timeoutMs?: number;
  cwd?: string;
}

/** The argument array as a shell would show it (for messages only; commands are never run through a shell). */
export function showCommand(file: string, args: readonly string[]): string {
  return [file, ...args].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** Runs a program from an argument array and collects its output; never rejects for a non-zero exit. */
export function runCommand(file: string, args: readonly string[], options: CommandOptions = {}): Promise<CommandResult> {
  const started = Date.now();
  const command = showCommand(file, args);
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env: options.env ?? process.env, cwd: options.cwd, stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.on('error', (error) => {
      if (timer) clearTimeout(timer);
      reject(new KbrunError('E_LAB', `cannot run ${file}: ${(error as NodeJS.ErrnoException).code ?? error.message}`, { hint: 'kbrun lab needs debootstrap, systemd-container, iproute2, util-linux, openssh-client, apt-utils (.ci/run installs them)' }));
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ command, exitCode: code ?? (signal ? 128 : -1), stdout, stderr, durationMs: Date.now() - started });
    });
    if (child.stdin) {
      child.stdin.on('error', () => undefined);
      child.stdin.end(options.input);
    }
  });
}

/** Runs a program and throws E_LAB with its last error lines when it does not exit 0. */
export async function runChecked(file: string, args: readonly string[], options: CommandOptions = {}): Promise<CommandResult> {
  const result = await runCommand(file, args, options);
  if (result.exitCode !== 0) {
    const tail = (result.stderr.trim() || result.stdout.trim()).split('\n').slice(-5).join('\n');
    throw new KbrunError('E_LAB', `\`${result.command}\` exited with ${result.exitCode}${tail ? `:\n${tail}` : ''}`);
  }
  return result;
}
