// The clock facts: `date_time` from the target's `date` and `uptime_seconds` from /proc/uptime.

/**
 * Ansible's `date_time` (every value a string, local fields in the target's time zone, iso8601* in UTC)
 * from `date '+%s %N %Y %m %d %H %M %S %w %W %z %A %Z'`. A `date` without %N (busybox) gives 000000 microseconds.
 */
export function dateTimeFacts(text: string): Record<string, string> | undefined {
  const words = text.trim().split('\n')[0]!.split(' ');
  const [epoch = '', nanos = '', year = '', month = '', day = '', hour = '', minute = '', second = '', weekdayNumber = '', weeknumber = '', offset = '', weekday = ''] = words;
  if (!/^\d+$/.test(epoch) || !/^\d{4}$/.test(year)) return undefined;
  const tz = words.slice(12).join(' ');
  const micro = /^\d{9}$/.test(nanos) ? nanos.slice(0, 6) : '000000';
  const utc = new Date(Number(epoch) * 1000).toISOString().slice(0, 19);
  return {
    year,
    month,
    weekday,
    weekday_number: weekdayNumber,
    weeknumber,
    day,
    hour,
    minute,
    second,
    epoch,
    epoch_int: epoch,
    date: `${year}-${month}-${day}`,
    time: `${hour}:${minute}:${second}`,
    iso8601_micro: `${utc}.${micro}Z`,
    iso8601: `${utc}Z`,
    iso8601_basic: `${year}${month}${day}T${hour}${minute}${second}${micro}`,
    iso8601_basic_short: `${year}${month}${day}T${hour}${minute}${second}`,
    tz,
    tz_offset: offset,
  };
}

/** Whole seconds since boot from /proc/uptime (`2540.71 4452.04`). */
export function uptimeSeconds(text: string): number | undefined {
  const match = /^\s*(\d+)(\.\d+)?/.exec(text);
  return match ? Number(match[1]) : undefined;
}
