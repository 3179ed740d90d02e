import { shellJoin, type ExecResult, type ModuleContext } from '@kbrun/core';

/** Runs argument vectors on the target in one round trip, stopping at the first that fails. */
export function runAll(ctx: ModuleContext, commands: readonly (readonly string[])[]): Promise<ExecResult> {
  if (commands.length === 1) return ctx.connection.exec(commands[0]!, { signal: ctx.signal });
  return ctx.connection.exec(commands.map((argv) => shellJoin(argv)).join(' && '), { signal: ctx.signal });
}

/** The first line a failed command wrote, for a one-line `msg`. */
export function firstErrorLine(result: ExecResult): string {
  const text = (result.stderr.trim() || result.stdout.trim()).split('\n')[0];
  return text || `exit code ${result.rc}`;
}
