import { floatRepr, intRepr } from './py-number-format.js';
import { PyTuple } from './py-tuple.js';
import { PyValue } from './py-value.js';
import { isMapping, keysOf } from './values.js';

/** `\xNN`, `\uNNNN` or `\UNNNNNNNN`, as Python escapes a character in repr() and ascii(). */
function escapeCode(code: number): string {
  if (code < 0x100) return `\\x${code.toString(16).padStart(2, '0')}`;
  if (code < 0x10000) return `\\u${code.toString(16).padStart(4, '0')}`;
  return `\\U${code.toString(16).padStart(8, '0')}`;
}

/** Python's repr() of a string (ascii() when `asciiOnly`): single quotes unless the text has a single quote and no double quote. */
function reprString(s: string, asciiOnly = false): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch < ' ' || (ch >= '\x7f' && ch <= '\xa0') || ch === '\xad' || (asciiOnly && ch > '\x7e')) out += escapeCode(ch.codePointAt(0)!);
    else out += ch;
  }
  return out + quote;
}

/** A number as Python prints it: ints in full, floats (those with a fraction) by repr(). */
function numberText(n: number): string {
  return Number.isInteger(n) ? intRepr(n) : floatRepr(n);
}

/** How reprOf writes: ascii() instead of repr(), dict keys sorted as pprint does. */
interface ReprOptions {
  readonly asciiOnly: boolean;
  readonly sortKeys: boolean;
}

/** repr() or ascii() of a value, with a guard against cycles. */
function reprOf(value: unknown, options: ReprOptions, seen: Set<object>): string {
  if (typeof value === 'string') return reprString(value, options.asciiOnly);
  if (value instanceof PyValue) return value.pyRepr();
  if (typeof value !== 'object' || value === null) return pyStr(value);
  if (seen.has(value)) return Array.isArray(value) ? '[...]' : '{...}';
  seen.add(value);
  const item = (v: unknown): string => reprOf(v, options, seen);
  let text: string;
  if (value instanceof PyTuple) text = value.length === 1 ? `(${item(value[0])},)` : `(${value.map(item).join(', ')})`;
  else if (Array.isArray(value)) text = `[${value.map(item).join(', ')}]`;
  else {
    const keys = keysOf(value);
    if (options.sortKeys) keys.sort();
    text = `{${keys.map((k) => `${reprString(k, options.asciiOnly)}: ${item((value as Record<string, unknown>)[k])}`).join(', ')}}`;
  }
  seen.delete(value);
  return text;
}

/** Python's repr(): how values appear inside printed lists and dicts (`sortKeys` as pprint writes dicts). */
export function pyRepr(value: unknown, sortKeys = false): string {
  return reprOf(value, { asciiOnly: false, sortKeys }, new Set());
}

/** Python's ascii(): repr() with every non-ASCII character escaped. */
export function pyAscii(value: unknown): string {
  return reprOf(value, { asciiOnly: true, sortKeys: false }, new Set());
}

/** Python's str(): True/False/None, Python-style lists and dicts; undefined becomes ''. Used by `~`, `string`, `join`. */
export function pyStr(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
      return numberText(value);
    case 'boolean':
      return value ? 'True' : 'False';
    case 'undefined':
      return '';
    case 'bigint':
      return value.toString();
    case 'object':
      if (value === null) return 'None';
      if (value instanceof PyValue) return value.pyStr();
      if (Array.isArray(value) || isMapping(value)) return pyRepr(value);
      return String(value);
    default:
      return '';
  }
}

const WHITESPACE = /\s/;

/** Python str.split(sep=None, maxsplit=-1): no separator splits on runs of whitespace and drops empty strings. */
export function pySplit(s: string, sep: string | null | undefined, maxsplit = -1): string[] {
  const parts: string[] = [];
  if (sep === null || sep === undefined) {
    let i = 0;
    const n = s.length;
    while (i < n) {
      while (i < n && WHITESPACE.test(s[i]!)) i++;
      if (i >= n) break;
      if (maxsplit >= 0 && parts.length === maxsplit) {
        parts.push(s.slice(i));
        return parts;
      }
      const start = i;
      while (i < n && !WHITESPACE.test(s[i]!)) i++;
      parts.push(s.slice(start, i));
    }
    return parts;
  }
  if (sep === '') throw new Error('empty separator');
  let from = 0;
  for (;;) {
    if (maxsplit >= 0 && parts.length === maxsplit) break;
    const at = s.indexOf(sep, from);
    if (at < 0) break;
    parts.push(s.slice(from, at));
    from = at + sep.length;
  }
  parts.push(s.slice(from));
  return parts;
}

/** Python str.strip/lstrip/rstrip: removes whitespace (or any of `chars`) from the chosen ends. */
export function pyStrip(s: string, chars: string | null | undefined, ends: 'both' | 'left' | 'right' = 'both'): string {
  const strip = chars === null || chars === undefined ? (c: string) => WHITESPACE.test(c) : (c: string) => chars.includes(c);
  let start = 0;
  let end = s.length;
  if (ends !== 'right') while (start < end && strip(s[start]!)) start++;
  if (ends !== 'left') while (end > start && strip(s[end - 1]!)) end--;
  return s.slice(start, end);
}

/** Python str.capitalize: first character upper case, the rest lower case. */
export function pyCapitalize(s: string): string {
  return s.length === 0 ? s : s[0]!.toUpperCase() + s.slice(1).toLowerCase();
}

/** Python str.title: each run of letters gets an upper-case first letter and lower-case rest. */
export function pyTitle(s: string): string {
  return s.replace(/\p{L}+/gu, (w) => w[0]!.toUpperCase() + w.slice(1).toLowerCase());
}

/** Jinja's title filter: words start after whitespace, '-', and opening brackets. */
export function jinjaTitle(s: string): string {
  return s
    .split(/([-\s({[<]+)/)
    .map((w) => (w.length === 0 ? w : w[0]!.toUpperCase() + w.slice(1).toLowerCase()))
    .join('');
}

/** Python str.replace(old, new, count=-1). */
export function pyReplace(s: string, old: string, replacement: string, count = -1): string {
  if (count < 0) {
    if (old !== '') return s.split(old).join(replacement);
    return s === '' ? replacement : replacement + [...s].join(replacement) + replacement;
  }
  let out = '';
  let from = 0;
  let done = 0;
  if (old === '') {
    const chars = [...s];
    for (let i = 0; i <= chars.length; i++) {
      if (done < count) {
        out += replacement;
        done++;
      }
      if (i < chars.length) out += chars[i];
    }
    return out;
  }
  while (done < count) {
    const at = s.indexOf(old, from);
    if (at < 0) break;
    out += s.slice(from, at) + replacement;
    from = at + old.length;
    done++;
  }
  return out + s.slice(from);
}

/** Python str.count(sub): non-overlapping occurrences. */
export function pyCount(s: string, sub: string): number {
  if (sub === '') return [...s].length + 1;
  let count = 0;
  let from = 0;
  for (;;) {
    const at = s.indexOf(sub, from);
    if (at < 0) return count;
    count++;
    from = at + sub.length;
  }
}

/** Number of characters (code points, as Python counts them). */
export function pyLen(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff) n++;
  }
  return n;
}
