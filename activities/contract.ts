/**
 * The activities' contract with the orchestrations: names, inputs and results, and nothing else. It
 * imports only types, so an orchestration can load it without loading a single Azure SDK (the
 * registration module, `register.ts`, is what wires the SDK clients, and only the Functions host loads
 * it). Everything here crosses Durable history: plain JSON, names and ids, never a secret value.
 *
 * Failures cross as values. An activity never throws for an Azure answer: it returns
 * `{ outcome: "retry", error }` when the same call may succeed later (throttled, busy, transient, access
 * still propagating) and `{ outcome: "failed", error }` when it cannot (invalid request, quota, name
 * taken). A thrown activity is a bug in this code, reported as such.
 */
import type { AzureErrorSummary } from "../lib/azure/errors";
import type { FactsByNode } from "../lib/plan/facts";
import type { NodeKind, PlanNode } from "../lib/plan/types";
import type { SecretLocation, SecretReference } from "../lib/secrets/vault-secrets";

/** Activity names: orchestrations call activities by these constants only. */
export const ACTIVITY = {
  /** Makes one plan node exist as planned: {@link EnsureNodeInput} → {@link EnsureResult}. */
  ensureNode: "ensureNode",
  /** One status check of an operation a write started: {@link CheckOperationInput} → {@link OperationCheck}. */
  checkOperation: "checkOperation",
  /** Removes one plan node, absent being success: {@link DeleteNodeInput} → {@link WriteResult}. */
  deleteNode: "deleteNode",
  /** Purges a destroyed environment's soft-deleted Key Vault: {@link PurgeDeletedVaultInput} → {@link WriteResult}. */
  purgeDeletedVault: "purgeDeletedVault",
} as const;

/** Any activity's name. */
export type ActivityName = (typeof ACTIVITY)[keyof typeof ACTIVITY];

/** Every activity name, for registration checks. */
export const ACTIVITY_NAMES: readonly ActivityName[] = Object.values(ACTIVITY);

/**
 * The external event a build waits for while a node awaits a user's input: raised by the certificate
 * upload (`PUT /api/environments/{id}/certificates/{name}`) to the environment's build instance.
 */
export const CERTIFICATE_UPLOADED_EVENT = "certificateUploaded";

/** Input of {@link ACTIVITY.ensureNode}. */
export interface EnsureNodeInput {
  readonly node: PlanNode;
  /**
   * Facts of the nodes `node.desired` refers to (`lib/plan/facts.ts`), by node key, as their ensures
   * reported them in this build. @default - none (a node without references)
   */
  readonly facts?: FactsByNode;
  /**
   * Where the PostgreSQL admin password lives (`postgresFlexibleServer` nodes only): read there, or
   * generated and stored there before the server is created. See `adminPasswordSecretFor` (lib/plan).
   */
  readonly adminPasswordSecret?: SecretLocation;
  /**
   * The plan's longest chain of estimates from this node's start to the build's end, in seconds
   * (`chainToEndSec`, lib/plan/graph.ts): the priority of its ARM writes when the subscription's write
   * bucket is low, so writes on critical paths wait least. @default 0
   */
  readonly chainToEndSec?: number;
}

/** Input of {@link ACTIVITY.checkOperation}. */
export interface CheckOperationInput {
  readonly operation: ArmOperation;
}

/** Input of {@link ACTIVITY.deleteNode}. */
export interface DeleteNodeInput {
  readonly node: PlanNode;
}

/**
 * Input of {@link ACTIVITY.purgeDeletedVault}: the plan's `keyVault` node (its id names the vault,
 * `desired.location` where it was).
 */
export interface PurgeDeletedVaultInput {
  readonly node: PlanNode;
}

/** What a write did, or started. `replace`: a Kubernetes object written whole. */
export type WriteAction = "none" | "create" | "update" | "replace" | "delete" | "adopt" | "watch";

/**
 * An operation Azure is running, as the orchestration keeps it between checks: plain JSON, no tokens.
 * How to watch it is decided by what Azure answered to the write: an operation-status URL
 * (`Azure-AsyncOperation` / `Operation-Location`), a `Location` URL, or else the resource's own state.
 */
