/**
 * DESTROY_ENVIRONMENT: deletes the environment's resource group, which lets ARM order the teardown
 * (subnets stay in use until their endpoints and NICs are gone, docs/azure-facts.md#failure-case-11), waits for it on durable
 * timers, then deals with the Key Vault left soft-deleted: kept (recoverable; a re-apply recovers it) or
 * purged. A purge Azure refuses (the vault has purge protection) does not fail the destroy: everything
 * else is gone, and the vault is reported `kept` with Azure's code and message. Idempotent: an
 * environment already gone is destroyed successfully.
 */
import type { OrchestrationContext, Task } from "durable-functions";
import type { WriteResult } from "../activities/contract";
import { latencyOf } from "../lib/latency-model";
import { ARM_TYPE_BY_KIND } from "../lib/plan/kinds";
import type { Plan, PlanNode } from "../lib/plan/types";
import type { CallFailed } from "./classified-call";
import { DESTROY_ENVIRONMENT, type DestroyOutput, type ReportedError } from "./contracts";
import { reportedError } from "./ensure-node";
import { EnvironmentFailedError } from "./errors";
import { destroyInputOf } from "./inputs";
import { deleteStep, purgeVaultStep } from "./node-activities";
import { orchestrationNowMs } from "./orchestration-time";
import { progressOf } from "./progress";
import type { NodeState, NodeStates } from "./scheduling";
import { watchOperation } from "./watch-operation";

/** Seconds a resource group deletion is expected to take: as long as its slowest resource's delete. */
export function estimatedDestroySec(plan: Plan): number {
  return Math.max(0, ...plan.nodes.map((node) => latencyOf(ARM_TYPE_BY_KIND[node.kind]).deleteP50Sec));
}

function allNodes(plan: Plan, state: NodeState): NodeStates {
  return Object.fromEntries(plan.nodes.map((node) => [node.key, state]));
}

/**
 * Waits for the delete (or purge) `write` started, if it is still running.
 * @returns undefined when the node is gone, else why not (Azure's code and message)
 */
function* waitUntilGone(
  context: OrchestrationContext,
  node: PlanNode,
  write: WriteResult | CallFailed,
): Generator<Task, ReportedError | undefined, unknown> {
  if (write.outcome === "failed") return reportedError(node.key, write.error);
  if (write.outcome !== "pending") return undefined;
  const ended = yield* watchOperation(context, node, write.operation, write.nextCheckAfterMs);
  return ended.outcome === "succeeded" ? undefined : reportedError(node.key, ended.error);
}

/** Deletes one node and waits until it is gone; absent is success. */
function* removeNode(
  context: OrchestrationContext,
  node: PlanNode,
): Generator<Task, ReportedError | undefined, unknown> {
  return yield* waitUntilGone(context, node, yield* deleteStep(context, node));
}

/** How a purge of a soft-deleted vault ended. */
type PurgeEnd =
  | { readonly outcome: "purged" }
  /** Azure refused the purge (purge protection): the vault stays soft-deleted, recoverable. */
  | { readonly outcome: "kept"; readonly because: ReportedError }
  | { readonly outcome: "failed"; readonly error: ReportedError };

/** Purges the soft-deleted vault of `node` and waits for it. */
function* purgeVault(context: OrchestrationContext, node: PlanNode): Generator<Task, PurgeEnd, unknown> {
  const write = yield* purgeVaultStep(context, node);
  if (write.outcome === "failed" && write.error.kind === "invalidRequest")
    return { outcome: "kept", because: reportedError(node.key, write.error) };
  const error = yield* waitUntilGone(context, node, write);
  return error === undefined ? { outcome: "purged" } : { outcome: "failed", error };
}

/** The DESTROY_ENVIRONMENT orchestrator. */
export function* destroyEnvironmentOrchestrator(
  context: OrchestrationContext,
): Generator<Task, DestroyOutput, unknown> {
  const { plan, keyVault, parentInstanceId } = destroyInputOf(
    context.df.getInput(),
    DESTROY_ENVIRONMENT,
    context.df.instanceId,
    context.df.isReplaying,
  );
  const startedAtMs = orchestrationNowMs(context);
  const estimateSec = estimatedDestroySec(plan);
  const deleting = allNodes(plan, "creating");
  const finished = allNodes(plan, "succeeded");
  const report = (states: NodeStates, failures: readonly ReportedError[] = []) => {
    const nowMs = orchestrationNowMs(context);
    const left = states === finished ? 0 : Math.max(0, estimateSec - (nowMs - startedAtMs) / 1000);
    context.df.setCustomStatus(
      progressOf({ plan, operation: "destroy", states, startedAtMs, nowMs, etaSec: left, failures }),
    );
  };
  const resourceGroup = plan.nodes.find((node) => node.kind === "resourceGroup");
  const vault = plan.nodes.find((node) => node.kind === "keyVault");
  const failed = (failure: ReportedError): DestroyOutput => {
    report(allNodes(plan, "failed"), [failure]);
    if (parentInstanceId === undefined)
      throw new EnvironmentFailedError(plan.environmentId, "destroy", [failure]);
    return { environmentId: plan.environmentId, result: "failed", failures: [failure], keyVault: "kept" };
  };

  report(deleting);
  if (resourceGroup) {
    const error = yield* removeNode(context, resourceGroup);
    if (error) return failed(error);
  }
  let purge: PurgeEnd | undefined;
  if (vault && keyVault === "purge") {
    purge = yield* purgeVault(context, vault);
    if (purge.outcome === "failed") return failed(purge.error);
    if (purge.outcome === "kept" && !context.df.isReplaying)
      context.warn(`${vault.key}: kept, not purged: ${purge.because.code}: ${purge.because.message}`);
  }
  report(finished);
  return {
    environmentId: plan.environmentId,
    result: "succeeded",
    failures: [],
    keyVault: vault === undefined ? "absent" : purge?.outcome === "purged" ? "purged" : "kept",
    ...(purge?.outcome === "kept" ? { keyVaultKeptBecause: purge.because } : {}),
  };
}
