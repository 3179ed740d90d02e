import { readFile, stat } from 'node:fs/promises';
import { posix } from 'node:path';
import type { ModuleContext, ModuleResult } from '@kbrun/core';
import type { ModeSpec } from './file-mode.js';
import { attributeKeys } from './attributes.js';
import { isStateError, readFileState, type FileState } from './file-state.js';
import { writeTargetFile } from './write-target-file.js';

/** The arguments copy and template share (Ansible's names). */
export interface DeployArgs {
  dest: string;
  mode?: ModeSpec | 'preserve';
  owner?: string | number;
  group?: string | number;
  backup?: boolean;
  force?: boolean;
  /** A command that must accept the new content (at `%s`) before it replaces `dest`. */
  validate?: string;
}

/** Content to deploy and where it came from (a controller file for copy `src` and template). */
export interface DeploySource {
  content: Buffer;
  /** The controller-side file, when there is one (gives the name inside a destination directory, `src`, `preserve`). */
  srcPath?: string;
}

/** A controller file found for `src`, or why it could not be read. */
export async function readControllerFile(ctx: ModuleContext, kind: 'files' | 'templates', src: string): Promise<{ path: string; content: Buffer } | { error: string }> {
  let path: string;
  try {
    path = ctx.findFile(kind, src);
  } catch (error) {
    return { error: `Could not find or access '${src}': ${(error as Error).message}` };
  }
  try {
    if ((await stat(path)).isDirectory()) return { error: `Copying a directory (${src}) is not supported: src must be a file` };
    return { path, content: await readFile(path) };
  } catch {
    return { error: `Could not find or access '${src}' (looked for ${path})` };
  }
}

/**
 * Puts content at `dest` on the target the way Ansible's copy/template do: a destination ending in `/`
 * or naming a directory receives the source's basename; force=false leaves an existing file alone.
 */
export async function deployFile(ctx: ModuleContext, args: DeployArgs, source: DeploySource): Promise<ModuleResult> {
  let dest = args.dest;
  const srcKeys = source.srcPath === undefined ? {} : { src: source.srcPath };
  const intoDirectory = (): string | undefined => (source.srcPath === undefined ? undefined : posix.join(dest, posix.basename(source.srcPath)));
  let createParents = false;
  if (dest.endsWith('/')) {
    const inside = intoDirectory();
    if (inside === undefined) return { failed: true, changed: false, dest, msg: 'can not use content with a dir as dest' };
    dest = inside;
    createParents = true;
  }
  let state: FileState | { error: string } = await readFileState(ctx.connection, dest, { checksum: 'sha1' }, ctx.signal);
  if (!isStateError(state) && state.exists && state.type === 'directory') {
    const inside = intoDirectory();
    if (inside === undefined) return { failed: true, changed: false, dest, msg: 'can not use content with a dir as dest' };
    dest = inside;
    state = await readFileState(ctx.connection, dest, { checksum: 'sha1' }, ctx.signal);
  }
  if (isStateError(state)) return { failed: true, changed: false, dest, msg: state.error, ...srcKeys };
  if (state.exists && args.force === false) {
    return { changed: false, dest, msg: 'file already exists', ...srcKeys, ...(state.type === 'file' ? attributeKeys(state) : {}) };
  }
  let mode: ModeSpec | undefined = args.mode;
  if (mode === 'preserve') {
    if (source.srcPath === undefined) return { failed: true, changed: false, dest, msg: "mode 'preserve' needs src" };
    mode = (await stat(source.srcPath)).mode & 0o7777;
  }
  const { result } = await writeTargetFile(ctx, {
    dest,
    content: source.content,
    mode,
    owner: args.owner === undefined ? undefined : String(args.owner),
    group: args.group === undefined ? undefined : String(args.group),
    backup: args.backup,
    validate: args.validate,
    createParents,
    afterHeader: source.srcPath,
    current: { state },
  });
  return { ...result, ...srcKeys };
}
