import { createHash } from 'node:crypto';
import { parse as parseYaml, parseAllDocuments, stringify as stringifyYaml } from 'yaml';
import { pyAdd, pyCompare, pyContains, pyEquals } from '../expr/operators.js';
import { arg, intArg, kwarg, NO_KWARGS, stringArg, type Args, type Kwargs } from '../expr/params.js';
import { pyJsonDumps } from '../expr/py-json.js';
import { groupByReference, pyFindAll, pyRegexEscape, pySearch, pySub, regexFlags } from '../expr/py-regex.js';
import { jinjaTitle, pyCapitalize, pyLen, pyReplace, pySplit, pyStr, pyStrip } from '../expr/py-string.js';
import { findTest } from '../expr/tests.js';
import { getMember, hasOwn, isMapping, keysOf, readOwn, setOwn, truthy, typeName, type Mapping } from '../expr/values.js';
import { shellQuote } from '../util/quote.js';

/**
 * A filter: `value | name(args, kw=value)`. Handlebars helpers call the same functions with positional
 * arguments only, so every option can also be given by position (in Jinja/Ansible order).
 */
export type FilterFn = (value: unknown, args: unknown[], kwargs: Record<string, unknown>) => unknown;

// ---- shared helpers -------------------------------------------------------------------------------

/** The items of a list, the characters of a string, or the keys of a dict; undefined iterates as empty. */
function toList(value: unknown): readonly unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') return [...value];
  if (isMapping(value)) return keysOf(value);
  if (value === undefined) return [];
  throw new TypeError(`expected a list, got ${typeName(value)}`);
}

function toMapping(value: unknown, what: string): Mapping {
  if (!isMapping(value)) throw new TypeError(`${what} expects a dict, got ${typeName(value)}`);
  return value;
}

/** A reader for `attribute='a.b.0'` paths (dots separate keys, digits index lists). */
function attributeGetter(attribute: unknown): (item: unknown) => unknown {
  if (typeof attribute === 'number') return (item) => getMember(item, attribute);
  if (typeof attribute !== 'string') throw new TypeError(`attribute must be a string, got ${typeName(attribute)}`);
  const steps = attribute.split('.').map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  return (item) => {
    let v = item;
    for (const s of steps) {
      if (v === undefined) return undefined;
      v = typeof s === 'number' && isMapping(v) ? getMember(v, String(s)) : getMember(v, s);
    }
    return v;
  };
}

/** Case folding for the case-insensitive sorts and comparisons Jinja does by default. */
function fold(value: unknown, caseSensitive: boolean): unknown {
  return !caseSensitive && typeof value === 'string' ? value.toLowerCase() : value;
}

/** Removes duplicates (deep equality), keeping the first of each; `key` maps items before comparing. */
function uniqueBy(items: readonly unknown[], key: (item: unknown) => unknown = (x) => x): unknown[] {
  const out: unknown[] = [];
  const seenStrings = new Set<string>();
  const seenNumbers = new Set<number>();
  const seenOther: unknown[] = [];
  for (const item of items) {
    const k = key(item);
    if (typeof k === 'string') {
      if (seenStrings.has(k)) continue;
      seenStrings.add(k);
    } else if (typeof k === 'number' || typeof k === 'boolean') {
      if (seenNumbers.has(Number(k))) continue;
      seenNumbers.add(Number(k));
    } else {
      if (seenOther.some((o) => pyEquals(o, k))) continue;
      seenOther.push(k);
    }
    out.push(item);
  }
  return out;
}

function sortedCopy(items: readonly unknown[], key: (item: unknown) => unknown, reverse: boolean): unknown[] {
  const keyed = items.map((item) => ({ item, key: key(item) }));
  keyed.sort((a, b) => (reverse ? pyCompare(b.key, a.key) : pyCompare(a.key, b.key)));
  return keyed.map((k) => k.item);
}

