// Python's strftime: the C library's directives, as glibc prints them.

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

interface Fields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  micro: number;
  weekday: number;
  offset: number;
  epoch: number;
}

function fieldsOf(date: Date, utc: boolean): Fields {
  const get = utc
    ? { y: date.getUTCFullYear(), mo: date.getUTCMonth(), d: date.getUTCDate(), h: date.getUTCHours(), mi: date.getUTCMinutes(), s: date.getUTCSeconds(), w: date.getUTCDay() }
    : { y: date.getFullYear(), mo: date.getMonth(), d: date.getDate(), h: date.getHours(), mi: date.getMinutes(), s: date.getSeconds(), w: date.getDay() };
  return {
    year: get.y,
    month: get.mo + 1,
    day: get.d,
    hour: get.h,
    minute: get.mi,
    second: get.s,
    micro: date.getMilliseconds() * 1000,
    weekday: get.w,
    offset: utc ? 0 : -date.getTimezoneOffset(),
    epoch: Math.floor(date.getTime() / 1000),
  };
}

const pad = (n: number, width = 2, fill = '0'): string => String(n).padStart(width, fill);

function dayOfYear(f: Fields): number {
  return Math.round((Date.UTC(f.year, f.month - 1, f.day) - Date.UTC(f.year, 0, 1)) / 86_400_000) + 1;
}

/** Week of the year with weeks starting on `firstDay` (0 Sunday, 1 Monday), days before the first such day in week 0. */
function weekOfYear(f: Fields, firstDay: number): number {
  const yday = dayOfYear(f) - 1;
  const weekday = (f.weekday - firstDay + 7) % 7;
  return Math.floor((yday - weekday + 7) / 7);
}

function zone(offset: number): string {
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${sign}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`;
}

const DIRECTIVES: Readonly<Record<string, (f: Fields, utc: boolean) => string>> = {
  a: (f) => DAYS[f.weekday]!.slice(0, 3),
  A: (f) => DAYS[f.weekday]!,
  w: (f) => String(f.weekday),
  u: (f) => String(f.weekday === 0 ? 7 : f.weekday),
  d: (f) => pad(f.day),
  e: (f) => pad(f.day, 2, ' '),
  b: (f) => MONTHS[f.month - 1]!.slice(0, 3),
  h: (f) => MONTHS[f.month - 1]!.slice(0, 3),
  B: (f) => MONTHS[f.month - 1]!,
  m: (f) => pad(f.month),
  y: (f) => pad(f.year % 100),
  Y: (f) => String(f.year),
  C: (f) => pad(Math.floor(f.year / 100)),
  H: (f) => pad(f.hour),
  I: (f) => pad(f.hour % 12 === 0 ? 12 : f.hour % 12),
  p: (f) => (f.hour < 12 ? 'AM' : 'PM'),
  M: (f) => pad(f.minute),
  S: (f) => pad(f.second),
  f: (f) => pad(f.micro, 6),
  z: (f) => zone(f.offset),
  Z: (f, utc) => (utc ? 'UTC' : (Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(new Date(f.epoch * 1000)).find((p) => p.type === 'timeZoneName')?.value ?? '')),
  j: (f) => pad(dayOfYear(f), 3),
  U: (f) => pad(weekOfYear(f, 0)),
  W: (f) => pad(weekOfYear(f, 1)),
  s: (f) => String(f.epoch),
  n: () => '\n',
  t: () => '\t',
  '%': () => '%',
  D: (f) => `${pad(f.month)}/${pad(f.day)}/${pad(f.year % 100)}`,
  F: (f) => `${f.year}-${pad(f.month)}-${pad(f.day)}`,
  T: (f) => `${pad(f.hour)}:${pad(f.minute)}:${pad(f.second)}`,
  R: (f) => `${pad(f.hour)}:${pad(f.minute)}`,
  c: (f) => `${DAYS[f.weekday]!.slice(0, 3)} ${MONTHS[f.month - 1]!.slice(0, 3)} ${pad(f.day, 2, ' ')} ${pad(f.hour)}:${pad(f.minute)}:${pad(f.second)} ${f.year}`,
  x: (f) => `${pad(f.month)}/${pad(f.day)}/${pad(f.year % 100)}`,
  X: (f) => `${pad(f.hour)}:${pad(f.minute)}:${pad(f.second)}`,
};

/** Python's `strftime` of an instant (local time, or UTC when `utc`); `%-d` style flags drop the padding as glibc does. */
export function pyStrftime(date: Date, format: string, utc: boolean): string {
  const f = fieldsOf(date, utc);
  return format.replace(/%(-?)(.)/gs, (_whole, noPad: string, directive: string) => {
    const render = DIRECTIVES[directive];
    if (!render) throw new RangeError(`strftime: unknown directive '%${directive}' in ${JSON.stringify(format)}`);
    const text = render(f, utc);
    return noPad ? text.replace(/^[0 ]+(?=.)/, '') : text;
  });
}
