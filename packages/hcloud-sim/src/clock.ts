// The simulated clock: simulated time runs 1/timeScale times as fast as real time.

import { performance } from 'node:perf_hooks';

/** Simulated time in milliseconds since the epoch, advancing `1 / timeScale` times faster than real time. */
export class SimClock {
  readonly timeScale: number;
  private readonly epochMs: number;
  private readonly realStart: number;

  constructor(timeScale: number, start: number) {
    this.timeScale = timeScale;
    this.epochMs = start;
    this.realStart = performance.now();
  }

  /** Simulated now, in ms since the Unix epoch. */
  now(): number {
    return this.epochMs + (performance.now() - this.realStart) / this.timeScale;
  }

  /** Real milliseconds that `simMs` simulated milliseconds take. */
  realMs(simMs: number): number {
    return simMs * this.timeScale;
  }
}

/** A timestamp the way the API writes it: `2024-01-15T10:00:00+00:00`. */
export function isoTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', '+00:00');
}
