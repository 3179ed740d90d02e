import { arg, stringArg } from '../../expr/params.js';
import { pyStrftime } from '../../expr/py-datetime.js';
import { pyStr } from '../../expr/py-string.js';
import { pyStrptime } from '../../expr/py-strptime.js';
import { truthy } from '../../expr/values.js';
import { parseFloatText } from './conversions.js';
import { toNumber } from './shared.js';
import { ansible, type FilterSpec } from './spec.js';

/** Seconds since the epoch from a number or numeric text (Ansible's strftime takes either). */
function epochSeconds(value: unknown): number {
  const n = typeof value === 'string' ? parseFloatText(value) : toNumber(value, 'strftime');
  if (n === undefined || !Number.isFinite(n)) throw new TypeError(`Invalid value for epoch value (${pyStr(value)})`);
  return n;
}

/** Dates: parsing text into datetimes, formatting epoch seconds. */
export const DATE_FILTERS: Readonly<Record<string, FilterSpec>> = {
  to_datetime: ansible("A datetime parsed from text with `format` ('%Y-%m-%d %H:%M:%S'); subtract two for a timedelta (.days, .seconds, .total_seconds()).", (v, a, k) =>
    pyStrptime(pyStr(v), stringArg(a, k, 0, 'format', 'to_datetime', '%Y-%m-%d %H:%M:%S')),
  ),
  strftime: ansible('The value used as a strftime format for the time `second` (now by default), local or `utc`.', (v, a, k) => {
    const second = arg(a, k, 0, 'second', null);
    const date = second === null ? new Date() : new Date(Math.floor(epochSeconds(second)) * 1000);
    return pyStrftime(date, pyStr(v), truthy(arg(a, k, 1, 'utc', false)));
  }),
};
