/**
 * ENSURE_NODE: brings one plan node to its desired state. The ensure activity writes only when needed
 * and returns at once with the operation to watch; this orchestration then waits on durable timers and
 * calls the cheap check activity until the operation ends, so no activity ever blocks on a long Azure
 * operation and every step is checkpointed.
 */
import type { OrchestrationContext, Task } from "durable-functions";
import type { EnsureNodeInput as EnsureActivityInput } from "../activities/provisioning";
import type { PlanNode } from "../lib/plan/types";
import { failureWith } from "./errors";
import { ensureStep, type NodeFacts } from "./node-activities";
import { watchOperation } from "./watch-operation";

/** Input of ENSURE_NODE. */
export interface EnsureNodeInput {
  readonly environmentId: string;
  readonly node: PlanNode;
  /** What the ensure activity needs beyond the node (where a server's admin password lives). */
  readonly extras?: Omit<EnsureActivityInput, "node">;
}

/** Output of ENSURE_NODE. */
export interface EnsureNodeOutput {
  readonly state: "succeeded" | "unchanged";
  readonly facts?: NodeFacts;
}

/**
 * The child instance id of a node's ENSURE_NODE, derived from the environment id (the parent's): a
 * re-run of the same build addresses the same child, and history stays readable. Node keys hold `/`
 * (`base/vnet`), which the Azure Storage backend refuses in instance ids (they become table keys, where
 * `/`, `\`, `#` and `?` are not allowed), so those become `:`: `acme-staging:base:vnet`.
 */
export function ensureNodeInstanceId(environmentId: string, nodeKey: string): string {
  return `${environmentId}:${nodeKey}`.replace(/[/\\#?]/g, ":");
}

/**
 * How many times an operation that ended with a retryable error (Azure's own `InternalServerError`
 * after an hour, a busy resource) is issued again before the node fails.
 */
const MAX_ENSURE_ROUNDS = 4;

/** The ENSURE_NODE orchestrator. */
export function* ensureNodeOrchestrator(
  context: OrchestrationContext,
): Generator<Task, EnsureNodeOutput, unknown> {
  const { node, extras } = context.df.getInput<EnsureNodeInput>();
  for (let round = 1; ; round++) {
    const report = yield* ensureStep(context, node, extras ?? {});
    if (report.outcome !== "pending") {
      return withFacts(report.outcome, report.facts);
    }
    const ended = yield* watchOperation(context, node, report.operation, report.firstCheckAfterMs);
    if (ended.state === "succeeded") return withFacts("succeeded", ended.facts);
    const error = ended.error ?? {
      kind: "operationFailed" as const,
      code: "OperationFailed",
      message: `the ${report.operation.action} of ${node.name} ended Failed`,
      retryable: false,
    };
    // A terminal code fails the node at once; a retryable one issues the (idempotent) write again.
    if (!error.retryable || round >= MAX_ENSURE_ROUNDS) throw failureWith({ ...error, target: node.key });
    if (!context.df.isReplaying)
      context.warn(`${node.key}: operation failed with ${error.code}; ensuring again`);
  }
}

function withFacts(state: EnsureNodeOutput["state"], facts: NodeFacts | undefined): EnsureNodeOutput {
  return facts === undefined ? { state } : { state, facts };
}
