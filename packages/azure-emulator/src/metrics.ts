/**
 * The request log and counters the admin API reports: by method, resource type, status and category
 * (ARM reads, writes, polls, throttled requests, data-plane calls) — what benchmarks and tests read to
 * see how a build used the API.
 */

/** What kind of request it was, for the counters. */
export type RequestCategory =
  | "reads"
  | "writes"
  | "polls"
  | "admin"
  | "keyvault"
  | "kubernetes"
  /** Microsoft Entra ID: discovery, keys and token requests (src/entra). */
  | "identity";

/** One logged request. Bodies are never logged: they may hold secrets. */
export interface RequestLogEntry {
  readonly atMs: number;
  readonly method: string;
  readonly path: string;
  /** The request's `api-version` query parameter, when it had one. */
  readonly apiVersion?: string;
  readonly resourceType: string;
  readonly category: RequestCategory;
  readonly status: number;
  readonly durationMs: number;
}

/** Counters, each keyed by its dimension's value. */
export interface RequestCounters {
  total: number;
  byMethod: Record<string, number>;
  byResourceType: Record<string, number>;
  byStatus: Record<string, number>;
  byCategory: Record<string, number>;
  /** Requests answered 429. */
  throttled: number;
  /** Requests answered 429, by category (writes, reads, polls, …). */
  throttledByCategory: Record<string, number>;
}

/** Most recent requests kept; older ones are dropped first. */
const MAX_LOG_ENTRIES = 5000;

const bump = (counts: Record<string, number>, key: string): void => {
  counts[key] = (counts[key] ?? 0) + 1;
};

const emptyCounters = (): RequestCounters => ({
  total: 0,
  byMethod: {},
  byResourceType: {},
  byStatus: {},
  byCategory: {},
  throttled: 0,
  throttledByCategory: {},
});

/** A bounded request log with running counters. */
export class RequestMetrics {
  private entries: RequestLogEntry[] = [];
  private counters = emptyCounters();

  record(entry: RequestLogEntry): void {
    this.entries.push(entry);
    if (this.entries.length > MAX_LOG_ENTRIES) this.entries.splice(0, this.entries.length - MAX_LOG_ENTRIES);
    const c = this.counters;
    c.total += 1;
    bump(c.byMethod, entry.method);
    bump(c.byResourceType, entry.resourceType);
    bump(c.byStatus, String(entry.status));
    bump(c.byCategory, entry.category);
    if (entry.status === 429) {
      c.throttled += 1;
      bump(c.throttledByCategory, entry.category);
    }
  }

  /** The most recent `limit` entries, oldest first. */
  log(limit = MAX_LOG_ENTRIES): RequestLogEntry[] {
    return this.entries.slice(-limit);
  }

  snapshot(): RequestCounters {
    return structuredClone(this.counters);
  }

  reset(): void {
    this.entries = [];
    this.counters = emptyCounters();
  }
}
