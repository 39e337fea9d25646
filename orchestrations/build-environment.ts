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
import type { OrchestrationContext, Task, TimerTask } from "durable-functions";
import type { AwaitedInput, ResourceFacts } from "../activities/contract";
import { factsFor } from "../lib/plan/facts";
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
import { EnvironmentFailedError, INPUT_NOT_PROVIDED_CODE, unexpectedFailure } from "./errors";
import { outputWarnings } from "./ingress-outputs";
import { buildOutputs } from "./outputs";
import { progressOf } from "./progress";
import { initialStates, readyNodes, skipDependents, type NodeStates } from "./scheduling";
import { runTaskPool, type PoolEntry } from "./task-pool";

/** The scheduler tick never exceeds this, in seconds: it bounds how late a node's end is noticed. */
export const MAX_SCHEDULER_TICK_SEC = 10;

/**
 * How long a build waits for a user's input (an uploaded certificate) before the node fails, in seconds
 * of orchestration time. The environment stays busy (409) meanwhile; cancel ends the wait sooner.
 */
export const INPUT_WAIT_DEADLINE_SEC = 24 * 3600;

/**
 * The tick while the build waits only for users' input, in seconds: how late an upload can be noticed.
 * Longer than {@link MAX_SCHEDULER_TICK_SEC}, since a day of waiting at 10 s would fill Durable history
 * with 8,640 timers; at 60 s it is 1,440.
 */
export const INPUT_WAIT_TICK_SEC = 60;

/**
 * The shortest tick, in seconds: once a node of an earlier round is past its expected end, the build
 * looks this often, so its dependents start within about this long of its end. Each tick is an episode
 * of the build and two history events, so it is not shorter.
 */
export const MIN_SCHEDULER_TICK_SEC = 2;

/**
 * How long a round waits for nodes of earlier rounds before looking at them again: until the first of
 * them is expected to end (`untilExpectedEndSec`, from when it started and the latency model's median),
 * at least {@link MIN_SCHEDULER_TICK_SEC}, and at most the shortest poll interval among them and
 * {@link MAX_SCHEDULER_TICK_SEC}; {@link INPUT_WAIT_TICK_SEC} when all of them wait for users' input.
 * Nodes of earlier rounds are not re-awaited (task-pool.ts, #574): the tick is how their end is seen,
 * so it is short when an end is due.
 * @param untilExpectedEndSec - seconds from now to the earliest expected end (≤ 0 when one is overdue)
 *   @default - none known: the longest tick
 */
export function schedulerTickSec(
  waitingOn: readonly PlanNode[],
  awaitingInput: readonly PlanNode[] = [],
  untilExpectedEndSec: number = Infinity,
): number {
  if (waitingOn.length === 0 && awaitingInput.length > 0) return INPUT_WAIT_TICK_SEC;
  const intervals = waitingOn.map((node) => latencyOf(ARM_TYPE_BY_KIND[node.kind]).pollIntervalSec);
  const longestSec = Math.min(MAX_SCHEDULER_TICK_SEC, ...intervals);
  return Math.max(
    Math.min(MIN_SCHEDULER_TICK_SEC, longestSec),
    Math.min(longestSec, Math.ceil(untilExpectedEndSec)),
  );
}

