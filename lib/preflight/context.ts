/**
 * What every preflight check is given: the spec and its plan, the reads, where to put findings, the
 * document path of each module, and what applying would do to each node (from the live state, read once).
 */
import { ARM_TYPE_BY_KIND } from "../plan/kinds";
import type { Plan, PlanNode } from "../plan/types";
import type { EnvironmentSpec } from "../spec/types";
import type { PreflightReads } from "./azure-reads";
import type { PreflightFindings } from "./findings";

/**
 * What applying would do to a node (the plan preview's answer, `functions/plan-preview.ts`). Preflight
 * reads the preview before engine replacements are marked, so a replacing cache is still `create` here.
 */
export interface NodeChangeView {
  readonly change: "create" | "update" | "unchanged" | "blocked" | "replace" | "unknown";
  readonly changedPaths?: readonly string[];
  readonly immutablePaths?: readonly string[];
  readonly blockedReasons?: readonly string[];
}

/** One preflight's inputs. */
export interface PreflightContext {
  readonly spec: EnvironmentSpec;
  readonly plan: Plan;
  readonly reads: PreflightReads;
  readonly findings: PreflightFindings;
  /** Document path of each module, by name (`{ db: "modules[2]" }`); validation's `modulePaths`. */
  readonly modulePaths: Readonly<Record<string, string>>;
  /** What applying would do to the node. */
  changeOf(nodeKey: string): NodeChangeView;
  /** The node's live resource (SDK-shaped) when it was read and exists. */
  liveOf(nodeKey: string): unknown;
}

/** The document path of a node's module, with `field` appended (`modules[1].max_nodes`). */
export function pathOf(context: PreflightContext, node: PlanNode, field?: string): string {
  const index = context.spec.modules.findIndex((module) => module.name === node.module);
  const module = context.modulePaths[node.module] ?? (index >= 0 ? `modules[${index}]` : "modules");
  return field ? `${module}.${field}` : module;
}

/** Module paths as validation reports them, from the validated spec when the document's are unknown. */
export function modulePathsOf(spec: EnvironmentSpec): Record<string, string> {
  return Object.fromEntries(spec.modules.map((module, index) => [module.name, `modules[${index}]`]));
}

/** Nodes of `kind`. */
export function nodesOf(plan: Plan, kind: PlanNode["kind"]): PlanNode[] {
  return plan.nodes.filter((node) => node.kind === kind);
}

/**
 * The resource providers the plan writes to, from its nodes' ARM types: every `Microsoft.*` namespace but
 * `Microsoft.Resources` (registered in every subscription, and never unregistered), sorted.
 */
export function providerNamespacesOf(plan: Plan): string[] {
  const namespaces = plan.nodes
    .map((node) => ARM_TYPE_BY_KIND[node.kind].split("/")[0]!)
    .filter((namespace) => namespace.startsWith("Microsoft.") && namespace !== "Microsoft.Resources");
  return [...new Set(namespaces)].sort();
}

/** True when the change touches `path` (or something inside it). */
export function touches(view: NodeChangeView, path: string): boolean {
  return (view.changedPaths ?? []).some((changed) => changed === path || changed.startsWith(`${path}.`));
}

/** A string field of `desired`, by dot path. */
export function desiredString(node: PlanNode, path: string): string | undefined {
  const value = path
    .split(".")
    .reduce<unknown>((at, key) => (at as Record<string, unknown> | undefined)?.[key], node.desired);
  return typeof value === "string" ? value : typeof value === "number" ? String(value) : undefined;
}

/** A number field of `desired`, by dot path. */
export function desiredNumber(node: PlanNode, path: string): number | undefined {
  const value = path
    .split(".")
    .reduce<unknown>((at, key) => (at as Record<string, unknown> | undefined)?.[key], node.desired);
  return typeof value === "number" ? value : undefined;
}
