import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { shellSplit, type FileDiff, type ModuleContext, type ModuleResult } from '@kbrun/core';
import { attributeKeys, planAttributes, type AttributePlan } from './attributes.js';
import { backupFile } from './backup.js';
import { contentDiff, stateDiff } from './file-diff.js';
import { formatMode, parseMode, type ModeRule, type ModeSpec } from './file-mode.js';
import { isStateError, readFileState, type FileState, type PresentFile } from './file-state.js';
import { firstErrorLine, runAll } from './target-commands.js';

/** What a file on the target should contain, and the attributes it should have. */
export interface WriteFileRequest {
  dest: string;
  content: Buffer;
  mode?: ModeSpec | undefined;
  owner?: string | undefined;
  group?: string | undefined;
  /** Keep the old content beside the file under Ansible's backup name before replacing it. */
  backup?: boolean | undefined;
  /** Replace content that differs (default true); false only creates missing files. */
  force?: boolean | undefined;
  /** A command (`%s`: a temporary copy of the new content beside dest) that must exit 0 before the content is put in place. */
  validate?: string | undefined;
  /** Create missing parent directories (lineinfile `create`); otherwise a missing directory fails like Ansible's copy. */
  createParents?: boolean | undefined;
  /** Edit the file a symbolic link points to instead of replacing the link. */
  follow?: boolean | undefined;
  /** `after_header` of the diff (the source file, for copy and template). */
  afterHeader?: string | undefined;
  /** State and content the caller already read (lineinfile reads the file to edit it). */
  current?: { state: FileState; content?: Buffer | null } | undefined;
}

/** The module result of a write, and which parts changed (for modules that word their own `msg`). */
export interface WriteFileOutcome {
  result: ModuleResult;
  contentChanged: boolean;
  attributesChanged: boolean;
}

/** SHA-1 hex digest, the checksum Ansible reports for files. */
export function sha1(data: Buffer | string): string {
  return createHash('sha1').update(data).digest('hex');
}

/**
 * Makes a target file hold `content` with the requested attributes, changing only what differs:
 * read state (one command) → plan → in check mode stop → backup → atomic put → chmod/chown.
 */
