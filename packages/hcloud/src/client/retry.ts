// Retrying failed calls: which failures may be retried for which method, and the backoff between attempts.
import { HcloudError } from './hcloud-error.js';
import type { SleepFunction } from './sleep.js';

/**
 * Why a failure may be retried:
 * `rate` — 429, the request was refused for our own rate (the budget paces the next attempt);
 * `busy` — `locked`/`conflict`: another action holds the resource, nothing was applied;
 * `transient` — 5xx, dropped connections, timeouts.
 */
export type RetryKind = 'rate' | 'busy' | 'transient';

/** Network error codes that mean the request never reached the API (safe to resend even for POST). */
const NOT_SENT = new Set(['ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** True when a network failure happened before the request could be sent. */
export function wasNotSent(errorCode: string | undefined): boolean {
  return errorCode !== undefined && NOT_SENT.has(errorCode);
}

/**
 * How a failure may be retried, or undefined when it must not be.
 * GET is idempotent: every 5xx and dropped connection is retried. A mutating call is retried only when the API
 * surely did not apply it: 429, `locked`, `conflict`, 503, or a connection that was never made.
 */
export function classifyFailure(error: unknown, method: string): RetryKind | undefined {
  if (!(error instanceof HcloudError)) return undefined;
  const idempotent = method === 'GET' || method === 'HEAD';
  if (error.status === 429 || error.code === 'rate_limit_exceeded') return 'rate';
  if (error.code === 'locked' || error.code === 'conflict' || error.status === 423) return 'busy';
  if (error.code === 'network_error') {
    const notSent = (error.details as { notSent?: boolean } | undefined)?.notSent === true;
    return idempotent || notSent ? 'transient' : undefined;
  }
  if (error.status === 503) return 'transient';
  if (idempotent && (error.status >= 500 || error.code === 'timeout' || error.code === 'bad_gateway')) return 'transient';
  return undefined;
}

/** Backoff settings of one kind of failure. */
export interface BackoffSettings {
  /** Attempts in all (the first one included). */
  attempts: number;
  baseMs: number;
  capMs: number;
}

/** The retry schedule per kind: 429 is retried for as long as it takes (the budget does the waiting). */
export const DEFAULT_BACKOFF: Readonly<Record<RetryKind, BackoffSettings>> = {
  rate: { attempts: 60, baseMs: 250, capMs: 2_000 },
  busy: { attempts: 30, baseMs: 1_000, capMs: 15_000 },
  transient: { attempts: 6, baseMs: 1_000, capMs: 16_000 },
};

/** Exponential backoff with jitter: between half and all of min(cap, base·2^retry). */
export function backoffDelay(retry: number, settings: BackoffSettings, random: () => number = Math.random): number {
  const ceiling = Math.min(settings.capMs, settings.baseMs * 2 ** retry);
  return ceiling / 2 + random() * (ceiling / 2);
}

/** What the retry wrapper needs. */
export interface RetryOptions {
  method: string;
  sleep: SleepFunction;
  signal?: AbortSignal | undefined;
  backoff?: Readonly<Record<RetryKind, BackoffSettings>>;
  /** Called before each wait (for verbose logs). */
  onRetry?: (info: { kind: RetryKind; attempt: number; delayMs: number; error: HcloudError }) => void;
}

/** Runs `call` and retries it as `classifyFailure` allows, with backoff between attempts. */
export async function withRetry<T>(call: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const retries: Record<RetryKind, number> = { rate: 0, busy: 0, transient: 0 };
  for (let attempt = 1; ; attempt++) {
    try {
      return await call(attempt);
    } catch (error) {
      if (options.signal?.aborted) throw error;
      const kind = classifyFailure(error, options.method);
      if (kind === undefined || retries[kind] + 1 >= backoff[kind].attempts) throw error;
      const delayMs = backoffDelay(retries[kind], backoff[kind]);
      retries[kind]++;
      options.onRetry?.({ kind, attempt, delayMs, error: error as HcloudError });
      await options.sleep(delayMs, options.signal);
    }
  }
}
