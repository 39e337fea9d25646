/**
 * The one place the orchestrations meet the activities (`activities/`): which activity serves a node,
 * with which retry profile, and the shapes of what goes in and comes out as the orchestrations read
 * them. Everything here crosses Durable history: names, ids and operation handles, never secret values.
 */
import type { AzureErrorSummary } from "../lib/azure/errors";
import type { PlanNode } from "../lib/plan/types";
import { retry, type RetryProfile } from "./retry-profiles";

/** Data-plane steps: no ARM operation to watch, and Key Vault access may still be propagating. */
const DATA_PLANE_KINDS: ReadonlySet<PlanNode["kind"]> = new Set(["keyVaultSecrets", "kubernetesSecret"]);

/** The retry profile of a node's writes. */
export function writeProfileOf(node: PlanNode): RetryProfile {
  return DATA_PLANE_KINDS.has(node.kind) ? retry.dataPlane : retry.armWrite;
}

/** Facts about a live resource that users need (FQDNs, URIs, hosts): never secret values. */
export type NodeFacts = Readonly<Record<string, string>>;

/** An operation Azure accepted and the orchestration watches. Opaque to the orchestration. */
export interface OperationToWatch {
  readonly kind: "create" | "update" | "delete";
  /** When to check first, in milliseconds, when Azure said (`Retry-After`). */
  readonly retryAfterMs?: number;
  readonly [detail: string]: unknown;
}

/** What an ensure reports. */
export interface EnsureReport {
  /** `unchanged`: live matches desired, nothing written; `succeeded`: written and done; `accepted`: watch `operation`. */
  readonly outcome: "unchanged" | "succeeded" | "accepted";
  readonly operation?: OperationToWatch;
  readonly facts?: NodeFacts;
}

/** What a status check reports. */
export interface CheckReport {
  readonly state: "running" | "succeeded" | "failed";
  /** When to check next, in milliseconds, when Azure said. */
  readonly retryAfterMs?: number;
  /** Azure's error when the operation failed. */
  readonly error?: AzureErrorSummary;
  readonly facts?: NodeFacts;
}

/** What a delete reports. */
export interface DeleteReport {
  /** `absent`: nothing to delete; `deleted`: gone already; `accepted`: watch `operation`. */
  readonly outcome: "absent" | "deleted" | "accepted";
  readonly operation?: OperationToWatch;
}

/** Activity names, as the activities register them. */
export const nodeActivity = {
  ensure: "ensureNodeStep",
  check: "checkNodeStep",
  remove: "deleteNodeStep",
  purgeDeletedVault: "purgeDeletedVaultStep",
} as const;
