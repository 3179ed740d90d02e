import { defineModule } from '@kbrun/core';
import { readEditableFile, saveEdit } from '../lib/edit-file.js';
import type { ModeSpec } from '../lib/file-mode.js';
import { splitKeepEnds, stripEol } from '../lib/lines.js';
import { deployProperties } from '../lib/deploy-schema.js';
import { firstOf, idSchema, modeSchema, requireOneOf } from '../lib/module-args.js';
import { compilePythonRegex, expandTemplate } from '../lib/python-regex.js';

/** Arguments of `lineinfile`. */
export interface LineinfileArgs {
  path?: string;
  dest?: string;
  name?: string;
  line?: string;
  regexp?: string;
  search_string?: string;
  state?: 'present' | 'absent';
  insertafter?: string;
  insertbefore?: string;
  create?: boolean;
  backrefs?: boolean;
  firstmatch?: boolean;
  mode?: ModeSpec;
  owner?: string | number;
  group?: string | number;
  backup?: boolean;
  validate?: string;
}

/** `lineinfile`: ensures one line is present (added or replaced) or absent in a target file, like ansible.builtin.lineinfile. */
export const lineinfile = defineModule<LineinfileArgs>({
  name: 'lineinfile',
  description:
    'Ensures a line is in a text file on the target (replacing the last line matching `regexp`/`search_string`, else inserting after/before a match or at the end), or removes matching lines. Regular expressions use Python syntax.',
  check: 'full',
  schema: {
    type: 'object',
    properties: {
      path: { type: 'string', description: 'The file to edit (aliases: dest, name).' },
      dest: { type: 'string', description: 'Alias of path.' },
      name: { type: 'string', description: 'Alias of path.' },
      line: { type: 'string', description: 'The line to ensure (required with state=present); with backrefs it may use \\1 or \\g<name>.' },
      regexp: { type: 'string', description: 'A (Python) regular expression: the last matching line is replaced, or with state=absent every matching line is removed.' },
      search_string: { type: 'string', description: 'A literal string: like regexp, for lines containing it.' },
      state: { type: 'string', enum: ['present', 'absent'], default: 'present', description: 'Whether the line should be there.' },
      insertafter: { type: 'string', description: "Insert after the last line matching this regex, or 'EOF' (default) / 'BOF'." },
      insertbefore: { type: 'string', description: "Insert before the last line matching this regex, or 'BOF'." },
      create: { type: 'boolean', default: false, description: 'Create the file (and its directories) when it does not exist.' },
      backrefs: { type: 'boolean', default: false, description: 'Expand regexp groups in line; when regexp does not match, change nothing.' },
      firstmatch: { type: 'boolean', default: false, description: 'Use the first matching line instead of the last.' },
      mode: modeSchema,
      owner: idSchema('The owning user (name or uid).'),
      group: idSchema('The owning group (name or gid).'),
      backup: { type: 'boolean', default: false, description: 'Keep the old file under a timestamped name before changing it.' },
      validate: deployProperties['validate']!,
    },
    anyOf: requireOneOf('path', 'dest', 'name'),
    additionalProperties: false,
  },
  async run(args, ctx) {
    const path = firstOf(args.path, args.dest, args.name);
    if (!path) return { failed: true, changed: false, msg: 'missing required arguments: path' };
    const state = args.state ?? 'present';
    if (args.regexp !== undefined && args.search_string !== undefined) {
      return { failed: true, changed: false, msg: 'parameters are mutually exclusive: regexp|search_string' };
    }
    if (args.insertafter !== undefined && args.insertbefore !== undefined) {
      return { failed: true, changed: false, msg: 'parameters are mutually exclusive: insertbefore|insertafter' };
    }
    if (state === 'present' && args.line === undefined) return { failed: true, changed: false, msg: 'line is required with state=present' };
    if (state === 'absent' && args.line === undefined && args.regexp === undefined && args.search_string === undefined) {
      return { failed: true, changed: false, msg: 'one of line, search_string, or regexp is required with state=absent' };
    }
    if (args.backrefs && args.regexp === undefined) return { failed: true, changed: false, msg: 'regexp is required with backrefs=true' };

    const compile = (source: string | undefined): RegExp | undefined | { error: string } => {
      if (source === undefined) return undefined;
      const compiled = compilePythonRegex(source);
      return 'error' in compiled ? compiled : compiled.regex;
    };
    const regexp = compile(args.regexp);
    const anchor = compile(
      args.insertafter !== undefined && !['BOF', 'EOF'].includes(args.insertafter) ? args.insertafter : args.insertbefore !== undefined && args.insertbefore !== 'BOF' ? args.insertbefore : undefined,
    );
    for (const compiled of [regexp, anchor]) if (compiled && 'error' in compiled) return { failed: true, changed: false, msg: compiled.error };

    const file = await readEditableFile(ctx, path);
    if ('error' in file) return { failed: true, changed: false, rc: 256, msg: file.error };
    if (file.text === null) {
      if (state === 'absent') return { changed: false, msg: 'file not present', backup: '' };
      if (!args.create) return { failed: true, changed: false, rc: 257, msg: `Destination ${path} does not exist !` };
    }
    const lines = splitKeepEnds(file.text ?? '');
    const matcher = { regexp: regexp as RegExp | undefined, search: args.search_string, anchor: anchor as RegExp | undefined };
    const edit = state === 'present' ? addLine(lines, args, matcher) : removeLines(lines, args.line, matcher);
    return saveEdit(ctx, file, { ...args, path }, lines.join(''), edit.msg);
  },
});

