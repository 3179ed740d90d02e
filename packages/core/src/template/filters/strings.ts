import { arg, intArg, kwarg, stringArg, type Kwargs } from '../../expr/params.js';
import { pyFormat } from '../../expr/py-format.js';
import { jinjaTitle, pyCapitalize, pyLen, pyReplace, pySplit, pyStr, pyStrip } from '../../expr/py-string.js';
import { hasOwn, keysOf, truthy } from '../../expr/values.js';
import { toNumber } from './shared.js';
import { ansible, jinja, type FilterSpec } from './spec.js';
import { wrapText } from './text-wrap.js';

/** Python's str.splitlines(): every line boundary Python knows, no trailing empty line. */
function splitLines(s: string): string[] {
  const lines = s.split(/\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Python's shlex.quote: safe words as they are, anything else in single quotes (`'"'"'` for a quote inside). */
function shlexQuote(word: string): string {
  if (word !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'"'"'`)}'`;
}

/** Jinja's indent: every line but the first (unless `first`) gets the prefix; empty lines only with `blank`. */
function indent(text: string, width: unknown, first: boolean, blank: boolean): string {
  const prefix = typeof width === 'string' ? width : ' '.repeat(toNumber(width, 'indent width'));
  const lines = splitLines(`${text}\n`);
  let out: string;
  if (blank) out = lines.join(`\n${prefix}`);
  else {
    out = lines[0] ?? '';
    if (lines.length > 1) out += `\n${lines.slice(1).map((line) => (line ? prefix + line : line)).join('\n')}`;
  }
  return first ? prefix + out : out;
}

/** Python's str.center: the extra space of an odd padding goes left when the width is odd, else right. */
function center(text: string, width: number): string {
  const margin = width - pyLen(text);
  if (margin <= 0) return text;
  const left = Math.floor(margin / 2) + (margin & width & 1);
  return ' '.repeat(left) + text + ' '.repeat(margin - left);
}

/** Jinja's truncate: cut to `length` (at a word unless `killwords`) with `end`, unless only `leeway` characters over. */
function truncate(text: string, length: number, killwords: boolean, end: string, leeway: number): string {
  if (length < end.length) throw new RangeError(`expected length >= ${end.length}, got ${length}`);
  if (leeway < 0) throw new RangeError(`expected leeway >= 0, got ${leeway}`);
  const chars = [...text];
  if (chars.length <= length + leeway) return text;
  const head = chars.slice(0, length - end.length).join('');
  if (killwords) return head + end;
  const space = head.lastIndexOf(' ');
  return (space < 0 ? head : head.slice(0, space)) + end;
}

const COMMENT_STYLES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  plain: { decoration: '# ' },
  erlang: { decoration: '% ' },
  c: { decoration: '// ' },
  cblock: { beginning: '/*', decoration: ' * ', end: ' */' },
  xml: { beginning: '<!--', decoration: ' - ', end: '-->' },
};

/** Ansible's comment: the text as a comment block of `style`, every part overridable by keyword. */
function comment(text: string, style: string, kwargs: Kwargs): string {
  const styleParams = Object.hasOwn(COMMENT_STYLES, style) ? COMMENT_STYLES[style]! : undefined;
  if (!styleParams) throw new TypeError(`comment: unknown style '${style}': use one of ${Object.keys(COMMENT_STYLES).join(', ')}`);
  const given = (name: string): string | undefined => (hasOwn(kwargs, name) ? pyStr(kwargs[name]) : undefined);
  const edge = (given('decoration') ?? styleParams['decoration']!).trimEnd();
  const p = (name: string, fallback: string): string => given(name) ?? styleParams[name] ?? fallback;
  const newline = p('newline', '\n');
  const decoration = p('decoration', '');
  const prefix = p('prefix', edge);
  const postfix = p('postfix', edge);
  const count = (name: string): number => Math.trunc(toNumber(kwarg(kwargs, name, 1), name));
  const beginning = p('beginning', '');
  const end = p('end', '');
  const head = beginning ? beginning + newline : '';
  const prefixes = prefix ? (prefix !== newline ? prefix + newline : newline).repeat(Math.max(0, count('prefix_count'))) : '';
  const body = (decoration + text.split(newline).join(newline + decoration)).split(decoration + newline).join(decoration.trimEnd() + newline);
  const postfixes = [''].concat(Array<string>(Math.max(0, count('postfix_count'))).fill(postfix)).join(newline);
  return head + prefixes + body + postfixes + (end ? newline + end : '');
}

/** String filters: case, trimming, replacing, splitting, layout and formatting. */
export const STRING_FILTERS: Readonly<Record<string, FilterSpec>> = {
  lower: jinja('Lower-case text.', (v) => pyStr(v).toLowerCase()),
  upper: jinja('Upper-case text.', (v) => pyStr(v).toUpperCase()),
  capitalize: jinja('First character upper-case, the rest lower-case.', (v) => pyCapitalize(pyStr(v))),
  title: jinja('Each word capitalized.', (v) => jinjaTitle(pyStr(v))),
  trim: jinja('Whitespace (or the characters of `chars`) removed from both ends.', (v, a, k) => {
    const chars = arg(a, k, 0, 'chars', null);
    return pyStrip(pyStr(v), chars === null ? null : pyStr(chars));
  }),
  replace: jinja('Every occurrence of `old` replaced by `new` (the first `count` only when given).', (v, a, k) =>
    pyReplace(pyStr(v), pyStr(arg(a, k, 0, 'old', '')), pyStr(arg(a, k, 1, 'new', '')), intArg(a, k, 2, 'count', 'replace', -1)),
  ),
  split: ansible("Python's str.split: by `sep` (runs of whitespace when none), at most `maxsplit` times.", (v, a, k) => {
    const sep = arg(a, k, 0, 'sep', null);
    return pySplit(pyStr(v), sep === null ? null : pyStr(sep), intArg(a, k, 1, 'maxsplit', 'split', -1));
  }),
  center: jinja('The text centered in a field of `width` (80) characters.', (v, a, k) => center(pyStr(v), intArg(a, k, 0, 'width', 'center', 80))),
  truncate: jinja('The text cut to `length` (255) characters with `end` (`...`), at a word unless `killwords`; `leeway` (5) characters over are kept.', (v, a, k) =>
    truncate(
      pyStr(v),
      intArg(a, k, 0, 'length', 'truncate', 255),
      truthy(arg(a, k, 1, 'killwords', false)),
      stringArg(a, k, 2, 'end', 'truncate', '...'),
      intArg(a, k, 3, 'leeway', 'truncate', 5),
    ),
  ),
  wordcount: jinja('The number of words.', (v) => pyStr(v).match(/[\p{L}\p{N}_]+/gu)?.length ?? 0),
  wordwrap: jinja('The text wrapped at `width` (79) columns, each line on its own (`wrapstring` joins them).', (v, a, k) => {
    const options = {
      width: intArg(a, k, 0, 'width', 'wordwrap', 79),
      breakLongWords: truthy(arg(a, k, 1, 'break_long_words', true)),
      breakOnHyphens: truthy(arg(a, k, 3, 'break_on_hyphens', true)),
    };
    const wrapstring = stringArg(a, k, 2, 'wrapstring', 'wordwrap', '\n');
    return splitLines(pyStr(v))
      .map((line) => wrapText(line, options).join(wrapstring))
      .join(wrapstring);
  }),
  indent: jinja('Every line but the first indented by `width` (4 spaces, or a string); `first` and `blank` indent those too.', (v, a, k) =>
    indent(pyStr(v), arg(a, k, 0, 'width', 4), truthy(arg(a, k, 1, 'first', false)), truthy(arg(a, k, 2, 'blank', false))),
  ),
  format: jinja("printf-style formatting: `'%s-%d' | format(a, b)`, or `%(name)s` with keyword arguments.", (v, a, k) => {
    const named = keysOf(k).length > 0;
    if (named && a.length > 0) throw new TypeError("can't handle positional and keyword arguments at the same time");
    return pyFormat(pyStr(v), named ? k : a);
  }),
  quote: ansible("Quoted for a POSIX shell (Python's shlex.quote); none gives ''.", (v) => shlexQuote(v === null || v === undefined ? '' : pyStr(v))),
  comment: ansible('The text as a comment block: `style` plain, erlang, c, cblock or xml, each part overridable (decoration, prefix, postfix…).', (v, a, k) =>
    comment(pyStr(v), stringArg(a, k, 0, 'style', 'comment', 'plain'), k),
  ),
};
