// Timestamps and durations in the formats Ansible prints (Python's str(datetime) and str(timedelta)), with core's Python date values.
import { datetimeFromEpoch, PyTimeDelta } from '@kbrun/core';

/** Microseconds since the epoch, with the sub-millisecond precision of the performance clock. */
export function nowMicros(): number {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}

/** Local time as Python prints a datetime: `2026-11-23 20:00:00.123456` (no fraction when it is zero, as in Python). */
export function formatTimestamp(micros: number): string {
  return datetimeFromEpoch(micros / 1_000_000, false).pyStr();
}

/** A duration as Python prints a timedelta: `0:00:00.003512`, `0:00:05`, `1 day, 2:00:00` (a negative one as zero). */
export function formatDelta(micros: number): string {
  return new PyTimeDelta(0, 0, Math.max(0, micros)).pyStr();
}
