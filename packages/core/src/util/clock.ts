/** The engine's clock: real time, or scaled time in simulation so `delay`, `pause` and timeouts keep their written values. */
export interface Clock {
  /** How many real milliseconds one written millisecond lasts (1 normally, e.g. 0.01 in simulation). */
  readonly scale: number;
  /** Waits `ms` written milliseconds; rejects with the signal's reason when aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Written milliseconds elapsed since `start` (a value of `now()`). */
  since(start: number): number;
  now(): number;
}

/** A clock that runs `scale` times real time (1 = real time). */
export function createClock(scale = 1): Clock {
  return {
    scale,
    now: () => performance.now(),
    since: (start) => (performance.now() - start) / scale,
    sleep: (ms, signal) =>
      new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        const onAbort = () => {
          clearTimeout(timer);
          reject(signal!.reason);
        };
        const timer = setTimeout(() => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        }, Math.max(0, ms * scale));
        signal?.addEventListener('abort', onAbort, { once: true });
      }),
  };
}
