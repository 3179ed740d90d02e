// Mode, owner and group of a target path: read, compare with what is asked, set only what differs.
import type { ModuleContext } from '@kbrun/core';
import { parseOctalMode } from './file-mode.js';
import { errorLine, run } from './target.js';

/** Attributes a module may be asked to give a path. */
export interface WantedAttributes {
  mode?: string | number | undefined;
  owner?: string | number | undefined;
  group?: string | number | undefined;
}

/** The commands that give a path the asked attributes (empty when it has them), or an error. */
export async function planAttributes(ctx: ModuleContext, path: string, wanted: WantedAttributes, recursive = false): Promise<string[][] | { error: string }> {
  const mode = parseOctalMode(wanted.mode);
  if (typeof mode === 'object') return mode;
  if (mode === undefined && wanted.owner === undefined && wanted.group === undefined) return [];
  const stat = await run(ctx, ['stat', '-c', '%a:%U:%G:%u:%g', '--', path]);
  if (stat.rc !== 0) return { error: `cannot stat ${path}: ${errorLine(stat)}` };
  const [current, owner, group, uid, gid] = stat.stdout.trim().split(':');
  const commands: string[][] = [];
  const flag = recursive ? ['-R'] : [];
  const differs = (want: string | number | undefined, name?: string, id?: string) => want !== undefined && String(want) !== (typeof want === 'number' || /^\d+$/.test(String(want)) ? id : name);
  const chown = `${differs(wanted.owner, owner, uid) ? String(wanted.owner) : ''}${differs(wanted.group, group, gid) ? `:${String(wanted.group)}` : ''}`;
  if (chown !== '') commands.push(['chown', ...flag, chown, '--', path]);
  if (mode !== undefined && Number.parseInt(current ?? '', 8) !== mode) commands.push(['chmod', ...flag, mode.toString(8).padStart(4, '0'), '--', path]);
  return commands;
}

/** Runs attribute commands; an error message, or undefined. */
export async function applyAttributes(ctx: ModuleContext, commands: string[][]): Promise<string | undefined> {
  for (const argv of commands) {
    const done = await run(ctx, argv);
    if (done.rc !== 0) return `${argv[0]} ${argv.at(-1)}: ${errorLine(done)}`;
  }
  return undefined;
}
