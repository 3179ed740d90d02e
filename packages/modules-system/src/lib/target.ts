// Running commands and reading/writing files on a target for the system modules: argument vectors only.
import { shellJoin, type ExecOptions, type ExecResult, type ModuleContext } from '@kbrun/core';

/** Options of one command: stdin and extra environment. */
export interface RunOptions {
  stdin?: string | Buffer;
  env?: Readonly<Record<string, string>>;
}

/** Runs an argument vector on the target (with the task's environment and abort signal). */
export function run(ctx: ModuleContext, argv: readonly string[], options: RunOptions = {}): Promise<ExecResult> {
  const env = { ...ctx.environment, ...options.env };
  const exec: ExecOptions = { signal: ctx.signal };
  if (Object.keys(env).length > 0) exec.env = env;
  if (options.stdin !== undefined) exec.stdin = options.stdin;
  return ctx.connection.exec(argv, exec);
}

/**
 * Runs a fixed shell script with positional arguments (`sh -c SCRIPT sh ARG…`): the script is a constant of the
 * module, every value reaches it as `$1`, `$2`…, never pasted into its text.
 */
export function runScript(ctx: ModuleContext, script: string, args: readonly string[] = [], options: RunOptions = {}): Promise<ExecResult> {
  return run(ctx, ['sh', '-c', script, 'sh', ...args], options);
}

/** The command line of an argument vector, as results and messages show it. */
export function commandLine(argv: readonly string[]): string {
  return shellJoin(argv);
}

/** The first line a failed command wrote (stderr first), for a one-line message. */
export function errorLine(result: ExecResult): string {
  const text = (result.stderr.trim() || result.stdout.trim()).split('\n')[0];
  return text || `exit code ${result.rc}`;
}

/** A file's text on the target, or null when it does not exist. */
export async function readText(ctx: ModuleContext, path: string): Promise<string | null> {
  const data = await ctx.connection.get(path);
  return data === null ? null : data.toString('utf8');
}

/** Whether a program is on the target's PATH. */
export async function hasProgram(ctx: ModuleContext, name: string): Promise<boolean> {
  return (await runScript(ctx, 'command -v "$1" >/dev/null 2>&1', [name])).rc === 0;
}

/** Splits command output into lines without the trailing empty one. */
export function outputLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}
