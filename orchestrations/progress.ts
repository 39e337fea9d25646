/**
 * The custom status of a build or destroy ({@link EnvironmentProgress}), as a pure function of what the
 * orchestration knows: the plan, each node's state, and orchestration time.
 */
import type { Plan } from "../lib/plan/types";
import type { EnvironmentProgress, InputWait, NodeSpan, ReportedError } from "./contracts";
import { currentStage, remainingEstimateSec, type NodeStates } from "./scheduling";

/** What {@link progressOf} reads. Times are orchestration time in epoch milliseconds. */
export interface ProgressFacts {
  readonly plan: Plan;
  readonly operation: "apply" | "destroy";
  readonly states: NodeStates;
  readonly startedAtMs: number;
  readonly nowMs: number;
  /** When each running node started, by node key. @default - none running */
  readonly runningSinceMs?: Readonly<Record<string, number>>;
  /**
   * Seconds left, when the caller knows better than the plan's build estimate (destroy).
   * @default - the longest chain of estimates through nodes not yet done
   */
  readonly etaSec?: number;
  /** Every failure so far, in the order they happened. @default - none */
  readonly failures?: readonly ReportedError[];
  /** Nodes waiting for users' input. @default - none */
  readonly waitingFor?: readonly InputWait[];
  /** Warnings to show (a certificate about to expire). @default - none */
  readonly warnings?: readonly string[];
  /**
   * When each started node started and ended (orchestration time, epoch ms), by node key.
   * @default - no timeline is reported
   */
  readonly spansMs?: Readonly<Record<string, { readonly startMs: number; readonly endMs?: number }>>;
}

const seconds = (ms: number): number => Math.max(0, Math.round(ms / 1000));

/** The progress report for `facts`. */
export function progressOf(facts: ProgressFacts): EnvironmentProgress {
  const runningForSec = Object.fromEntries(
    Object.entries(facts.runningSinceMs ?? {}).map(([key, sinceMs]) => [key, seconds(facts.nowMs - sinceMs)]),
  );
  const stage = currentStage(facts.plan, facts.states);
  const failures = facts.failures ?? [];
  const lastError = failures[failures.length - 1];
  return {
    environmentId: facts.plan.environmentId,
    operation: facts.operation,
    ...(stage === undefined ? {} : { stage }),
    nodes: facts.states,
    elapsedSec: seconds(facts.nowMs - facts.startedAtMs),
    etaSec: Math.round(facts.etaSec ?? remainingEstimateSec(facts.plan, facts.states, runningForSec)),
    ...(lastError === undefined ? {} : { lastError }),
    failures,
    ...(facts.waitingFor && facts.waitingFor.length > 0 ? { waitingFor: facts.waitingFor } : {}),
    ...(facts.warnings && facts.warnings.length > 0 ? { warnings: facts.warnings } : {}),
    ...(facts.spansMs === undefined ? {} : { timeline: timelineOf(facts.spansMs, facts.startedAtMs) }),
  };
}

function timelineOf(spansMs: NonNullable<ProgressFacts["spansMs"]>, startedAtMs: number) {
  return Object.fromEntries(
    Object.entries(spansMs).map(([key, span]): [string, NodeSpan] => [
      key,
      {
        startSec: seconds(span.startMs - startedAtMs),
        ...(span.endMs === undefined ? {} : { endSec: seconds(span.endMs - startedAtMs) }),
      },
    ]),
  );
}
