/**
 * ENSURE_NODE_ORCHESTRATION: brings one plan node to its desired state. The ensure activity writes only
 * when needed and returns at once with the operation to watch; this orchestration then waits on durable
 * timers and calls the cheap check activity until the operation ends, so no activity ever blocks on a
 * long Azure operation and every step is checkpointed. It returns its failure as a value
 * (`{ state: "failed", error }`): the build decides what a failed node means for the others.
 */
import type { OrchestrationContext, Task } from "durable-functions";
import type { AwaitedInput, EnsureNodeInput, ResourceFacts } from "../activities/contract";
import type { AzureErrorSummary } from "../lib/azure/errors";
import { ENSURE_NODE_ORCHESTRATION, type ReportedError } from "./contracts";
import { ensureNodeInputOf } from "./inputs";
import { ensureStep } from "./node-activities";
import { watchOperation } from "./watch-operation";

/** Input of ENSURE_NODE_ORCHESTRATION: the ensure activity's input, which it passes on unchanged. */
export type EnsureNodeOrchestrationInput = EnsureNodeInput;

/**
 * Output of ENSURE_NODE_ORCHESTRATION: how the node ended. `awaitingInput`: nothing was written; the
 * build waits for `awaiting.event` and ensures the node again.
 */
export type NodeResult =
  | { readonly state: "succeeded" | "unchanged"; readonly facts?: ResourceFacts }
  | { readonly state: "awaitingInput"; readonly awaiting: AwaitedInput }
  | { readonly state: "failed"; readonly error: ReportedError };

/**
 * How many times an operation that ended with a retryable error (Azure's own `InternalServerError`
 * after an hour, a busy resource) is issued again before the node fails.
 */
export const MAX_ENSURE_ROUNDS = 4;

/** The user's view of `error`, about the node with key `nodeKey`. */
export function reportedError(nodeKey: string, error: AzureErrorSummary): ReportedError {
  return { nodeKey, code: error.code, message: error.message };
}

/** The ENSURE_NODE_ORCHESTRATION orchestrator. */
export function* ensureNodeOrchestrator(context: OrchestrationContext): Generator<Task, NodeResult, unknown> {
  const input = ensureNodeInputOf(
    context.df.getInput(),
    ENSURE_NODE_ORCHESTRATION,
    context.df.instanceId,
    context.df.isReplaying,
  );
  const { node } = input;
  const failed = (error: AzureErrorSummary): NodeResult => ({
    state: "failed",
    error: reportedError(node.key, error),
  });
  for (let round = 1; ; round++) {
    const write = yield* ensureStep(context, input);
    if (write.outcome === "failed") return failed(write.error);
    if (write.outcome === "awaitingInput") return { state: "awaitingInput", awaiting: write.awaiting };
    if (write.outcome !== "pending") return withFacts(write.outcome, write.facts);
    const ended = yield* watchOperation(context, node, write.operation, write.nextCheckAfterMs);
    if (ended.outcome === "succeeded") return withFacts("succeeded", ended.facts);
    if (ended.outcome === "failed") return failed(ended.error);
    // The operation ended Failed. A terminal code fails the node at once; a retryable one issues the
    // (idempotent) write again, as ARM retries a failed provisioning.
    if (!ended.error.retryable || round >= MAX_ENSURE_ROUNDS) return failed(ended.error);
    if (!context.df.isReplaying)
      context.warn(`${node.key}: operation failed with ${ended.error.code}; ensuring again`);
  }
}

function withFacts(state: "succeeded" | "unchanged", facts: ResourceFacts | undefined): NodeResult {
  return facts === undefined ? { state } : { state, facts };
}
