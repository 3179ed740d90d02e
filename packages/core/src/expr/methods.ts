import { pyEquals } from './operators.js';
import { PyDateTime, PyTimeDelta, totalSeconds } from './py-date-values.js';
import { pyFloat } from './py-float.js';
import { pyTuple } from './py-tuple.js';
import { arg, intArg, stringArg, type Args, type Kwargs } from './params.js';
import { pyStrFormat } from './py-str-format.js';
import { pyCapitalize, pyCount, pyReplace, pySplit, pyStr, pyStrip, pyTitle } from './py-string.js';
import { isMapping, keysOf, readOwn, typeName } from './values.js';

type Method<T> = (receiver: T, args: Args, kwargs: Kwargs) => unknown;

function prefixes(value: unknown, method: string): string[] {
  const list = Array.isArray(value) ? value : [value];
  return list.map((p) => {
    if (typeof p !== 'string') throw new TypeError(`str.${method}: expected a string or a list of strings, got ${typeName(p)}`);
    return p;
  });
}

function optionalString(args: Args, kwargs: Kwargs, index: number, name: string, method: string): string | null {
  const v = arg(args, kwargs, index, name, null);
  if (v !== null && typeof v !== 'string') throw new TypeError(`str.${method}: argument '${name}' must be a string or none, got ${typeName(v)}`);
  return v;
}

const STRING_METHODS: Readonly<Record<string, Method<string>>> = {
  startswith: (s, a, k) => prefixes(arg(a, k, 0, 'prefix'), 'startswith').some((p) => s.startsWith(p)),
  endswith: (s, a, k) => prefixes(arg(a, k, 0, 'suffix'), 'endswith').some((p) => s.endsWith(p)),
  split: (s, a, k) => pySplit(s, optionalString(a, k, 0, 'sep', 'split'), intArg(a, k, 1, 'maxsplit', 'str.split', -1)),
  splitlines: (s) => s.split(/\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/).filter((line, i, all) => i < all.length - 1 || line !== ''),
  strip: (s, a, k) => pyStrip(s, optionalString(a, k, 0, 'chars', 'strip'), 'both'),
  lstrip: (s, a, k) => pyStrip(s, optionalString(a, k, 0, 'chars', 'lstrip'), 'left'),
  rstrip: (s, a, k) => pyStrip(s, optionalString(a, k, 0, 'chars', 'rstrip'), 'right'),
  lower: (s) => s.toLowerCase(),
  upper: (s) => s.toUpperCase(),
  capitalize: (s) => pyCapitalize(s),
  title: (s) => pyTitle(s),
  replace: (s, a, k) =>
    pyReplace(s, stringArg(a, k, 0, 'old', 'str.replace'), stringArg(a, k, 1, 'new', 'str.replace'), intArg(a, k, 2, 'count', 'str.replace', -1)),
  find: (s, a, k) => s.indexOf(stringArg(a, k, 0, 'sub', 'str.find')),
  rfind: (s, a, k) => s.lastIndexOf(stringArg(a, k, 0, 'sub', 'str.rfind')),
  index: (s, a, k) => {
    const at = s.indexOf(stringArg(a, k, 0, 'sub', 'str.index'));
    if (at < 0) throw new RangeError('str.index: substring not found');
    return at;
  },
  count: (s, a, k) => pyCount(s, stringArg(a, k, 0, 'sub', 'str.count')),
  join: (s, a, k) => {
    const items = arg(a, k, 0, 'iterable');
    if (typeof items === 'string') return [...items].join(s);
    if (Array.isArray(items)) return items.map(pyStr).join(s);
    if (isMapping(items)) return keysOf(items).join(s);
    throw new TypeError(`str.join: expected a list, got ${typeName(items)}`);
  },
  isdigit: (s) => /^\d+$/.test(s),
  isalpha: (s) => /^\p{L}+$/u.test(s),
  isalnum: (s) => /^[\p{L}\d]+$/u.test(s),
  isspace: (s) => /^\s+$/.test(s),
  islower: (s) => /\p{Ll}/u.test(s) && s === s.toLowerCase(),
  isupper: (s) => /\p{Lu}/u.test(s) && s === s.toUpperCase(),
  isnumeric: (s) => /^\p{N}+$/u.test(s),
  isdecimal: (s) => /^\p{Nd}+$/u.test(s),
  format: (s, a, k) => pyStrFormat(s, a, k),
  zfill: (s, a, k) => {
    const width = intArg(a, k, 0, 'width', 'str.zfill');
    const sign = /^[+-]/.test(s) ? s[0]! : '';
    return sign + s.slice(sign.length).padStart(width - sign.length, '0');
  },
  ljust: (s, a, k) => s.padEnd(intArg(a, k, 0, 'width', 'str.ljust'), stringArg(a, k, 1, 'fillchar', 'str.ljust', ' ')),
  rjust: (s, a, k) => s.padStart(intArg(a, k, 0, 'width', 'str.rjust'), stringArg(a, k, 1, 'fillchar', 'str.rjust', ' ')),
  center: (s, a, k) => {
    const width = intArg(a, k, 0, 'width', 'str.center');
    const fill = stringArg(a, k, 1, 'fillchar', 'str.center', ' ');
    const missing = width - s.length;
    if (missing <= 0) return s;
    // Python's rule for where the odd extra fill character goes: left = missing/2 + (missing & width & 1).
    const left = Math.floor(missing / 2) + (missing & width & 1);
    return fill.repeat(left) + s + fill.repeat(missing - left);
  },
  partition: (s, a, k) => {
    const sep = stringArg(a, k, 0, 'sep', 'str.partition');
    const at = s.indexOf(sep);
    return at < 0 ? pyTuple([s, '', '']) : pyTuple([s.slice(0, at), sep, s.slice(at + sep.length)]);
  },
  rpartition: (s, a, k) => {
    const sep = stringArg(a, k, 0, 'sep', 'str.rpartition');
    const at = s.lastIndexOf(sep);
    return at < 0 ? pyTuple(['', '', s]) : pyTuple([s.slice(0, at), sep, s.slice(at + sep.length)]);
  },
  removeprefix: (s, a, k) => {
    const prefix = stringArg(a, k, 0, 'prefix', 'str.removeprefix');
    return prefix !== '' && s.startsWith(prefix) ? s.slice(prefix.length) : s;
  },
  removesuffix: (s, a, k) => {
    const suffix = stringArg(a, k, 0, 'suffix', 'str.removesuffix');
    return suffix !== '' && s.endsWith(suffix) ? s.slice(0, -suffix.length) : s;
  },
  swapcase: (s) => [...s].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join(''),
};