export async function writeTargetFile(ctx: ModuleContext, request: WriteFileRequest): Promise<WriteFileOutcome> {
  const fail = (msg: string): WriteFileOutcome => ({ result: { failed: true, changed: false, msg, dest: request.dest }, contentChanged: false, attributesChanged: false });
  let rule: ModeRule | undefined;
  if (request.mode !== undefined) {
    const parsed = parseMode(request.mode);
    if ('error' in parsed) return fail(parsed.error);
    rule = parsed;
  }
  const read = request.current?.state ?? (await readFileState(ctx.connection, request.dest, { checksum: 'sha1', follow: request.follow ?? false }, ctx.signal));
  if (isStateError(read)) return fail(read.error);
  const state = read;
  const target = state.exists && request.follow && state.linkRealpath ? state.linkRealpath : request.dest;
  if (state.exists && state.type === 'directory') return fail(`Destination ${request.dest} is a directory`);
  if (!state.exists && !state.parentExists && !request.createParents) {
    return fail(`Destination directory ${posix.dirname(request.dest)} does not exist`);
  }

  const checksum = sha1(request.content);
  const known = request.current?.content;
  const differs = !state.exists || (known != null ? !known.equals(request.content) : state.checksum !== checksum);
  const contentChanged = differs && (!state.exists || request.force !== false);
  const attributes = { mode: rule, owner: request.owner, group: request.group };
  const plan = state.exists ? planAttributes(target, state, attributes) : undefined;
  const attributesChanged = (plan?.commands.length ?? 0) > 0;
  const base: ModuleResult = { dest: request.dest, checksum, md5sum: createHash('md5').update(request.content).digest('hex') };

  if (!contentChanged && !attributesChanged) {
    return { result: { ...base, changed: false, ...attributeKeys(state as PresentFile), state: 'file' }, contentChanged, attributesChanged };
  }

  let diff: FileDiff | undefined;
  if (ctx.diff && contentChanged) {
    const before = known !== undefined ? known : state.exists ? await ctx.connection.get(target) : null;
    diff = contentDiff(request.dest, before, request.content, request.afterHeader ?? request.dest);
  } else if (ctx.diff && plan) {
    diff = stateDiff(request.dest, plan.before, plan.after);
  }
  const withDiff = (result: ModuleResult): ModuleResult => (diff ? { ...result, diff } : result);

  if (ctx.check) {
    return { result: withDiff({ ...base, changed: true, ...predictedKeys(state, plan, rule, request), state: 'file' }), contentChanged, attributesChanged };
  }

  let backupPath: string | undefined;
  let current: PresentFile | undefined = state.exists ? state : undefined;
  if (contentChanged) {
    if (request.backup && state.exists) {
      const made = await backupFile(ctx, target);
      if ('error' in made) return fail(made.error);
      backupPath = made.path;
    }
    if (!state.exists && !state.parentExists) {
      const mkdir = await runAll(ctx, [['mkdir', '-p', '--', posix.dirname(target)]]);
      if (mkdir.rc !== 0) return fail(`Error creating ${posix.dirname(target)}: ${firstErrorLine(mkdir)}`);
    }
    const mode = rule ? rule.apply(state.exists ? state.mode : 0o644, false) : state.exists ? state.mode : undefined;
    if (request.validate !== undefined) {
      const rejected = await validateContent(ctx, target, request.content, request.validate, mode);
      if (rejected !== undefined) return fail(rejected);
    }
    await ctx.connection.put(target, request.content, mode === undefined ? {} : { mode });
    const fresh = await readFileState(ctx.connection, target, {}, ctx.signal);
    if (isStateError(fresh)) return fail(fresh.error);
    if (!fresh.exists) return fail(`${target} vanished after it was written`);
    current = fresh;
  }
  // A replaced file belongs to whoever wrote it: give it back its owner and group unless others were asked for.
  const restore = contentChanged && state.exists;
  const finalPlan = planAttributes(target, current!, {
    mode: rule,
    owner: request.owner ?? (restore ? String(state.uid) : undefined),
    group: request.group ?? (restore ? String(state.gid) : undefined),
  });
  if (finalPlan.commands.length > 0) {
    const applied = await runAll(ctx, finalPlan.commands);
    if (applied.rc !== 0) return fail(`Error setting attributes of ${target}: ${firstErrorLine(applied)}`);
    const fresh = await readFileState(ctx.connection, target, {}, ctx.signal);
    if (isStateError(fresh)) return fail(fresh.error);
    if (fresh.exists) current = fresh;
  }
  const result: ModuleResult = { ...base, changed: true, ...attributeKeys(current!), state: 'file' };
  if (backupPath !== undefined) result['backup_file'] = backupPath;
  return { result: withDiff(result), contentChanged, attributesChanged };
}

/**
 * Ansible's `validate`: the new content goes to a temporary file beside the target (same directory, so the
 * program sees what it will read; the final mode, so secrets are never readable by more than the file will be),
 * the command runs with `%s` replaced by that path, and the temporary file is removed whatever the outcome.
 * Returns why the content was refused, or undefined when the command accepted it.
 */
async function validateContent(ctx: ModuleContext, target: string, content: Buffer, command: string, mode: number | undefined): Promise<string | undefined> {
  if (!command.includes('%s')) return `validate must contain %s: ${command}`;
  const temporary = posix.join(posix.dirname(target), `.${posix.basename(target)}.kbrun-validate-${process.pid}-${Date.now()}`);
  await ctx.connection.put(temporary, content, { mode: mode ?? 0o600 });
  try {
    const argv = shellSplit(command).map((word) => word.split('%s').join(temporary));
    const run = await ctx.connection.exec(argv, { signal: ctx.signal });
    if (run.rc === 0) return undefined;
    const output = (run.stderr.trim() || run.stdout.trim()).split(temporary).join(target);
    return `failed to validate: ${command} exited with ${run.rc}${output ? `:\n${output}` : ''}`;
  } finally {
    await ctx.connection.exec(['rm', '-f', '--', temporary], { signal: ctx.signal });
  }
}

// What the file would look like after the write, for check mode (no second read is possible).
function predictedKeys(state: FileState, plan: AttributePlan | undefined, rule: ModeRule | undefined, request: WriteFileRequest): Record<string, unknown> {
  if (state.exists) {
    return { ...attributeKeys(state), mode: formatMode(plan?.mode ?? state.mode), owner: plan?.owner ?? state.owner, group: plan?.group ?? state.group, size: request.content.length };
  }
  const keys: Record<string, unknown> = { size: request.content.length };
  if (rule) keys['mode'] = formatMode(rule.apply(0o644, false));
  if (request.owner !== undefined) keys['owner'] = request.owner;
  if (request.group !== undefined) keys['group'] = request.group;
  return keys;
}
