/**
 * Where a build's time went, from the Durable record of its per-node sub-orchestrations (instance id
 * `<environment id>:<node key>` with `/` as `:`; created when the scheduler started the node, last
 * updated when it ended). Status times are wall-clock times; the caller's `secondsBetween` turns them
 * into orchestration seconds, which run with the emulator's scaled Azure time. History timestamps are
 * orchestration time already.
 */
import type { InstanceStatus } from "@azure-env-provisioner/functions-devhost";
import { ensureNodeInstanceId } from "../../orchestrations/instance-ids";
import type { Plan, PlanNode } from "../../lib/plan/types";

/** One node of a finished build, seconds of orchestration time from the build's start. */
export interface NodeTiming {
  readonly node: PlanNode;
  readonly startSec: number;
  readonly endSec: number;
  /** The latency model's median create (the emulator's operation length). */
  readonly estimateSec: number;
  /** Start minus the end of its last dependency (or the build's start): the scheduler's delay. */
  readonly startDelaySec: number;
  /** Time from its start to its end beyond the estimate: ensure and check calls, polls that land late. */
  readonly overshootSec: number;
  /** The dependency that ended last (what the node waited for), if any. */
  readonly lastDependency?: string;
}

/**
 * Per-node timings of a build; nodes without a sub-orchestration record are left out.
 * @param secondsBetween - orchestration seconds between two status times (ISO strings)
 */
export function nodeTimings(
  plan: Plan,
  build: InstanceStatus,
  children: readonly InstanceStatus[],
  secondsBetween: (fromIso: string, toIso: string) => number,
): Map<string, NodeTiming> {
  const t0 = build.createdTime;
  const byId = new Map(children.map((child) => [child.instanceId, child]));
  const timings = new Map<string, NodeTiming>();
  // Plan nodes are in topological order: every dependency is timed before its dependents.
  for (const node of plan.nodes) {
    const child = byId.get(ensureNodeInstanceId(plan.environmentId, node.key));
    if (!child) continue;
    const startSec = secondsBetween(t0, child.createdTime);
    const endSec = secondsBetween(t0, child.lastUpdatedTime);
    let lastDependency: string | undefined;
    for (const key of node.dependsOn) {
      const dependency = timings.get(key);
      if (
        dependency &&
        (lastDependency === undefined || dependency.endSec > timings.get(lastDependency)!.endSec)
      )
        lastDependency = key;
    }
    const readySec = lastDependency === undefined ? 0 : timings.get(lastDependency)!.endSec;
    timings.set(node.key, {
      node,
      startSec,
      endSec,
      estimateSec: node.estimatedDurationSec,
      startDelaySec: startSec - readySec,
      overshootSec: endSec - startSec - node.estimatedDurationSec,
      ...(lastDependency === undefined ? {} : { lastDependency }),
    });
  }
  return timings;
}

/** The chain that decided the build's length: from the node that ended last, back through last dependencies. */
export function measuredCriticalChain(timings: ReadonlyMap<string, NodeTiming>): NodeTiming[] {
  let last: NodeTiming | undefined;
  for (const timing of timings.values()) if (!last || timing.endSec > last.endSec) last = timing;
  const chain: NodeTiming[] = [];
  // Bounded by the node count: each step moves to a strictly earlier dependency.
  for (let at = last; at && chain.length <= timings.size;) {
    chain.unshift(at);
    at = at.lastDependency === undefined ? undefined : timings.get(at.lastDependency);
  }
  return chain;
}

/**
 * Where one node's time went, from its sub-orchestration's history (orchestration seconds). The rest of
 * its time (its length minus waits and activities) is the host's: noticing a due timer, running episodes.
 */
export interface NodeHistoryBreakdown {
  /** Durable timers it waited on (status checks and back-offs). */
  readonly timers: number;
  /** Sum of the waits it asked for (timer creation to due time). */
  readonly plannedWaitSec: number;
  /** Activities (ensure, checks) from scheduling to completion. */
  readonly activities: number;
  readonly activitySec: number;
}

interface PublicHistoryEvent {
  readonly EventType?: string;
  readonly Timestamp?: string;
  readonly ScheduledTime?: string;
  readonly FireAt?: string;
}

const secondsBetween = (from: string | undefined, to: string | undefined): number =>
  from && to ? Math.max(0, (Date.parse(to) - Date.parse(from)) / 1000) : 0;

/** Sums a sub-orchestration's history (a status read with `showHistory`). */
export function historyBreakdown(status: InstanceStatus): NodeHistoryBreakdown {
  const events = (status.historyEvents ?? []) as PublicHistoryEvent[];
  let timers = 0;
  let plannedWaitSec = 0;
  let activities = 0;
  let activitySec = 0;
  for (const event of events) {
    if (event.EventType === "TimerFired") {
      timers += 1;
      plannedWaitSec += secondsBetween(event.ScheduledTime, event.FireAt);
    } else if (event.EventType === "TaskCompleted" || event.EventType === "TaskFailed") {
      activities += 1;
      activitySec += secondsBetween(event.ScheduledTime, event.Timestamp);
    }
  }
  return { timers, plannedWaitSec, activities, activitySec };
}
