/**
 * Names, inputs, outputs and custom status of the environment orchestrations: the contract between
 * the orchestrations (`orchestrations/`), the triggers that start and query them (`functions/`) and the
 * environment records (`lib/records/`). Everything here crosses Durable history, so it is plain JSON
 * and never holds a secret value.
 */
import type { Plan, Stage } from "../lib/plan/types";
import type { NodeState } from "./scheduling";

/** Builds (or re-applies) one environment. Instance id = the environment id. */
export const BUILD_ENVIRONMENT = "buildEnvironment";
/**
 * Ensures one plan node and waits for its operation (sub-orchestration). Not `ensureNode`: that is the
 * ensure activity's name (`activities/contract.ts`), and a Functions app's names are unique.
 */
export const ENSURE_NODE_ORCHESTRATION = "ensureNodeOrchestration";
/** Destroys one environment. Instance id = the environment id. */
export const DESTROY_ENVIRONMENT = "destroyEnvironment";
/** Applies or destroys many environments with a concurrency cap. */
export const PROVISION_BATCH = "provisionBatch";

/** Input of {@link BUILD_ENVIRONMENT}. */
export interface BuildInput {
  readonly plan: Plan;
  /** Who or what asked, for the record (`http`, `queue:<message id>`, `batch:<instance id>`). */
  readonly requestedBy: string;
  /**
   * The orchestration that started this one as a sub-orchestration (a batch). A child reports failed
   * nodes in its output (`result: "failed"`), where its parent reads them as values; a top-level build
   * throws, so its instance ends Failed, with its failures in its last custom status.
   * @default - top level
   */
  readonly parentInstanceId?: string;
  /**
   * How long a node may wait for a user's input (an uploaded certificate) before it fails, in seconds
   * of orchestration time. @default INPUT_WAIT_DEADLINE_SEC (24 h)
   */
  readonly inputWaitDeadlineSec?: number;
}

/** Input of {@link DESTROY_ENVIRONMENT}. */
export interface DestroyInput {
  readonly plan: Plan;
  /**
   * What to do with the environment's soft-deleted Key Vault: `keep` (recoverable for its retention
   * period; a re-apply recovers it) or `purge` (impossible while purge protection is on).
   * @default "keep"
   */
  readonly keyVault: "keep" | "purge";
  readonly requestedBy: string;
  /** As {@link BuildInput.parentInstanceId}. @default - top level */
  readonly parentInstanceId?: string;
}

/** What a finished destroy returns. */
export interface DestroyOutput {
  readonly environmentId: string;
  /** `failed` only in the output of a child destroy (see {@link DestroyInput.parentInstanceId}). */
  readonly result: "succeeded" | "failed";
  /** Why it failed, with Azure's code and message; empty when it succeeded. */
  readonly failures: readonly ReportedError[];
  /** What became of the environment's soft-deleted Key Vault (`absent` when the plan has none). */
  readonly keyVault: "kept" | "purged" | "absent";
  /**
   * Why the vault was kept though a purge was asked: Azure's refusal (purge protection), its code and
   * message. The vault stays soft-deleted and recoverable; its name is reserved until Azure purges it.
   */
  readonly keyVaultKeptBecause?: ReportedError;
}

/** One environment of a batch. */
export type BatchItem =
  | { readonly action: "apply"; readonly plan: Plan }
  | { readonly action: "destroy"; readonly plan: Plan; readonly keyVault: "keep" | "purge" };

/** Input of {@link PROVISION_BATCH}. */
export interface BatchInput {
  readonly items: readonly BatchItem[];
  /** How many environments build at once. @default 10 */
  readonly maxConcurrent: number;
  readonly requestedBy: string;
}

/** What became of one item of a batch. */
export interface BatchItemResult {
  readonly environmentId: string;
  readonly action: BatchItem["action"];
  /** `duplicate`: the environment appeared earlier in the batch; that item ran, this one did not. */
  readonly result: "succeeded" | "failed" | "duplicate";
  /** Index of the item that ran instead, for duplicates. */
  readonly duplicateOf?: number;
  /** Why it failed: each failed node with Azure's code and message. */
  readonly failures?: readonly ReportedError[];
}

/** Output of {@link PROVISION_BATCH}: one result per item, in the items' order. */
export interface BatchOutput {
  readonly results: readonly BatchItemResult[];
}

/**
 * An error as reported to users: Azure's code and message, and the node it concerns. Travels as a value
 * in outputs, custom status and records; never packed into an error message to be parsed back.
 */
export interface ReportedError {
  readonly nodeKey?: string;
  readonly code: string;
  readonly message: string;
}

