// A configuration file the module owns whole or in part: read its state, decide, write only when it differs.
import type { FileDiff, ModuleContext } from '@kbrun/core';
import { errorLine, run } from './target.js';

/** What a file on the target holds now. */
export interface FileFacts {
  path: string;
  exists: boolean;
  content: string | null;
  mode?: number;
  owner?: string;
  group?: string;
}

/** What a file should hold: `null` content means the file should not exist. */
export interface WantedFile {
  content: string | null;
  mode?: number | undefined;
  owner?: string | undefined;
  group?: string | undefined;
}

/** What must change for a file to become the wanted one. */
export interface FilePlan {
  path: string;
  write: boolean;
  remove: boolean;
  chmod?: number;
  chown?: string;
  changed: boolean;
  diff: FileDiff;
}

/** Reads a file's content and attributes (one `stat`, one read). */
export async function readFileFacts(ctx: ModuleContext, path: string): Promise<FileFacts> {
  const stat = await run(ctx, ['stat', '-c', '%a:%U:%G', '--', path]);
  if (stat.rc !== 0) return { path, exists: false, content: null };
  const [mode, owner, group] = stat.stdout.trim().split(':');
  const content = await ctx.connection.get(path);
  return { path, exists: true, content: content === null ? null : content.toString('utf8'), mode: Number.parseInt(mode ?? '644', 8), owner: owner ?? '', group: group ?? '' };
}

/** Compares a file with what it should be. */
export function planFile(facts: FileFacts, wanted: WantedFile): FilePlan {
  const diff: FileDiff = { before: facts.content ?? '', after: wanted.content ?? '', before_header: facts.path, after_header: facts.path };
  if (wanted.content === null) return { path: facts.path, write: false, remove: facts.exists, changed: facts.exists, diff };
  const write = !facts.exists || facts.content !== wanted.content;
  const plan: FilePlan = { path: facts.path, write, remove: false, changed: write, diff };
  const mode = wanted.mode ?? (facts.exists ? undefined : 0o644);
  if (mode !== undefined && (!facts.exists || facts.mode !== mode)) plan.chmod = mode;
  const owner = wanted.owner !== undefined && (!facts.exists || facts.owner !== wanted.owner) ? wanted.owner : undefined;
  const group = wanted.group !== undefined && (!facts.exists || facts.group !== wanted.group) ? wanted.group : undefined;
  if (owner !== undefined || group !== undefined) plan.chown = `${owner ?? ''}${group !== undefined ? `:${group}` : ''}`;
  if (facts.exists && (plan.chmod !== undefined || plan.chown !== undefined)) plan.changed = true;
  return plan;
}

/** Carries out a file plan; returns an error message, or undefined. */
export async function applyFilePlan(ctx: ModuleContext, plan: FilePlan, content: string | null): Promise<string | undefined> {
  if (plan.remove) {
    const removed = await run(ctx, ['rm', '-f', '--', plan.path]);
    return removed.rc === 0 ? undefined : `removing ${plan.path}: ${errorLine(removed)}`;
  }
  if (plan.write && content !== null) await ctx.connection.put(plan.path, content, plan.chmod === undefined ? {} : { mode: plan.chmod });
  if (plan.chmod !== undefined && !plan.write) {
    const chmod = await run(ctx, ['chmod', plan.chmod.toString(8).padStart(4, '0'), '--', plan.path]);
    if (chmod.rc !== 0) return `chmod ${plan.path}: ${errorLine(chmod)}`;
  }
  if (plan.chown !== undefined) {
    const chown = await run(ctx, ['chown', plan.chown, '--', plan.path]);
    if (chown.rc !== 0) return `chown ${plan.path}: ${errorLine(chown)}`;
  }
  return undefined;
}
