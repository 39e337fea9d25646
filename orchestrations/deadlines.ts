/**
 * How long a node's operation may run before the orchestration gives up on it, and how often it is
 * checked, both from the one latency model. Deadlines guard against operations that never end (Redis
 * creates of an hour and more happen, docs/azure-facts.md#failure-case-1), so they are generous: a client that gives up early
 * reports a false failure while Azure finishes anyway.
 */
import { latencyOf } from "../lib/latency-model";
import { ARM_TYPE_BY_KIND } from "../lib/plan/kinds";
import type { NodeKind } from "../lib/plan/types";

/** The deadline is the latency model's p95 times this. */
export const DEADLINE_FACTOR = 3;

/** No deadline is shorter than this, in seconds: small resources still queue behind throttling. */
export const MIN_DEADLINE_SEC = 10 * 60;

/** What an operation does to a node. */
export type OperationKind = "create" | "update" | "delete";

/**
 * Seconds an operation of `kind` may run, on orchestration time, before it is reported as failed with
 * `DEADLINE_EXCEEDED_CODE` (errors.ts).
 */
export function operationDeadlineSec(kind: NodeKind, operation: OperationKind): number {
  const latency = latencyOf(ARM_TYPE_BY_KIND[kind]);
  // The model has one p95, for creates; updates and deletes scale it by their median's ratio.
  const p95Sec =
    operation === "create"
      ? latency.createP95Sec
      : latency.createP95Sec *
        ((operation === "update" ? latency.updateP50Sec : latency.deleteP50Sec) / latency.createP50Sec);
  return Math.max(MIN_DEADLINE_SEC, Math.ceil(p95Sec * DEADLINE_FACTOR));
}

/** The latency model's median length of an operation of `kind` on a node of `kind`, in seconds. */
export function expectedOperationSec(kind: NodeKind, operation: OperationKind): number {
  const latency = latencyOf(ARM_TYPE_BY_KIND[kind]);
  if (operation === "create") return latency.createP50Sec;
  return operation === "update" ? latency.updateP50Sec : latency.deleteP50Sec;
}

/** Seconds between status checks of a running operation of `kind` when Azure names no `Retry-After`. */
export function pollIntervalSec(kind: NodeKind): number {
  return latencyOf(ARM_TYPE_BY_KIND[kind]).pollIntervalSec;
}
