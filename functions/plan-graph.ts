/**
 * `GET /api/environments/{name}/graph`: an environment's plan as a graph people can draw — its nodes
 * (keys, kinds, names, stages, dependencies, estimates), the earliest-start schedule, the critical path
 * and a layered drawing's positions — derived from the recorded spec's plan. No desired state: the
 * graph is what a dashboard or a CLI shows, and stays small.
 */
import { summarizePlan, type StageSummary } from "../lib/plan/summary";
import type { NodeKind, Plan, Stage } from "../lib/plan/types";

/** One node of the graph. Times are seconds from the build's start, estimated with unlimited parallelism. */
export interface GraphNodeView {
  readonly key: string;
  readonly kind: NodeKind;
  readonly name: string;
  /** The spec module it belongs to. */
  readonly module: string;
  readonly stage: Stage;
  readonly dependsOn: readonly string[];
  /** Median duration on real Azure, from the latency model. */
  readonly estimatedDurationSec: number;
  readonly estimatedStartSec: number;
  readonly estimatedFinishSec: number;
  /** On the critical path. */
  readonly critical: boolean;
  /** Column of a left-to-right layered drawing: the longest chain of dependencies leading to it (0: none). */
  readonly layer: number;
  /** Row within its column, ordered to keep edges short (barycentres of its dependencies' rows). */
  readonly order: number;
}

/** The whole graph. */
export interface PlanGraph {
  readonly environmentId: string;
  readonly planHash: string;
  readonly resourceGroup: string;
  readonly location: string;
  /** The critical path's length: the build's estimated duration, in seconds. */
  readonly estimatedBuildSec: number;
  readonly criticalPath: { readonly keys: readonly string[]; readonly lengthSec: number };
  readonly stages: readonly StageSummary[];
  /** In the plan's topological order. */
  readonly nodes: readonly GraphNodeView[];
}

/** Barycentre sweeps over the layers: a few passes settle a graph of this size. */
const ORDERING_SWEEPS = 4;

/** Layer (longest chain of dependencies) of each node; `nodes` must be in topological order. */
function layersOf(plan: Plan): Map<string, number> {
  const layer = new Map<string, number>();
  for (const node of plan.nodes) {
    layer.set(node.key, Math.max(-1, ...node.dependsOn.map((dep) => layer.get(dep) ?? 0)) + 1);
  }
  return layer;
}

/**
 * Rows within each layer: nodes start in plan order (stage, then key), then each sweep sorts a layer
 * by the mean row of its neighbours in the previous layer (down sweeps: dependencies; up: dependents),
 * the classic Sugiyama heuristic that untangles most crossings.
 */
function ordersOf(plan: Plan, layer: ReadonlyMap<string, number>): Map<string, number> {
  const columns: string[][] = [];
  for (const node of plan.nodes) (columns[layer.get(node.key)!] ??= []).push(node.key);
  const dependents = new Map<string, string[]>();
  const dependencies = new Map(plan.nodes.map((node) => [node.key, node.dependsOn]));
  for (const node of plan.nodes)
    for (const dep of node.dependsOn) dependents.set(dep, [...(dependents.get(dep) ?? []), node.key]);
  const row = new Map<string, number>();
  const number = (column: readonly string[]) => column.forEach((key, index) => row.set(key, index));
  columns.forEach(number);
  const sortBy = (column: string[], neighbours: (key: string) => readonly string[]) => {
    const weight = (key: string) => {
      const rows = neighbours(key).map((other) => row.get(other)!);
      return rows.length === 0 ? row.get(key)! : rows.reduce((sum, value) => sum + value, 0) / rows.length;
    };
    const weights = new Map(column.map((key) => [key, weight(key)]));
    column.sort((a, b) => weights.get(a)! - weights.get(b)! || row.get(a)! - row.get(b)!);
    number(column);
  };
  for (let sweep = 0; sweep < ORDERING_SWEEPS; sweep++) {
    if (sweep % 2 === 0)
      columns.slice(1).forEach((column) => sortBy(column, (key) => dependencies.get(key)!));
    else
      columns
        .slice(0, -1)
        .reverse()
        .forEach((column) => sortBy(column, (key) => dependents.get(key) ?? []));
  }
  return row;
}

/** The graph of `plan`. */
export function planGraph(plan: Plan): PlanGraph {
  const summary = summarizePlan(plan);
  const timing = new Map(summary.schedule.map((entry) => [entry.key, entry]));
  const critical = new Set(summary.criticalPath.keys);
  const layer = layersOf(plan);
  const order = ordersOf(plan, layer);
  return {
    environmentId: plan.environmentId,
    planHash: plan.hash,
    resourceGroup: plan.resourceGroup,
    location: plan.location,
    estimatedBuildSec: summary.estimatedBuildSec,
    criticalPath: summary.criticalPath,
    stages: summary.stages,
    nodes: plan.nodes.map((node) => ({
      key: node.key,
      kind: node.kind,
      name: node.name,
      module: node.module,
      stage: node.stage,
      dependsOn: node.dependsOn,
      estimatedDurationSec: node.estimatedDurationSec,
      estimatedStartSec: timing.get(node.key)!.startSec,
      estimatedFinishSec: timing.get(node.key)!.finishSec,
      critical: critical.has(node.key),
      layer: layer.get(node.key)!,
      order: order.get(node.key)!,
    })),
  };
}