/** `86400000` ⇒ `24 h`; `90000` ⇒ `90 s`. */
function formatWait(ms: number): string {
  if (ms >= 3_600_000 && ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${Math.round(ms / 1000)} s`;
}

/** A node waiting for a user's input: what it awaits, since when, until when; its wait once started. */
interface InputWaitState {
  readonly awaiting: AwaitedInput;
  readonly sinceMs: number;
  readonly untilMs: number;
  /** The deadline's timer, once the wait is running (cancelled when the input comes first). */
  deadline?: TimerTask;
}

/** The BUILD_ENVIRONMENT orchestrator. */
export function* buildEnvironmentOrchestrator(
  context: OrchestrationContext,
): Generator<Task, BuildOutput, unknown> {
  const {
    plan,
    parentInstanceId,
    inputWaitDeadlineSec = INPUT_WAIT_DEADLINE_SEC,
  } = buildInputOf(context.df.getInput(), BUILD_ENVIRONMENT, context.df.instanceId);
  const startedAtMs = orchestrationNowMs(context);
  const nodeByKey = new Map(plan.nodes.map((node) => [node.key, node]));
  let states: NodeStates = initialStates(plan);
  const facts: Record<string, ResourceFacts> = {};
  const failures: ReportedError[] = [];
  /** Nodes waiting for users' input, by node key, in the order they began to wait. */
  const inputWaits = new Map<string, InputWaitState>();
  let warnings: string[] = [];

  const fail = (key: string, error: ReportedError) => {
    failures.push(error);
    states = skipDependents(plan, { ...states, [key]: "failed" }, key);
  };
  const spansMs: Record<string, { startMs: number; endMs?: number }> = {};

  const report = (running: ReadonlyMap<string, PoolEntry>) =>
    context.df.setCustomStatus(
      progressOf({
        plan,
        operation: "apply",
        states,
        startedAtMs,
        nowMs: orchestrationNowMs(context),
        runningSinceMs: Object.fromEntries(
          [...running]
            .filter(([key]) => !inputWaits.has(key))
            .map(([key, entry]) => [key, entry.startedAtMs]),
        ),
        failures,
        waitingFor: [...inputWaits].map(([nodeKey, wait]) => ({
          nodeKey,
          reason: wait.awaiting.reason,
          since: new Date(wait.sinceMs).toISOString(),
          until: new Date(wait.untilMs).toISOString(),
        })),
        warnings,
        spansMs,
      }),
    );

  /** A node's span runs from its first start to its end, input waits included. */
  const endSpan = (key: string) => {
    const span = spansMs[key];
    if (span) span.endMs = orchestrationNowMs(context);
  };

  /** Starts a node's sub-orchestration, with the facts its `desired` refers to. */
  const startNode = (node: PlanNode) => {
    states = { ...states, [node.key]: "creating" };
    spansMs[node.key] ??= { startMs: orchestrationNowMs(context) };
    const adminPasswordSecret =
      node.kind === "postgresFlexibleServer" ? adminPasswordSecretFor(plan.nodes, node) : undefined;
    const needed = factsFor(node, facts);
    const input: EnsureNodeOrchestrationInput = {
      node,
      ...(adminPasswordSecret ? { adminPasswordSecret } : {}),
      ...(Object.keys(needed).length > 0 ? { facts: needed } : {}),
    };
    // Ensuring a node again after a wait reuses its instance id: Durable replaces a finished instance.
    const instanceId = ensureNodeInstanceId(plan.environmentId, node.key);
    return {
      key: node.key,
      task: context.df.callSubOrchestrator(ENSURE_NODE_ORCHESTRATION, input, instanceId),
    };
  };

  /** Starts waiting for a node's input: the event, or the deadline, whichever comes first. */
  const startWait = (key: string, wait: InputWaitState) => {
    const deadline = context.df.createTimer(new Date(wait.untilMs));
    wait.deadline = deadline;
    return {
      key,
      task: context.df.Task.any([context.df.waitForExternalEvent(wait.awaiting.event), deadline]),
    };
  };

  yield* runTaskPool(context, {
    keyOrder: plan.nodes.map((node) => node.key),
    // Each node starts once and ends once, more with input waits; ticks add rounds while operations run.
    maxRounds: plan.nodes.length * 4 + 100_000,
    startReady: () => [
      ...[...inputWaits].filter(([, wait]) => !wait.deadline).map(([key, wait]) => startWait(key, wait)),
      ...readyNodes(plan, states).map(startNode),
    ],
    onRound: report,
    tickSec: (waitingOn) => {
      const operations = waitingOn.filter((entry) => !inputWaits.has(entry.key));
      const nowMs = orchestrationNowMs(context);
      const untilExpectedEndSec = Math.min(
        ...operations.map(
          (entry) =>
            (entry.startedAtMs + (nodeByKey.get(entry.key) as PlanNode).estimatedDurationSec * 1000 - nowMs) /
            1000,
        ),
      );
      return schedulerTickSec(
        operations.map((entry) => nodeByKey.get(entry.key) as PlanNode),
        waitingOn
          .filter((entry) => inputWaits.has(entry.key))
          .map((entry) => nodeByKey.get(entry.key) as PlanNode),
        untilExpectedEndSec,
      );
    },
    onEnded: ({ key, task }) => {
      const wait = inputWaits.get(key);
      if (wait) {
        // A wait ended: the input came (ensure the node again) or the deadline passed (the node fails).
        inputWaits.delete(key);
        if (wait.deadline?.isCompleted) {
          endSpan(key);
          fail(key, {
            nodeKey: key,
            code: INPUT_NOT_PROVIDED_CODE,
            message: `${wait.awaiting.reason}; nothing came within ${formatWait(wait.untilMs - wait.sinceMs)}`,
          });
          return;
        }
        wait.deadline?.cancel();
        states = { ...states, [key]: "pending" };
        return;
      }
      // A faulted child is a bug or a host failure: its node fails like any other.
      const result: NodeResult = task.isFaulted
        ? { state: "failed", error: unexpectedFailure(task.result, key) }
        : (task.result as NodeResult);
      if (result.state !== "awaitingInput") endSpan(key);
      if (result.state === "failed") {
        fail(key, result.error);
        return;
      }
      if (result.state === "awaitingInput") {
        const sinceMs = orchestrationNowMs(context);
        inputWaits.set(key, {
          awaiting: result.awaiting,
          sinceMs,
          untilMs: sinceMs + inputWaitDeadlineSec * 1000,
        });
        states = { ...states, [key]: "waiting" };
        return;
      }
      if (result.facts) facts[key] = result.facts;
      states = { ...states, [key]: result.state };
    },
  });
  const outputs = buildOutputs(plan, facts, orchestrationNowMs(context));
  warnings = outputWarnings(outputs);
  report(new Map());
  if (failures.length > 0 && parentInstanceId === undefined)
    throw new EnvironmentFailedError(plan.environmentId, "apply", failures);
  return {
    environmentId: plan.environmentId,
    planHash: plan.hash,
    result: failures.length > 0 ? "failed" : "succeeded",
    nodes: states,
    failures,
    outputs,
  };
}
