// One request budget per client, mirrored from the API's RateLimit-* headers; requests wait their turn when it runs low.
import { raceAbort, realSleep, type SleepFunction } from './sleep.js';

/** The three rate-limit headers of a response, parsed. */
export interface RateLimitState {
  limit: number;
  remaining: number;
  /** When the bucket is full again (epoch milliseconds; the API sends epoch seconds). */
  resetAt: number;
}

/** Reads `RateLimit-Limit`, `-Remaining` and `-Reset`; undefined when a response has none of them. */
export function parseRateLimitHeaders(headers: Record<string, string | string[] | undefined>): RateLimitState | undefined {
  const value = (name: string) => {
    const raw = headers[name];
    const text = Array.isArray(raw) ? raw[0] : raw;
    const number = text === undefined ? NaN : Number(text);
    return Number.isFinite(number) ? number : undefined;
  };
  const limit = value('ratelimit-limit');
  const remaining = value('ratelimit-remaining');
  if (limit === undefined || remaining === undefined || limit <= 0) return undefined;
  const reset = value('ratelimit-reset');
  return { limit, remaining: Math.max(0, remaining), resetAt: reset === undefined ? Date.now() : reset * 1000 };
}

/** Options of a budget. */
export interface RateBudgetOptions {
  /** Share of the limit kept in reserve: pacing starts when fewer requests than this would remain (default 0.1). */
  reserveRatio?: number;
  /** Waits on the real clock: the budget mirrors the API's own clock (default: timers). */
  sleep?: SleepFunction;
  now?: () => number;
}

/**
 * A mirror of the API's token bucket, shared by every concurrent request of one client.
 * Before each request `acquire()` waits its turn (in arrival order). While more than the reserve (10%) is left,
 * counting requests in flight, nothing waits; below it, requests go out at the refill rate, which is learned
 * from `RateLimit-Reset` (the API refills `limit` requests per hour: 1 per second by default).
 * The very first request goes alone, so a burst of tasks does not start blind.
 */
export class RateBudget {
  readonly #reserveRatio: number;
  readonly #sleep: SleepFunction;
  readonly #now: () => number;
  #limit: number | undefined;
  #remaining = 0;
  #observedAt = 0;
  #resetAt = 0;
  /** Refill rate in requests per millisecond. */
  #rate = 1 / 1000;
  #inFlight = 0;
  #gate: Promise<void> = Promise.resolve();
  #waits = 0;
  /** False until the first answer arrives: until then one request probes alone (50 tasks must not burst blind). */
  #learned = false;
  /** When the last request was let through while pacing. */
  #lastPaced = -Infinity;
  #wake: (() => void) | undefined;
  #event: Promise<void> | undefined;

  constructor(options: RateBudgetOptions = {}) {
    this.#reserveRatio = options.reserveRatio ?? 0.1;
    this.#sleep = options.sleep ?? realSleep;
    this.#now = options.now ?? Date.now;
  }

  /** Requests sent and not yet answered. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** How many times a request had to wait for the budget (for tests and verbose logs). */
  get waits(): number {
    return this.#waits;
  }

  /** The last known state (undefined before the first answer with rate-limit headers). */
  get state(): (RateLimitState & { estimated: number; ratePerSecond: number }) | undefined {
    if (this.#limit === undefined) return undefined;
    return { limit: this.#limit, remaining: this.#remaining, resetAt: this.#resetAt, estimated: this.#estimate(this.#now()), ratePerSecond: this.#rate * 1000 };
  }

  /** Records that an answer came without rate-limit headers (then nothing is paced). */
  answered(): void {
    this.#learned = true;
    this.#signal();
  }

  /** Records the headers of an answer. */
  observe(state: RateLimitState): void {
    this.#learned = true;
    this.#signal();
    const now = this.#now();
    this.#limit = state.limit;
    this.#remaining = Math.min(state.remaining, state.limit);
    this.#observedAt = now;
    this.#resetAt = state.resetAt;
    const floor = state.limit / 3_600_000;
    const missing = state.limit - state.remaining;
    const untilFull = state.resetAt - now;
    // Reset is in whole seconds, so this tends to underestimate the rate: pacing errs on the slow side.
    if (missing > 0 && untilFull > 0) this.#rate = Math.max(floor, missing / untilFull);
    else if (this.#rate < floor) this.#rate = floor;
  }

  /** Records a 429 answer: the bucket is empty, whatever the headers said. */
  exhausted(state: RateLimitState | undefined): void {
    if (!state && this.#limit === undefined) return this.answered();
    if (state) this.observe({ ...state, remaining: 0 });
    else if (this.#limit !== undefined) this.observe({ limit: this.#limit, remaining: 0, resetAt: this.#resetAt });
  }

  /** Waits (in arrival order) until a request may be sent; call the returned function when its answer has arrived. */
  async acquire(signal?: AbortSignal): Promise<() => void> {
    const previous = this.#gate;
    let open!: () => void;
    this.#gate = new Promise<void>((resolve) => (open = resolve));
    try {
      await raceAbort(previous, signal);
      for (;;) {
        if (!this.#learned && this.#inFlight > 0) {
          await raceAbort(this.#nextEvent(), signal);
          continue;
        }
        const delay = this.delay();
        if (delay <= 0) {
          if (this.#paced()) this.#lastPaced = this.#now();
          break;
        }
        this.#waits++;
        await this.#sleep(Math.ceil(delay), signal);
      }
      this.#inFlight++;
    } finally {
      open();
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#inFlight--;
      this.#signal();
    };
  }

  /** Resolves at the next answer or release. */
  #nextEvent(): Promise<void> {
    this.#event ??= new Promise<void>((resolve) => (this.#wake = resolve));
    return this.#event;
  }

  #signal(): void {
    const wake = this.#wake;
    this.#event = undefined;
    this.#wake = undefined;
    wake?.();
  }

  /**
   * Milliseconds the next request should wait now (0 = send). Above the reserve, nothing waits; below it,
   * requests are spaced at the refill rate (so the bucket stays level), and none is sent without a request left.
   */
  delay(): number {
    if (this.#limit === undefined) return 0;
    const now = this.#now();
    const reserve = Math.max(1, Math.ceil(this.#limit * this.#reserveRatio));
    // Requests already sent will each take one.
    const available = this.#estimate(now) - this.#inFlight;
    if (available - 1 >= reserve) return 0;
    const untilToken = available >= 1 ? 0 : (1 - available) / this.#rate;
    const untilSlot = this.#lastPaced + 1 / this.#rate - now;
    const wait = Math.max(0, untilToken, untilSlot);
    // Never longer than until the bucket is full again.
    const untilFull = this.#resetAt - now;
    return untilFull > 0 ? Math.min(wait, untilFull) : wait;
  }

  /** True when the budget is below its reserve (requests are spaced). */
  #paced(): boolean {
    if (this.#limit === undefined) return false;
    const reserve = Math.max(1, Math.ceil(this.#limit * this.#reserveRatio));
    return this.#estimate(this.#now()) - this.#inFlight - 1 < reserve;
  }

  #estimate(now: number): number {
    if (this.#limit === undefined) return Infinity;
    // Once the reset time has passed the bucket is full again.
    if (now >= this.#resetAt && this.#resetAt > this.#observedAt) return this.#limit;
    return Math.min(this.#limit, this.#remaining + Math.max(0, now - this.#observedAt) * this.#rate);
  }
}
