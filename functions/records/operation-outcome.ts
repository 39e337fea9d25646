/**
 * Turning a finished Durable instance into the record's last operation and result summary. Pure: the
 * caller reads the instance status and writes the record (with its etag).
 */
import type { BuildOutput, DestroyOutput, ReportedError } from "../../orchestrations/contracts";
import { UNCLASSIFIED_CODE } from "../../orchestrations/errors";
import type { EnvironmentRecord, OperationStatus, ResultSummary } from "./types";

/** The parts of a Durable instance status this needs (the Durable HTTP API's names). */
export interface FinishedInstance {
  /** `Completed`, `Failed`, `Terminated`, `Canceled`; anything else means still running. */
  readonly runtimeStatus: string;
  readonly output: unknown;
  /** ISO-8601 or Date. */
  readonly lastUpdatedTime: string | Date;
  /**
   * The last custom status (`EnvironmentProgress`): node states and failures, as data, when the instance
   * failed with no output.
   */
  readonly customStatus?: unknown;
}

/** Runtime statuses under which an instance still occupies its environment. */
const ACTIVE_STATUSES = new Set(["Pending", "Running", "ContinuedAsNew", "Suspended"]);

/** Whether an instance in this runtime status still runs (a new build or destroy must wait). */
export function isActiveRuntimeStatus(runtimeStatus: string): boolean {
  return ACTIVE_STATUSES.has(runtimeStatus);
}

function isBuildOutput(value: unknown): value is BuildOutput {
  return typeof value === "object" && value !== null && "result" in value && "nodes" in value;
}

function isDestroyOutput(value: unknown): value is DestroyOutput {
  return typeof value === "object" && value !== null && "result" in value && "keyVault" in value;
}

function countStates(nodes: Readonly<Record<string, unknown>>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const state of Object.values(nodes)) {
    const name =
      typeof state === "string" ? state : String((state as { state?: unknown })?.state ?? "unknown");
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
}

/**
 * The record after its running operation ended as `instance` says; unchanged when the instance is
 * still active or the record has no running operation.
 * @param now - ISO-8601 time of this write
 */
export function withFinishedOperation(
  record: EnvironmentRecord,
  instance: FinishedInstance,
  now: string,
): EnvironmentRecord {
  const operation = record.lastOperation;
  if (!operation || operation.status !== "running" || isActiveRuntimeStatus(instance.runtimeStatus))
    return record;
  const output = isBuildOutput(instance.output) ? instance.output : undefined;
  const destroyed = isDestroyOutput(instance.output) ? instance.output : undefined;
  const result = output?.result ?? destroyed?.result ?? "succeeded";
  const status: Exclude<OperationStatus, "running"> =
    instance.runtimeStatus === "Terminated" || instance.runtimeStatus === "Canceled"
      ? "canceled"
      : instance.runtimeStatus === "Completed" && result === "succeeded"
        ? "succeeded"
        : "failed";
  const failures: readonly ReportedError[] =
    status !== "failed"
      ? []
      : (output?.failures ?? destroyed?.failures ?? failuresOf(instance)).map(shortened);
  const nodes = output?.nodes ?? nodesOf(instance.customStatus);
  const resultSummary: ResultSummary = {
    result: status,
    nodeStates: nodes ? countStates(nodes) : {},
    failures,
    // A destroy that succeeded may still have kept the vault (purge protection): say so, and why.
    ...(destroyed ? { keyVault: destroyed.keyVault } : {}),
    ...(destroyed?.keyVaultKeptBecause ? { keyVaultKeptBecause: destroyed.keyVaultKeptBecause } : {}),
  };
  // Hosts may run the orchestration clock ahead of the wall clock (the devhost's time scaling).
  const updated = new Date(instance.lastUpdatedTime).toISOString();
  const endedAt = updated < now ? updated : now;
  return {
    ...record,
    lastOperation: { ...operation, status, endedAt },
    resultSummary,
    // A destroy leaves nothing to reach; a build's outputs replace the previous ones.
    ...(operation.action === "destroy" && status === "succeeded" ? { outputs: undefined } : {}),
    ...(output ? { outputs: output.outputs } : {}),
    updatedAt: now,
  };
}

/**
 * Why a Failed instance failed: the failures its last custom status holds as data
 * (`EnvironmentProgress.failures`); for an instance that failed before reporting any (a bug, a host
 * failure), the first line of the host's failure message, shown as it is.
 */
function failuresOf(instance: FinishedInstance): readonly ReportedError[] {
  const reported = (instance.customStatus as { failures?: unknown } | null | undefined)?.failures;
  if (Array.isArray(reported) && reported.length > 0) return reported as ReportedError[];
  const message =
    typeof instance.output === "string" ? instance.output : JSON.stringify(instance.output ?? "");
  return [{ code: UNCLASSIFIED_CODE, message: message.split("\n")[0] ?? message }];
}

/** Node states from a custom status shaped like `EnvironmentProgress`. */
function nodesOf(customStatus: unknown): Readonly<Record<string, unknown>> | undefined {
  const nodes = (customStatus as { nodes?: unknown } | null | undefined)?.nodes;
  return typeof nodes === "object" && nodes !== null ? (nodes as Record<string, unknown>) : undefined;
}

/** Keeps a record's failure messages readable; Azure's own messages are rarely longer. */
function shortened(failure: ReportedError): ReportedError {
  const limit = 1000;
  return failure.message.length > limit
    ? { ...failure, message: `${failure.message.slice(0, limit)}…` }
    : failure;
}
