/**
 * DESTROY_ENVIRONMENT: deletes the environment's resource group, which lets ARM order the teardown
 * (subnets stay in use until their endpoints and NICs are gone, field note 11), waits for it on durable
 * timers, then deals with the Key Vault left soft-deleted: kept (recoverable; a re-apply recovers it) or
 * purged. A purge Azure refuses (the vault has purge protection) does not fail the destroy: everything
 * else is gone, and the vault is reported `kept` with Azure's code and message. Idempotent: an
 * environment already gone is destroyed successfully.
 */
import type { OrchestrationContext, Task } from "durable-functions";
import { latencyOf } from "../lib/latency-model";
import { ARM_TYPE_BY_KIND } from "../lib/plan/kinds";
import type { Plan, PlanNode } from "../lib/plan/types";
import { orchestrationNowMs } from "./orchestration-time";
import type { DestroyInput, DestroyOutput, ReportedError } from "./contracts";
import { EnvironmentFailedError, failureWith, reportedErrorOf } from "./errors";
import { deleteStep, purgeVaultStep, type WriteReport } from "./node-activities";
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

/** Deletes one node and waits until it is gone; absent is success. */
function* removeNode(context: OrchestrationContext, node: PlanNode): Generator<Task, void, unknown> {
  yield* waitUntilDone(context, node, yield* deleteStep(context, node));
}

/** Waits for the delete (or purge) `report` started, if it is still running; throws when it failed. */
function* waitUntilDone(
  context: OrchestrationContext,
  node: PlanNode,
  report: WriteReport,
): Generator<Task, void, unknown> {
  if (report.outcome !== "pending") return;
  const ended = yield* watchOperation(context, node, report.operation, report.firstCheckAfterMs);
  if (ended.state === "failed") {
    throw failureWith(
      ended.error ?? {
        kind: "operationFailed",
        code: "OperationFailed",
        message: `the delete of ${node.name} ended Failed`,
        retryable: false,
      },
    );
  }
}

/**
 * Purges the soft-deleted vault of `node` and waits for it.
 * @returns Azure's refusal when purge protection forbids the purge (the vault is kept), else undefined
 */
function* purgeVault(
  context: OrchestrationContext,
  node: PlanNode,
): Generator<Task, ReportedError | undefined, unknown> {
  const report = yield* purgeVaultStep(context, node);
  if (report.outcome === "refused") {
    return { nodeKey: node.key, code: report.error.code, message: report.error.message };
  }
  yield* waitUntilDone(context, node, report);
  return undefined;
}

/** The DESTROY_ENVIRONMENT orchestrator. */
export function* destroyEnvironmentOrchestrator(
  context: OrchestrationContext,
): Generator<Task, DestroyOutput, unknown> {
  const { plan, keyVault } = context.df.getInput<DestroyInput>();
  const startedAtMs = orchestrationNowMs(context);
  const estimateSec = estimatedDestroySec(plan);
  const report = (states: NodeStates, lastError?: ReportedError) => {
    const nowMs = orchestrationNowMs(context);
    const left = states === finished ? 0 : Math.max(0, estimateSec - (nowMs - startedAtMs) / 1000);
    context.df.setCustomStatus(
      progressOf({
        plan,
        operation: "destroy",
        states,
        startedAtMs,
        nowMs,
        etaSec: left,
        ...(lastError ? { lastError } : {}),
      }),
    );
  };
  const deleting = allNodes(plan, "creating");
  const finished = allNodes(plan, "succeeded");
  const resourceGroup = plan.nodes.find((node) => node.kind === "resourceGroup");
  const vault = plan.nodes.find((node) => node.kind === "keyVault");
  let current: PlanNode | undefined;
  let keptBecause: ReportedError | undefined;
  try {
    report(deleting);
    if (resourceGroup) {
      current = resourceGroup;
      yield* removeNode(context, resourceGroup);
    }
    if (vault && keyVault === "purge") {
      current = vault;
      keptBecause = yield* purgeVault(context, vault);
      if (keptBecause && !context.df.isReplaying)
        context.warn(`${vault.key}: kept, not purged: ${keptBecause.code}: ${keptBecause.message}`);
    }
  } catch (error) {
    const failure = reportedErrorOf(error, current?.key);
    report(allNodes(plan, "failed"), failure);
    throw new EnvironmentFailedError(plan.environmentId, "destroy", [failure]);
  }
  report(finished);
  return {
    environmentId: plan.environmentId,
    result: "succeeded",
    keyVault:
      vault === undefined ? "absent" : keyVault === "purge" && keptBecause === undefined ? "purged" : "kept",
    ...(keptBecause === undefined ? {} : { keyVaultKeptBecause: keptBecause }),
  };
}
