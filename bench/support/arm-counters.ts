/** Emulator request counts between two moments, by the emulator's categories. */
import type { RequestCounters } from "@azure-env-provisioner/azure-emulator";

/** Requests of one benchmark run, by category. */
export interface RequestCounts {
  /** ARM writes: PUT, PATCH, DELETE and POST actions on the ARM origin. */
  readonly writes: number;
  /** ARM GETs of resources not being changed. */
  readonly reads: number;
  /** ARM GETs of operation status URLs and of resources with an operation running. */
  readonly polls: number;
  readonly keyVault: number;
  readonly kubernetes: number;
  /** Requests answered 429 (throttled). */
  readonly throttled: number;
  /** Of those, ARM writes (refused by the write bucket, or by a parent's operation in progress). */
  readonly throttledWrites: number;
  /** Of those, ARM reads and polls (refused by the read bucket). */
  readonly throttledReads: number;
}

/** Counts from `before` to `after` (two `admin.counters()` snapshots). */
export function requestCountsBetween(before: RequestCounters, after: RequestCounters): RequestCounts {
  const changeIn = (counts: (snapshot: RequestCounters) => Record<string, number>) => (category: string) =>
    (counts(after)[category] ?? 0) - (counts(before)[category] ?? 0);
  const delta = changeIn((snapshot) => snapshot.byCategory);
  const throttledDelta = changeIn((snapshot) => snapshot.throttledByCategory);
  return {
    writes: delta("writes"),
    reads: delta("reads"),
    polls: delta("polls"),
    keyVault: delta("keyvault"),
    kubernetes: delta("kubernetes"),
    throttled: after.throttled - before.throttled,
    throttledWrites: throttledDelta("writes"),
    throttledReads: throttledDelta("reads") + throttledDelta("polls"),
  };
}
