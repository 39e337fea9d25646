/**
 * One moment of an operation as the live views draw it: every resource with its stage, word and how long
 * it has run, the overall counts, elapsed time, ETA and failures. Built from the API's view and the
 * environment's graph; pure.
 */
import type { PlanGraph } from "../../functions/plan-graph";
import type { EnvironmentAnswer, ReportedError } from "../service/client";
import { FINISHED_WORDS, nodeWord, type NodeWord, type WordContext } from "./node-words";

/** One resource now. */
export interface LiveNode {
  readonly key: string;
  readonly stage: string;
  readonly word: NodeWord;
  /** Wall seconds it has run (or ran), when it started in this operation. */
  readonly elapsedSec?: number;
}

/** The operation now. */
export interface Snapshot {
  readonly environmentId: string;
  readonly operation: "apply" | "destroy";
  /** The record's status of the operation: running, succeeded, failed, canceled. */
  readonly status: string;
  /** Resources in the graph's order. */
  readonly nodes: readonly LiveNode[];
  /** Stages in the order they first appear. */
  readonly stages: readonly string[];
  readonly finished: number;
  readonly total: number;
  /** Wall seconds since the operation started, and estimated seconds left. */
  readonly elapsedSec: number;
  readonly etaSec: number;
  readonly stage?: string;
  readonly failures: readonly ReportedError[];
  /** For a canceled build: resources Azure was still writing. */
  readonly leftInAzure: readonly string[];
}

/** Whether the operation has ended. */
export const hasEnded = (snapshot: Snapshot): boolean => snapshot.status !== "running";

/** The context of the words for `view`'s operation. */
export function wordContextOf(view: EnvironmentAnswer, changes?: WordContext["changes"]): WordContext {
  const operation = view.progress?.operation ?? view.lastOperation?.action ?? "apply";
  return {
    operation,
    firstBuild: view.createdAt === view.lastOperation?.startedAt,
    ...(changes ? { changes } : {}),
  };
}

/**
 * The snapshot of `view`. Nodes come from `graph` (the plan of the recorded spec); node keys only the
 * progress knows (a newer plan) follow them.
 */
export function snapshotOf(
  view: EnvironmentAnswer,
  graph: PlanGraph | undefined,
  context: WordContext,
): Snapshot {
  const progress = view.progress;
  const states = progress?.nodes ?? {};
  const planned = graph?.nodes.map((node) => ({ key: node.key, stage: node.stage })) ?? [];
  const known = new Set(planned.map((node) => node.key));
  const extra = Object.keys(states)
    .filter((key) => !known.has(key))
    .map((key) => ({ key, stage: key.split("/")[0] ?? "" }));
  // Between the claim and the orchestration's first report, a running operation has no progress yet:
  // everything waits.
  const before = progress === undefined && view.lastOperation?.status === "running" ? "pending" : undefined;
  const nodes = [...planned, ...extra].map(({ key, stage }): LiveNode => {
    const span = progress?.timeline?.[key];
    const elapsedSec = span ? Math.max(0, (span.endSec ?? progress!.elapsedSec) - span.startSec) : undefined;
    return {
      key,
      stage,
      word: nodeWord(states[key] ?? before, key, context),
      ...(elapsedSec === undefined ? {} : { elapsedSec }),
    };
  });
  // The plan's stage order (network, cluster, data, secrets), then any stage only the progress knows.
  const stages = [
    ...new Set([...(graph?.stages.map((stage) => stage.stage) ?? []), ...nodes.map((node) => node.stage)]),
  ];
  return {
    environmentId: view.environmentId,
    operation: context.operation,
    status: view.lastOperation?.status ?? "unknown",
    nodes,
    stages,
    finished: nodes.filter((node) => FINISHED_WORDS.has(node.word)).length,
    total: nodes.length,
    elapsedSec: progress?.elapsedSec ?? 0,
    etaSec: view.lastOperation?.status === "running" ? (progress?.etaSec ?? 0) : 0,
    ...(progress?.stage ? { stage: progress.stage } : {}),
    failures: progress?.failures ?? view.resultSummary?.failures ?? [],
    leftInAzure: view.resultSummary?.leftInAzure ?? [],
  };
}

/** Counts of each word, in word order of first appearance: `{ done: 30, unchanged: 3 }`. */
export function wordCounts(snapshot: Snapshot): Map<NodeWord, number> {
  const counts = new Map<NodeWord, number>();
  for (const node of snapshot.nodes) counts.set(node.word, (counts.get(node.word) ?? 0) + 1);
  return counts;
}

/** `30 done, 3 unchanged`. */
export function describeCounts(snapshot: Snapshot): string {
  return [...wordCounts(snapshot)].map(([word, count]) => `${count} ${word}`).join(", ");
}
