/**
 * Numbers written the way Python writes them: repr() of ints and floats, and the exact, half-to-even rounded
 * fixed and exponent forms behind `'%.2f'`, `'%e'`, `'%g'` and round().
 */

/** A finite, non-negative double as an exact decimal: `digits × 10^exponent` (digits without leading zeros, '0' for zero). */
interface ExactDecimal {
  readonly digits: bigint;
  readonly exponent: number;
}

const view = new DataView(new ArrayBuffer(8));

/** The exact decimal value of |x| (every double is a finite binary fraction, hence a finite decimal). */
function exactDecimal(x: number): ExactDecimal {
  view.setFloat64(0, Math.abs(x));
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let power = biased - 1075;
  if (biased === 0) power = -1074;
  else mantissa |= 1n << 52n;
  if (power >= 0) return { digits: mantissa << BigInt(power), exponent: 0 };
  return { digits: mantissa * 5n ** BigInt(-power), exponent: power };
}

/** `n / 10^drop` rounded half to even (drop ≥ 0). */
function roundDigits(n: bigint, drop: number): bigint {
  if (drop <= 0) return n * 10n ** BigInt(-drop);
  const unit = 10n ** BigInt(drop);
  const q = n / unit;
  const twice = (n % unit) * 2n;
  return twice > unit || (twice === unit && q % 2n === 1n) ? q + 1n : q;
}

function signOf(x: number): string {
  return x < 0 || Object.is(x, -0) ? '-' : '';
}

/** Python's text for inf and nan in formatted output. */
function special(x: number, upper: boolean): string | undefined {
  if (Number.isNaN(x)) return upper ? 'NAN' : 'nan';
  if (!Number.isFinite(x)) return `${x < 0 ? '-' : ''}${upper ? 'INF' : 'inf'}`;
  return undefined;
}

/** `'%.Nf' % x`: fixed notation with `precision` decimals, rounded half to even on the exact value. */
export function formatFixed(x: number, precision: number, upper = false): string {
  const s = special(x, upper);
  if (s !== undefined) return s;
  const { digits, exponent } = exactDecimal(x);
  const scaled = roundDigits(digits, -(exponent + precision)).toString().padStart(precision + 1, '0');
  const body = precision === 0 ? scaled : `${scaled.slice(0, -precision)}.${scaled.slice(-precision)}`;
  return signOf(x) + body;
}

/** The significant digits of |x| rounded to `count` of them, and the decimal exponent of the first one. */
function significant(x: number, count: number): { digits: string; exponent: number } {
  const exact = exactDecimal(x);
  if (exact.digits === 0n) return { digits: '0'.repeat(count), exponent: 0 };
  const length = exact.digits.toString().length;
  let exponent = length - 1 + exact.exponent;
  let digits = roundDigits(exact.digits, length - count).toString();
  if (digits.length > count) {
    digits = digits.slice(0, count);
    exponent++;
  }
  return { digits, exponent };
}

function exponentText(exponent: number): string {
  return `${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
}

/** `'%.Ne' % x`: one digit, `precision` decimals, and a signed two-digit exponent. */
export function formatExponent(x: number, precision: number, upper = false, keepPoint = false): string {
  const s = special(x, upper);
  if (s !== undefined) return s;
  const { digits, exponent } = significant(x, precision + 1);
  const mantissa = digits.length > 1 || keepPoint ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${signOf(x)}${mantissa}${upper ? 'E' : 'e'}${exponentText(exponent)}`;
}

/** `'%.Ng' % x`: fixed or exponent notation, whichever Python's %g picks, trailing zeros dropped unless `alternate`. */
export function formatGeneral(x: number, precision: number, upper = false, alternate = false): string {
  const s = special(x, upper);
  if (s !== undefined) return s;
  const p = precision === 0 ? 1 : precision;
  const { exponent } = significant(x, p);
  const trim = (text: string): string => (alternate || !text.includes('.') ? text : text.replace(/\.?0+$/, ''));
  if (exponent >= -4 && exponent < p) return trim(formatFixed(x, p - 1 - exponent));
  const [mantissa, exp] = formatExponent(x, p - 1, upper, alternate).split(upper ? 'E' : 'e');
  return `${trim(mantissa!)}${upper ? 'E' : 'e'}${exp}`;
}

/** Python's round(x, ndigits) on a float: half to even on the exact value (ndigits may be negative). */
export function roundHalfEven(x: number, ndigits: number): number {
  if (!Number.isFinite(x)) return x;
  if (ndigits >= 0) return Number(formatFixed(x, ndigits));
  const { digits, exponent } = exactDecimal(x);
  return (x < 0 ? -1 : 1) * Number(roundDigits(digits, -(exponent + ndigits))) * 10 ** -ndigits;
}

/** Python's repr() of a float: the shortest text that reads back the same, `1.0`, `1e-05`, `1e+16`, `inf`, `nan`. */
export function floatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa, exp] = x.toExponential().split('e') as [string, string];
  const exponent = Number(exp);
  const digits = mantissa.replace(/^-/, '').replace('.', '');
  const sign = x < 0 ? '-' : '';
  if (exponent < -4 || exponent >= 16) {
    return `${sign}${digits[0]}${digits.length > 1 ? `.${digits.slice(1)}` : ''}e${exponentText(exponent)}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
  return `${sign}${whole}.${digits.slice(exponent + 1) || '0'}`;
}

/** Python's repr() of an int held in a JavaScript number (all digits, never an exponent). */
export function intRepr(n: number): string {
  if (Object.is(n, -0)) return '0';
  return Math.abs(n) < 1e21 ? String(n) : BigInt(n).toString();
}
