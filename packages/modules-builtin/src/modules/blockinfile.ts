import { defineModule } from '@kbrun/core';
import { readEditableFile, saveEdit } from '../lib/edit-file.js';
import type { ModeSpec } from '../lib/file-mode.js';
import { splitKeepEnds, stripEol } from '../lib/lines.js';
import { deployProperties } from '../lib/deploy-schema.js';
import { firstOf, idSchema, modeSchema, requireOneOf } from '../lib/module-args.js';
import { compilePythonRegex } from '../lib/python-regex.js';

/** Arguments of `blockinfile`. */
export interface BlockinfileArgs {
  path?: string;
  dest?: string;
  destfile?: string;
  name?: string;
  block?: string;
  marker?: string;
  marker_begin?: string;
  marker_end?: string;
  insertafter?: string;
  insertbefore?: string;
  state?: 'present' | 'absent';
  create?: boolean;
  mode?: ModeSpec;
  owner?: string | number;
  group?: string | number;
  backup?: boolean;
  validate?: string;
}

/** `blockinfile`: ensures a block of lines between marker lines in a target file, like ansible.builtin.blockinfile. */
export const blockinfile = defineModule<BlockinfileArgs>({
  name: 'blockinfile',
  description:
    'Inserts, updates or removes a block of text surrounded by marker lines in a file on the target (at the end by default, or after/before the last line matching a Python regex).',
  check: 'full',
  schema: {
    type: 'object',
    properties: {
      path: { type: 'string', description: 'The file to edit (aliases: dest, destfile, name).' },
      dest: { type: 'string', description: 'Alias of path.' },
      destfile: { type: 'string', description: 'Alias of path.' },
      name: { type: 'string', description: 'Alias of path.' },
      block: { type: 'string', default: '', description: 'The lines between the markers; empty removes the block.' },
      marker: { type: 'string', default: '# {mark} ANSIBLE MANAGED BLOCK', description: 'The marker line template; {mark} becomes marker_begin or marker_end.' },
      marker_begin: { type: 'string', default: 'BEGIN', description: 'The {mark} of the first marker line.' },
      marker_end: { type: 'string', default: 'END', description: 'The {mark} of the last marker line.' },
      insertafter: { type: 'string', description: "Where a new block goes: after the last line matching this regex, or 'EOF' (default)." },
      insertbefore: { type: 'string', description: "Where a new block goes: before the last line matching this regex, or 'BOF'." },
      state: { type: 'string', enum: ['present', 'absent'], default: 'present', description: 'Whether the block should be there.' },
      create: { type: 'boolean', default: false, description: 'Create the file (and its directories) when it does not exist.' },
      mode: modeSchema,
      owner: idSchema('The owning user (name or uid).'),
      group: idSchema('The owning group (name or gid).'),
      backup: { type: 'boolean', default: false, description: 'Keep the old file under a timestamped name before changing it.' },
      validate: deployProperties['validate']!,
    },
    anyOf: requireOneOf('path', 'dest', 'destfile', 'name'),
    additionalProperties: false,
  },
  async run(args, ctx) {
    const path = firstOf(args.path, args.dest, args.destfile, args.name);
    if (!path) return { failed: true, changed: false, msg: 'missing required arguments: path' };
    if (args.insertafter !== undefined && args.insertbefore !== undefined) {
      return { failed: true, changed: false, msg: 'parameters are mutually exclusive: insertbefore|insertafter' };
    }
    const anchorSource =
      args.insertafter !== undefined && args.insertafter !== 'EOF' ? args.insertafter : args.insertbefore !== undefined && args.insertbefore !== 'BOF' ? args.insertbefore : undefined;
    let anchor: RegExp | undefined;
    if (anchorSource !== undefined) {
      const compiled = compilePythonRegex(anchorSource);
      if ('error' in compiled) return { failed: true, changed: false, msg: compiled.error };
      anchor = compiled.regex;
    }

    const file = await readEditableFile(ctx, path);
    if ('error' in file) return { failed: true, changed: false, rc: 256, msg: file.error };
    if (file.text === null && !args.create) return { failed: true, changed: false, rc: 257, msg: `Path ${path} does not exist !` };

    const marker = args.marker ?? '# {mark} ANSIBLE MANAGED BLOCK';
    const begin = marker.replaceAll('{mark}', args.marker_begin ?? 'BEGIN');
    const end = marker.replaceAll('{mark}', args.marker_end ?? 'END');
    const block = args.block ?? '';
    const present = (args.state ?? 'present') === 'present' && block !== '';
    const blockLines = present ? [begin, ...block.replace(/\n$/, '').split(/\r?\n/), end].map((l) => `${l}\n`) : [];

    const lines = splitKeepEnds(file.text ?? '');
    let beginAt = -1;
    let endAt = -1;
    lines.forEach((line, i) => {
      const bare = stripEol(line);
      if (bare === begin) beginAt = i;
      if (bare === end) endAt = i;
    });
    let at: number;
    if (beginAt < 0 || endAt < 0) {
      // No complete block yet: place it by the anchor (the last matching line), else at BOF/EOF.
      if (anchor) {
        at = -1;
        lines.forEach((line, i) => {
          if (anchor.exec(stripEol(line))) at = i;
        });
        at = at < 0 ? lines.length : args.insertafter !== undefined ? at + 1 : at;
      } else {
        at = args.insertbefore !== undefined ? 0 : lines.length;
      }
    } else {
      at = Math.min(beginAt, endAt);
      lines.splice(at, Math.abs(endAt - beginAt) + 1);
    }
    if (blockLines.length > 0 && at > 0 && !lines[at - 1]!.endsWith('\n')) lines[at - 1] += '\n';
    lines.splice(at, 0, ...blockLines);
    const text = lines.join('');

    const msg = text === file.text ? '' : file.text === null ? 'File created' : present ? 'Block inserted' : 'Block removed';
    return saveEdit(ctx, file, { ...args, path }, text, msg);
  },
});
