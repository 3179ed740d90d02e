import { FilterFailure } from '../../expr/errors.js';
import { arg, intArg } from '../../expr/params.js';
import { isPyFloat, pyFloat } from '../../expr/py-float.js';
import { pyStr } from '../../expr/py-string.js';
import { truthy, typeName } from '../../expr/values.js';
import { alias, ansible, jinja, type FilterSpec } from './spec.js';

/** Python's int(text, base): sign, underscores between digits, and the 0x/0o/0b prefix of the base (any with base 0). */
function parseIntText(text: string, base: number): number | undefined {
  let s = text.trim();
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    if (s[0] === '-') sign = -1;
    s = s.slice(1);
  }
  const prefixes: Record<string, number> = { '0x': 16, '0o': 8, '0b': 2 };
  const prefix = s.slice(0, 2).toLowerCase();
  if (prefixes[prefix] !== undefined && (base === 0 || base === prefixes[prefix])) {
    base = prefixes[prefix]!;
    s = s.slice(2).replace(/^_/, '');
  }
  if (base === 0) base = 10;
  if (base < 2 || base > 36 || !/^[0-9a-z]+(_[0-9a-z]+)*$/i.test(s)) return undefined;
  s = s.replace(/_/g, '').toLowerCase();
  const digits = '0123456789abcdefghijklmnopqrstuvwxyz'.slice(0, base);
  for (const c of s) if (!digits.includes(c)) return undefined;
  return sign * parseInt(s, base);
}

/** Python's float(text): decimals with underscores between digits, exponents, inf/infinity and nan. */
export function parseFloatText(text: string): number | undefined {
  const s = text.trim().toLowerCase();
  if (/^[+-]?(inf|infinity)$/.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/.test(s)) return NaN;
  if (/^[+-]?(\d(_?\d)*\.?(\d(_?\d)*)?|\.\d(_?\d)*)(e[+-]?\d(_?\d)*)?$/.test(s)) return Number(s.replace(/_/g, ''));
  return undefined;
}

/** Jinja's int: whole numbers from text in `base`, else through float ('42.23' gives 42), else the default. */
function toInt(value: unknown, fallback: unknown, base: number): unknown {
  if (typeof value === 'boolean') return Number(value);
  if (typeof value === 'number' || isPyFloat(value)) {
    const n = Number(value);
    if (!Number.isFinite(n)) throw new RangeError(`cannot convert float ${pyStr(value)} to integer`);
    return Math.trunc(n);
  }
  if (typeof value !== 'string') return fallback;
  const whole = parseIntText(value, base);
  if (whole !== undefined) return whole;
  const n = parseFloatText(value);
  if (n === undefined || Number.isNaN(n)) return fallback;
  if (!Number.isFinite(n)) throw new RangeError(`cannot convert float ${pyStr(value)} to integer`);
  return Math.trunc(n);
}

/** Jinja's float: numbers and numeric text as a float, else the default. */
function toFloat(value: unknown, fallback: unknown): unknown {
  if (typeof value === 'number' || typeof value === 'boolean' || isPyFloat(value)) return pyFloat(Number(value));
  if (typeof value !== 'string') return fallback;
  const n = parseFloatText(value);
  return n === undefined ? fallback : pyFloat(n);
}

/** Ansible's bool: none stays none; 'yes', 'on', '1', 'true' (any case) and 1 are true; everything else is false. */
function toBool(value: unknown): boolean | null {
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'string') return ['yes', 'on', '1', 'true'].includes(value.toLowerCase());
  return (typeof value === 'number' || isPyFloat(value)) && Number(value) === 1;
}

const DEFAULT = jinja(
  'The value, or `default_value` when it is undefined (or falsy with `boolean=true`).',
  (v, a, k) => {
    const fallback = arg(a, k, 0, 'default_value', '');
    const onFalsy = truthy(arg(a, k, 1, 'boolean', false));
    return v === undefined || (onFalsy && !truthy(v)) ? fallback : v;
  },
  true,
);

/** Defaults and conversions between types. */
export const CONVERSION_FILTERS: Readonly<Record<string, FilterSpec>> = {
  default: DEFAULT,
  d: alias('default', DEFAULT),
  mandatory: ansible(
    'The value; when it is undefined, the task fails with `msg`, or Ansible\'s "Mandatory variable \'name\'  not defined.".',
    (v, a, k, undefinedName) => {
      if (v !== undefined) return v;
      const msg = arg(a, k, 0, 'msg', null);
      throw new FilterFailure(msg === null ? `Mandatory variable ${undefinedName === undefined ? '' : `'${undefinedName}' `} not defined.` : pyStr(msg));
    },
    true,
  ),
  ternary: ansible('`true_val` when the value is true, else `false_val`; `none_val` (when given) for none.', (v, a, k) => {
    const noneValue = arg(a, k, 2, 'none_val', null);
    if (v === null && noneValue !== null) return noneValue;
    return truthy(v) ? arg(a, k, 0, 'true_val', true) : arg(a, k, 1, 'false_val', false);
  }),
  type_debug: ansible("The value's Python type name: str, int, float, bool, NoneType, list, dict, datetime…", (v) => typeName(v)),
  int: jinja('An integer from a number or text (in `base`; `0x`/`0o`/`0b` prefixes), else `default` (0).', (v, a, k) =>
    toInt(v, arg(a, k, 0, 'default', 0), intArg(a, k, 1, 'base', 'int', 10)),
  ),
  float: jinja('A float from a number or text, else `default` (0.0).', (v, a, k) => toFloat(v, arg(a, k, 0, 'default', pyFloat(0)))),
  string: jinja("The value as text, as Python's str() writes it (`True`, `None`, `['a', 1]`).", (v) => pyStr(v)),
  bool: ansible("A boolean: 'yes', 'on', '1', 'true' and 1 are true, other values false; none stays none.", (v) => toBool(v)),
  safe: jinja('The value as text (HTML-safe marking has no meaning in kbrun: output is never auto-escaped).', (v) => pyStr(v)),
};