export interface ArmOperation {
  readonly nodeKey: string;
  readonly kind: NodeKind;
  readonly resourceId: string;
  readonly action: "create" | "update" | "delete" | "watch";
  readonly statusUrl?: string;
  readonly locationUrl?: string;
}

/**
 * Read-only facts of a live resource users need to reach it or other nodes need to refer to it, by name
 * (`fqdn`, `vaultUri`, `host`, `namespace`, `secretName`, `ipAddress`, `principalId`, `certificateId`…).
 * Never secrets.
 */
export type ResourceFacts = Readonly<Record<string, string>>;

interface WriteCommon {
  readonly nodeKey: string;
  readonly resourceId: string;
  readonly action: WriteAction;
  /** Secrets the write created or reused (names and versions, never values). */
  readonly secrets?: readonly SecretReference[];
  /** Properties that differed and were updated (paths only; values may be sensitive). */
  readonly changedPaths?: readonly string[];
}

/** A write that finished within the call. */
export interface WriteDone extends WriteCommon {
  /** `unchanged`: nothing was written; `succeeded`: written (or adopted, or already absent). */
  readonly outcome: "unchanged" | "succeeded";
  /** The live resource's facts, for kinds that have them. */
  readonly facts?: ResourceFacts;
}

/** A write Azure accepted and is still carrying out. */
export interface WritePending extends WriteCommon {
  readonly outcome: "pending";
  readonly operation: ArmOperation;
  /** When to check the operation first, in milliseconds: Retry-After, never sooner than the type's interval. */
  readonly nextCheckAfterMs: number;
}

/** What {@link ACTIVITY.ensureNode}, {@link ACTIVITY.deleteNode} and {@link ACTIVITY.purgeDeletedVault} return on success. */
export type WriteResult = WriteDone | WritePending;

/** What a node waits for from a user, and how the build learns it came. */
export interface AwaitedInput {
  /** The external event that says it came ({@link CERTIFICATE_UPLOADED_EVENT}). */
  readonly event: string;
  /** What the user must do, for progress reports (names and routes, never values). */
  readonly reason: string;
}

/**
 * A step that cannot go on until a user provides something (a certificate to upload): nothing was
 * written; ensure again once {@link AwaitedInput.event} is raised.
 */
export interface WriteAwaitingInput {
  readonly nodeKey: string;
  readonly resourceId: string;
  readonly outcome: "awaitingInput";
  readonly awaiting: AwaitedInput;
}

/** What {@link ACTIVITY.ensureNode} returns on success. */
export type EnsureResult = WriteResult | WriteAwaitingInput;

/** What one status check of an operation says. */
export type OperationCheck =
  | {
      readonly outcome: "running";
      /** Wait this long before the next check, in milliseconds (Retry-After, else the type's interval). */
      readonly nextCheckAfterMs: number;
    }
  | {
      readonly outcome: "succeeded";
      /** When a create or update succeeded, for kinds that have facts: the live resource's. */
      readonly facts?: ResourceFacts;
    }
  | {
      /**
       * The operation itself ended Failed or Canceled, with Azure's code and message. Not a failure of
       * the check: whether to write again is the caller's decision (`error.retryable`).
       */
      readonly outcome: "operationFailed";
      readonly error: AzureErrorSummary;
    };

/** An activity that did not do its work, with Azure's classified code and message. */
export interface ActivityFailure {
  /** `retry`: the same call may succeed later (after `error.retryAfterMs`); `failed`: it never will. */
  readonly outcome: "retry" | "failed";
  readonly error: AzureErrorSummary;
}

/** What an activity returns: its result, or why it has none. */
export type ActivityResult<T> = T | ActivityFailure;

/** True when `result` is a failure rather than the activity's result. */
export function isActivityFailure<T extends { readonly outcome: string }>(
  result: ActivityResult<T>,
): result is ActivityFailure {
  return result.outcome === "retry" || result.outcome === "failed";
}
