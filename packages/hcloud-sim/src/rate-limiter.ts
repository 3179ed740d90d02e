// The per-token rate limit: a bucket of `limit` requests refilled gradually (1/s for 3600/h), with the real headers.

import { performance } from 'node:perf_hooks';

/** Result of counting one request. */
export interface RateDecision {
  allowed: boolean;
  headers: Record<string, string>;
}

interface Bucket {
  remaining: number;
  at: number;
}

/** Token buckets keyed by an opaque key (the token itself never leaves this object). */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    readonly limit: number,
    readonly refillPerSecond: number,
  ) {}

  /** Count one request for `key`; `allowed` is false when the bucket is empty. */
  take(key: string): RateDecision {
    const bucket = this.refill(key);
    const allowed = bucket.remaining >= 1;
    if (allowed) bucket.remaining -= 1;
    return { allowed, headers: this.headersOf(bucket) };
  }

  /** The headers for `key` without counting a request. */
  peek(key: string): Record<string, string> {
    return this.headersOf(this.refill(key));
  }

  private refill(key: string): Bucket {
    const now = performance.now();
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { remaining: this.limit, at: now };
      this.buckets.set(key, bucket);
    }
    bucket.remaining = Math.min(this.limit, bucket.remaining + ((now - bucket.at) / 1000) * this.refillPerSecond);
    bucket.at = now;
    return bucket;
  }

  private headersOf(bucket: Bucket): Record<string, string> {
    const missing = this.limit - bucket.remaining;
    const secondsToFull = this.refillPerSecond > 0 ? Math.ceil(missing / this.refillPerSecond) : 0;
    return {
      'RateLimit-Limit': String(this.limit),
      'RateLimit-Remaining': String(Math.floor(bucket.remaining)),
      'RateLimit-Reset': String(Math.ceil(Date.now() / 1000) + secondsToFull),
    };
  }
}
