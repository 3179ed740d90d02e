import { posix } from 'node:path';
import { defineModule, type ModuleContext, type ModuleResult } from '@kbrun/core';
import { attributeKeys, matchesId, planAttributes, type AttributeRequest } from '../lib/attributes.js';
import { stateDiff } from '../lib/file-diff.js';
import { formatMode, parseMode, type ModeRule, type ModeSpec } from '../lib/file-mode.js';
import { isStateError, readFileState, type FileState, type PresentFile } from '../lib/file-state.js';
import { firstOf, idArgument, idSchema, modeSchema, requireOneOf } from '../lib/module-args.js';
import { firstErrorLine, runAll } from '../lib/target-commands.js';

/** Arguments of `file`. */
export interface FileArgs {
  path?: string;
  dest?: string;
  name?: string;
  state?: 'file' | 'directory' | 'absent' | 'touch' | 'link';
  mode?: ModeSpec;
  owner?: string | number;
  group?: string | number;
  src?: string;
  force?: boolean;
  recurse?: boolean;
  follow?: boolean;
  access_time?: 'now' | 'preserve';
  modification_time?: 'now' | 'preserve';
}

/** `file`: makes a path on the target a file, directory or symbolic link with given attributes, or removes it (ansible.builtin.file). */
export const file = defineModule<FileArgs>({
  name: 'file',
  description:
    'Sets attributes of files and directories, creates directories (with parents), symbolic links and empty files (`touch`), or removes paths recursively (`absent`).',
  check: 'full',
  schema: {
    type: 'object',
    properties: {
      path: { type: 'string', description: 'The path on the target (aliases: dest, name).' },
      dest: { type: 'string', description: 'Alias of path.' },
      name: { type: 'string', description: 'Alias of path.' },
      state: {
        type: 'string',
        enum: ['file', 'directory', 'absent', 'touch', 'link'],
        description:
          'file: an existing file (never created); directory: created with parents; touch: created or its times updated (always changed); link: a symbolic link to src; absent: removed recursively. Default: the current type, or file.',
      },
      mode: modeSchema,
      owner: idSchema('The owning user (name or uid).'),
      group: idSchema('The owning group (name or gid).'),
      src: { type: 'string', description: 'The link target for state=link (relative to the link\'s directory unless absolute).' },
      force: { type: 'boolean', default: false, description: 'For state=link: replace a file or empty directory, and link to a src that does not exist.' },
      recurse: { type: 'boolean', default: false, description: 'For state=directory: apply mode, owner and group to everything inside.' },
      follow: { type: 'boolean', default: true, description: 'Apply attributes to what a symbolic link points to.' },
      access_time: { type: 'string', enum: ['now', 'preserve'], description: 'For state=touch: set the access time to now (default) or keep it.' },
      modification_time: { type: 'string', enum: ['now', 'preserve'], description: 'For state=touch: set the modification time to now (default) or keep it.' },
    },
    anyOf: requireOneOf('path', 'dest', 'name'),
    additionalProperties: false,
  },
  async run(args, ctx) {
    const path = firstOf(args.path, args.dest, args.name);
    if (!path) return { failed: true, changed: false, msg: 'missing required arguments: path' };
    let mode: ModeRule | undefined;
    if (args.mode !== undefined) {
      const parsed = parseMode(args.mode);
      if ('error' in parsed) return { failed: true, changed: false, path, msg: parsed.error };
      mode = parsed;
    }
    const request: AttributeRequest = { mode, owner: idArgument(args.owner), group: idArgument(args.group) };
    const follow = args.follow ?? true;
    const wanted = args.state ?? (args.recurse ? 'directory' : undefined);
    const read = await readFileState(ctx.connection, path, { follow: follow && wanted !== 'absent' && wanted !== 'link' }, ctx.signal);
    if (isStateError(read)) return { failed: true, changed: false, path, msg: read.error };
    // Without a state, Ansible keeps the path's current type (or means `file`).
    const state = wanted ?? (read.exists && (read.type === 'directory' || read.type === 'link') ? read.type : 'file');
    if (args.src !== undefined && state !== 'link') {
      return { failed: true, changed: false, path, msg: "src option requires state to be 'link' or 'hard'" };
    }
    const job: Job = { ctx, path, request, args, before: read };
    switch (state) {
      case 'absent':
        return ensureAbsent(job);
      case 'directory':
        return ensureDirectory(job);
      case 'touch':
        return ensureTouched(job);
      case 'link':
        return ensureLink(job);
      default:
        return ensureFile(job);
    }
  },
});

interface Job {
  ctx: ModuleContext;
  path: string;
  request: AttributeRequest;
  args: FileArgs;
  before: FileState;
}