/** Custom status of a build or destroy while it runs (and its last value when it ends). */
export interface EnvironmentProgress {
  readonly environmentId: string;
  readonly operation: "apply" | "destroy";
  readonly stage?: Stage;
  /** Each node's state by node key. */
  readonly nodes: Readonly<Record<string, NodeState>>;
  /** Seconds since the operation started (orchestration time). */
  readonly elapsedSec: number;
  /** Estimated seconds left, from the plan's latency model. */
  readonly etaSec: number;
  readonly lastError?: ReportedError;
  /**
   * Every failure so far, with Azure's code and message. A top-level build or destroy that fails ends
   * its instance Failed; this list in its last custom status is where readers find why, as data.
   */
  readonly failures: readonly ReportedError[];
  /** Nodes waiting for a user's input (an uploaded certificate), and what to do. Absent: none. */
  readonly waitingFor?: readonly InputWait[];
  /** Things a user should act on that fail nothing (a certificate about to expire). Absent: none. */
  readonly warnings?: readonly string[];
  /**
   * When each started node started and ended, in seconds since the operation started (orchestration
   * time, rounded): what a timeline of the build draws. A node's end is when the build saw it end (at
   * most one scheduler tick late). Nodes not started yet (and skipped ones) are absent; so is the whole
   * field for a destroy, which removes the environment in one step.
   */
  readonly timeline?: Readonly<Record<string, NodeSpan>>;
}

/** A node a build waits on for a user's input. */
export interface InputWait {
  readonly nodeKey: string;
  /** What the user must do. */
  readonly reason: string;
  /** When the wait began and when the node fails unless the input came, ISO-8601 (orchestration time). */
  readonly since: string;
  readonly until: string;
}

/** When one node ran, in seconds since its operation started. */
export interface NodeSpan {
  readonly startSec: number;
  /** Absent while it runs. */
  readonly endSec?: number;
}

/** What a finished build returns: endpoints and secret NAMES, never values. */
export interface BuildOutput {
  readonly environmentId: string;
  readonly planHash: string;
  /** `failed` only in the output of a child build (see {@link BuildInput.parentInstanceId}). */
  readonly result: "succeeded" | "failed";
  readonly nodes: Readonly<Record<string, NodeState>>;
  readonly failures: readonly ReportedError[];
  readonly outputs: EnvironmentOutputs;
}

/** Facts users need to reach what was built. */
export interface EnvironmentOutputs {
  readonly resourceGroupId?: string;
  readonly clusterFqdn?: string;
  readonly keyVaultUri?: string;
  /** The environment's private container registry (`<name>.azurecr.io`), when the base module has one. */
  readonly containerRegistryLoginServer?: string;
  /** The environment's public entry, when it has a `k8s-base` module. */
  readonly ingress?: IngressOutputs;
  /** Per data module: its host and the Key Vault secret names and Kubernetes Secret holding its credentials. */
  readonly dataModules: Readonly<
    Record<
      string,
      {
        readonly host?: string;
        readonly keyVaultSecretNames: readonly string[];
        readonly kubernetesSecret?: { readonly namespace: string; readonly name: string };
      }
    >
  >;
}

/** The public entry of an environment: where it answers, with which certificate, and what DNS says. */
export interface IngressOutputs {
  /** The load balancer's static public address: the only address the internet reaches. */
  readonly ipAddress?: string;
  /** The IngressClass applications name in their Ingresses. */
  readonly ingressClassName: string;
  /** The service mesh, when on: its revision and the namespace under strict mutual TLS. */
  readonly serviceMesh?: { readonly revision: string; readonly namespace: string; readonly mtls: "STRICT" };
  /** The ingress's default certificate (never its key). */
  readonly certificate?: {
    readonly name: string;
    readonly domain: string;
    /** Its Key Vault id, with the version the ingress serves. */
    readonly keyVaultId?: string;
    readonly thumbprint?: string;
    readonly subject?: string;
    readonly subjectAlternativeNames?: readonly string[];
    readonly expiresOn?: string;
    /** Set when it expires within 30 days, or has expired. */
    readonly warning?: string;
  };
  /** What DNS must say for the environment to be live, and what the build made of it. */
  readonly dns: {
    /** The Azure DNS zone the build keeps, with its name servers (a `dns` module). */
    readonly zone?: string;
    readonly nameServers?: readonly string[];
    readonly delegated?: boolean;
    /** The A records pointing at the ingress: the zone's, or the ones to create at the user's DNS host. */
    readonly records: readonly { readonly name: string; readonly type: "A"; readonly value?: string }[];
    /** What the user has to do, in words. */
    readonly instructions: string;
  };
}
