import { arg, intArg } from '../../expr/params.js';
import { isFloat, pyFloat } from '../../expr/py-float.js';
import { formatFixed, roundHalfEven } from '../../expr/py-number-format.js';
import { pyStr } from '../../expr/py-string.js';
import { truthy } from '../../expr/values.js';
import { parseFloatText } from './conversions.js';
import { toNumber } from './shared.js';
import { ansible, jinja, type FilterSpec } from './spec.js';

/** Ansible's size units: B, K, M, G, T, P, E, Z, Y, each 1024 times the previous. */
const SIZE_UNITS = ['B', 'K', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y'];

/** Ansible's bytes_to_human: the size in the largest unit it reaches (or `unit`), with two decimals. */
function bytesToHuman(size: number, isbits: boolean, unit: string | null): string {
  const base = isbits ? 'bits' : 'Bytes';
  let power = SIZE_UNITS.length - 1;
  while (power > 0 && (unit === null ? size < 2 ** (10 * power) : unit.toUpperCase() !== SIZE_UNITS[power])) power--;
  const suffix = power === 0 ? base : `${SIZE_UNITS[power]}${base[0]}`;
  return `${formatFixed(size / 2 ** (10 * power), 2)} ${suffix}`;
}

/** Ansible's human_to_bytes: '10M' (or 10 with default_unit 'M') in bytes, or bits with `isbits` ('10Mb'). */
function humanToBytes(value: unknown, defaultUnit: string | null, isbits: boolean): number {
  const text = pyStr(value);
  const m = /^\s*(\d*\.?\d*)\s*([A-Za-z]+)?/.exec(text)!;
  const num = parseFloatText(m[1]!);
  if (num === undefined) throw new TypeError(`human_to_bytes() can't interpret following string: ${text}`);
  const unit = m[2] ?? defaultUnit;
  if (unit === null) return roundHalfEven(num, 0);
  const range = unit[0]!.toUpperCase();
  const power = SIZE_UNITS.indexOf(range);
  if (power < 0) throw new TypeError(`human_to_bytes() failed to convert ${text} (unit = ${unit}). The suffix must be one of ${[...SIZE_UNITS].reverse().join(', ')}`);
  const [unitClass, className] = isbits ? ['b', 'bit'] : ['B', 'byte'];
  if (unit.length > 1 && !unit.toLowerCase().includes(className) && unit[1] !== unitClass) {
    const expect = range === 'B' ? `expect ${unitClass} or ${className}` : `expect ${range}${unitClass} or ${range}`;
    throw new TypeError(`human_to_bytes() failed to convert ${text}. Value is not a valid string (${expect})`);
  }
  return roundHalfEven(num * 2 ** (10 * power), 0);
}

/** Jinja's filesizeformat: '1 Byte', '13 Bytes', '4.1 MB' (decimal units), or binary units (KiB, MiB…) with `binary`. */
function fileSizeFormat(value: unknown, binary: boolean): string {
  const bytes = typeof value === 'string' ? parseFloatText(value) : toNumber(value, 'filesizeformat');
  if (bytes === undefined) throw new TypeError(`could not convert string to float: '${pyStr(value)}'`);
  const base = binary ? 1024 : 1000;
  const prefixes = binary ? ['KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB'] : ['kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];
  if (bytes === 1) return '1 Byte';
  if (bytes < base) return `${Math.trunc(bytes)} Bytes`;
  let i = 0;
  while (i < prefixes.length - 1 && bytes >= base ** (i + 2)) i++;
  return `${formatFixed((base * bytes) / base ** (i + 2), 1)} ${prefixes[i]}`;
}

/** Jinja's round: 'common' rounds half to even (ints stay ints), 'ceil' and 'floor' always give a float. */
function round(value: unknown, precision: number, method: string): unknown {
  const x = toNumber(value, 'round');
  if (method === 'common') return isFloat(value) ? pyFloat(roundHalfEven(x, precision)) : precision >= 0 ? x : roundHalfEven(x, precision);
  if (method !== 'ceil' && method !== 'floor') throw new TypeError('method must be common, ceil or floor');
  const scale = 10 ** precision;
  return pyFloat((method === 'ceil' ? Math.ceil(x * scale) : Math.floor(x * scale)) / scale);
}

function logarithm(x: number, base: number): number {
  if (x <= 0) throw new RangeError('math domain error');
  return base === 10 ? Math.log10(x) : base === Math.E ? Math.log(x) : Math.log(x) / Math.log(base);
}

/** Numeric filters: rounding, powers and logarithms, sizes for humans. */
export const MATH_FILTERS: Readonly<Record<string, FilterSpec>> = {
  abs: jinja('The absolute value (an int stays an int).', (v) => {
    const n = Math.abs(toNumber(v, 'abs'));
    return isFloat(v) ? pyFloat(n) : n;
  }),
  round: jinja("Rounded to `precision` (0) decimals by `method`: 'common' (half to even), 'ceil' or 'floor'.", (v, a, k) =>
    round(v, intArg(a, k, 0, 'precision', 'round', 0), pyStr(arg(a, k, 1, 'method', 'common'))),
  ),
  pow: ansible('The value to the power `y`, as a float.', (v, a, k) => pyFloat(toNumber(v, 'pow') ** toNumber(arg(a, k, 0, 'y'), 'pow'))),
  log: ansible('The logarithm in `base` (e by default), as a float.', (v, a, k) => pyFloat(logarithm(toNumber(v, 'log'), toNumber(arg(a, k, 0, 'base', Math.E), 'log')))),
  root: ansible('The `base`-th root (square root by default), as a float.', (v, a, k) => {
    const x = toNumber(v, 'root');
    const base = toNumber(arg(a, k, 0, 'base', 2), 'root');
    if (base === 2 && x < 0) throw new RangeError('math domain error');
    return pyFloat(base === 2 ? Math.sqrt(x) : x ** (1 / base));
  }),
  human_readable: ansible("A size in bytes for humans ('1.00 KB'); bits with `isbits`; a fixed `unit` (K, M, G…).", (v, a, k) => {
    const unit = arg(a, k, 1, 'unit', null);
    return bytesToHuman(toNumber(v, 'human_readable'), truthy(arg(a, k, 0, 'isbits', false)), unit === null ? null : pyStr(unit));
  }),
  human_to_bytes: ansible("A size for humans ('10M', '1.5 GB') in bytes; `default_unit` for plain numbers; bits with `isbits`.", (v, a, k) => {
    const unit = arg(a, k, 0, 'default_unit', null);
    return humanToBytes(v, unit === null ? null : pyStr(unit), truthy(arg(a, k, 1, 'isbits', false)));
  }),
  filesizeformat: jinja("A byte count for humans in decimal units ('4.1 MB'), or binary ones ('3.9 MiB') with `binary`.", (v, a, k) =>
    fileSizeFormat(v, truthy(arg(a, k, 0, 'binary', false))),
  ),
};