const failure = (path: string, msg: string, extra: Record<string, unknown> = {}): ModuleResult => ({ failed: true, changed: false, path, msg, ...extra });

async function ensureAbsent({ ctx, path, before }: Job): Promise<ModuleResult> {
  if (!before.exists) return { changed: false, path, state: 'absent' };
  const result: ModuleResult = { changed: true, path, state: 'absent' };
  if (ctx.diff) result.diff = stateDiff(path, { state: before.type }, { state: 'absent' });
  if (ctx.check) return result;
  const removed = await runAll(ctx, [['rm', '-rf', '--', path]]);
  if (removed.rc !== 0) return failure(path, `rmtree failed: ${firstErrorLine(removed)}`);
  return result;
}

async function ensureFile(job: Job): Promise<ModuleResult> {
  const { path, before } = job;
  if (!before.exists) return failure(path, `file (${path}) is absent, cannot continue`, { state: 'absent' });
  if (before.type !== 'file') return failure(path, `file (${path}) is ${before.type}, cannot continue`, { state: before.type });
  return applyAttributes(job, before, 'file', {});
}

async function ensureDirectory(job: Job): Promise<ModuleResult> {
  const { ctx, path, before } = job;
  if (before.exists && before.type !== 'directory') return failure(path, `${path} already exists as a ${before.type}`, { state: before.type });
  if (before.exists) return applyAttributes(job, before, 'directory', {});
  if (ctx.check) return created(job, 'directory');
  const made = await runAll(ctx, [['mkdir', '-p', '--', path]]);
  if (made.rc !== 0) return failure(path, `There was an issue creating ${path} as requested: ${firstErrorLine(made)}`);
  const fresh = await readFileState(ctx.connection, path, {}, ctx.signal);
  if (isStateError(fresh) || !fresh.exists) return failure(path, isStateError(fresh) ? fresh.error : `${path} vanished after mkdir`);
  return applyAttributes(job, fresh, 'directory', { state: 'absent' });
}

async function ensureTouched(job: Job): Promise<ModuleResult> {
  const { ctx, path, before, args } = job;
  if (!before.exists) {
    if (ctx.check) return created(job, 'file');
    const touched = await runAll(ctx, [['touch', '--', path]]);
    if (touched.rc !== 0) return failure(path, `Error, could not touch target: ${firstErrorLine(touched)}`);
    const fresh = await readFileState(ctx.connection, path, {}, ctx.signal);
    if (isStateError(fresh) || !fresh.exists) return failure(path, isStateError(fresh) ? fresh.error : `${path} vanished after touch`);
    return applyAttributes(job, fresh, 'file', { state: 'absent' });
  }
  // Ansible updates the times of an existing path, so touch reports a change unless both times are preserved.
  const flags = [...(args.access_time === 'preserve' ? [] : ['-a']), ...(args.modification_time === 'preserve' ? [] : ['-m'])];
  const touch = flags.length > 0 ? [['touch', ...flags, '--', path]] : [];
  return applyAttributes(job, before, before.type === 'directory' ? 'directory' : 'file', {}, touch);
}

async function ensureLink(job: Job): Promise<ModuleResult> {
  const { ctx, path, before, args } = job;
  const src = args.src;
  if (src === undefined) return failure(path, 'src is required for creating new symlinks');
  const absoluteSrc = src.startsWith('/') ? src : posix.join(posix.dirname(path), src);
  const force = args.force ?? false;
  if (!force) {
    const exists = await ctx.connection.exec(['test', '-e', absoluteSrc], { signal: ctx.signal });
    if (exists.rc !== 0) return failure(path, `src file does not exist, use "force=yes" if you really want to create the link: ${absoluteSrc}`, { src });
  }
  if (before.exists && before.type === 'link' && before.linkTarget === src) return applyAttributes(job, before, 'link', {}, [], { src });
  const commands: string[][] = [];
  if (before.exists && before.type !== 'link') {
    if (!force) return failure(path, `refusing to convert from ${before.type} to symlink for ${path}`, { src });
    if (before.type === 'directory') {
      const listing = await ctx.connection.exec(['find', '--', path, '-mindepth', '1', '-maxdepth', '1', '-print', '-quit'], { signal: ctx.signal });
      if (listing.stdout.trim() !== '') return failure(path, `the directory ${path} is not empty, refusing to convert it`, { src });
      commands.push(['rmdir', '--', path]);
    }
  }
  commands.push(['ln', '-sfn', '--', src, path]);
  const diffBefore = before.exists ? (before.type === 'link' ? { state: 'link', src: before.linkTarget } : { state: before.type }) : { state: 'absent' };
  if (ctx.check) return created(job, 'link', diffBefore, { src });
  const linked = await runAll(ctx, commands);
  if (linked.rc !== 0) return failure(path, `Error while linking: ${firstErrorLine(linked)}`, { src });
  const fresh = await readFileState(ctx.connection, path, {}, ctx.signal);
  if (isStateError(fresh) || !fresh.exists) return failure(path, isStateError(fresh) ? fresh.error : `${path} vanished after ln`);
  return applyAttributes(job, fresh, 'link', diffBefore, [], { src });
}

