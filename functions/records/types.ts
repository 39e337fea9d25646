/**
 * Environment records: what the service remembers about each environment, independently of Durable
 * Functions history (which may be purged). GET and list answer from these.
 */
import type { EnvironmentOutputs, ReportedError } from "../../orchestrations/contracts";
import type { JsonObject } from "../../lib/plan/types";
import type { EnvironmentSpec, SpecProblem } from "../../lib/spec/types";

/** What was asked of an environment. */
export type OperationAction = "apply" | "destroy";

/**
 * Where an operation stands. `running` until its instance ends; then `succeeded`, `failed` or `canceled`
 * (terminated by `POST /api/environments/{name}/cancel`).
 */
export type OperationStatus = "running" | "succeeded" | "failed" | "canceled";

/** The latest build or destroy of an environment. */
export interface LastOperation {
  readonly action: OperationAction;
  /** Durable instance id; the environment id for builds and destroys. */
  readonly instanceId: string;
  /** Who or what asked (`http`, `queue:<message id>`). */
  readonly requestedBy: string;
  /**
   * The batch orchestration that will start this build, when it came from a queue batch: until the
   * batch reaches it, the environment's own instance does not exist yet but the environment is taken.
   */
  readonly batchInstanceId?: string;
  /**
   * `createdTime` of the instance that held this id when the operation was claimed (a previous run).
   * Until an instance with another creation time appears, the id still shows that previous run, which
   * must not be mistaken for this operation's outcome. Compared as an identity, never as a time:
   * hosts may run the orchestration clock faster than the wall clock.
   */
  readonly previousInstanceCreatedTime?: string;
  readonly status: OperationStatus;
  /** ISO-8601 UTC. */
  readonly startedAt: string;
  /** ISO-8601 UTC; absent while running. */
  readonly endedAt?: string;
}

/** How the last operation ended: counts per node state and each failure with Azure's code and message. */
export interface ResultSummary {
  readonly result: "succeeded" | "failed" | "canceled";
  /** Number of plan nodes in each state, e.g. `{ succeeded: 12, skipped: 2, failed: 1 }`. */
  readonly nodeStates: Readonly<Record<string, number>>;
  readonly failures: readonly ReportedError[];
  /**
   * For a canceled build: the nodes whose Azure operation was under way when it stopped. Azure carries
   * them on; a re-apply adopts what it finds.
   */
  readonly leftInAzure?: readonly string[];
  /**
   * For a destroy: what became of the environment's soft-deleted Key Vault (`kept`: recoverable, its
   * name reserved; `purged`: gone), and when a purge was asked but Azure refused it, why.
   */
  readonly keyVault?: "kept" | "purged" | "absent";
  readonly keyVaultKeptBecause?: ReportedError;
}

/** One environment as stored. Never holds a secret value: outputs are names and endpoints only. */
export interface EnvironmentRecord {
  /** `<org_name>-<name>`; the table row key and the Durable instance id of its builds. */
  readonly environmentId: string;
  readonly org: string;
  readonly name: string;
  /** The validated, fully defaulted spec last applied. */
  readonly spec: EnvironmentSpec;
  /** Defaults the planner pinned for this environment (`plan.pinnedDefaults`). */
  readonly pinnedDefaults: JsonObject;
  /** Hash of the plan last applied. */
  readonly planHash: string;
  readonly lastOperation?: LastOperation;
  readonly resultSummary?: ResultSummary;
  readonly outputs?: EnvironmentOutputs;
  /** ISO-8601 UTC, set when the record is first written. */
  readonly createdAt: string;
  /** ISO-8601 UTC, set on every write. */
  readonly updatedAt: string;
}

/** A stored record with the etag that guards its next write. */
export interface StoredRecord {
  readonly record: EnvironmentRecord;
  readonly etag: string;
}

/**
 * What became of one environment of a queue request. `deferred`: preflight could not finish for it (or for
 * another environment of the same message), nothing was started, and the message is retried.
 */
export type RequestOutcome = "started" | "duplicate" | "refused" | "deferred";

/**
 * One line of the request results table: every environment of every queue message ends up here, so an
 * operator can see what was started, what was skipped as a duplicate, and what was refused and why.
 */
export interface RequestResult {
  /** The queue message id (or another id of the request). */
  readonly requestId: string;
  /** Position of the environment in the message (0 for a single spec). */
  readonly index: number;
  readonly action: OperationAction;
  readonly outcome: RequestOutcome;
  /** Absent when the spec was too broken to name its environment. */
  readonly environmentId?: string;
  /**
   * Every validation or preflight problem of a refused spec (preflight's carry `check` and `code`), the
   * reason for a duplicate, or why it was deferred.
   */
  readonly problems: readonly SpecProblem[];
  /** Durable instance started for it, if any. */
  readonly instanceId?: string;
  /** ISO-8601 UTC. */
  readonly recordedAt: string;
}
