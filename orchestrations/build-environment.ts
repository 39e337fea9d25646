/**
 * BUILD_ENVIRONMENT: a scheduler over the plan's DAG. Each node starts (as one ENSURE_NODE
 * sub-orchestration) as soon as its own dependencies are done; stages are only views for progress. A
 * failed node skips its dependents while independent branches finish; the instance then fails with a
 * summary naming every failed node and Azure's code and message.
 *
 * Waiting is `task-pool.ts`'s.
 */
import type { OrchestrationContext, Task } from "durable-functions";
import { adminPasswordSecretFor } from "../activities/key-vault-secrets";
import { latencyOf } from "../lib/latency-model";
import { ARM_TYPE_BY_KIND } from "../lib/plan/kinds";
import type { PlanNode } from "../lib/plan/types";
import { orchestrationNowMs } from "./orchestration-time";
import { ENSURE_NODE, type BuildInput, type BuildOutput, type ReportedError } from "./contracts";
import { ensureNodeInstanceId, type EnsureNodeInput, type EnsureNodeOutput } from "./ensure-node";
import { EnvironmentFailedError, reportedErrorOf } from "./errors";
import type { NodeFacts } from "./node-activities";
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
  const { plan } = context.df.getInput<BuildInput>();
  const startedAtMs = orchestrationNowMs(context);
  const nodeByKey = new Map(plan.nodes.map((node) => [node.key, node]));
  let states: NodeStates = initialStates(plan);
  const facts: Record<string, NodeFacts | undefined> = {};
  const failures: ReportedError[] = [];

  const report = (running: ReadonlyMap<string, PoolEntry>) =>
    context.df.setCustomStatus(
      progressOf({
        plan,
        operation: "apply",
        states,
        startedAtMs,
        nowMs: orchestrationNowMs(context),
        runningSinceMs: Object.fromEntries([...running].map(([key, entry]) => [key, entry.startedAtMs])),
        ...(failures.length > 0 ? { lastError: failures[failures.length - 1] } : {}),
      }),
    );

  yield* runTaskPool(context, {
    keyOrder: plan.nodes.map((node) => node.key),
    // Each node starts once and ends once; ticks add rounds while long operations run.
    maxRounds: plan.nodes.length * 2 + 100_000,
    startReady: () =>
      readyNodes(plan, states).map((node) => {
        states = { ...states, [node.key]: "creating" };
        const adminPasswordSecret =
          node.kind === "postgresFlexibleServer" ? adminPasswordSecretFor(plan.nodes, node) : undefined;
        const input: EnsureNodeInput = {
          environmentId: plan.environmentId,
          node,
          ...(adminPasswordSecret ? { extras: { adminPasswordSecret } } : {}),
        };
        const instanceId = ensureNodeInstanceId(plan.environmentId, node.key);
        return { key: node.key, task: context.df.callSubOrchestrator(ENSURE_NODE, input, instanceId) };
      }),
    onRound: report,
    tickSec: (waitingOn) => schedulerTickSec(waitingOn.map((entry) => nodeByKey.get(entry.key) as PlanNode)),
    onEnded: ({ key, task }) => {
      if (task.isFaulted) {
        failures.push(reportedErrorOf(task.result, key));
        states = skipDependents(plan, { ...states, [key]: "failed" }, key);
        return;
      }
      const output = task.result as EnsureNodeOutput;
      facts[key] = output.facts;
      states = { ...states, [key]: output.state };
    },
  });
  report(new Map());
  if (failures.length > 0) throw new EnvironmentFailedError(plan.environmentId, "apply", failures);
  return {
    environmentId: plan.environmentId,
    planHash: plan.hash,
    result: "succeeded",
    nodes: states,
    failures: [],
    outputs: buildOutputs(plan, facts),
  };
}