// The result for a path check mode would create (its attributes cannot be read yet).
function created({ ctx, path, request }: Job, state: string, diffBefore: Record<string, unknown> = { state: 'absent' }, extraKeys: Record<string, unknown> = {}): ModuleResult {
  const result: ModuleResult = { changed: true, path, state, ...extraKeys };
  if (request.mode && state !== 'link') result['mode'] = formatMode(request.mode.apply(state === 'directory' ? 0o755 : 0o644, state === 'directory'));
  if (request.owner !== undefined) result['owner'] = request.owner;
  if (request.group !== undefined) result['group'] = request.group;
  if (ctx.diff) result.diff = stateDiff(path, diffBefore, { state, ...extraKeys, ...(result['mode'] ? { mode: result['mode'] } : {}) });
  return result;
}

/**
 * Closes the attribute gap of an existing path (and, with `recurse`, of its contents), after optional extra commands.
 * `diffBefore` is non-empty when the path itself was just created or replaced.
 */
async function applyAttributes(
  job: Job,
  current: PresentFile,
  state: string,
  diffBefore: Record<string, unknown>,
  extra: string[][] = [],
  extraKeys: Record<string, unknown> = {},
): Promise<ModuleResult> {
  const { ctx, path, request, args } = job;
  const plan = planAttributes(path, current, request);
  const recursive = args.recurse && state === 'directory' ? await planRecursive(ctx, path, request) : { commands: [], changed: false };
  if (typeof recursive === 'string') return failure(path, recursive);
  const created = Object.keys(diffBefore).length > 0;
  const changed = created || extra.length > 0 || plan.commands.length > 0 || recursive.changed;
  const result: ModuleResult = { changed, path, state, ...extraKeys, ...attributeKeys(current), mode: formatMode(plan.mode), owner: plan.owner, group: plan.group };
  if (state === 'link') delete result['mode'];
  if (ctx.diff && changed) {
    const after: Record<string, unknown> = created ? { state, ...extraKeys, ...plan.after } : plan.after;
    result.diff = stateDiff(path, created ? diffBefore : plan.before, after);
  }
  if (!changed || ctx.check) return result;
  const commands = [...extra, ...plan.commands, ...recursive.commands];
  if (commands.length > 0) {
    const ran = await runAll(ctx, commands);
    if (ran.rc !== 0) return failure(path, `Error setting attributes of ${path}: ${firstErrorLine(ran)}`, { state });
  }
  if (plan.owner !== current.owner || plan.group !== current.group) {
    // Owner and group were given as names or ids: report what the target now says.
    const fresh = await readFileState(ctx.connection, path, {}, ctx.signal);
    if (!isStateError(fresh) && fresh.exists) Object.assign(result, { owner: fresh.owner, group: fresh.group, uid: fresh.uid, gid: fresh.gid });
  }
  return result;
}

// With recurse: whether anything inside the directory differs, and the recursive commands that fix it.
async function planRecursive(ctx: ModuleContext, path: string, request: AttributeRequest): Promise<{ commands: string[][]; changed: boolean } | string> {
  if (!request.mode && request.owner === undefined && request.group === undefined) return { commands: [], changed: false };
  const listing = await ctx.connection.exec(['find', '--', path, '-mindepth', '1', '-printf', '%y %m %U %G %u %g\\n'], { signal: ctx.signal });
  if (listing.rc !== 0) return `Error reading ${path} recursively: ${firstErrorLine(listing)}`;
  let mode = false;
  let owner = false;
  let group = false;
  for (const line of listing.stdout.split('\n')) {
    const [type, octal, uid, gid, user, grp] = line.split(' ');
    if (!type || !octal) continue;
    const bits = parseInt(octal, 8);
    if (request.mode && type !== 'l' && request.mode.apply(bits, type === 'd') !== bits) mode = true;
    if (request.owner !== undefined && !matchesId(request.owner, Number(uid), user ?? '')) owner = true;
    if (request.group !== undefined && !matchesId(request.group, Number(gid), grp ?? '')) group = true;
  }
  const commands: string[][] = [];
  if (mode && request.mode) commands.push(['chmod', '-R', request.mode.chmodArgument, '--', path]);
  if (owner) commands.push(['chown', '-R', '-h', request.owner!, '--', path]);
  if (group) commands.push(['chgrp', '-R', '-h', request.group!, '--', path]);
  return { commands, changed: commands.length > 0 };
}
