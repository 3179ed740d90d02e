import { compareDates, dateArithmetic } from './py-date-values.js';
import { isFloat, isPyFloat, pyFloat, type PyFloat } from './py-float.js';
import { pyPercentFormat } from './py-format.js';
import { pyStr } from './py-string.js';
import { FORBIDDEN_KEYS, hasOwn, isMapping, isNumeric, typeName } from './values.js';

/** Longest string or list that `*` may build, so an expression cannot exhaust memory. */
const MAX_REPEAT = 10_000_000;

/** Python `==`: deep equality of lists and dicts; numbers and booleans compare by value (True == 1). */
export function pyEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (isNumeric(a)) return isNumeric(b) && Number(a) === Number(b);
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!pyEquals(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) {
    if (!hasOwn(b, k) || !pyEquals((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}

function compareHint(a: unknown, b: unknown): string {
  const types = new Set([typeof a, typeof b]);
  if (types.has('string') && types.has('number')) return " (convert one side first, e.g. 'x | int' or 'x | string')";
  if (a === null || b === null) return ' (one side is none)';
  return '';
}

/** Python ordering: -1, 0 or 1 for numbers, strings or lists; throws a TypeError for other mixes. */
export function pyCompare(a: unknown, b: unknown, op = '<'): number {
  if (isNumeric(a) && isNumeric(b)) {
    const x = Number(a);
    const y = Number(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  const dates = compareDates(a, b);
  if (dates !== undefined) return dates;
  if (Array.isArray(a) && Array.isArray(b)) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) if (!pyEquals(a[i], b[i])) return pyCompare(a[i], b[i], op);
    return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
  }
  throw new TypeError(`'${op}' is not supported between ${typeName(a)} and ${typeName(b)}${compareHint(a, b)}`);
}

/** Python `item in container`: substring for strings, deep-equal membership for lists, key for dicts. */
export function pyContains(container: unknown, item: unknown): boolean {
  if (typeof container === 'string') {
    if (typeof item !== 'string') throw new TypeError(`'in <string>' requires a string on the left, not ${typeName(item)}`);
    return container.includes(item);
  }
  if (Array.isArray(container)) {
    for (let i = 0; i < container.length; i++) if (pyEquals(container[i], item)) return true;
    return false;
  }
  if (isMapping(container)) {
    if (typeof item === 'number') item = String(item);
    return typeof item === 'string' && !FORBIDDEN_KEYS.has(item) && hasOwn(container, item);
  }
  throw new TypeError(`'in' needs a string, list or dict on the right, not ${typeName(container)}`);
}

function unsupported(op: string, a: unknown, b: unknown, hint = ''): never {
  throw new TypeError(`unsupported operand types for ${op}: ${typeName(a)} and ${typeName(b)}${hint}`);
}

/** A numeric result as Python types it: a float when either operand is one (or `alwaysFloat`), else an int. */
function numeric(a: unknown, b: unknown, result: number, alwaysFloat = false): number | PyFloat {
  return alwaysFloat || isFloat(a) || isFloat(b) ? pyFloat(result) : result;
}

function repeat<T>(times: unknown, length: number, make: (n: number) => T): T {
  const n = Number(times);
  if (isPyFloat(times) || !Number.isInteger(n)) throw new TypeError(`can only repeat by an integer, not ${typeName(times)}`);
  if (n > 0 && length * n > MAX_REPEAT) throw new RangeError(`repetition result would be too large (${length * n} items)`);
  return make(Math.max(0, n));
}

/** Python `+`: numbers add, strings and lists concatenate, a timedelta moves a datetime. */
export function pyAdd(a: unknown, b: unknown): unknown {
  if (isNumeric(a) && isNumeric(b)) return numeric(a, b, Number(a) + Number(b));
  if (typeof a === 'string' && typeof b === 'string') return a + b;
  if (Array.isArray(a) && Array.isArray(b)) return a.concat(b);
  const date = dateArithmetic('+', a, b);
  if (date) return date;
  return unsupported('+', a, b, typeof a === 'string' || typeof b === 'string' ? " (use '~' to join values as text)" : '');
}

/** Python `-` on numbers, and on datetimes and timedeltas. */
export function pySub(a: unknown, b: unknown): unknown {
  if (isNumeric(a) && isNumeric(b)) return numeric(a, b, Number(a) - Number(b));
  return dateArithmetic('-', a, b) ?? unsupported('-', a, b);
}

/** Python `*`: numbers multiply; a string or list times an integer repeats it. */
export function pyMul(a: unknown, b: unknown): unknown {
  if (isNumeric(a) && isNumeric(b)) return numeric(a, b, Number(a) * Number(b));
  if (typeof a === 'string' && isNumeric(b)) return repeat(b, a.length, (n) => a.repeat(n));
  if (typeof b === 'string' && isNumeric(a)) return repeat(a, b.length, (n) => b.repeat(n));
  const list = Array.isArray(a) ? a : Array.isArray(b) ? b : null;
  const times = list === a ? b : a;
  if (list && isNumeric(times)) {
    return repeat(times, list.length, (n) => {
      const out: unknown[] = [];
      for (let i = 0; i < n; i++) out.push(...list);
      return out;
    });
  }
  return unsupported('*', a, b);
}

function divisor(op: string, a: unknown, b: unknown): [number, number] {
  if (!isNumeric(a) || !isNumeric(b)) unsupported(op, a, b);
  const y = Number(b);
  if (y === 0) throw new RangeError(op === '%' ? 'modulo by zero' : 'division by zero');
  return [Number(a), y];
}

/** Python `/`: true division. */
export function pyDiv(a: unknown, b: unknown): unknown {
  const [x, y] = divisor('/', a, b);
  return pyFloat(x / y);
}

/** Python `//`: floor division. */
export function pyFloorDiv(a: unknown, b: unknown): unknown {
  const [x, y] = divisor('//', a, b);
  return numeric(a, b, Math.floor(x / y));
}

/** Python `%`: printf-style formatting when the left side is a string; on numbers the result has the sign of the divisor. */
export function pyMod(a: unknown, b: unknown): unknown {
  if (typeof a === 'string') return pyPercentFormat(a, b);
  const [x, y] = divisor('%', a, b);
  const r = x % y;
  return numeric(a, b, r !== 0 && r < 0 !== y < 0 ? r + y : r);
}

/** Python `**`. */
export function pyPow(a: unknown, b: unknown): unknown {
  if (isNumeric(a) && isNumeric(b)) return numeric(a, b, Number(a) ** Number(b), Number(b) < 0);
  return unsupported('**', a, b);
}

/** Jinja `~`: both sides converted to text and joined. */
export function pyConcat(a: unknown, b: unknown): unknown {
  return pyStr(a) + pyStr(b);
}

/** Unary minus on numbers. */
export function pyNeg(a: unknown): unknown {
  if (isNumeric(a)) return numeric(a, 0, -Number(a));
  throw new TypeError(`bad operand type for unary -: ${typeName(a)}`);
}

/** Unary plus on numbers. */
export function pyPos(a: unknown): unknown {
  if (isNumeric(a)) return numeric(a, 0, Number(a));
  throw new TypeError(`bad operand type for unary +: ${typeName(a)}`);
}

function sliceBound(value: unknown, what: string): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean') return Number(value);
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new TypeError(`slice ${what} must be an integer or none, got ${typeName(value)}`);
  return value;
}

/** Python slicing `seq[lower:upper:step]` of a list or string. */
export function pySlice(seq: unknown, lower: unknown, upper: unknown, step: unknown): unknown {
  const isString = typeof seq === 'string';
  if (!isString && !Array.isArray(seq)) throw new TypeError(`cannot slice a ${typeName(seq)}: only lists and strings can be sliced`);
  const items = seq as string | readonly unknown[];
  const len = items.length;
  const st = sliceBound(step, 'step') ?? 1;
  if (st === 0) throw new RangeError('slice step cannot be zero');
  let lo = sliceBound(lower, 'start');
  let hi = sliceBound(upper, 'stop');
  const clamp = (i: number, min: number, max: number): number => Math.min(Math.max(i < 0 ? i + len : i, min), max);
  if (st > 0) {
    lo = lo === null ? 0 : clamp(lo, 0, len);
    hi = hi === null ? len : clamp(hi, 0, len);
    if (st === 1) return items.slice(lo, Math.max(lo, hi));
  } else {
    lo = lo === null ? len - 1 : clamp(lo, -1, len - 1);
    hi = hi === null ? -1 : clamp(hi, -1, len - 1);
  }
  const out: unknown[] = [];
  for (let i = lo; st > 0 ? i < hi : i > hi; i += st) out.push(items[i]);
  return isString ? out.join('') : out;
}
