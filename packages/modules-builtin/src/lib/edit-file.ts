import type { ModuleContext, ModuleResult } from '@kbrun/core';
import type { ModeSpec } from './file-mode.js';
import { isStateError, readFileState, type FileState } from './file-state.js';
import { writeTargetFile } from './write-target-file.js';

/** A text file on the target read for editing (lineinfile, blockinfile): its state and content (null when absent). */
export interface EditableFile {
  state: FileState;
  text: string | null;
  content: Buffer | null;
}

/** Reads a file to edit, following symbolic links as Ansible does; a directory or unreadable path is an error message. */
export async function readEditableFile(ctx: ModuleContext, path: string): Promise<EditableFile | { error: string }> {
  const state = await readFileState(ctx.connection, path, { follow: true }, ctx.signal);
  if (isStateError(state)) return { error: state.error };
  if (state.exists && state.type === 'directory') return { error: `Path ${path} is a directory !` };
  const content = state.exists ? await ctx.connection.get(state.linkRealpath ?? path) : null;
  return { state, content, text: content === null ? null : content.toString('utf8') };
}

/** Attributes and backup options shared by the editing modules. */
export interface EditOptions {
  path: string;
  mode?: ModeSpec | undefined;
  owner?: string | number | undefined;
  group?: string | number | undefined;
  backup?: boolean | undefined;
  /** A command (`%s`: a temporary copy of the edited file) that must exit 0 before the edit is put in place. */
  validate?: string | undefined;
}

/**
 * Writes the edited text (or only fixes attributes when it is unchanged) and words `msg` like Ansible:
 * the edit's own message, plus 'ownership, perms or SE linux context changed' when attributes changed.
 */
export async function saveEdit(ctx: ModuleContext, file: EditableFile, options: EditOptions, text: string, msg: string): Promise<ModuleResult> {
  const { result, attributesChanged } = await writeTargetFile(ctx, {
    dest: options.path,
    content: Buffer.from(text, 'utf8'),
    mode: options.mode,
    owner: options.owner === undefined ? undefined : String(options.owner),
    group: options.group === undefined ? undefined : String(options.group),
    backup: options.backup,
    validate: options.validate,
    createParents: true,
    follow: true,
    current: { state: file.state, content: file.content },
  });
  if (result.failed) return result;
  const attributesMsg = 'ownership, perms or SE linux context changed';
  const words = attributesChanged ? (msg ? `${msg} and ${attributesMsg}` : attributesMsg) : msg;
  // Keys of Ansible's lineinfile/blockinfile result (not copy's checksum/dest family).
  const out: ModuleResult = { changed: result.changed === true, msg: words };
  if (result.diff) out.diff = result.diff;
  if (result['backup_file'] !== undefined) out['backup'] = out['backup_file'] = result['backup_file'];
  else out['backup'] = '';
  return out;
}
