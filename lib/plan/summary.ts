/**
 * Views of a plan for people and progress reports: the earliest-start schedule, the critical path and
 * one line per stage.
 */
import { criticalPath, earliestSchedule, type CriticalPath, type ScheduledNode } from "./graph";
import type { Plan, Stage } from "./types";

/** Stages in the order they are reported. */
export const STAGES: readonly Stage[] = ["network", "cluster", "data", "secrets", "ingress"];

/** One stage of a plan, in seconds from the start of a build with unlimited parallelism. */
export interface StageSummary {
  readonly stage: Stage;
  readonly nodeCount: number;
  /** When the stage's first node can start. */
  readonly startSec: number;
  /** When its last node is estimated to end. */
  readonly finishSec: number;
}

/** Everything `envctl plan` and status reports show about a plan's timing. */
export interface PlanSummary {
  readonly schedule: readonly ScheduledNode[];
  readonly criticalPath: CriticalPath;
  /** Stages that have nodes, in {@link STAGES} order. */
  readonly stages: readonly StageSummary[];
  /** Estimated build length: the critical path's length, in seconds. */
  readonly estimatedBuildSec: number;
}

/** Summarises a plan. */
export function summarizePlan(plan: Plan): PlanSummary {
  const schedule = earliestSchedule(plan.nodes);
  const timing = new Map(schedule.map((entry) => [entry.key, entry]));
  const stages = STAGES.flatMap((stage): StageSummary[] => {
    const members = plan.nodes.filter((node) => node.stage === stage).map((node) => timing.get(node.key)!);
    if (members.length === 0) return [];
    return [
      {
        stage,
        nodeCount: members.length,
        startSec: Math.min(...members.map((member) => member.startSec)),
        finishSec: Math.max(...members.map((member) => member.finishSec)),
      },
    ];
  });
  const path = criticalPath(plan.nodes);
  return { schedule, criticalPath: path, stages, estimatedBuildSec: path.lengthSec };
}
