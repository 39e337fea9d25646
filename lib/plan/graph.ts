/**
 * DAG algorithms over plan nodes (or any keyed nodes with dependencies and durations): a deterministic
 * topological order, the earliest-start schedule with unlimited parallelism (what the orchestration
 * approaches, since it starts each node when its dependencies end), and the critical path.
 */
import { PlanGraphError } from "./errors";

/** The graph facts the algorithms need. */
export interface GraphNode {
  readonly key: string;
  readonly dependsOn: readonly string[];
  readonly estimatedDurationSec: number;
}

/**
 * Kahn's algorithm; among nodes ready at the same time the smallest key comes first, so the order is a
 * pure function of the graph.
 * @throws PlanGraphError on a duplicate key, a dependency on an unknown key, or a cycle (naming its nodes).
 */
export function topologicalOrder<T extends GraphNode>(nodes: readonly T[]): T[] {
  const byKey = new Map<string, T>();
  for (const node of nodes) {
    if (byKey.has(node.key)) throw new PlanGraphError(`duplicate node key "${node.key}"`);
    byKey.set(node.key, node);
  }
  const remaining = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const node of nodes) {
    const dependencies = new Set(node.dependsOn);
    for (const dependency of dependencies) {
      if (!byKey.has(dependency)) {
        throw new PlanGraphError(`node "${node.key}" depends on unknown node "${dependency}"`);
      }
      dependents.set(dependency, [...(dependents.get(dependency) ?? []), node.key]);
    }
    remaining.set(node.key, dependencies.size);
  }
  const ready = nodes.filter((node) => remaining.get(node.key) === 0).map((node) => node.key);
  const order: T[] = [];
  while (ready.length > 0) {
    ready.sort();
    const key = ready.shift()!;
    order.push(byKey.get(key)!);
    for (const dependent of dependents.get(key) ?? []) {
      const left = remaining.get(dependent)! - 1;
      remaining.set(dependent, left);
      if (left === 0) ready.push(dependent);
    }
  }
  if (order.length !== nodes.length) {
    const stuck = nodes.filter((node) => remaining.get(node.key)! > 0).map((node) => node.key);
    throw new PlanGraphError(`the dependencies form a cycle through ${stuck.sort().join(", ")}`);
  }
  return order;
}

/** When a node starts and ends if every node starts as soon as its dependencies end. Seconds from start. */
export interface ScheduledNode {
  readonly key: string;
  readonly startSec: number;
  readonly finishSec: number;
}

/** The earliest-start schedule, in topological order. */
export function earliestSchedule(nodes: readonly GraphNode[]): ScheduledNode[] {
  const finish = new Map<string, number>();
  return topologicalOrder(nodes).map((node) => {
    const startSec = Math.max(0, ...node.dependsOn.map((key) => finish.get(key)!));
    const finishSec = startSec + node.estimatedDurationSec;
    finish.set(node.key, finishSec);
    return { key: node.key, startSec, finishSec };
  });
}

/** The longest chain of dependent nodes by estimated duration. */
export interface CriticalPath {
  /** Keys from the first node to the last. Empty for an empty graph. */
  readonly keys: readonly string[];
  /** Sum of the chain's durations: the build's estimated length with unlimited parallelism. */
  readonly lengthSec: number;
}

/**
 * The critical path. Ties (two chains of equal length) go to the chain whose last node, then whose
 * predecessors, have the smallest key, so the answer is deterministic.
 */
export function criticalPath(nodes: readonly GraphNode[]): CriticalPath {
  const ordered = topologicalOrder(nodes);
  const finish = new Map<string, number>();
  const via = new Map<string, string | undefined>();
  for (const node of ordered) {
    let best: string | undefined;
    for (const dependency of [...node.dependsOn].sort()) {
      if (best === undefined || finish.get(dependency)! > finish.get(best)!) best = dependency;
    }
    finish.set(node.key, (best === undefined ? 0 : finish.get(best)!) + node.estimatedDurationSec);
    via.set(node.key, best);
  }
  let last: string | undefined;
  for (const key of [...finish.keys()].sort()) {
    if (last === undefined || finish.get(key)! > finish.get(last)!) last = key;
  }
  const keys: string[] = [];
  for (let key = last; key !== undefined; key = via.get(key)) keys.unshift(key);
  return { keys, lengthSec: last === undefined ? 0 : finish.get(last)! };
}

/**
 * For each node, the longest chain of estimated durations from its start to the end of the graph, its
 * own included: how much later than now the build ends at best if the node starts now. The critical
 * path's first node has the largest; a node with much slack, a small one.
 */
export function chainToEndSec(nodes: readonly GraphNode[]): Map<string, number> {
  const chain = new Map<string, number>();
  /** The longest chain among a node's dependents seen so far (reverse order visits them first). */
  const longestAfter = new Map<string, number>();
  for (const node of topologicalOrder(nodes).reverse()) {
    const own = node.estimatedDurationSec + (longestAfter.get(node.key) ?? 0);
    chain.set(node.key, own);
    for (const dependency of node.dependsOn)
      longestAfter.set(dependency, Math.max(longestAfter.get(dependency) ?? 0, own));
  }
  return chain;
}
