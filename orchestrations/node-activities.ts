/**
 * The one place the orchestrations call the activities: which activity serves a node, with which retry
 * profile. Results are the activities' own types (`activities/contract.ts`), unchanged; a call that
 * failed for good comes back as {@link CallFailed}. Everything here crosses Durable history: names, ids
 * and operation handles, never secret values.
 */
import type { OrchestrationContext, Task } from "durable-functions";
import {
  ACTIVITY,
  type ArmOperation,
  type CheckOperationInput,
  type DeleteNodeInput,
  type EnsureNodeInput,
  type EnsureResult,
  type OperationCheck,
  type PurgeDeletedVaultInput,
  type WriteResult,
} from "../activities/contract";
import type { PlanNode } from "../lib/plan/types";
import { callActivityClassified, type CallFailed } from "./classified-call";
import type { OperationKind } from "./deadlines";
import { retry, type RetryProfile } from "./retry-profiles";

/** Data-plane steps: no ARM operation to watch, and Key Vault access may still be propagating. */
const DATA_PLANE_KINDS: ReadonlySet<PlanNode["kind"]> = new Set([
  "keyVaultSecrets",
  "kubernetesSecret",
  "kubernetesObject",
  "tlsCertificate",
]);

/** The retry profile of a node's writes. */
export function writeProfileOf(node: PlanNode): RetryProfile {
  return DATA_PLANE_KINDS.has(node.kind) ? retry.dataPlane : retry.armWrite;
}

/** Ensures `node` once (one GET, a write only when needed; or what it awaits from a user). */
export function* ensureStep(
  context: OrchestrationContext,
  input: EnsureNodeInput,
): Generator<Task, EnsureResult | CallFailed, unknown> {
  return yield* callActivityClassified<EnsureResult>(
    context,
    ACTIVITY.ensureNode,
    input,
    writeProfileOf(input.node),
  );
}

/** Deletes `node` once; absent is success. */
export function* deleteStep(
  context: OrchestrationContext,
  node: PlanNode,
): Generator<Task, WriteResult | CallFailed, unknown> {
  const input: DeleteNodeInput = { node };
  return yield* callActivityClassified<WriteResult>(context, ACTIVITY.deleteNode, input, retry.armWrite);
}

/**
 * Purges `node`'s (a `keyVault`) soft-deleted vault once; absent is success. Purge protection
 * forbidding it comes back as a failure of kind `invalidRequest`.
 */
export function* purgeVaultStep(
  context: OrchestrationContext,
  node: PlanNode,
): Generator<Task, WriteResult | CallFailed, unknown> {
  const input: PurgeDeletedVaultInput = { node };
  return yield* callActivityClassified<WriteResult>(
    context,
    ACTIVITY.purgeDeletedVault,
    input,
    retry.armWrite,
  );
}

/** Checks `operation` once. */
export function* checkStep(
  context: OrchestrationContext,
  operation: ArmOperation,
): Generator<Task, OperationCheck | CallFailed, unknown> {
  const input: CheckOperationInput = { operation };
  return yield* callActivityClassified<OperationCheck>(context, ACTIVITY.checkOperation, input, retry.poll);
}

/** The deadline class of an operation: watching one already running is treated as a create (the longest). */
export function operationKindOf(operation: ArmOperation): OperationKind {
  return operation.action === "watch" ? "create" : operation.action;
}
