/**
 * Client-side pacing of ARM writes and deletes, so one host never empties a subscription's token bucket
 * (docs/azure-facts.md#subscription-and-tenant-token-buckets: 200 writes, refilled 10 per second, per
 * subscription and principal; deletes have a bucket of their own). Every ARM answer reports what is left
 * in `x-ms-ratelimit-remaining-subscription-writes` (or `-deletes`); a pacer per subscription and bucket,
 * shared by every activity of the host, lets a request go while that figure, less the requests still
 * in flight, stays above a reserve. Below it, one request at a time goes as a probe every
 * `probeIntervalMs`: its answer tells how far the bucket has refilled, so no refill rate is assumed (the
 * bucket may be shared with other principals, or refilled faster in an emulator's scaled time).
 */
import type { PipelinePolicy } from "@azure/core-rest-pipeline";

/**
 * ARM's subscription write bucket per principal (docs/azure-facts.md#subscription-and-tenant-token-buckets):
 * 200 writes, refilled 10 per second.
 */
export const ARM_WRITE_BUCKET = { capacity: 200, refillPerSec: 10 } as const;

/** Tokens a pacer leaves in the bucket by default (see {@link ArmBucketPacerOptions.reserve}). */
export const DEFAULT_PACING_RESERVE = 20;

/** The ARM buckets paced here, by the header suffix ARM names them with. */
export type ArmBucketKind = "writes" | "deletes";

/** Options of {@link ArmBucketPacer}. */
export interface ArmBucketPacerOptions {
  /**
   * Tokens left untouched while others' answers are awaited: a margin for requests this host does not
   * see (other hosts of the app, other tools under the same principal). @default 20 (a tenth of the bucket)
   */
  readonly reserve?: number;
  /** Real ms between probes while the bucket is at the reserve. @default 250 */
  readonly probeIntervalMs?: number;
}

/** Which bucket an HTTP method draws on: PUT, PATCH and POST are writes; DELETE is a delete; reads are not paced. */
export function bucketOfMethod(method: string): ArmBucketKind | undefined {
  const upper = method.toUpperCase();
  if (upper === "DELETE") return "deletes";
  return upper === "PUT" || upper === "PATCH" || upper === "POST" ? "writes" : undefined;
}

/** One subscription's bucket of one kind, as this host sees it. */
export class ArmBucketPacer {
  readonly #reserve: number;
  readonly #probeIntervalMs: number;
  /** What ARM last said is left; unknown until the first answer. */
  #remaining: number | undefined;
  #inFlight = 0;
  #lastProbeAtMs = -Infinity;
  #waiters: (() => void)[] = [];
  /** Requests that waited for the bucket, and probes sent (diagnostics). */
  readonly stats = { waited: 0, probes: 0 };

  constructor(options: ArmBucketPacerOptions = {}) {
    this.#reserve = options.reserve ?? DEFAULT_PACING_RESERVE;
    this.#probeIntervalMs = options.probeIntervalMs ?? 250;
  }

  /** Resolves when a request may go; pair every call with one {@link release}. */
  async acquire(): Promise<void> {
    let waited = false;
    for (;;) {
      const available =
        this.#remaining === undefined ? Infinity : this.#remaining - this.#inFlight - this.#reserve;
      if (available >= 1) break;
      const nowMs = Date.now();
      if (this.#inFlight === 0 && nowMs - this.#lastProbeAtMs >= this.#probeIntervalMs) {
        this.#lastProbeAtMs = nowMs;
        this.stats.probes += 1;
        break;
      }
      waited = true;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(wake, this.#probeIntervalMs);
        function wake() {
          clearTimeout(timer);
          resolve();
        }
        this.#waiters.push(wake);
      });
    }
    if (waited) this.stats.waited += 1;
    this.#inFlight += 1;
  }

  /** A request ended; `remaining` is what its answer said is left (`undefined`: no answer, or no header). */
  release(remaining: number | undefined): void {
    this.#inFlight = Math.max(0, this.#inFlight - 1);
    if (remaining !== undefined) this.#remaining = remaining;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }
}

/** The pacers of one subscription. */
export type SubscriptionPacers = Readonly<Record<ArmBucketKind, ArmBucketPacer>>;

/** Fresh pacers for one subscription. */
export function subscriptionPacers(options: ArmBucketPacerOptions = {}): SubscriptionPacers {
  return { writes: new ArmBucketPacer(options), deletes: new ArmBucketPacer(options) };
}

/**
 * The pipeline policy that paces a subscription's ARM writes and deletes (each attempt, retries
 * included, so it belongs at `perRetry`).
 */
export function armBucketPacingPolicy(pacers: SubscriptionPacers): PipelinePolicy {
  return {
    name: "armBucketPacing",
    async sendRequest(request, next) {
      const kind = bucketOfMethod(request.method);
      if (!kind) return next(request);
      const pacer = pacers[kind];
      await pacer.acquire();
      let remaining: number | undefined;
      try {
        const response = await next(request);
        const header = response.headers.get(`x-ms-ratelimit-remaining-subscription-${kind}`);
        const parsed = header === undefined ? NaN : Number(header);
        remaining = Number.isFinite(parsed) ? parsed : response.status === 429 ? 0 : undefined;
        return response;
      } finally {
        pacer.release(remaining);
      }
    },
  };
}
