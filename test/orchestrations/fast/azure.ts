/**
 * What the activities answer, for the fast specs: builders of the contract's results
 * (`activities/contract.ts`) and a small simulated Azure in which every operation takes its latency
 * model's median. Answers are values, as the real activities return them; a script throws only to play
 * a broken activity.
 */
import {
  ACTIVITY,
  type ActivityFailure,
  type ArmOperation,
  type CheckOperationInput,
  type DeleteNodeInput,
  type EnsureNodeInput,
  type OperationCheck,
  type PurgeDeletedVaultInput,
  type ResourceFacts,
  type WriteDone,
  type WritePending,
} from "../../../activities/contract";
import type { AzureErrorKind, AzureErrorSummary } from "../../../lib/azure/errors";
import { latencyOf } from "../../../lib/latency-model";
import { ARM_TYPE_BY_KIND } from "../../../lib/plan/kinds";
import type { PlanNode } from "../../../lib/plan/types";
import type { ActivityCall, ActivityScript } from "./driver";

/** A classified Azure error. Retryable unless the kind never is. */
export function azureError(
  kind: AzureErrorKind,
  code: string,
  options: { message?: string; retryable?: boolean; retryAfterMs?: number } = {},
): AzureErrorSummary {
  const retryable =
    options.retryable ?? ["throttled", "busy", "transient", "authorization"].includes(kind as string);
  return {
    kind,
    code,
    message: options.message ?? `${code} (scripted)`,
    retryable,
    ...(options.retryAfterMs === undefined ? {} : { retryAfterMs: options.retryAfterMs }),
  };
}

/** `{ outcome: "retry" }`: the same call may succeed later. */
export function retryLater(error: AzureErrorSummary): ActivityFailure {
  return { outcome: "retry", error };
}

/** `{ outcome: "failed" }`: the call never will. */
export function failedFor(error: AzureErrorSummary): ActivityFailure {
  return { outcome: "failed", error: { ...error, retryable: false } };
}

/** A write that finished within the call. */
export function writeDone(
  node: PlanNode,
  outcome: WriteDone["outcome"] = "succeeded",
  facts?: ResourceFacts,
): WriteDone {
  return {
    outcome,
    nodeKey: node.key,
    resourceId: node.id,
    action: outcome === "unchanged" ? "none" : "create",
    ...(facts ? { facts } : {}),
  };
}

/** The operation a write of `node` started. */
export function operationOf(node: PlanNode, action: ArmOperation["action"] = "create"): ArmOperation {
  return { nodeKey: node.key, kind: node.kind, resourceId: node.id, action };
}

/** A write Azure accepted and is still carrying out. */
export function writePending(
  node: PlanNode,
  nextCheckAfterMs: number,
  action: ArmOperation["action"] = "create",
): WritePending {
  return {
    outcome: "pending",
    nodeKey: node.key,
    resourceId: node.id,
    action,
    operation: operationOf(node, action),
    nextCheckAfterMs,
  };
}

/** A status check: still running. */
export const stillRunning = (nextCheckAfterMs: number): OperationCheck => ({
  outcome: "running",
  nextCheckAfterMs,
});

/** A status check: the operation succeeded. */
export const operationSucceeded = (facts?: ResourceFacts): OperationCheck =>
  facts ? { outcome: "succeeded", facts } : { outcome: "succeeded" };

/** A status check: the operation itself ended Failed. */
export const operationFailed = (error: AzureErrorSummary): OperationCheck => ({
  outcome: "operationFailed",
  error,
});

/** The facts a live resource of `node`'s kind reports (made up, recognisable). */
export function factsOf(node: PlanNode): ResourceFacts | undefined {
  switch (node.kind) {
    case "managedCluster":
      return { fqdn: `${node.name}.hcp.example` };
    case "keyVault":
      return { vaultUri: `https://${node.name}.vault.example/` };
    case "postgresFlexibleServer":
    case "redisCache":
      return { host: `${node.name}.host.example` };
    default:
      return undefined;
  }
}

/** The node an activity call is about. */
export function nodeOfCall(call: ActivityCall): { key: string; id: string } {
  if (call.name === ACTIVITY.checkOperation) {
    const { operation } = call.input as CheckOperationInput;
    return { key: operation.nodeKey, id: operation.resourceId };
  }
  const { node } = call.input as EnsureNodeInput | DeleteNodeInput | PurgeDeletedVaultInput;
  return { key: node.key, id: node.id };
}

/** Kinds whose write completes within the call: no operation to watch. */
export const SYNCHRONOUS_KINDS: ReadonlySet<PlanNode["kind"]> = new Set([
  "resourceGroup",
  "keyVaultSecrets",
  "kubernetesSecret",
]);

/** Options of {@link simulatedAzure}. */
export interface SimulatedAzureOptions {
  /** Seconds an operation on `node` runs. @default the latency model's median create (or delete) */
  readonly durationSec?: (node: PlanNode, action: ArmOperation["action"]) => number;
  /** Answers a call before the simulation does, when it returns something other than `undefined`. */
  readonly override?: (call: ActivityCall) => unknown;
}

/**
 * Azure in which every write is accepted at once and its operation ends after its duration; checks
 * say "running, look again after the kind's poll interval" until then. Resource groups, Key Vault
 * secrets and Kubernetes Secrets finish within the call. Keyed by resource id, so several environments
 * share it.
 */
export function simulatedAzure(options: SimulatedAzureOptions = {}): ActivityScript {
  const operations = new Map<string, { node: PlanNode; action: ArmOperation["action"]; endsAtMs: number }>();
  const durationSec =
    options.durationSec ??
    ((node: PlanNode, action: ArmOperation["action"]) => {
      const latency = latencyOf(ARM_TYPE_BY_KIND[node.kind]);
      return action === "delete" ? latency.deleteP50Sec : latency.createP50Sec;
    });
  const pollMs = (node: PlanNode) => latencyOf(ARM_TYPE_BY_KIND[node.kind]).pollIntervalSec * 1000;

  const write = (node: PlanNode, action: "create" | "delete", nowMs: number) => {
    if (action === "create" && SYNCHRONOUS_KINDS.has(node.kind))
      return writeDone(node, "succeeded", factsOf(node));
    operations.set(node.id, { node, action, endsAtMs: nowMs + durationSec(node, action) * 1000 });
    return writePending(node, pollMs(node), action);
  };

  return (call) => {
    const overridden = options.override?.(call);
    if (overridden !== undefined) return overridden;
    switch (call.name) {
      case ACTIVITY.ensureNode:
        return write((call.input as EnsureNodeInput).node, "create", call.nowMs);
      case ACTIVITY.deleteNode:
      case ACTIVITY.purgeDeletedVault:
        return write((call.input as DeleteNodeInput).node, "delete", call.nowMs);
      case ACTIVITY.checkOperation: {
        const { operation } = call.input as CheckOperationInput;
        const running = operations.get(operation.resourceId);
        if (!running) throw new Error(`no operation on ${operation.resourceId}`);
        if (call.nowMs < running.endsAtMs) return stillRunning(pollMs(running.node));
        return running.action === "delete" ? operationSucceeded() : operationSucceeded(factsOf(running.node));
      }
      default:
        throw new Error(`unknown activity ${call.name}`);
    }
  };
}