function sortKey(kwargs: Kwargs, args: Args, attributeIndex: number, caseIndex: number): (item: unknown) => unknown {
  const caseSensitive = truthy(arg(args, kwargs, caseIndex, 'case_sensitive', false));
  const attribute = arg(args, kwargs, attributeIndex, 'attribute', null);
  if (attribute === null) return (item) => fold(item, caseSensitive);
  const getters = (typeof attribute === 'string' ? attribute.split(',') : [attribute]).map((a) =>
    attributeGetter(typeof a === 'string' ? a.trim() : a),
  );
  if (getters.length === 1) return (item) => fold(getters[0]!(item), caseSensitive);
  return (item) => getters.map((g) => fold(g(item), caseSensitive));
}

function parseIntText(text: string, base: number): number | undefined {
  let s = text.trim().replace(/(?<=[0-9a-zA-Z])_(?=[0-9a-zA-Z])/g, '');
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    if (s[0] === '-') sign = -1;
    s = s.slice(1);
  }
  const prefix = s.slice(0, 2).toLowerCase();
  const prefixes: Record<string, number> = { '0x': 16, '0o': 8, '0b': 2 };
  if (prefixes[prefix] !== undefined && (base === 0 || base === prefixes[prefix])) {
    base = prefixes[prefix]!;
    s = s.slice(2);
  }
  if (base === 0) base = 10;
  if (base < 2 || base > 36 || s === '') return undefined;
  const digits = '0123456789abcdefghijklmnopqrstuvwxyz'.slice(0, base);
  for (const c of s.toLowerCase()) if (!digits.includes(c)) return undefined;
  return sign * parseInt(s, base);
}

function parseFloatText(text: string): number | undefined {
  const s = text.trim().replace(/(?<=\d)_(?=\d)/g, '').toLowerCase();
  if (/^[+-]?(inf|infinity)$/.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/.test(s)) return NaN;
  if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(s)) return Number(s);
  return undefined;
}

function toNumber(value: unknown, what: string): number {
  if (typeof value === 'number' || typeof value === 'boolean') return Number(value);
  throw new TypeError(`${what} needs a number, got ${typeName(value)}`);
}

/** Python's round(): halves go to the even neighbour. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function flattenInto(out: unknown[], items: readonly unknown[], levels: number, skipNulls: boolean): void {
  for (const item of items) {
    if (skipNulls && (item === null || item === 'None')) continue;
    if (Array.isArray(item) && levels !== 0) flattenInto(out, item, levels - 1, skipNulls);
    else out.push(item);
  }
}

const LIST_MERGE_MODES = ['replace', 'keep', 'append', 'prepend', 'append_rp', 'prepend_rp'];

function mergeLists(x: readonly unknown[], y: readonly unknown[], mode: string): unknown[] {
  switch (mode) {
    case 'keep':
      return [...x];
    case 'append':
      return [...x, ...y];
    case 'prepend':
      return [...y, ...x];
    case 'append_rp':
      return [...x.filter((i) => !pyContains(y, i)), ...y];
    case 'prepend_rp':
      return [...y, ...x.filter((i) => !pyContains(y, i))];
    default:
      return [...y];
  }
}

/** Ansible's merge_hash: keys of `y` override `x`; dicts merge when recursive; lists follow `listMerge`. */
function mergeDicts(x: Mapping, y: Mapping, recursive: boolean, listMerge: string): Mapping {
  const out: Mapping = {};
  for (const k of keysOf(x)) setOwn(out, k, readOwn(x, k));
  for (const k of keysOf(y)) {
    const yv = readOwn(y, k);
    const xv = hasOwn(out, k) ? out[k] : undefined;
    if (recursive && isMapping(xv) && isMapping(yv)) setOwn(out, k, mergeDicts(xv, yv, true, listMerge));
    else if (Array.isArray(xv) && Array.isArray(yv)) setOwn(out, k, mergeLists(xv, yv, listMerge));
    else setOwn(out, k, yv);
  }
  return out;
}

