/**
 * A resource's state in the user's words. The service reports each node's state by node key
 * (`pending`, `creating`, `succeeded`, …, `orchestrations/scheduling.ts`); people read "waiting",
 * "creating", "updating", "done". The dashboard (`dashboard/dashboard.ts`) uses the same words.
 */
import type { NodeChange } from "../../functions/plan-preview";

/** The words, in the order a resource goes through them. */
export type NodeWord =
  | "waiting"
  | "creating"
  | "updating"
  | "checking"
  | "deleting"
  | "needs input"
  | "done"
  | "deleted"
  | "unchanged"
  | "failed"
  | "skipped"
  | "unknown";

/** Words after which nothing more happens to the resource in this operation. */
export const FINISHED_WORDS: ReadonlySet<NodeWord> = new Set([
  "done",
  "deleted",
  "unchanged",
  "failed",
  "skipped",
]);

/** Words of a resource being worked on now. */
export const ACTIVE_WORDS: ReadonlySet<NodeWord> = new Set(["creating", "updating", "checking", "deleting"]);

/** What the words depend on besides the state. */
export interface WordContext {
  readonly operation: "apply" | "destroy";
  /** The environment's first operation: a running node is being created. */
  readonly firstBuild: boolean;
  /**
   * What the diff taken just before this apply said of each node. With it a running node is "creating"
   * (absent), "updating" (differs) or "checking" (matched, re-checked); without it, a re-apply's running
   * nodes are "updating".
   */
  readonly changes?: ReadonlyMap<string, NodeChange>;
}

/** The word for `state` (the service's) of the node `key`. */
export function nodeWord(state: string | undefined, key: string, context: WordContext): NodeWord {
  switch (state) {
    case "pending":
      return "waiting";
    case "creating":
      if (context.operation === "destroy") return "deleting";
      switch (context.changes?.get(key)) {
        case "create":
        case "replace":
          return "creating";
        case "update":
        case "blocked":
          return "updating";
        case "unchanged":
        case "unknown":
          return "checking";
        default:
          return context.firstBuild ? "creating" : "updating";
      }
    case "succeeded":
      return context.operation === "destroy" ? "deleted" : "done";
    case "unchanged":
      return "unchanged";
    case "failed":
      return "failed";
    case "skipped":
      return "skipped";
    // The ingress work adds a node waiting for a user's upload (a certificate).
    case "waiting":
      return "needs input";
    default:
      return "unknown";
  }
}
