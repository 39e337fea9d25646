/**
 * Scheduling over the plan's DAG, as pure functions of the plan and the nodes' states. The build
 * orchestration replays these on every episode, so they must stay deterministic: no clock, no I/O.
 */
import type { Plan, PlanNode, Stage } from "../lib/plan/types";

/**
 * A node's state during a build, as reported in custom status. `waiting`: the node awaits a user's
 * input (an uploaded certificate); the build carries on with everything else meanwhile.
 */
export type NodeState = "pending" | "creating" | "waiting" | "succeeded" | "unchanged" | "failed" | "skipped";

/** States by node key. */
export type NodeStates = Readonly<Record<string, NodeState>>;

const DONE: ReadonlySet<NodeState> = new Set(["succeeded", "unchanged"]);
const FINAL: ReadonlySet<NodeState> = new Set(["succeeded", "unchanged", "failed", "skipped"]);

/** True when the node ended well (created, updated or adopted unchanged). */
export const isDone = (state: NodeState | undefined): boolean => state !== undefined && DONE.has(state);

/** True when nothing more will happen to the node. */
export const isFinal = (state: NodeState | undefined): boolean => state !== undefined && FINAL.has(state);

/** Every node pending, the state a build starts from. */
export function initialStates(plan: Plan): NodeStates {
  return Object.fromEntries(plan.nodes.map((node) => [node.key, "pending" as NodeState]));
}

/**
 * Nodes that may start now: pending, with every dependency done. Returned in plan order so the
 * orchestration yields them in the same order on every replay.
 */
export function readyNodes(plan: Plan, states: NodeStates): PlanNode[] {
  return plan.nodes.filter(
    (node) => states[node.key] === "pending" && node.dependsOn.every((dep) => isDone(states[dep])),
  );
}

/**
 * Marks every pending node that (transitively) depends on `failedKey` as skipped; independent
 * branches are untouched so they can finish.
 */
export function skipDependents(plan: Plan, states: NodeStates, failedKey: string): NodeStates {
  const next: Record<string, NodeState> = { ...states };
  const blocked = new Set([failedKey]);
  // Plan nodes are in topological order, so one pass sees every dependency before its dependents.
  for (const node of plan.nodes) {
    if (node.dependsOn.some((dep) => blocked.has(dep))) {
      blocked.add(node.key);
      if (next[node.key] === "pending") next[node.key] = "skipped";
    }
  }
  return next;
}

/** True when no node is pending or running. */
export function isBuildFinished(states: NodeStates): boolean {
  return Object.values(states).every((state) => isFinal(state));
}

/** Counts of nodes per state. */
export type StateCounts = Readonly<Record<NodeState, number>>;

/** What a progress report says about one stage. */
export interface StageProgress {
  readonly stage: Stage;
  readonly total: number;
  readonly counts: StateCounts;
}

function countStates(nodes: readonly PlanNode[], states: NodeStates): StateCounts {
  const counts: Record<NodeState, number> = {
    pending: 0,
    creating: 0,
    waiting: 0,
    succeeded: 0,
    unchanged: 0,
    failed: 0,
    skipped: 0,
  };
  for (const node of nodes) counts[states[node.key] ?? "pending"] += 1;
  return counts;
}

const STAGE_ORDER: readonly Stage[] = ["network", "cluster", "data", "secrets", "ingress"];

/** Progress per stage, in the stages' natural order; stages without nodes are left out. */
export function stageProgress(plan: Plan, states: NodeStates): StageProgress[] {
  return STAGE_ORDER.map((stage) => {
    const nodes = plan.nodes.filter((node) => node.stage === stage);
    return { stage, total: nodes.length, counts: countStates(nodes, states) };
  }).filter((progress) => progress.total > 0);
}

/**
 * The stage a user would say the build is in: the earliest stage with work not yet final, or the last
 * stage when everything is final.
 */
export function currentStage(plan: Plan, states: NodeStates): Stage | undefined {
  const progress = stageProgress(plan, states);
  const open = progress.find((p) => p.counts.pending + p.counts.creating + p.counts.waiting > 0);
  return (open ?? progress[progress.length - 1])?.stage;
}

/**
 * Estimated seconds until the build ends: the longest chain of estimates through nodes not yet done,
 * where a running node counts its remaining estimate (`elapsedByKeySec` says how long each has run).
 * Failed and skipped nodes add nothing: they will not run.
 */
export function remainingEstimateSec(
  plan: Plan,
  states: NodeStates,
  elapsedByKeySec: Readonly<Record<string, number>> = {},
): number {
  const finishAt = new Map<string, number>();
  let longest = 0;
  for (const node of plan.nodes) {
    const state = states[node.key] ?? "pending";
    const startsAt = Math.max(0, ...node.dependsOn.map((dep) => finishAt.get(dep) ?? 0));
    let own = 0;
    if (state === "pending") own = node.estimatedDurationSec;
    else if (state === "creating")
      own = Math.max(0, node.estimatedDurationSec - (elapsedByKeySec[node.key] ?? 0));
    const end = state === "failed" || state === "skipped" ? 0 : startsAt + own;
    finishAt.set(node.key, end);
    longest = Math.max(longest, end);
  }
  return longest;
}