/** Python posixpath.basename. */
function basename(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/** Python posixpath.dirname. */
function dirname(p: string): string {
  let head = p.slice(0, p.lastIndexOf('/') + 1);
  if (head !== '' && head !== '/'.repeat(head.length)) head = head.replace(/\/+$/, '');
  return head;
}

const HASH_ALGORITHMS = new Set(['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512']);

function digest(value: unknown, algorithm: string): string {
  const algo = algorithm.toLowerCase();
  if (!HASH_ALGORITHMS.has(algo)) throw new TypeError(`unsupported hash algorithm '${algorithm}': use one of ${[...HASH_ALGORITHMS].join(', ')}`);
  return createHash(algo).update(pyStr(value), 'utf8').digest('hex');
}

const ENCODINGS: Readonly<Record<string, BufferEncoding>> = {
  'utf-8': 'utf8',
  utf8: 'utf8',
  ascii: 'ascii',
  latin1: 'latin1',
  'latin-1': 'latin1',
  'iso-8859-1': 'latin1',
  'utf-16-le': 'utf16le',
  'utf-16le': 'utf16le',
  utf16le: 'utf16le',
};

function encoding(args: Args, kwargs: Kwargs): BufferEncoding {
  const name = pyStr(arg(args, kwargs, 0, 'encoding', 'utf-8')).toLowerCase();
  if (!Object.hasOwn(ENCODINGS, name)) throw new TypeError(`unsupported encoding '${name}': use one of ${Object.keys(ENCODINGS).join(', ')}`);
  return ENCODINGS[name]!;
}

function testFor(name: unknown): (value: unknown, args: Args) => boolean {
  if (name === undefined || name === null) return (v) => truthy(v);
  if (typeof name !== 'string') throw new TypeError(`the test name must be a string, got ${typeName(name)}`);
  const test = findTest(name);
  if (!test) throw new TypeError(`unknown test '${name}'`);
  return (v, a) => test(v, a, NO_KWARGS);
}

function selectItems(value: unknown, args: Args, keep: boolean, attribute: boolean): unknown[] {
  const items = toList(value);
  let rest = args;
  let read: (item: unknown) => unknown = (x) => x;
  if (attribute) {
    if (args[0] === undefined) throw new TypeError('an attribute name is required');
    read = attributeGetter(args[0]);
    rest = args.slice(1);
  }
  const test = testFor(rest[0]);
  const testArgs = rest.slice(1);
  return items.filter((item) => test(read(item), testArgs) === keep);
}

function yamlText(value: unknown, indent: number): string {
  return value === undefined ? '' : stringifyYaml(value, { indent });
}

function regexSubject(value: unknown): string {
  return typeof value === 'string' ? value : pyStr(value);
}

// ---- the table ----------------------------------------------------------------------------------

const defaultFilter: FilterFn = (v, a, k) => {
  const fallback = arg(a, k, 0, 'default_value', '');
  const onFalsy = truthy(arg(a, k, 1, 'boolean', false));
  return v === undefined || (onFalsy && !truthy(v)) ? fallback : v;
};

const length: FilterFn = (v) => {
  if (v === undefined) return 0;
  if (typeof v === 'string') return pyLen(v);
  if (Array.isArray(v)) return v.length;
  if (isMapping(v)) return keysOf(v).length;
  throw new TypeError(`${typeName(v)} has no length`);
};

const toJson: FilterFn = (v, a, k) => {
  const indent = arg(a, k, 0, 'indent', null);
  return pyJsonDumps(v, { indent: indent === null ? null : toNumber(indent, 'indent'), sortKeys: truthy(arg(a, k, 1, 'sort_keys', false)) });
};

const hashFilter: FilterFn = (v, a, k) => digest(v, stringArg(a, k, 0, 'hashtype', 'hash', 'sha1'));

const table: Record<string, FilterFn> = {
  default: defaultFilter,
  d: defaultFilter,
  mandatory: (v, a, k) => {
    if (v === undefined) throw new TypeError(pyStr(arg(a, k, 0, 'msg', 'Mandatory variable not defined.')));
    return v;
  },
  length,
  count: length,

  // conversions
  int: (v, a, k) => {
    const fallback = arg(a, k, 0, 'default', 0);
    const base = intArg(a, k, 1, 'base', 'int', 10);
    if (typeof v === 'boolean') return Number(v);
    if (typeof v === 'number') return Number.isFinite(v) ? Math.trunc(v) : fallback;
    if (typeof v !== 'string') return fallback;
    const n = parseIntText(v, base) ?? (base === 10 ? parseFloatText(v) : undefined);
    return n === undefined || !Number.isFinite(n) ? fallback : Math.trunc(n);
  },
  float: (v, a, k) => {
    const fallback = arg(a, k, 0, 'default', 0);
    if (typeof v === 'number' || typeof v === 'boolean') return Number(v);
    if (typeof v !== 'string') return fallback;
    return parseFloatText(v) ?? fallback;
  },
  string: (v) => pyStr(v),
  bool: (v) => {
    if (typeof v === 'boolean') return v;
    if (typeof v === 'number') return v === 1;
    if (typeof v === 'string') return ['yes', 'on', '1', 'true', 'y', 't'].includes(v.trim().toLowerCase());
    return false;
  },
  type_debug: (v) => typeName(v),

  // strings
  lower: (v) => pyStr(v).toLowerCase(),
  upper: (v) => pyStr(v).toUpperCase(),
  capitalize: (v) => pyCapitalize(pyStr(v)),
  title: (v) => jinjaTitle(pyStr(v)),
  trim: (v, a, k) => {
    const chars = arg(a, k, 0, 'chars', null);
    return pyStrip(pyStr(v), chars === null ? null : pyStr(chars));
  },
  replace: (v, a, k) =>
    pyReplace(pyStr(v), pyStr(arg(a, k, 0, 'old', '')), pyStr(arg(a, k, 1, 'new', '')), intArg(a, k, 2, 'count', 'replace', -1)),
  split: (v, a, k) => {
    const sep = arg(a, k, 0, 'sep', null);
    return pySplit(pyStr(v), sep === null ? null : pyStr(sep), intArg(a, k, 1, 'maxsplit', 'split', -1));
  },
  join: (v, a, k) => {
    const sep = pyStr(arg(a, k, 0, 'd', ''));
    const attribute = arg(a, k, 1, 'attribute', null);
    const items = toList(v);
    const read = attribute === null ? (x: unknown) => x : attributeGetter(attribute);
    return items.map((x) => pyStr(read(x))).join(sep);
  },
  quote: (v) => shellQuote(v === null || v === undefined ? '' : pyStr(v)),
  indent: (v, a, k) => {
    const width = arg(a, k, 0, 'width', 4);
    const pad = typeof width === 'string' ? width : ' '.repeat(toNumber(width, 'indent width'));
    const indentFirst = truthy(arg(a, k, 1, 'first', false));
    const blank = truthy(arg(a, k, 2, 'blank', false));
    const lines = pyStr(v).split('\n');
    return lines.map((line, i) => ((i > 0 || indentFirst) && (blank || line.trim() !== '') ? pad + line : line)).join('\n');
  },
  b64encode: (v, a, k) => Buffer.from(pyStr(v), encoding(a, k)).toString('base64'),
  b64decode: (v, a, k) => Buffer.from(pyStr(v), 'base64').toString(encoding(a, k)),
  hash: hashFilter,
  checksum: (v) => digest(v, 'sha1'),
  sha1: (v) => digest(v, 'sha1'),
  md5: (v) => digest(v, 'md5'),

  // regular expressions (Python syntax)
  regex_replace: (v, a, k) =>
    pySub(
      regexSubject(v),
      stringArg(a, k, 0, 'pattern', 'regex_replace', ''),
      stringArg(a, k, 1, 'replacement', 'regex_replace', ''),
      regexFlags(arg(a, k, 2, 'ignorecase', false), arg(a, k, 3, 'multiline', false)),
      intArg(a, k, 4, 'count', 'regex_replace', 0),
    ),
  regex_search: (v, a, k) => {
    const pattern = stringArg(a, k, 0, 'regex', 'regex_search');
    const m = pySearch(regexSubject(v), pattern, regexFlags(kwarg(k, 'ignorecase', false), kwarg(k, 'multiline', false)));
    if (!m) return null;
    const groups = a.slice(1);
    if (groups.length === 0) return m[0];
    return groups.map((g) => groupByReference(m, pyStr(g)) ?? null);
  },
  regex_findall: (v, a, k) =>
    pyFindAll(regexSubject(v), stringArg(a, k, 0, 'regex', 'regex_findall'), regexFlags(arg(a, k, 1, 'ignorecase', false), arg(a, k, 2, 'multiline', false))),
  regex_escape: (v, a, k) => {
    const kind = pyStr(arg(a, k, 0, 're_type', 'python'));
    if (kind !== 'python') throw new TypeError(`regex_escape: only re_type='python' is supported, got '${kind}'`);
    return pyRegexEscape(pyStr(v));
  },

  // paths
  basename: (v) => basename(pyStr(v)),
  dirname: (v) => dirname(pyStr(v)),
  path_join: (v) => {
    let out = '';
    for (const seg of toList(typeof v === 'string' ? [v] : v).map(pyStr)) {
      if (seg.startsWith('/')) out = seg;
      else if (out === '' || out.endsWith('/')) out += seg;
      else out += `/${seg}`;
    }
    return out;
  },
  splitext: (v) => {
    const p = pyStr(v);
    const base = p.lastIndexOf('/') + 1;
    const dot = p.lastIndexOf('.');
    if (dot > base && /[^.]/.test(p.slice(base, dot))) return [p.slice(0, dot), p.slice(dot)];
    return [p, ''];
  },

  // lists
  first: (v) => (typeof v === 'string' ? v[0] : toList(v)[0]),
  last: (v) => {
    const items = typeof v === 'string' ? [...v] : toList(v);
    return items[items.length - 1];
  },
  list: (v) => [...toList(v)],
  reverse: (v) => (typeof v === 'string' ? [...v].reverse().join('') : [...toList(v)].reverse()),
  sort: (v, a, k) => sortedCopy(toList(v), sortKey(k, a, 2, 1), truthy(arg(a, k, 0, 'reverse', false))),
  unique: (v, a, k) => uniqueBy(toList(v), sortKey(k, a, 1, 0)),
  min: (v, a, k) => {
    const key = sortKey(k, a, 1, 0);
    let best: unknown;
    let bestKey: unknown;
    for (const item of toList(v)) {
      const ik = key(item);
      if (best === undefined || pyCompare(ik, bestKey) < 0) [best, bestKey] = [item, ik];
    }
    return best;
  },
  max: (v, a, k) => {
    const key = sortKey(k, a, 1, 0);
    let best: unknown;
    let bestKey: unknown;
    for (const item of toList(v)) {
      const ik = key(item);
      if (best === undefined || pyCompare(ik, bestKey) > 0) [best, bestKey] = [item, ik];
    }
    return best;
  },
  sum: (v, a, k) => {
    const attribute = arg(a, k, 0, 'attribute', null);
    const read = attribute === null ? (x: unknown) => x : attributeGetter(attribute);
    let total = arg(a, k, 1, 'start', 0);
    for (const item of toList(v)) total = pyAdd(total, read(item));
    return total;
  },
  flatten: (v, a, k) => {
    const levels = arg(a, k, 0, 'levels', null);
    const out: unknown[] = [];
    flattenInto(out, toList(v), levels === null ? -1 : toNumber(levels, 'levels'), truthy(arg(a, k, 1, 'skip_nulls', true)));
    return out;
  },
  difference: (v, a, k) => {
    const other = toList(arg(a, k, 0, 'b', []));
    return uniqueBy(toList(v)).filter((x) => !pyContains(other, x));
  },
  intersect: (v, a, k) => {
    const other = toList(arg(a, k, 0, 'b', []));
    return uniqueBy(toList(v)).filter((x) => pyContains(other, x));
  },
  union: (v, a, k) => uniqueBy([...toList(v), ...toList(arg(a, k, 0, 'b', []))]),
  symmetric_difference: (v, a, k) => {
    const x = uniqueBy(toList(v));
    const y = uniqueBy(toList(arg(a, k, 0, 'b', [])));
    return [...x.filter((i) => !pyContains(y, i)), ...y.filter((i) => !pyContains(x, i))];
  },
  zip: (v, a) => {
    const lists = [v, ...a].map(toList);
    const n = Math.min(...lists.map((l) => l.length));
    return Array.from({ length: n }, (_, i) => lists.map((l) => l[i]));
  },
  zip_longest: (v, a, k) => {
    const lists = [v, ...a].map(toList);
    const fill = kwarg(k, 'fillvalue', null);
    const n = Math.max(...lists.map((l) => l.length));
    return Array.from({ length: n }, (_, i) => lists.map((l) => (i < l.length ? l[i] : fill)));
  },
  map: (v, a, k) => {
    const items = toList(v);
    const attribute = kwarg(k, 'attribute', undefined);
    if (attribute !== undefined) {
      const read = attributeGetter(attribute);
      const fallback = kwarg(k, 'default', undefined);
      return items.map((x) => read(x) ?? fallback);
    }
    if (a.length === 0) return [...items];
    const name = a[0];
    if (typeof name !== 'string') throw new TypeError(`map needs a filter name or attribute='...', got ${typeName(name)}`);
    const filter = findFilter(name);
    if (!filter) throw new TypeError(`map: unknown filter '${name}'`);
    const rest = a.slice(1);
    return items.map((x) => filter(x, rest, k));
  },
  select: (v, a) => selectItems(v, a, true, false),
  reject: (v, a) => selectItems(v, a, false, false),
  selectattr: (v, a) => selectItems(v, a, true, true),
  rejectattr: (v, a) => selectItems(v, a, false, true),
  groupby: (v, a, k) => {
    const read = attributeGetter(arg(a, k, 0, 'attribute'));
    const fallback = arg(a, k, 1, 'default', undefined);
    const key = (x: unknown): unknown => read(x) ?? fallback;
    const groups: Array<[unknown, unknown[]]> = [];
    for (const item of sortedCopy(toList(v), key, false)) {
      const g = key(item);
      const last = groups[groups.length - 1];
      if (last && pyEquals(last[0], g)) last[1].push(item);
      else groups.push([g, [item]]);
    }
    return groups;
  },

  // dicts
  combine: (v, a, k) => {
    const terms = [v, ...a];
    let recursive = truthy(kwarg(k, 'recursive', false));
    if (typeof terms[terms.length - 1] === 'boolean') recursive = terms.pop() as boolean; // positional form for helpers
    const listMerge = pyStr(kwarg(k, 'list_merge', 'replace'));
    if (!LIST_MERGE_MODES.includes(listMerge)) throw new TypeError(`combine: list_merge must be one of ${LIST_MERGE_MODES.join(', ')}`);
    let out: Mapping = {};
    for (const term of terms.flatMap((t) => (Array.isArray(t) ? t : [t]))) {
      out = mergeDicts(out, toMapping(term, 'combine'), recursive, listMerge);
    }
    return out;
  },
  dict2items: (v, a, k) => {
    const d = toMapping(v, 'dict2items');
    const keyName = pyStr(arg(a, k, 0, 'key_name', 'key'));
    const valueName = pyStr(arg(a, k, 1, 'value_name', 'value'));
    return keysOf(d).map((key) => {
      const item: Mapping = {};
      setOwn(item, keyName, key);
      setOwn(item, valueName, readOwn(d, key));
      return item;
    });
  },
  items2dict: (v, a, k) => {
    const keyName = pyStr(arg(a, k, 0, 'key_name', 'key'));
    const valueName = pyStr(arg(a, k, 1, 'value_name', 'value'));
    const out: Mapping = {};
    for (const item of toList(v)) {
      const m = toMapping(item, 'items2dict');
      const key = readOwn(m, keyName);
      if (key === undefined) throw new TypeError(`items2dict: an item has no '${keyName}' key`);
      if (!hasOwn(m, valueName)) throw new TypeError(`items2dict: an item has no '${valueName}' key`);
      setOwn(out, pyStr(key), readOwn(m, valueName));
    }
    return out;
  },
  dict: (v) => {
    const out: Mapping = {};
    if (isMapping(v)) {
      for (const key of keysOf(v)) setOwn(out, key, readOwn(v, key));
      return out;
    }
    for (const pair of toList(v)) {
      if (!Array.isArray(pair) || pair.length !== 2) throw new TypeError(`dict expects a list of [key, value] pairs, got an item of type ${typeName(pair)}`);
      setOwn(out, pyStr(pair[0]), pair[1]);
    }
    return out;
  },
  dictsort: (v, a, k) => {
    const d = toMapping(v, 'dictsort');
    const caseSensitive = truthy(arg(a, k, 0, 'case_sensitive', false));
    const by = pyStr(arg(a, k, 1, 'by', 'key'));
    if (by !== 'key' && by !== 'value') throw new TypeError("dictsort: 'by' must be 'key' or 'value'");
    const pairs = keysOf(d).map((key) => [key, readOwn(d, key)] as const);
    const at = by === 'key' ? 0 : 1;
    return sortedCopy(pairs, (p) => fold((p as readonly unknown[])[at], caseSensitive), truthy(arg(a, k, 2, 'reverse', false))).map((p) => [
      ...(p as readonly unknown[]),
    ]);
  },
  attr: (v, a, k) => {
    const name = arg(a, k, 0, 'name');
    if (typeof name !== 'string' && typeof name !== 'number') throw new TypeError(`attr needs a name, got ${typeName(name)}`);
    return getMember(v, name);
  },
  extract: (v, a, k) => {
    const container = arg(a, k, 0, 'container');
    if (typeof v !== 'string' && typeof v !== 'number') throw new TypeError(`extract: the key must be a string or number, got ${typeName(v)}`);
    let out = getMember(container, v);
    const more = arg(a, k, 1, 'morekeys', null);
    for (const key of more === null ? [] : Array.isArray(more) ? more : [more]) {
      if (out === undefined) break;
      out = typeof key === 'string' || typeof key === 'number' ? getMember(out, key) : undefined;
    }
    return out;
  },

  // numbers
  abs: (v) => Math.abs(toNumber(v, 'abs')),
  round: (v, a, k) => {
    const x = toNumber(v, 'round');
    const precision = intArg(a, k, 0, 'precision', 'round', 0);
    const method = pyStr(arg(a, k, 1, 'method', 'common'));
    const scale = 10 ** precision;
    const fn = method === 'ceil' ? Math.ceil : method === 'floor' ? Math.floor : method === 'common' ? roundHalfEven : null;
    if (!fn) throw new TypeError("round: method must be 'common', 'ceil' or 'floor'");
    return fn(x * scale) / scale;
  },

  // logic
  ternary: (v, a, k) => {
    const noneValue = arg(a, k, 2, 'none_val', null);
    if (v === null && noneValue !== null) return noneValue;
    return truthy(v) ? arg(a, k, 0, 'true_val', true) : arg(a, k, 1, 'false_val', false);
  },

  // serialization
  to_json: toJson,
  to_nice_json: (v, a, k) => {
    const indent = arg(a, k, 0, 'indent', 4);
    return pyJsonDumps(v, { indent: toNumber(indent, 'indent'), sortKeys: truthy(arg(a, k, 1, 'sort_keys', true)) });
  },
  from_json: (v) => {
    if (typeof v !== 'string') throw new TypeError(`from_json expects a string, got ${typeName(v)}`);
    return JSON.parse(v) as unknown;
  },
  to_yaml: (v, a, k) => yamlText(v, intArg(a, k, 0, 'indent', 'to_yaml', 2)),
  to_nice_yaml: (v, a, k) => yamlText(v, intArg(a, k, 0, 'indent', 'to_nice_yaml', 4)),
  from_yaml: (v) => (typeof v === 'string' ? (parseYaml(v) as unknown) : v),
  from_yaml_all: (v) => {
    if (typeof v !== 'string') return v;
    return parseAllDocuments(v).map((doc) => {
      if ('errors' in doc && doc.errors.length > 0) throw doc.errors[0]!;
      return doc.toJS() as unknown;
    });
  },
};

/**
 * Every filter by name, Ansible/Jinja naming (own properties only; the object has no prototype). Shared by
 * expressions (`x | name(...)`) and Handlebars templates (registered as helpers, positional arguments).
 */
export const FILTERS: Readonly<Record<string, FilterFn>> = Object.freeze(Object.assign(Object.create(null) as Record<string, FilterFn>, table));

/** Looks up a filter by name, accepting the `ansible.builtin.` prefix; undefined when unknown. */
export function findFilter(name: string): FilterFn | undefined {
  const bare = name.startsWith('ansible.builtin.') ? name.slice('ansible.builtin.'.length) : name;
  return Object.hasOwn(FILTERS, bare) ? FILTERS[bare] : undefined;
}
