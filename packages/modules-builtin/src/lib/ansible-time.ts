// Timestamps and durations in the formats Ansible prints (Python's str(datetime) and str(timedelta)).

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Microseconds since the epoch, with the sub-millisecond precision of the performance clock. */
export function nowMicros(): number {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}

/** Local time as Python prints a datetime: `2026-11-23 20:00:00.123456`. */
export function formatTimestamp(micros: number): string {
  const date = new Date(Math.floor(micros / 1000));
  const fraction = ((micros % 1_000_000) + 1_000_000) % 1_000_000;
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(fraction, 6)}`
  );
}

/** A duration as Python prints a timedelta: `0:00:00.003512`, `0:00:05`, `1 day, 2:00:00`. */
export function formatDelta(micros: number): string {
  let rest = Math.max(0, Math.round(micros));
  const days = Math.floor(rest / 86_400_000_000);
  rest -= days * 86_400_000_000;
  const hours = Math.floor(rest / 3_600_000_000);
  rest -= hours * 3_600_000_000;
  const minutes = Math.floor(rest / 60_000_000);
  rest -= minutes * 60_000_000;
  const seconds = Math.floor(rest / 1_000_000);
  const fraction = rest - seconds * 1_000_000;
  const clock = `${hours}:${pad(minutes)}:${pad(seconds)}${fraction ? `.${pad(fraction, 6)}` : ''}`;
  return days ? `${days} day${days === 1 ? '' : 's'}, ${clock}` : clock;
}
