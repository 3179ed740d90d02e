import { PyDateTime } from './py-date-values.js';

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const DAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

/** What each directive accepts (the C locale's names), as Python's _strptime reads it. */
const DIRECTIVES: Readonly<Record<string, string>> = {
  d: '3[01]|[12]\\d|0[1-9]|[1-9]| [1-9]',
  f: '[0-9]{1,6}',
  H: '2[0-3]|[01]\\d|\\d',
  I: '1[0-2]|0[1-9]|[1-9]',
  j: '36[0-6]|3[0-5]\\d|[12]\\d\\d|0[1-9]\\d|00[1-9]|[1-9]\\d|0[1-9]|[1-9]',
  m: '1[0-2]|0[1-9]|[1-9]',
  M: '[0-5]\\d|\\d',
  S: '6[01]|[0-5]\\d|\\d',
  U: '5[0-3]|[0-4]\\d|\\d',
  W: '5[0-3]|[0-4]\\d|\\d',
  w: '[0-6]',
  u: '[1-7]',
  y: '\\d\\d',
  Y: '\\d\\d\\d\\d',
  z: '[+-]\\d\\d:?[0-5]\\d(?::?[0-5]\\d(?:\\.\\d{1,6})?)?|Z',
  A: DAYS.join('|'),
  a: DAYS.map((d) => d.slice(0, 3)).join('|'),
  B: MONTHS.join('|'),
  b: MONTHS.map((m) => m.slice(0, 3)).join('|'),
  p: 'am|pm',
  Z: 'utc|gmt',
};

/** Directives that stand for several others in the C locale. */
const COMPOSITE: Readonly<Record<string, string>> = { c: '%a %b %d %H:%M:%S %Y', x: '%m/%d/%y', X: '%H:%M:%S', D: '%m/%d/%y', T: '%H:%M:%S', F: '%Y-%m-%d', R: '%H:%M' };

/** The regex of a format, and the directive each of its groups reads. */
function compile(format: string): { re: RegExp; fields: string[] } {
  const fields: string[] = [];
  let source = '';
  const expanded = format.replace(/%([cxXDTFR])/g, (_whole, d: string) => COMPOSITE[d]!);
  for (let i = 0; i < expanded.length; i++) {
    const ch = expanded[i]!;
    if (ch === '%') {
      const d = expanded[++i];
      if (d === '%') source += '%';
      else if (d !== undefined && Object.hasOwn(DIRECTIVES, d)) {
        source += `(${DIRECTIVES[d]})`;
        fields.push(d);
      } else throw new RangeError(`'${d ?? ''}' is a bad directive in format '%${d ?? ''}'`);
    } else if (/\s/.test(ch)) {
      source += '\\s+';
      while (/\s/.test(expanded[i + 1] ?? '')) i++;
    } else source += ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return { re: new RegExp(`^${source}`, 'i'), fields };
}

const reprText = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** Python's datetime.strptime(text, format): a naive datetime (aware with `%z`), or a ValueError-like RangeError. */
export function pyStrptime(text: string, format: string): PyDateTime {
  const { re, fields } = compile(format);
  const m = re.exec(text);
  if (!m) throw new RangeError(`time data ${reprText(text)} does not match format ${reprText(format)}`);
  if (m[0].length !== text.length) throw new RangeError(`unconverted data remains: ${text.slice(m[0].length)}`);
  let year = 1900;
  let month = 1;
  let day = 1;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let microsecond = 0;
  let offset: number | null = null;
  let pm: boolean | null = null;
  let hour12: number | null = null;
  let yearDay: number | null = null;
  fields.forEach((field, i) => {
    const value = m[i + 1]!;
    const n = Number(value);
    switch (field) {
      case 'Y':
        year = n;
        break;
      case 'y':
        year = n <= 68 ? 2000 + n : 1900 + n;
        break;
      case 'm':
        month = n;
        break;
      case 'B':
      case 'b':
        month = MONTHS.findIndex((name) => name.startsWith(value.toLowerCase())) + 1;
        break;
      case 'd':
        day = Number(value.trim());
        break;
      case 'H':
        hour = n;
        break;
      case 'I':
        hour12 = n;
        break;
      case 'p':
        pm = value.toLowerCase() === 'pm';
        break;
      case 'M':
        minute = n;
        break;
      case 'S':
        second = Math.min(n, 59);
        break;
      case 'f':
        microsecond = Number(value.padEnd(6, '0'));
        break;
      case 'j':
        yearDay = n;
        break;
      case 'z':
        offset = zoneOffset(value);
        break;
    }
  });
  if (hour12 !== null) hour = (hour12 % 12) + (pm ? 12 : 0);
  if (yearDay !== null) {
    const date = new Date(0);
    date.setUTCFullYear(year, 0, yearDay);
    month = date.getUTCMonth() + 1;
    day = date.getUTCDate();
  }
  return new PyDateTime({ year, month, day, hour, minute, second, microsecond }, offset);
}

/** Seconds east of UTC of a `%z` value (`+0200`, `-05:30`, `Z`). */
function zoneOffset(value: string): number {
  if (value.toUpperCase() === 'Z') return 0;
  const digits = value.slice(1).replace(/:/g, '');
  const seconds = Number(digits.slice(0, 2)) * 3600 + Number(digits.slice(2, 4)) * 60 + Number(digits.slice(4, 6) || '0');
  return value[0] === '-' ? -seconds : seconds;
}
