/**
 * BUILD_ENVIRONMENT: a scheduler over the plan's DAG. Each node starts (as one
 * ENSURE_NODE_ORCHESTRATION sub-orchestration) as soon as its own dependencies are done; stages are only
 * views for progress. A failed node (a value its sub-orchestration returns) skips its dependents while
 * independent branches finish. Then a top-level build fails its instance with a summary naming every
 * failed node and Azure's code and message, the same failures being data in its last custom status; a
 * child of a batch returns them in its output.
 *
 * Waiting is `task-pool.ts`'s.
 */
import type { OrchestrationContext, Task } from "durable-functions";
import type { ResourceFacts } from "../activities/contract";
import { latencyOf } from "../lib/latency-model";
import { ARM_TYPE_BY_KIND } from "../lib/plan/kinds";
import { adminPasswordSecretFor } from "../lib/plan/secrets";
import type { PlanNode } from "../lib/plan/types";
import { orchestrationNowMs } from "./orchestration-time";
import {
  BUILD_ENVIRONMENT,
  ENSURE_NODE_ORCHESTRATION,
  type BuildOutput,
  type ReportedError,
} from "./contracts";
import type { EnsureNodeOrchestrationInput, NodeResult } from "./ensure-node";
import { buildInputOf } from "./inputs";
import { ensureNodeInstanceId } from "./instance-ids";
import { EnvironmentFailedError, unexpectedFailure } from "./errors";
import { buildOutputs } from "./outputs";
import { progressOf } from "./progress";
import { initialStates, readyNodes, skipDependents, type NodeStates } from "./scheduling";
import { runTaskPool, type PoolEntry } from "./task-pool";

/** The scheduler tick never exceeds this, in seconds: it bounds how late a node's end is noticed. */
export const MAX_SCHEDULER_TICK_SEC = 10;

/**
 * How long a round waits for nodes of earlier rounds before looking at them again: the shortest poll
 * interval among them (none of them can end sooner than its own next check), at most
 * {@link MAX_SCHEDULER_TICK_SEC}.
 */
export function schedulerTickSec(waitingOn: readonly PlanNode[]): number {
  const intervals = waitingOn.map((node) => latencyOf(ARM_TYPE_BY_KIND[node.kind]).pollIntervalSec);
  return Math.min(MAX_SCHEDULER_TICK_SEC, ...intervals);
}

/** The BUILD_ENVIRONMENT orchestrator. */
export function* buildEnvironmentOrchestrator(
  context: OrchestrationContext,
): Generator<Task, BuildOutput, unknown> {
  const { plan, parentInstanceId } = buildInputOf(
    context.df.getInput(),
    BUILD_ENVIRONMENT,
    context.df.instanceId,
  );
  const startedAtMs = orchestrationNowMs(context);
  const nodeByKey = new Map(plan.nodes.map((node) => [node.key, node]));
  let states: NodeStates = initialStates(plan);
  const facts: Record<string, ResourceFacts | undefined> = {};
  const failures: ReportedError[] = [];
  const spansMs: Record<string, { startMs: number; endMs?: number }> = {};

  const report = (running: ReadonlyMap<string, PoolEntry>) =>
    context.df.setCustomStatus(
      progressOf({
        plan,
        operation: "apply",
        states,
        startedAtMs,
        nowMs: orchestrationNowMs(context),
        runningSinceMs: Object.fromEntries([...running].map(([key, entry]) => [key, entry.startedAtMs])),
        failures,
        spansMs,
      }),
    );

  yield* runTaskPool(context, {
    keyOrder: plan.nodes.map((node) => node.key),
    // Each node starts once and ends once; ticks add rounds while long operations run.
    maxRounds: plan.nodes.length * 2 + 100_000,
    startReady: () =>
      readyNodes(plan, states).map((node) => {
        states = { ...states, [node.key]: "creating" };
        spansMs[node.key] = { startMs: orchestrationNowMs(context) };
        const adminPasswordSecret =
          node.kind === "postgresFlexibleServer" ? adminPasswordSecretFor(plan.nodes, node) : undefined;
        const input: EnsureNodeOrchestrationInput = {
          node,
          ...(adminPasswordSecret ? { adminPasswordSecret } : {}),
        };
        const instanceId = ensureNodeInstanceId(plan.environmentId, node.key);
        return {
          key: node.key,
          task: context.df.callSubOrchestrator(ENSURE_NODE_ORCHESTRATION, input, instanceId),
        };
      }),
    onRound: report,
    tickSec: (waitingOn) => schedulerTickSec(waitingOn.map((entry) => nodeByKey.get(entry.key) as PlanNode)),
    onEnded: ({ key, task, startedAtMs: startMs }) => {
      spansMs[key] = { startMs, endMs: orchestrationNowMs(context) };
      // A faulted child is a bug or a host failure: its node fails like any other.
      const result: NodeResult = task.isFaulted
        ? { state: "failed", error: unexpectedFailure(task.result, key) }
        : (task.result as NodeResult);
      if (result.state === "failed") {
        failures.push(result.error);
        states = skipDependents(plan, { ...states, [key]: "failed" }, key);
        return;
      }
      facts[key] = result.facts;
      states = { ...states, [key]: result.state };
    },
  });
  report(new Map());
  if (failures.length > 0 && parentInstanceId === undefined)
    throw new EnvironmentFailedError(plan.environmentId, "apply", failures);
  return {
    environmentId: plan.environmentId,
    planHash: plan.hash,
    result: failures.length > 0 ? "failed" : "succeeded",
    nodes: states,
    failures,
    outputs: buildOutputs(plan, facts),
  };
}
