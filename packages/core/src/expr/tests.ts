import { pyCompare, pyContains, pyEquals } from './operators.js';
import { arg, type Args, type Kwargs } from './params.js';
import { pySearch, regexFlags } from './py-regex.js';
import { pyStr } from './py-string.js';
import { isMapping, isNumeric, readOwn, truthy, typeName } from './values.js';

/** An `is` test: receives the tested value plus positional and keyword arguments, returns whether it passes. */
export type TestFn = (value: unknown, args: Args, kwargs: Kwargs) => boolean;

/** Tests whose operand may be undefined without raising UndefinedVariableError. */
export const TOLERANT_TESTS: ReadonlySet<string> = new Set(['defined', 'undefined']);

function first(args: Args, kwargs: Kwargs, name = 'value'): unknown {
  const v = arg(args, kwargs, 0, name);
  return v;
}

function number(value: unknown, test: string): number {
  if (!isNumeric(value)) throw new TypeError(`the '${test}' test needs a number, got ${typeName(value)}`);
  return Number(value);
}

/** Reads a flag such as `failed` from a task result; the value must be a dict. */
function resultFlag(value: unknown, flag: string, test: string): boolean {
  if (!isMapping(value)) throw new TypeError(`the '${test}' test expects a task result (a dict), got ${typeName(value)}`);
  return truthy(readOwn(value, flag));
}

function regexTest(value: unknown, args: Args, kwargs: Kwargs, mode: 'match' | 'search' | 'fullmatch'): boolean {
  const pattern = arg(args, kwargs, 0, 'pattern');
  if (typeof pattern !== 'string') throw new TypeError(`the '${mode}' test needs a pattern string, got ${typeName(pattern)}`);
  const text = pyStr(value);
  const flags = regexFlags(arg(args, kwargs, 1, 'ignorecase', false), arg(args, kwargs, 2, 'multiline', false));
  const m = pySearch(text, pattern, flags, mode !== 'search');
  return m !== null && (mode !== 'fullmatch' || m[0].length === text.length);
}

/** Splits a version string into numbers and words, like Python's LooseVersion. */
function versionParts(v: unknown): Array<number | string> {
  return (pyStr(v).match(/\d+|[a-z]+/gi) ?? []).map((p) => (/^\d+$/.test(p) ? Number(p) : p.toLowerCase()));
}

function compareVersions(a: unknown, b: unknown): number {
  const x = versionParts(a);
  const y = versionParts(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const p = x[i];
    const q = y[i];
    if (p === q) continue;
    if (p === undefined) return -1;
    if (q === undefined) return 1;
    if (typeof p !== typeof q) return typeof p === 'number' ? 1 : -1;
    return p < q ? -1 : 1;
  }
  return 0;
}

const VERSION_OPS: Readonly<Record<string, (c: number) => boolean>> = {
  '==': (c) => c === 0, '=': (c) => c === 0, eq: (c) => c === 0,
  '!=': (c) => c !== 0, '<>': (c) => c !== 0, ne: (c) => c !== 0,
  '<': (c) => c < 0, lt: (c) => c < 0,
  '<=': (c) => c <= 0, le: (c) => c <= 0,
  '>': (c) => c > 0, gt: (c) => c > 0,
  '>=': (c) => c >= 0, ge: (c) => c >= 0,
};

function versionTest(value: unknown, args: Args, kwargs: Kwargs): boolean {
  const version = arg(args, kwargs, 0, 'version');
  const op = pyStr(arg(args, kwargs, 1, 'operator', 'eq'));
  const check = Object.hasOwn(VERSION_OPS, op) ? VERSION_OPS[op] : undefined;
  if (!check) throw new TypeError(`the 'version' test got an unknown operator '${op}': use one of ${Object.keys(VERSION_OPS).join(', ')}`);
  return check(compareVersions(value, version));
}

/** Ansible's boolean conversion for `truthy(convert_bool=True)`. */
function convertBool(value: unknown): unknown {
  if (typeof value === 'string') {
    const s = value.trim().toLowerCase();
    if (['yes', 'on', '1', 'true', 'y', 't'].includes(s)) return true;
    if (['no', 'off', '0', 'false', 'n', 'f', ''].includes(s)) return false;
  }
  return value;
}

