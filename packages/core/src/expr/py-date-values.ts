import { pyStrftime } from './py-datetime.js';
import { pyFloat } from './py-float.js';
import { PyValue } from './py-value.js';

const DAY_SECONDS = 86_400;
const MICRO = 1_000_000;

/** The fields of a date and time, as Python's datetime names them (PyDateTime's own attributes). */
export type DateTimeFields = Pick<PyDateTime, 'year' | 'month' | 'day' | 'hour' | 'minute' | 'second' | 'microsecond'>;

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Days since 1970-01-01 of a proleptic Gregorian date (any year 1-9999). */
function epochDay(year: number, month: number, day: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return Math.floor(date.getTime() / 86_400_000);
}

/** Python's datetime.timedelta: days, seconds (0-86399) and microseconds (0-999999), normalized as Python does. */
export class PyTimeDelta extends PyValue {
  readonly days: number;
  readonly seconds: number;
  readonly microseconds: number;

  constructor(days: number, seconds = 0, microseconds = 0) {
    super();
    let micros = Math.round(microseconds);
    let secs = seconds + Math.floor(micros / MICRO);
    micros -= Math.floor(micros / MICRO) * MICRO;
    const carry = Math.floor(secs / DAY_SECONDS);
    secs -= carry * DAY_SECONDS;
    this.days = days + carry;
    this.seconds = secs;
    this.microseconds = micros;
    Object.freeze(this);
  }

  /** The whole span in seconds (a float, as Python's total_seconds()). */
  totalSeconds(): number {
    return (this.days * DAY_SECONDS + this.seconds) + this.microseconds / MICRO;
  }

  pyType(): string {
    return 'timedelta';
  }

  pyTruthy(): boolean {
    return this.days !== 0 || this.seconds !== 0 || this.microseconds !== 0;
  }

  pyStr(): string {
    const hh = Math.floor(this.seconds / 3600);
    const mm = Math.floor((this.seconds % 3600) / 60);
    let text = `${hh}:${pad(mm)}:${pad(this.seconds % 60)}`;
    if (this.days) text = `${this.days} day${Math.abs(this.days) !== 1 ? 's' : ''}, ${text}`;
    if (this.microseconds) text += `.${pad(this.microseconds, 6)}`;
    return text;
  }

  pyRepr(): string {
    const parts = [['days', this.days], ['seconds', this.seconds], ['microseconds', this.microseconds]].filter(([, v]) => v !== 0);
    return `datetime.timedelta(${parts.length ? parts.map(([k, v]) => `${k}=${v}`).join(', ') : '0'})`;
  }

  toJsonValue(): unknown {
    return this.pyStr();
  }

  native(): unknown {
    return this.pyStr();
  }
}

/** Python's datetime.datetime: a date and time, naive or with a fixed UTC offset (from `%z`). */
export class PyDateTime extends PyValue {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly microsecond: number;
  /** Seconds east of UTC, or null for a naive datetime (not an attribute expressions can read). */
  readonly #offset: number | null;

