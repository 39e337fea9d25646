/**
 * Client-side pacing of ARM writes, deletes and reads, so one host never empties a subscription's token
 * buckets (docs/azure-facts.md#subscription-and-tenant-token-buckets: 200 writes, refilled 10 per second,
 * per subscription and principal; deletes have a bucket of their own, reads one of 250 refilled 25 per
 * second). Every ARM answer reports what is left in `x-ms-ratelimit-remaining-subscription-writes` (or
 * `-deletes`, `-reads`); a pacer per subscription and bucket,
 * shared by every activity of the host, lets a request go while that figure, less the requests still
 * in flight, stays above a reserve. Below it, one request at a time goes as a probe every
 * `probeIntervalMs`: its answer tells how far the bucket has refilled, so no refill rate is assumed (the
 * bucket may be shared with other principals, or refilled faster in an emulator's scaled time).
 */
import type { PipelinePolicy } from "@azure/core-rest-pipeline";
import { currentWritePriority } from "./write-priority";

/**
 * ARM's subscription write bucket per principal (docs/azure-facts.md#subscription-and-tenant-token-buckets):
 * 200 writes, refilled 10 per second.
 */
export const ARM_WRITE_BUCKET = { capacity: 200, refillPerSec: 10 } as const;

/** Tokens a pacer leaves in the bucket by default (see {@link ArmBucketPacerOptions.reserve}). */
export const DEFAULT_PACING_RESERVE = 20;

/** The ARM buckets paced here, by the header suffix ARM names them with. */
export type ArmBucketKind = "writes" | "deletes" | "reads";

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

/**
 * Which bucket an HTTP method draws on: PUT, PATCH and POST are writes; DELETE is a delete; GET and HEAD
 * are reads (250, refilled 25 per second: fifty builds' status checks and ensure reads exceed it at
 * their start). Other methods are not paced.
 */
export function bucketOfMethod(method: string): ArmBucketKind | undefined {
  const upper = method.toUpperCase();
  if (upper === "DELETE") return "deletes";
  if (upper === "GET" || upper === "HEAD") return "reads";
  return upper === "PUT" || upper === "PATCH" || upper === "POST" ? "writes" : undefined;
}

/** A request waiting for the bucket. */
interface Waiter {
  readonly priority: number;
  readonly go: () => void;
}

/**
 * One subscription's bucket of one kind, as this host sees it. Requests that must wait go in priority
 * order (higher first; equal ones in arrival order), so when many builds share the bucket, the writes
 * their critical paths wait on are not queued behind writes with slack.
 */
export class ArmBucketPacer {
  readonly #reserve: number;
  readonly #probeIntervalMs: number;
  /** What ARM last said is left; unknown until the first answer. */
  #remaining: number | undefined;
  #inFlight = 0;
  #lastProbeAtMs = -Infinity;
  /** Waiting requests, highest priority first. */
  #waiters: Waiter[] = [];
  #probeTimer: NodeJS.Timeout | undefined;
  /** Requests that waited for the bucket, and probes sent (diagnostics). */
  readonly stats = { waited: 0, probes: 0 };

  constructor(options: ArmBucketPacerOptions = {}) {
    this.#reserve = options.reserve ?? DEFAULT_PACING_RESERVE;
    this.#probeIntervalMs = options.probeIntervalMs ?? 250;
  }

  /**
   * Resolves when a request may go; pair every call with one {@link release}.
   * @param priority - higher goes first among waiting requests @default 0
   */
  async acquire(priority = 0): Promise<void> {
    if (this.#waiters.length === 0 && this.#admitOne()) {
      this.#inFlight += 1;
      return;
    }
    this.stats.waited += 1;
    await new Promise<void>((go) => {
      // Before the first of lower priority: behind every equal one, so those go in arrival order.
      const at = this.#waiters.findIndex((other) => other.priority < priority);
      this.#waiters.splice(at === -1 ? this.#waiters.length : at, 0, { priority, go });
      this.#dispatch();
    });
  }

  /** A request ended; `remaining` is what its answer said is left (`undefined`: no answer, or no header). */
  release(remaining: number | undefined): void {
    this.#inFlight = Math.max(0, this.#inFlight - 1);
    if (remaining !== undefined) this.#remaining = remaining;
    this.#dispatch();
  }

  /**
   * Whether one more request may go now, counting it as a probe when it goes as one: the reported
   * level, less those in flight, is above the reserve; or, at the reserve with nothing in flight, a
   * probe is due (its answer tells how far the
   * bucket refilled, so no refill rate is assumed).
   */
  #admitOne(): boolean {
    const available =
      this.#remaining === undefined ? Infinity : this.#remaining - this.#inFlight - this.#reserve;
    if (available >= 1) return true;
    const nowMs = Date.now();
    if (this.#inFlight > 0 || nowMs - this.#lastProbeAtMs < this.#probeIntervalMs) return false;
    this.#lastProbeAtMs = nowMs;
    this.stats.probes += 1;
    return true;
  }

  /** Lets the waiting requests go, highest priority first, while the bucket allows. */
  #dispatch(): void {
    while (this.#waiters.length > 0 && this.#admitOne()) {
      const next = this.#waiters.shift() as Waiter;
      this.#inFlight += 1;
      next.go();
    }
    // Nothing in flight will answer: look again when the next probe is due.
    if (this.#waiters.length > 0 && this.#inFlight === 0 && !this.#probeTimer) {
      const dueInMs = Math.max(0, this.#lastProbeAtMs + this.#probeIntervalMs - Date.now());
      this.#probeTimer = setTimeout(() => {
        this.#probeTimer = undefined;
        this.#dispatch();
      }, dueInMs);
    }
  }
}

/** The pacers of one subscription. */
export type SubscriptionPacers = Readonly<Record<ArmBucketKind, ArmBucketPacer>>;

/** Fresh pacers for one subscription. */
export function subscriptionPacers(options: ArmBucketPacerOptions = {}): SubscriptionPacers {
  return {
    writes: new ArmBucketPacer(options),
    deletes: new ArmBucketPacer(options),
    reads: new ArmBucketPacer(options),
  };
}

/**
 * The pipeline policy that paces a subscription's ARM writes, deletes and reads (each attempt, retries
 * included, so it belongs at `perRetry`).
 */
export function armBucketPacingPolicy(pacers: SubscriptionPacers): PipelinePolicy {
  return {
    name: "armBucketPacing",
    async sendRequest(request, next) {
      const kind = bucketOfMethod(request.method);
      if (!kind) return next(request);
      const pacer = pacers[kind];
      await pacer.acquire(currentWritePriority());
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