const LIST_METHODS: Readonly<Record<string, Method<readonly unknown[]>>> = {
  index: (list, a, k) => {
    const item = arg(a, k, 0, 'value');
    const at = list.findIndex((x) => pyEquals(x, item));
    if (at < 0) throw new RangeError('list.index: value is not in the list');
    return at;
  },
  count: (list, a, k) => {
    const item = arg(a, k, 0, 'value');
    let n = 0;
    for (const x of list) if (pyEquals(x, item)) n++;
    return n;
  },
};

const DICT_METHODS: Readonly<Record<string, Method<Record<string, unknown>>>> = {
  keys: (d) => keysOf(d),
  values: (d) => keysOf(d).map((key) => readOwn(d, key)),
  items: (d) => keysOf(d).map((key) => pyTuple([key, readOwn(d, key)])), // (key, value) tuples, as Python's dict.items()
  get: (d, a, k) => {
    const key = arg(a, k, 0, 'key');
    const found = typeof key === 'string' || typeof key === 'number' ? readOwn(d, String(key)) : undefined;
    return found === undefined ? arg(a, k, 1, 'default', null) : found;
  },
};

const DATETIME_METHODS: Readonly<Record<string, Method<PyDateTime>>> = {
  strftime: (d, a, k) => d.strftime(stringArg(a, k, 0, 'format', 'datetime.strftime')),
  isoformat: (d, a, k) => d.isoformat(stringArg(a, k, 0, 'sep', 'datetime.isoformat', 'T')),
  timestamp: (d) => pyFloat(d.timestamp()),
  weekday: (d) => d.weekday(),
  isoweekday: (d) => d.weekday() + 1,
};

const TIMEDELTA_METHODS: Readonly<Record<string, Method<PyTimeDelta>>> = {
  total_seconds: (d) => totalSeconds(d),
};

/** Every callable method name, whatever its receiver type; anything else is refused when the expression is compiled. */
export const METHOD_NAMES: ReadonlySet<string> = new Set([
  ...Object.keys(STRING_METHODS),
  ...Object.keys(LIST_METHODS),
  ...Object.keys(DICT_METHODS),
  ...Object.keys(DATETIME_METHODS),
  ...Object.keys(TIMEDELTA_METHODS),
]);

function lookup<T>(table: Readonly<Record<string, Method<T>>>, name: string): Method<T> | undefined {
  return Object.hasOwn(table, name) ? table[name] : undefined;
}

/** Calls a whitelisted method on a string, list, dict, datetime or timedelta; throws a TypeError for anything else. */
export function callMethod(receiver: unknown, name: string, args: Args, kwargs: Kwargs): unknown {
  if (typeof receiver === 'string') {
    const m = lookup(STRING_METHODS, name);
    if (m) return m(receiver, args, kwargs);
    throw new TypeError(`strings have no method '${name}' (available: ${Object.keys(STRING_METHODS).join(', ')})`);
  }
  if (Array.isArray(receiver)) {
    const m = lookup(LIST_METHODS, name);
    if (m) return m(receiver, args, kwargs);
    throw new TypeError(`lists have no method '${name}' (available: ${Object.keys(LIST_METHODS).join(', ')}; see also the filters)`);
  }
  if (isMapping(receiver)) {
    const m = lookup(DICT_METHODS, name);
    if (m) return m(receiver, args, kwargs);
    throw new TypeError(`dicts have no method '${name}' (available: ${Object.keys(DICT_METHODS).join(', ')})`);
  }
  if (receiver instanceof PyDateTime) {
    const m = lookup(DATETIME_METHODS, name);
    if (m) return m(receiver, args, kwargs);
    throw new TypeError(`datetimes have no method '${name}' (available: ${Object.keys(DATETIME_METHODS).join(', ')})`);
  }
  if (receiver instanceof PyTimeDelta) {
    const m = lookup(TIMEDELTA_METHODS, name);
    if (m) return m(receiver, args, kwargs);
    throw new TypeError(`timedeltas have no method '${name}' (available: ${Object.keys(TIMEDELTA_METHODS).join(', ')})`);
  }
  throw new TypeError(`${typeName(receiver)} has no method '${name}'`);
}
