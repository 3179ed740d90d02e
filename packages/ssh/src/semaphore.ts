/** A counting semaphore: at most `limit` holders at once, waiters served first come, first served. */
export class Semaphore {
  #active = 0;
  #peak = 0;
  readonly #waiters: Array<{ grant: () => void; reject: (error: unknown) => void }> = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`a semaphore limit must be a positive integer, got ${limit}`);
  }

  /** Holders right now. */
  get active(): number {
    return this.#active;
  }

  /** The most holders there ever were at once. */
  get peak(): number {
    return this.#peak;
  }

  /** Waits for a free place; resolves to the function that gives it back (call it exactly once). */
  acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    if (this.#active < this.limit) return Promise.resolve(this.#take());
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        const index = this.#waiters.indexOf(waiter);
        if (index >= 0) this.#waiters.splice(index, 1);
        reject(abortReason(signal!));
      };
      const waiter = {
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve(this.#take());
        },
        reject,
      };
      this.#waiters.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  #take(): () => void {
    this.#active++;
    this.#peak = Math.max(this.#peak, this.#active);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#active--;
      this.#waiters.shift()?.grant();
    };
  }
}

/** The error an aborted signal carries (an AbortError when it carries none). */
export function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  const error = new Error('the operation was aborted');
  error.name = 'AbortError';
  return error;
}
