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
import { chainToEndSec } from "../lib/plan/graph";
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
import { setCustomStatusLazily } from "./lazy-status";
import { progressOf } from "./progress";
import { initialStates, readyNodes, skipDependents, type NodeStates } from "./scheduling";
import { runTaskPool, type PoolEntry } from "./task-pool";

/**
 * How long a build waits for a user's input (an uploaded certificate) before the node fails, in seconds
 * of orchestration time. The environment stays busy (409) meanwhile; cancel ends the wait sooner.
 */
export const INPUT_WAIT_DEADLINE_SEC = 24 * 3600;

/**
 * How often a build looks at a wait for users' input begun in an earlier round, in seconds: how late an
 * upload can be noticed. A node's end wakes the build at once (task-pool.ts), but an event wait is
 * looked at on a durable timer; at 60 s, a day of waiting is 1,440 timers in the build's history.
 */
export const INPUT_WAIT_TICK_SEC = 60;

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
  } = buildInputOf(context.df.getInput(), BUILD_ENVIRONMENT, context.df.instanceId, context.df.isReplaying);
  const startedAtMs = orchestrationNowMs(context);
  let states: NodeStates = initialStates(plan);
  const chainToEnd = chainToEndSec(plan.nodes);
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

  // Reported once per round, before the pool waits (and at the end); the report is computed when the
  // episode ends, from the state of its last round: nothing changes between a round's report and its
  // wait, and a round that goes on (in a replay) reports again.
  const report = (running: ReadonlyMap<string, PoolEntry>) => {
    const nowMs = orchestrationNowMs(context);
    const runningNow = [...running];
    setCustomStatusLazily(context, () =>
      progressOf({
        plan,
        operation: "apply",
        states,
        startedAtMs,
        nowMs,
        runningSinceMs: Object.fromEntries(
          runningNow.filter(([key]) => !inputWaits.has(key)).map(([key, entry]) => [key, entry.startedAtMs]),
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
  };

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
      chainToEndSec: chainToEnd.get(node.key) ?? 0,
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
      waitsForEvent: true,
    };
  };

  yield* runTaskPool(context, {
    keyOrder: plan.nodes.map((node) => node.key),
    // Each node starts once and ends once, more with input waits; ticks add rounds while users' input is awaited.
    maxRounds: plan.nodes.length * 4 + 100_000,
    startReady: () => [
      ...[...inputWaits].filter(([, wait]) => !wait.deadline).map(([key, wait]) => startWait(key, wait)),
      // The longest chain first: its writes are scheduled, and queue for the write bucket, first.
      ...readyNodes(plan, states)
        .sort((a, b) => (chainToEnd.get(b.key) ?? 0) - (chainToEnd.get(a.key) ?? 0))
        .map(startNode),
    ],
    onRound: report,
    tickSec: () => INPUT_WAIT_TICK_SEC,
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