  constructor(fields: DateTimeFields, offset: number | null = null) {
    super();
    const { year, month, day, hour, minute, second, microsecond } = fields;
    const checks: Array<[string, number, number, number]> = [
      ['year', year, 1, 9999],
      ['month', month, 1, 12],
      ['day', day, 1, new Date(Date.UTC(2000, month, 0)).getUTCDate() - (month === 2 && !isLeap(year) ? 1 : 0)],
      ['hour', hour, 0, 23],
      ['minute', minute, 0, 59],
      ['second', second, 0, 59],
      ['microsecond', microsecond, 0, 999_999],
    ];
    for (const [name, value, min, max] of checks) {
      if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`${name} must be in ${min}..${max}, got ${value}`);
    }
    this.year = year;
    this.month = month;
    this.day = day;
    this.hour = hour;
    this.minute = minute;
    this.second = second;
    this.microsecond = microsecond;
    this.#offset = offset;
    Object.freeze(this);
  }

  /** The UTC offset in seconds, or null when naive. */
  utcOffset(): number | null {
    return this.#offset;
  }

  /** Day of the week, Monday = 0 (Python's weekday()). */
  weekday(): number {
    return (((epochDay(this.year, this.month, this.day) + 3) % 7) + 7) % 7;
  }

  /** Python's datetime.strftime: C directives; `%f` gives microseconds, `%z`/`%Z` are empty for a naive datetime. */
  strftime(format: string): string {
    const own = format.replace(/%([%fzZ])/g, (whole, d: string) => {
      if (d === '%') return whole;
      if (d === 'f') return pad(this.microsecond, 6);
      if (this.#offset === null) return '';
      return d === 'z' ? offsetText(this.#offset, '') : this.#offset === 0 ? 'UTC' : `UTC${offsetText(this.#offset, ':')}`;
    });
    const asUtc = new Date(0);
    asUtc.setUTCFullYear(this.year, this.month - 1, this.day);
    asUtc.setUTCHours(this.hour, this.minute, this.second);
    return pyStrftime(asUtc, own, true);
  }

  /** Days since 1970-01-01 and microseconds into that day, UTC-adjusted when aware. */
  private instant(): { day: number; micros: number } {
    const micros = ((this.hour * 60 + this.minute) * 60 + this.second - (this.#offset ?? 0)) * MICRO + this.microsecond;
    return { day: epochDay(this.year, this.month, this.day), micros };
  }

  /** Python's isoformat(sep): `2016-08-14T20:00:12`, with `.ffffff` and the offset when present. */
  isoformat(sep = 'T'): string {
    const date = `${pad(this.year, 4)}-${pad(this.month)}-${pad(this.day)}`;
    const time = `${pad(this.hour)}:${pad(this.minute)}:${pad(this.second)}${this.microsecond ? `.${pad(this.microsecond, 6)}` : ''}`;
    return `${date}${sep}${time}${offsetText(this.#offset, ':')}`;
  }

  /** Seconds since the epoch (local time when naive, as Python's timestamp()). */
  timestamp(): number {
    if (this.#offset === null) {
      const local = new Date(this.year, this.month - 1, this.day, this.hour, this.minute, this.second);
      local.setFullYear(this.year);
      return local.getTime() / 1000 + this.microsecond / MICRO;
    }
    const { day, micros } = this.instant();
    return day * DAY_SECONDS + micros / MICRO;
  }

  pyType(): string {
    return 'datetime';
  }

  pyTruthy(): boolean {
    return true;
  }

  pyStr(): string {
    return this.isoformat(' ');
  }

  pyRepr(): string {
    const fields = [this.year, this.month, this.day, this.hour, this.minute, this.second, this.microsecond];
    if (fields[6] === 0) fields.pop();
    if (fields.length === 6 && fields[5] === 0) fields.pop();
    const tz = this.#offset === null ? '' : `, tzinfo=${timezoneRepr(this.#offset)}`;
    return `datetime.datetime(${fields.join(', ')}${tz})`;
  }

  toJsonValue(): unknown {
    return this.isoformat();
  }

  native(): unknown {
    return this.pyStr();
  }

  /** `this - other` for two datetimes (both naive or both aware). */
  minus(other: PyDateTime): PyTimeDelta {
    if ((this.#offset === null) !== (other.#offset === null)) throw new TypeError("can't subtract offset-naive and offset-aware datetimes");
    const a = this.instant();
    const b = other.instant();
    return new PyTimeDelta(a.day - b.day, 0, a.micros - b.micros);
  }

  /** `this + delta` (a negative delta goes back). */
  plus(delta: PyTimeDelta): PyDateTime {
    const micros = ((this.hour * 60 + this.minute) * 60 + this.second + delta.seconds) * MICRO + this.microsecond + delta.microseconds;
    const dayCarry = Math.floor(micros / (DAY_SECONDS * MICRO));
    const inDay = micros - dayCarry * DAY_SECONDS * MICRO;
    const date = new Date((epochDay(this.year, this.month, this.day) + delta.days + dayCarry) * 86_400_000);
    const seconds = Math.floor(inDay / MICRO);
    return new PyDateTime(
      {
        year: date.getUTCFullYear(),
        month: date.getUTCMonth() + 1,
        day: date.getUTCDate(),
        hour: Math.floor(seconds / 3600),
        minute: Math.floor((seconds % 3600) / 60),
        second: seconds % 60,
        microsecond: inDay % MICRO,
      },
      this.#offset,
    );
  }

  /** -1, 0 or 1 comparing two datetimes (both naive or both aware). */
  compare(other: PyDateTime): number {
    if ((this.#offset === null) !== (other.#offset === null)) throw new TypeError("can't compare offset-naive and offset-aware datetimes");
    const a = this.instant();
    const b = other.instant();
    return a.day !== b.day ? Math.sign(a.day - b.day) : Math.sign(a.micros - b.micros);
  }
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** `+HH:MM` (or `+HHMM` with an empty separator) for an offset in seconds; '' for naive. */
function offsetText(offset: number | null, separator: string): string {
  if (offset === null) return '';
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const seconds = abs % 60;
  return `${sign}${pad(Math.floor(abs / 3600))}${separator}${pad(Math.floor((abs % 3600) / 60))}${seconds ? `${separator}${pad(seconds)}` : ''}`;
}

function timezoneRepr(offset: number): string {
  if (offset === 0) return 'datetime.timezone.utc';
  const delta = new PyTimeDelta(0, offset);
  return `datetime.timezone(${delta.pyRepr()})`;
}

/** The local (or UTC) date and time of an epoch second, as a naive datetime (Python's fromtimestamp/utcfromtimestamp). */
export function datetimeFromEpoch(seconds: number, utc: boolean): PyDateTime {
  const whole = Math.floor(seconds);
  const date = new Date(whole * 1000);
  const micro = Math.round((seconds - whole) * MICRO);
  return new PyDateTime({
    year: utc ? date.getUTCFullYear() : date.getFullYear(),
    month: (utc ? date.getUTCMonth() : date.getMonth()) + 1,
    day: utc ? date.getUTCDate() : date.getDate(),
    hour: utc ? date.getUTCHours() : date.getHours(),
    minute: utc ? date.getUTCMinutes() : date.getMinutes(),
    second: utc ? date.getUTCSeconds() : date.getSeconds(),
    microsecond: Math.min(micro, MICRO - 1),
  });
}

/** Datetime arithmetic of Python's `+` and `-`, or undefined when neither side is a datetime or timedelta. */
export function dateArithmetic(op: '+' | '-', a: unknown, b: unknown): PyDateTime | PyTimeDelta | undefined {
  const negate = (d: PyTimeDelta): PyTimeDelta => new PyTimeDelta(-d.days, -d.seconds, -d.microseconds);
  if (a instanceof PyDateTime && b instanceof PyTimeDelta) return a.plus(op === '+' ? b : negate(b));
  if (op === '+' && a instanceof PyTimeDelta && b instanceof PyDateTime) return b.plus(a);
  if (op === '-' && a instanceof PyDateTime && b instanceof PyDateTime) return a.minus(b);
  if (a instanceof PyTimeDelta && b instanceof PyTimeDelta) {
    const other = op === '+' ? b : negate(b);
    return new PyTimeDelta(a.days + other.days, a.seconds + other.seconds, a.microseconds + other.microseconds);
  }
  return undefined;
}

/** -1, 0 or 1 for two datetimes or two timedeltas; undefined for anything else. */
export function compareDates(a: unknown, b: unknown): number | undefined {
  if (a instanceof PyDateTime && b instanceof PyDateTime) return a.compare(b);
  if (a instanceof PyTimeDelta && b instanceof PyTimeDelta) return Math.sign(a.totalSeconds() - b.totalSeconds());
  return undefined;
}

/** A timedelta's total_seconds() as the float it is in Python. */
export function totalSeconds(delta: PyTimeDelta): unknown {
  return pyFloat(delta.totalSeconds());
}
