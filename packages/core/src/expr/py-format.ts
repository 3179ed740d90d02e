import { isPyFloat } from './py-float.js';
import { formatExponent, formatFixed, formatGeneral } from './py-number-format.js';
import { pyAscii, pyRepr, pyStr } from './py-string.js';
import { PyTuple } from './py-tuple.js';
import { hasOwn, isMapping, readOwn, typeName, type Mapping } from './values.js';

/** One `%` conversion of a format string: `%(name)-08.3f`. */
interface Spec {
  readonly name: string | undefined;
  readonly flags: string;
  readonly width: number | '*' | undefined;
  readonly precision: number | '*' | undefined;
  readonly type: string;
}

const SPEC = /%(?:\(([^)]*)\))?([#0\- +]*)(\*|\d+)?(?:\.(\*|\d*))?[hlL]?([diouxXeEfFgGcrsa%])?/y;

/** The literal text and conversions of a format string, in order. */
function parseFormat(format: string): Array<string | Spec> {
  const parts: Array<string | Spec> = [];
  let text = '';
  for (let i = 0; i < format.length; ) {
    if (format[i] !== '%') {
      text += format[i++];
      continue;
    }
    SPEC.lastIndex = i;
    const m = SPEC.exec(format);
    if (!m || m[5] === undefined) throw new TypeError(`unsupported format character at index ${i} of ${JSON.stringify(format)}`);
    i = SPEC.lastIndex;
    if (m[5] === '%' && m[1] === undefined) {
      text += '%';
      continue;
    }
    if (text) parts.push(text);
    text = '';
    const size = (s: string | undefined): number | '*' | undefined => (s === undefined ? undefined : s === '*' ? '*' : Number(s || '0'));
    parts.push({ name: m[1], flags: m[2] ?? '', width: size(m[3]), precision: size(m[4]), type: m[5] });
  }
  if (text) parts.push(text);
  return parts;
}

function intValue(value: unknown, type: string): number {
  if (typeof value === 'boolean') return Number(value);
  if (typeof value === 'number' || isPyFloat(value)) return Math.trunc(Number(value));
  throw new TypeError(`%${type} format: a ${type === 'c' ? 'int or str' : 'real number'} is required, not ${typeName(value)}`);
}

function floatValue(value: unknown, type: string): number {
  if (typeof value === 'number' || typeof value === 'boolean' || isPyFloat(value)) return Number(value);
  throw new TypeError(`must be real number, not ${typeName(value)} (in %${type})`);
}

/** A number's digits in `radix`, with the `#` prefix when asked. */
function integerText(n: number, radix: number, alternate: boolean, upper: boolean): string {
  const digits = (Math.abs(n) < 1e21 ? Math.abs(n).toString(radix) : BigInt(Math.abs(n)).toString(radix));
  const prefix = alternate ? { 8: '0o', 16: '0x' }[radix as 8 | 16] ?? '' : '';
  const text = prefix + digits;
  return upper ? text.toUpperCase() : text;
}

/** The text of one conversion, before padding, and whether it is numeric (so `0` and sign flags apply). */
function convert(spec: Spec, value: unknown, precision: number | undefined): { text: string; numeric: boolean; negative: boolean } {
  const alt = spec.flags.includes('#');
  switch (spec.type) {
    case 's':
      return { text: cut(pyStr(value), precision), numeric: false, negative: false };
    case 'r':
      return { text: cut(pyRepr(value), precision), numeric: false, negative: false };
    case 'a':
      return { text: cut(pyAscii(value), precision), numeric: false, negative: false };
    case 'c': {
      if (typeof value === 'string' && [...value].length === 1) return { text: value, numeric: false, negative: false };
      const code = intValue(value, 'c');
      if (code < 0 || code > 0x10ffff) throw new RangeError('%c arg not in range(0x110000)');
      return { text: String.fromCodePoint(code), numeric: false, negative: false };
    }
    case 'd':
    case 'i':
    case 'u': {
      const n = intValue(value, spec.type);
      return { text: integerText(n, 10, false, false), numeric: true, negative: n < 0 };
    }
    case 'o':
    case 'x':
    case 'X': {
      const n = intValue(value, spec.type);
      return { text: integerText(n, spec.type === 'o' ? 8 : 16, alt, spec.type === 'X'), numeric: true, negative: n < 0 };
    }
    default: {
      const x = floatValue(value, spec.type);
      const p = precision ?? 6;
      const upper = spec.type === spec.type.toUpperCase();
      const kind = spec.type.toLowerCase();
      let text = kind === 'f' ? formatFixed(x, p, upper) : kind === 'e' ? formatExponent(x, p, upper, alt) : formatGeneral(x, p, upper, alt);
      if (kind === 'f' && alt && p === 0 && Number.isFinite(x)) text += '.';
      const negative = text.startsWith('-');
      return { text: negative ? text.slice(1) : text, numeric: Number.isFinite(x), negative };
    }
  }
}

function cut(text: string, precision: number | undefined): string {
  return precision === undefined ? text : [...text].slice(0, precision).join('');
}

/** Applies width, sign and padding flags to a converted value. */
function pad(spec: Spec, converted: { text: string; numeric: boolean; negative: boolean }, width: number): string {
  const { flags } = spec;
  const isNumber = 'diouxXeEfFgG'.includes(spec.type);
  const sign = converted.negative ? '-' : isNumber && flags.includes('+') ? '+' : isNumber && flags.includes(' ') ? ' ' : '';
  let body = converted.text;
  const size = [...body].length + sign.length;
  if (size >= width) return sign + body;
  if (flags.includes('-')) return sign + body + ' '.repeat(width - size);
  if (flags.includes('0') && converted.numeric) {
    const prefix = /^0[xXo]/.test(body) ? body.slice(0, 2) : '';
    body = prefix + '0'.repeat(width - size) + body.slice(prefix.length);
    return sign + body;
  }
  return ' '.repeat(width - size) + sign + body;
}

/**
 * Python's printf-style formatting, `format % values`: `values` is the tuple of positional arguments, or a
 * mapping for `%(name)s` conversions. Raises a TypeError, with Python's wording, when they do not fit.
 */
export function pyFormat(format: string, values: readonly unknown[] | Mapping): string {
  const parts = parseFormat(format);
  const named = parts.some((p) => typeof p !== 'string' && p.name !== undefined);
  if (named && !isMapping(values)) throw new TypeError('format requires a mapping');
  const positional = Array.isArray(values) ? values : [values];
  let next = 0;
  const take = (): unknown => {
    if (next >= positional.length) throw new TypeError('not enough arguments for format string');
    return positional[next++];
  };
  let out = '';
  for (const part of parts) {
    if (typeof part === 'string') {
      out += part;
      continue;
    }
    const width = part.width === '*' ? intValue(take(), '*') : part.width ?? 0;
    const precision = part.precision === '*' ? intValue(take(), '*') : part.precision;
    let value: unknown;
    if (part.name !== undefined) {
      const map = values as Mapping;
      if (!hasOwn(map, part.name)) throw new TypeError(`format key '${part.name}' is missing (KeyError)`);
      value = readOwn(map, part.name);
    } else value = take();
    if (part.type === '%') {
      out += '%';
      continue;
    }
    const spec = width < 0 ? { ...part, flags: `${part.flags}-` } : part;
    out += pad(spec, convert(spec, value, precision), Math.abs(width));
  }
  if (!named && Array.isArray(values) && next < positional.length) throw new TypeError('not all arguments converted during string formatting');
  return out;
}

/** The `%` operator on a string: a tuple on the right gives the arguments, a dict the mapping (or the only argument), anything else the only argument. */
export function pyPercentFormat(format: string, right: unknown): string {
  return pyFormat(format, right instanceof PyTuple || isMapping(right) ? right : [right]);
}
