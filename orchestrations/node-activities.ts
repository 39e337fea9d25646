/**
 * The one place the orchestrations meet the activities (`activities/`): which activity serves a node,
 * with which retry profile, and what comes back, read as the orchestrations need it. Everything here
 * crosses Durable history: names, ids and operation handles, never secret values.
 */
import type { OrchestrationContext, Task } from "durable-functions";
import type { ArmOperation, CheckResult } from "../activities/arm-step";
import type {
  CheckOperationInput,
  DeleteNodeInput,
  EnsureNodeInput,
  NodeStepResult,
  PurgeDeletedVaultInput,
} from "../activities/provisioning";
import {
  CHECK_OPERATION_ACTIVITY,
  DELETE_NODE_ACTIVITY,
  ENSURE_NODE_ACTIVITY,
  PURGE_DELETED_VAULT_ACTIVITY,
} from "../activities/register";
import type { AzureErrorSummary } from "../lib/azure/errors";
import type { PlanNode } from "../lib/plan/types";
import { callActivityClassified } from "./classified-call";
import type { OperationKind } from "./deadlines";
import { failureWith } from "./errors";
import { retry, type RetryProfile } from "./retry-profiles";

export type { ArmOperation } from "../activities/arm-step";
export { PURGE_DELETED_VAULT_ACTIVITY };

/** Data-plane steps: no ARM operation to watch, and Key Vault access may still be propagating. */
const DATA_PLANE_KINDS: ReadonlySet<PlanNode["kind"]> = new Set(["keyVaultSecrets", "kubernetesSecret"]);

/** The retry profile of a node's writes. */
export function writeProfileOf(node: PlanNode): RetryProfile {
  return DATA_PLANE_KINDS.has(node.kind) ? retry.dataPlane : retry.armWrite;
}

/** Facts about a live resource users need (FQDNs, URIs, hosts), when a step reports them. Never secrets. */
export type NodeFacts = Readonly<Record<string, string>>;

/** What a write (ensure or delete) came to, as the orchestration reads it. */
export type WriteReport =
  | { readonly outcome: "unchanged" | "succeeded"; readonly facts?: NodeFacts }
  | { readonly outcome: "pending"; readonly operation: ArmOperation; readonly firstCheckAfterMs?: number };

function factsOf(result: NodeStepResult): NodeFacts | undefined {
  const facts = (result as { facts?: unknown }).facts;
  return typeof facts === "object" && facts !== null ? (facts as NodeFacts) : undefined;
}

/** Reads a step's result; a terminal failure (returned, not thrown, by the activity) is thrown here. */
function readStepResult(node: PlanNode, result: NodeStepResult): WriteReport {
  if (result.outcome === "failed") throw failureWith({ ...result.error, target: node.key });
  if (result.outcome === "pending" && "operation" in result && result.operation) {
    return {
      outcome: "pending",
      operation: result.operation,
      ...(result.nextCheckAfterMs === undefined ? {} : { firstCheckAfterMs: result.nextCheckAfterMs }),
    };
  }
  const facts = factsOf(result);
  return { outcome: result.outcome === "unchanged" ? "unchanged" : "succeeded", ...(facts ? { facts } : {}) };
}

/** Ensures `node` once (one GET, a write only when needed). */
export function* ensureStep(
  context: OrchestrationContext,
  node: PlanNode,
  extras: Omit<EnsureNodeInput, "node">,
): Generator<Task, WriteReport, unknown> {
  const input: EnsureNodeInput = { node, ...extras };
  const result = yield* callActivityClassified<NodeStepResult>(
    context,
    ENSURE_NODE_ACTIVITY,
    input,
    writeProfileOf(node),
  );
  return readStepResult(node, result);
}

/** Deletes `node` once; absent is success. */
export function* deleteStep(
  context: OrchestrationContext,
  node: PlanNode,
): Generator<Task, WriteReport, unknown> {
  const input: DeleteNodeInput = { node };
  const result = yield* callActivityClassified<NodeStepResult>(
    context,
    DELETE_NODE_ACTIVITY,
    input,
    retry.armWrite,
  );
  return readStepResult(node, result);
}

/** What a purge of a soft-deleted vault came to: a write's report, or Azure's refusal (purge protection). */
export type PurgeReport =
  | WriteReport
  | { readonly outcome: "refused"; readonly error: AzureErrorSummary & { readonly kind: "invalidRequest" } };

/**
 * Purges `node`'s (a `keyVault`) soft-deleted vault once; absent is success. An invalid request is Azure
 * refusing the purge (purge protection): reported, not thrown, so the destroy can keep the vault and
 * say why. Any other terminal failure is thrown.
 */
export function* purgeVaultStep(
  context: OrchestrationContext,
  node: PlanNode,
): Generator<Task, PurgeReport, unknown> {
  const input: PurgeDeletedVaultInput = { node };
  const result = yield* callActivityClassified<NodeStepResult>(
    context,
    PURGE_DELETED_VAULT_ACTIVITY,
    input,
    retry.armWrite,
  );
  if (result.outcome === "failed" && result.error.kind === "invalidRequest")
    return { outcome: "refused", error: { ...result.error, kind: "invalidRequest" } };
  return readStepResult(node, result);
}

/** What one status check says. */
export interface CheckReport {
  readonly state: CheckResult["state"];
  readonly nextCheckAfterMs?: number;
  readonly error?: AzureErrorSummary;
  /** When a create or update succeeded: the resource's facts (see {@link NodeFacts}). */
  readonly facts?: NodeFacts;
}

/** Checks `operation` once. */
export function* checkStep(
  context: OrchestrationContext,
  operation: ArmOperation,
): Generator<Task, CheckReport, unknown> {
  const input: CheckOperationInput = { operation };
  return yield* callActivityClassified<CheckResult>(context, CHECK_OPERATION_ACTIVITY, input, retry.poll);
}

/** The deadline class of an operation: watching one already running is treated as a create (the longest). */
export function operationKindOf(operation: ArmOperation): OperationKind {
  return operation.action === "watch" ? "create" : operation.action;
}