interface Matcher {
  regexp: RegExp | undefined;
  search: string | undefined;
  anchor: RegExp | undefined;
}

// Ansible matches regexes against each line without its line ending (Python's `$` also matches before it).
function matches(line: string, matcher: Matcher): RegExpExecArray | boolean {
  if (matcher.regexp) return matcher.regexp.exec(stripEol(line)) ?? false;
  if (matcher.search !== undefined) return line.includes(matcher.search);
  return false;
}

/** Edits `lines` in place for state=present; returns Ansible's message ('' when nothing changed). */
function addLine(lines: string[], args: LineinfileArgs, matcher: Matcher): { msg: string } {
  const line = args.line!;
  const firstmatch = args.firstmatch ?? false;
  const insertafter = args.insertafter ?? (args.insertbefore === undefined ? 'EOF' : undefined);
  const insertbefore = args.insertbefore;
  // 1. The line matching regexp/search_string (the last one unless firstmatch).
  let found = -1;
  let match: RegExpExecArray | boolean = false;
  if (matcher.regexp || matcher.search !== undefined) {
    for (let i = 0; i < lines.length; i++) {
      const m = matches(lines[i]!, matcher);
      if (m) {
        found = i;
        match = m;
        if (firstmatch) break;
      }
    }
  }
  // 2. Without such a match: the line itself, and the insertafter/insertbefore anchor.
  let anchorAt = -1;
  if (!match) {
    for (let i = 0; i < lines.length; i++) {
      if (stripEol(lines[i]!) === line) {
        found = i;
      } else if (matcher.anchor && matcher.anchor.exec(stripEol(lines[i]!))) {
        anchorAt = insertbefore !== undefined ? i : i + 1;
        if (firstmatch) break;
      }
    }
  }
  const newline = (text: string) => (text.endsWith('\n') ? text : `${text}\n`);
  const endLastLine = () => {
    if (lines.length > 0 && !lines[lines.length - 1]!.endsWith('\n')) lines[lines.length - 1] += '\n';
  };

  if (found >= 0) {
    // Replaced when it differs, even only by its line ending (as Ansible does).
    const replacement = newline(args.backrefs && typeof match === 'object' ? expandTemplate(match, line) : line);
    if (lines[found] === replacement) return { msg: '' };
    lines[found] = replacement;
    return { msg: 'line replaced' };
  }
  if (args.backrefs) return { msg: '' }; // nothing to expand the groups from: change nothing
  if (insertbefore === 'BOF' || insertafter === 'BOF') {
    lines.unshift(newline(line));
    return { msg: 'line added' };
  }
  if (insertafter === 'EOF' || anchorAt === -1) {
    endLastLine();
    lines.push(newline(line));
    return { msg: 'line added' };
  }
  // Insert at the anchor unless the line is already right there.
  if (insertafter !== undefined) {
    endLastLine();
    const neighbour = anchorAt === lines.length ? lines[anchorAt - 1] : lines[anchorAt];
    if (neighbour !== undefined && stripEol(neighbour) === line) return { msg: '' };
  } else if (anchorAt > 0 && stripEol(lines[anchorAt - 1]!) === line) {
    return { msg: '' };
  }
  lines.splice(anchorAt, 0, newline(line));
  return { msg: 'line added' };
}

/** Removes matching lines in place for state=absent. */
function removeLines(lines: string[], line: string | undefined, matcher: Matcher): { msg: string } {
  const before = lines.length;
  const keep = lines.filter((candidate) => {
    if (matcher.regexp || matcher.search !== undefined) return !matches(candidate, matcher);
    return stripEol(candidate) !== line;
  });
  lines.splice(0, lines.length, ...keep);
  const removed = before - keep.length;
  return { msg: removed > 0 ? `${removed} line(s) removed` : '' };
}