const eq: TestFn = (v, a, k) => pyEquals(v, first(a, k));
const ne: TestFn = (v, a, k) => !pyEquals(v, first(a, k));
const lt: TestFn = (v, a, k) => pyCompare(v, first(a, k), '<') < 0;
const le: TestFn = (v, a, k) => pyCompare(v, first(a, k), '<=') <= 0;
const gt: TestFn = (v, a, k) => pyCompare(v, first(a, k), '>') > 0;
const ge: TestFn = (v, a, k) => pyCompare(v, first(a, k), '>=') >= 0;
const isSequence: TestFn = (v) => typeof v === 'string' || Array.isArray(v) || isMapping(v);
const succeeded: TestFn = (v) => !resultFlag(v, 'failed', 'succeeded');
const failed: TestFn = (v) => resultFlag(v, 'failed', 'failed');
const changed: TestFn = (v) => resultFlag(v, 'changed', 'changed');
const skipped: TestFn = (v) => resultFlag(v, 'skipped', 'skipped');
const isTruthy: TestFn = (v, a, k) => truthy(arg(a, k, 0, 'convert_bool', false) ? convertBool(v) : v);
const version: TestFn = (v, a, k) => versionTest(v, a, k);

const table: Record<string, TestFn> = {
  defined: (v) => v !== undefined,
  undefined: (v) => v === undefined,
  none: (v) => v === null,
  string: (v) => typeof v === 'string',
  number: (v) => typeof v === 'number',
  integer: (v) => typeof v === 'number' && Number.isInteger(v),
  float: (v) => typeof v === 'number' && !Number.isInteger(v),
  boolean: (v) => typeof v === 'boolean',
  true: (v) => v === true,
  false: (v) => v === false,
  mapping: (v) => isMapping(v),
  sequence: isSequence,
  iterable: isSequence,
  sameas: (v, a, k) => v === first(a, k),
  lower: (v) => typeof v === 'string' && v === v.toLowerCase(),
  upper: (v) => typeof v === 'string' && v === v.toUpperCase(),
  equalto: eq,
  eq,
  '==': eq,
  ne,
  '!=': ne,
  lt,
  lessthan: lt,
  '<': lt,
  le,
  '<=': le,
  gt,
  greaterthan: gt,
  '>': gt,
  ge,
  '>=': ge,
  in: (v, a, k) => pyContains(arg(a, k, 0, 'seq'), v),
  contains: (v, a, k) => pyContains(v, arg(a, k, 0, 'seq')),
  subset: (v, a, k) => {
    const big = arg(a, k, 0, 'b');
    if (!Array.isArray(v) || !Array.isArray(big)) throw new TypeError("the 'subset' test compares two lists");
    return v.every((x) => pyContains(big, x));
  },
  superset: (v, a, k) => {
    const small = arg(a, k, 0, 'b');
    if (!Array.isArray(v) || !Array.isArray(small)) throw new TypeError("the 'superset' test compares two lists");
    return small.every((x) => pyContains(v, x));
  },
  all: (v) => Array.isArray(v) && v.every(truthy),
  any: (v) => Array.isArray(v) && v.some(truthy),
  match: (v, a, k) => regexTest(v, a, k, 'match'),
  search: (v, a, k) => regexTest(v, a, k, 'search'),
  regex: (v, a, k) => {
    const mode = pyStr(arg(a, k, 3, 'match_type', 'search'));
    if (mode !== 'search' && mode !== 'match' && mode !== 'fullmatch') throw new TypeError(`the 'regex' test got an unknown match_type '${mode}'`);
    return regexTest(v, a, k, mode);
  },
  divisibleby: (v, a, k) => {
    const n = number(first(a, k, 'num'), 'divisibleby');
    if (n === 0) throw new RangeError("the 'divisibleby' test cannot divide by zero");
    return number(v, 'divisibleby') % n === 0;
  },
  even: (v) => number(v, 'even') % 2 === 0,
  odd: (v) => Math.abs(number(v, 'odd') % 2) === 1,
  truthy: isTruthy,
  falsy: (v, a, k) => !isTruthy(v, a, k),
  succeeded,
  success: succeeded,
  successful: succeeded,
  failed,
  failure: failed,
  changed,
  change: changed,
  skipped,
  skip: skipped,
  unreachable: (v) => resultFlag(v, 'unreachable', 'unreachable'),
  reachable: (v) => !resultFlag(v, 'unreachable', 'reachable'),
  version,
  version_compare: version,
};

/** Every `is` test by name (own properties only; the object has no prototype). */
export const TESTS: Readonly<Record<string, TestFn>> = Object.freeze(Object.assign(Object.create(null) as Record<string, TestFn>, table));

/** Looks up a test by name, accepting the `ansible.builtin.` prefix; undefined when unknown. */
export function findTest(name: string): TestFn | undefined {
  const bare = name.startsWith('ansible.builtin.') ? name.slice('ansible.builtin.'.length) : name;
  return Object.hasOwn(TESTS, bare) ? TESTS[bare] : undefined;
}
