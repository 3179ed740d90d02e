import type { ModuleContext } from '@kbrun/core';
import { firstErrorLine } from './target-commands.js';

// Ansible's backup name: <path>.<pid>.<YYYY-MM-DD@HH:MM:SS>~, with the pid and local time of the target's shell.
const BACKUP_SCRIPT = 'b="$1.$$.$(date +%Y-%m-%d@%H:%M:%S)~"\ncp -p -- "$1" "$b" && printf %s "$b"';

/** Copies a target file beside itself under Ansible's backup name; returns that name or an error message. */
export async function backupFile(ctx: ModuleContext, path: string): Promise<{ path: string } | { error: string }> {
  const result = await ctx.connection.exec(['sh', '-c', BACKUP_SCRIPT, 'kbrun-backup', path], { signal: ctx.signal });
  if (result.rc !== 0) return { error: `Could not make a backup of ${path}: ${firstErrorLine(result)}` };
  return { path: result.stdout };
}
