/**
 * ARM request throttling: token buckets per subscription, principal and operation kind, with ARM's
 * limits (reads 250 refilled 25/s, writes and deletes 200 refilled 10/s). Refill runs 1/timeScale times
 * faster, like every other duration of the emulator.
 */

/** Bucket size and refill rate of one operation kind. */
export interface BucketLimit {
  readonly capacity: number;
  /** Tokens per second on real Azure. */
  readonly refillPerSec: number;
}

/** ARM's documented limits. */
export const ARM_LIMITS = {
  reads: { capacity: 250, refillPerSec: 25 },
  writes: { capacity: 200, refillPerSec: 10 },
} as const satisfies Record<string, BucketLimit>;

export type RequestKind = keyof typeof ARM_LIMITS;

/** Outcome of taking a token. */
export interface ThrottleDecision {
  readonly allowed: boolean;
  /** Whole tokens left after this request (the `x-ms-ratelimit-remaining-*` header). */
  readonly remaining: number;
  /** When refused: milliseconds until a token is back. */
  readonly retryAfterMs: number;
}

interface Bucket {
  tokens: number;
  updatedAtMs: number;
}

/** Token buckets keyed by subscription, principal and kind. */
export class Throttle {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly timeScale: () => number,
    private readonly now: () => number = Date.now,
    private readonly limits: Record<RequestKind, BucketLimit> = ARM_LIMITS,
  ) {}

  /** Takes one token for a request. */
  take(subscriptionId: string, principalId: string, kind: RequestKind): ThrottleDecision {
    const limit = this.limits[kind];
    const key = `${subscriptionId.toLowerCase()}|${principalId}|${kind}`;
    const nowMs = this.now();
    const scale = Math.max(this.timeScale(), 1e-9);
    const refillPerMs = limit.refillPerSec / 1000 / scale;
    const bucket = this.buckets.get(key) ?? { tokens: limit.capacity, updatedAtMs: nowMs };
    bucket.tokens = Math.min(limit.capacity, bucket.tokens + (nowMs - bucket.updatedAtMs) * refillPerMs);
    bucket.updatedAtMs = nowMs;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, remaining: Math.floor(bucket.tokens), retryAfterMs: 0 };
    }
    return { allowed: false, remaining: 0, retryAfterMs: Math.ceil((1 - bucket.tokens) / refillPerMs) };
  }

  reset(): void {
    this.buckets.clear();
  }
}
