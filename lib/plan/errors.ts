/**
 * Branded errors of the planner. The brand is a registered symbol, so `isX()` holds even when two copies
 * of this module are loaded (e.g. the CLI and a test importing different builds).
 */

const PLAN_CONTEXT_ERROR = Symbol.for("azure-env-provisioner/PlanContextError");
const PLAN_GRAPH_ERROR = Symbol.for("azure-env-provisioner/PlanGraphError");

/** The provisioner settings given to the planner are unusable (e.g. no allowed IP range). */
export class PlanContextError extends Error {
  readonly [PLAN_CONTEXT_ERROR] = true;
  override readonly name = "PlanContextError";
}

/** A node graph is not a DAG: a cycle, or a dependency on a key that does not exist. */
export class PlanGraphError extends Error {
  readonly [PLAN_GRAPH_ERROR] = true;
  override readonly name = "PlanGraphError";
}

/** True for a {@link PlanContextError}, also across duplicate copies of this module. */
export function isPlanContextError(error: unknown): error is PlanContextError {
  return typeof error === "object" && error !== null && PLAN_CONTEXT_ERROR in error;
}

/** True for a {@link PlanGraphError}, also across duplicate copies of this module. */
export function isPlanGraphError(error: unknown): error is PlanGraphError {
  return typeof error === "object" && error !== null && PLAN_GRAPH_ERROR in error;
}
