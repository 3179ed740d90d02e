/** Translation of Python `re` patterns and replacement templates to JavaScript, with a compile cache. */
import { pyTuple } from './py-tuple.js';

const cache = new Map<string, RegExp>();
const MAX_CACHE = 1000;

/** Turns a Python regex into a JavaScript one: `(?P<n>` → `(?<n>`, `(?P=n)` → `\k<n>`, `\A`/`\Z`, leading `(?ims)`. */
function translate(pattern: string): { source: string; flags: string } {
  let flags = '';
  let rest = pattern;
  const inline = /^\(\?([aiLmsux]+)\)/.exec(rest);
  if (inline) {
    for (const f of inline[1]!) {
      if (f === 'i' || f === 'm' || f === 's') flags += flags.includes(f) ? '' : f;
      else if (f === 'x') throw new Error("the regex flag (?x) (verbose) is not supported");
    }
    rest = rest.slice(inline[0].length);
  }
  let out = '';
  let inClass = false;
  for (let i = 0; i < rest.length; i++) {
    const ch = rest[i]!;
    if (ch === '\\') {
      const next = rest[i + 1] ?? '';
      if (!inClass && next === 'A') out += '(?<![\\s\\S])';
      else if (!inClass && next === 'Z') out += '(?![\\s\\S])';
      else out += ch + next;
      i++;
      continue;
    }
    if (inClass) {
      if (ch === ']') inClass = false;
      out += ch;
      continue;
    }
    if (ch === '[') {
      inClass = true;
      out += ch;
      if (rest[i + 1] === '^') out += rest[++i];
      if (rest[i + 1] === ']') out += `\\${rest[++i]}`; // a leading ']' is literal in Python
      continue;
    }
    if (rest.startsWith('(?P<', i)) {
      out += '(?<';
      i += 3;
      continue;
    }
    const backref = /^\(\?P=(\w+)\)/.exec(rest.slice(i, i + 40));
    if (backref) {
      out += `\\k<${backref[1]}>`;
      i += backref[0].length - 1;
      continue;
    }
    out += ch;
  }
  return { source: out, flags };
}

/** Compiles a Python-syntax regex (cached). `flags` may contain i, m, s and g. Throws a clear Error on bad syntax. */
export function pyRegex(pattern: string, flags = ''): RegExp {
  const key = `${flags}/${pattern}`;
  let re = cache.get(key);
  if (re) return re;
  const t = translate(pattern);
  let all = t.flags;
  for (const f of flags) if (!all.includes(f)) all += f;
  try {
    re = new RegExp(t.source, all);
  } catch (e) {
    throw new Error(`invalid regular expression '${pattern}': ${(e as Error).message.replace(/^Invalid regular expression: /, '')}`);
  }
  if (cache.size >= MAX_CACHE) cache.clear();
  cache.set(key, re);
  return re;
}

/** The flags string for the usual `ignorecase` / `multiline` options. */
export function regexFlags(ignorecase: unknown, multiline: unknown, extra = ''): string {
  return `${ignorecase ? 'i' : ''}${multiline ? 'm' : ''}${extra}`;
}

/** One piece of a parsed replacement template: literal text, or a group reference by number or name. */
type TemplatePart = string | { group: number | string };

const TEMPLATE_ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', f: '\f', v: '\v', a: '\x07', '\\': '\\' };

/** Parses a Python re.sub template (`\1`, `\g<1>`, `\g<name>`, `\n`); `$` is literal. */
function parseTemplate(template: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let text = '';
  for (let i = 0; i < template.length; i++) {
    const ch = template[i]!;
    if (ch !== '\\' || i + 1 >= template.length) {
      text += ch;
      continue;
    }
    const next = template[i + 1]!;
    const named = /^g<(\w+)>/.exec(template.slice(i + 1, i + 80));
    const numbered = /^\d{1,2}/.exec(template.slice(i + 1, i + 3));
    let group: number | string | null = null;
    if (named) {
      group = /^\d+$/.test(named[1]!) ? Number(named[1]) : named[1]!;
      i += named[0].length;
    } else if (numbered) {
      group = Number(numbered[0]);
      i += numbered[0].length;
    } else {
      text += TEMPLATE_ESCAPES[next] ?? `\\${next}`;
      i++;
      continue;
    }
    if (text) parts.push(text);
    text = '';
    parts.push({ group });
  }
  if (text) parts.push(text);
  return parts;
}

/** Expands a parsed template for one match (unmatched groups give ''). */
function expand(parts: readonly TemplatePart[], match: RegExpMatchArray): string {
  let out = '';
  for (const p of parts) {
    if (typeof p === 'string') out += p;
    else if (typeof p.group === 'number') out += match[p.group] ?? '';
    else out += match.groups?.[p.group] ?? '';
  }
  return out;
}

/** Python re.sub(pattern, template, value, count): replaces matches (all when count is 0). */
export function pySub(value: string, pattern: string, template: string, flags: string, count = 0): string {
  const re = pyRegex(pattern, `${flags}g`);
  const parts = parseTemplate(template);
  let done = 0;
  return value.replace(re, (...args: unknown[]) => {
    const hasGroups = typeof args[args.length - 1] === 'object';
    const groupsObj = hasGroups ? (args[args.length - 1] as Record<string, string>) : undefined;
    const captures = args.slice(0, hasGroups ? -3 : -2) as string[];
    if (count > 0 && done >= count) return captures[0]!;
    done++;
    const match = captures as unknown as RegExpMatchArray;
    if (groupsObj) match.groups = groupsObj;
    return expand(parts, match);
  });
}

/** Python re.search (or re.match when `anchored`): the match or null. */
export function pySearch(value: string, pattern: string, flags: string, anchored = false): RegExpMatchArray | null {
  const re = pyRegex(pattern, anchored ? `${flags}y` : flags);
  if (anchored) re.lastIndex = 0;
  return value.match(re);
}

/** Python re.findall: whole matches, or the group when there is one, or a list of groups per match. */
export function pyFindAll(value: string, pattern: string, flags: string): unknown[] {
  const re = pyRegex(pattern, `${flags}g`);
  const out: unknown[] = [];
  for (const m of value.matchAll(re)) {
    if (m.length === 1) out.push(m[0]);
    else if (m.length === 2) out.push(m[1] ?? '');
    else out.push(pyTuple(m.slice(1).map((g) => g ?? ''))); // several groups: a tuple each, as Python's re.findall gives
  }
  return out;
}

/** Python re.escape: backslashes the characters that are special in a regex. */
export function pyRegexEscape(value: string): string {
  return value.replace(/[()[\]{}?*+\-|^$\\.&~# \t\n\r\v\f]/g, (c) => `\\${c}`);
}
