/**
 * What the API and the queue do to environments, behind the triggers: claim an environment (one build
 * or destroy at a time, guarded by the Durable instance's status and the record's etag), start its
 * orchestration, cancel it, and read records refreshed with the instance's outcome and live progress.
 */
import {
  BUILD_ENVIRONMENT,
  DESTROY_ENVIRONMENT,
  type BuildInput,
  type DestroyInput,
  type EnvironmentProgress,
} from "../orchestrations/contracts";
import { ensureNodeInstanceId } from "../orchestrations/instance-ids";
import type { Plan } from "../lib/plan/types";
import {
  isActiveRuntimeStatus,
  isRecordConflictError,
  withFinishedOperation,
  type EnvironmentRecord,
  type EnvironmentRecords,
  type LastOperation,
  type OperationAction,
  type StoredRecord,
} from "./records";
import type { EnvironmentSpec, SpecProblem } from "../lib/spec/types";
import { normalizeRecordedSpec, pinRecordedEngines } from "../lib/spec/pinned-engines";
import type { InstanceSnapshot, OrchestrationClient, Planner } from "./ports";
import { progressView } from "./progress-view";

/**
 * How long a claim whose instance has not appeared yet still holds the environment, in ms. Covers the
 * gap between writing the record and `startNew`; a claim older than this with no instance is a start
 * that failed, and may be taken over.
 */
export const CLAIM_START_GRACE_MS = 60_000;

/** How long a cancel waits for the terminated instances to stop, in ms, before answering anyway. */
export const CANCEL_SETTLE_TIMEOUT_MS = 15_000;

/** Dependencies of {@link createEnvironmentService}. */
export interface EnvironmentServiceDeps {
  readonly records: EnvironmentRecords;
  readonly orchestrations: OrchestrationClient;
  readonly plan: Planner;
  /** @default - the system clock */
  readonly now?: () => Date;
  /** Waits `ms` (tests pass a faster one). @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /**
   * Called once when a record is written with its operation ended (finished, failed or canceled), by
   * whichever request wrote it: the audit's second entry for the operation. @default - nothing
   */
  readonly operationEnded?: (record: EnvironmentRecord) => Promise<void>;
}

/** What a cancel did. */
export type CancelOutcome =
  | { readonly kind: "idle" }
  | {
      readonly kind: "canceled";
      /**
       * Nodes whose Azure operation was under way when the build stopped: Azure finishes (or fails) them
       * on its own; a re-apply adopts what it finds. Empty for a destroy or between operations.
       */
      readonly leftInAzure: readonly string[];
      /** Instances still not stopped when the cancel answered (the host is slow to process terminations). */
      readonly stillStopping: readonly string[];
    };

/** "an apply" or "a destroy", for messages about a running operation. */
export function operationPhrase(action: OperationAction): string {
  return action === "apply" ? "an apply" : "a destroy";
}

/** The environment is taken: a build or destroy of it runs (or waits in a batch). */
export interface BusyOutcome {
  readonly kind: "busy";
  readonly environmentId: string;
  /** The running operation, as recorded. */
  readonly operation?: LastOperation;
}

/** The environment is now ours to build or destroy; its record says so. */
export interface ClaimedOutcome {
  readonly kind: "claimed";
  readonly environmentId: string;
  readonly plan: Plan;
}

/**
 * The spec cannot be applied to the environment as recorded: a redis module leaves its engine to the
 * default while its other keys do not fit the engine its record pins (see `lib/spec/pinned-engines.ts`).
 */
export interface RefusedOutcome {
  readonly kind: "refused";
  readonly environmentId: string;
  readonly problems: readonly SpecProblem[];
}

/** A destroy of an environment that was never applied: there is nothing to destroy. */
export interface UnknownOutcome {
  readonly kind: "unknown";
  readonly environmentId: string;
}

/** An environment with what its orchestration says right now. */
export interface EnvironmentView {
  readonly record: EnvironmentRecord;
  /** Runtime status of the environment's instance, when it exists and belongs to the last operation. */
  readonly runtimeStatus?: string;
  /** The instance's custom status (`EnvironmentProgress`), live while it runs. */
  readonly progress?: unknown;
}

/** Options of a claim. */
export interface ClaimOptions {
  readonly action: OperationAction;
  /** `http`, `queue:<message id>`, … */
  readonly requestedBy: string;
  /** Set when a batch orchestration will start the environment's instance. */
  readonly batchInstanceId?: string;
}

/** The operations behind the triggers. */
export interface EnvironmentService {
  /**
   * Takes the environment for `options.action`: refuses when its instance (or its batch) is active, or
   * when another request wrote the record first; otherwise records the operation as running. The spec is
   * planned with the engines its record pins (a cache keeps its engine unless the spec names another);
   * `refused` when it cannot be.
   */
  claim(
    spec: EnvironmentSpec,
    options: ClaimOptions,
  ): Promise<ClaimedOutcome | BusyOutcome | UnknownOutcome | RefusedOutcome>;
  /**
   * The operation holding the environment, when one does (what `claim` would answer busy with);
   * `undefined` when it is free. Asked before preflight: a running build changes what preflight would read
   * (the vault it just created looks like a name taken by someone else), and busy is the answer that counts.
   */
  running(environmentId: string): Promise<BusyOutcome | undefined>;
  /** Claims and starts a build. */
  apply(spec: EnvironmentSpec, requestedBy: string): Promise<ClaimedOutcome | BusyOutcome | RefusedOutcome>;
  /** Claims and starts a destroy of a recorded environment; `undefined` when there is no record. */
  destroy(
    environmentId: string,
    keyVault: DestroyInput["keyVault"],
    requestedBy: string,
  ): Promise<ClaimedOutcome | BusyOutcome | undefined>;
  /**
   * Stops the running build or destroy, its per-node sub-orchestrations included (Durable terminates an
   * instance alone, and its children would go on writing to Azure), waits until they have stopped, and
   * records the operation as canceled. Cancels racing each other are all answered: each terminates what
   * still runs, and the record is written once.
   * @returns `undefined` when there is no record
   */
  cancel(environmentId: string, reason: string): Promise<CancelOutcome | undefined>;
  /** The record refreshed from its instance, with live progress; `undefined` when unknown. */
  get(environmentId: string): Promise<EnvironmentView | undefined>;
  /** Every record, those still marked running refreshed from their instances. */
  list(): Promise<EnvironmentView[]>;
  /** The plan of a recorded environment's spec (for destroy and plan previews), as it was built. */
  planOf(record: EnvironmentRecord): Plan;
}

/** Builds the service over its dependencies. */
export function createEnvironmentService(deps: EnvironmentServiceDeps): EnvironmentService {
  const now = () => (deps.now ?? (() => new Date()))().toISOString();

  /** The instance, if it belongs to the record's last operation (not an older run of the same id). */
  function currentInstance(record: EnvironmentRecord | undefined, instance: InstanceSnapshot | undefined) {
    const operation = record?.lastOperation;
    if (!instance || !operation) return instance;
    return instance.createdTime === operation.previousInstanceCreatedTime ? undefined : instance;
  }

  async function isTaken(stored: StoredRecord | undefined, instance: InstanceSnapshot | undefined) {
    if (instance && isActiveRuntimeStatus(instance.runtimeStatus)) return true;
    const operation = stored?.record.lastOperation;
    if (operation?.status !== "running" || currentInstance(stored?.record, instance)) return false;
    if (operation.batchInstanceId) {
      const batch = await deps.orchestrations.getStatus(operation.batchInstanceId);
      return batch !== undefined && isActiveRuntimeStatus(batch.runtimeStatus);
    }
    // Claimed but its instance not visible yet: the claimant is between its record write and startNew.
    return Date.parse(now()) - Date.parse(operation.startedAt) < CLAIM_START_GRACE_MS;
  }

  function busyOutcome(environmentId: string, stored: StoredRecord | undefined): BusyOutcome {
    const operation = stored?.record.lastOperation;
    return { kind: "busy", environmentId, ...(operation ? { operation } : {}) };
  }

  /** Writes the instance's outcome into a record still marked running; a lost race is harmless. */
  async function refresh(
    stored: StoredRecord,
    instance: InstanceSnapshot | undefined,
  ): Promise<EnvironmentView> {
    const current = currentInstance(stored.record, instance);
    let record = stored.record;
    if (
      current &&
      record.lastOperation?.status === "running" &&
      !isActiveRuntimeStatus(current.runtimeStatus)
    ) {
      const finished = withFinishedOperation(record, current, now());
      try {
        await deps.records.save(finished, stored.etag);
        record = finished;
        await deps.operationEnded?.(finished);
      } catch (error) {
        // Another reader recorded the same outcome first; show what is stored now.
        if (!isRecordConflictError(error)) throw error;
        record = (await deps.records.get(record.environmentId))?.record ?? finished;
      }
    }
    return {
      record,
      ...(current
        ? { runtimeStatus: current.runtimeStatus, progress: progressView(current, Date.parse(now())) }
        : {}),
    };
  }

  async function claim(
    given: EnvironmentSpec,
    options: ClaimOptions,
  ): Promise<ClaimedOutcome | BusyOutcome | UnknownOutcome | RefusedOutcome> {
    const environmentId = `${given.org_name}-${given.name}`;
    const [stored, instance] = await Promise.all([
      deps.records.get(environmentId),
      deps.orchestrations.getStatus(environmentId),
    ]);
    // Whoever asks (API or queue), nothing was ever built under this id: nothing to destroy.
    if (options.action === "destroy" && !stored) return { kind: "unknown", environmentId };
    const pinned = pinRecordedEngines(given, stored?.record.spec);
    if (!pinned.ok) return { kind: "refused", environmentId, problems: pinned.problems };
    const spec = pinned.spec;
    const plan = deps.plan(spec);
    if (await isTaken(stored, instance)) return busyOutcome(environmentId, stored);
    const startedAt = now();
    const record: EnvironmentRecord = {
      ...(stored?.record ?? { createdAt: startedAt }),
      environmentId,
      org: spec.org_name,
      name: spec.name,
      // A destroy keeps the spec that was built; an apply records the one it builds (engines pinned).
      spec: options.action === "apply" || !stored ? spec : stored.record.spec,
      pinnedDefaults: plan.pinnedDefaults,
      planHash: plan.hash,
      lastOperation: {
        action: options.action,
        instanceId: environmentId,
        requestedBy: options.requestedBy,
        ...(options.batchInstanceId ? { batchInstanceId: options.batchInstanceId } : {}),
        ...(instance ? { previousInstanceCreatedTime: instance.createdTime } : {}),
        status: "running",
        startedAt,
      },
      updatedAt: startedAt,
    };
    try {
      await deps.records.save(record, stored?.etag);
    } catch (error) {
      if (!isRecordConflictError(error)) throw error;
      return busyOutcome(environmentId, await deps.records.get(environmentId));
    }
    return { kind: "claimed", environmentId, plan };
  }

  /** Starts the claimed instance; if that fails, the record must not claim a build that never began. */
  async function start(claimed: ClaimedOutcome, name: string, input: BuildInput | DestroyInput) {
    try {
      await deps.orchestrations.startNew(name, claimed.environmentId, input);
    } catch (error) {
      const stored = await deps.records.get(claimed.environmentId);
      if (stored?.record.lastOperation) {
        const ended = now();
        await deps.records
          .save(
            {
              ...stored.record,
              lastOperation: { ...stored.record.lastOperation, status: "failed", endedAt: ended },
              resultSummary: {
                result: "failed",
                nodeStates: {},
                failures: [{ code: "StartFailed", message: "the orchestration could not be started" }],
              },
              updatedAt: ended,
            },
            stored.etag,
          )
          .catch(() => undefined);
      }
      throw error;
    }
  }

  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  async function isActive(instanceId: string): Promise<boolean> {
    const status = await deps.orchestrations.getStatus(instanceId);
    return status !== undefined && isActiveRuntimeStatus(status.runtimeStatus);
  }

  /**
   * Terminates every active instance of `instanceIds` and waits until none is active, at most
   * {@link CANCEL_SETTLE_TIMEOUT_MS}. @returns those still active then
   */
  async function terminateAndWait(instanceIds: readonly string[], reason: string): Promise<string[]> {
    let active = await activeOf(instanceIds);
    await Promise.all(active.map((id) => deps.orchestrations.terminate(id, reason)));
    const deadline = Date.now() + CANCEL_SETTLE_TIMEOUT_MS;
    while (active.length > 0 && Date.now() < deadline) {
      await sleep(200);
      active = await activeOf(active);
    }
    return active;
  }

  async function activeOf(instanceIds: readonly string[]): Promise<string[]> {
    const flags = await Promise.all(instanceIds.map((id) => isActive(id)));
    return instanceIds.filter((_, index) => flags[index]);
  }

  /** Records the running operation as canceled; a concurrent writer that got there first is fine. */
  async function recordCanceled(environmentId: string, leftInAzure: readonly string[]): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const stored = await deps.records.get(environmentId);
      const operation = stored?.record.lastOperation;
      if (!stored || operation?.status !== "running") return;
      const ended = now();
      const canceled: EnvironmentRecord = {
        ...stored.record,
        lastOperation: { ...operation, status: "canceled", endedAt: ended },
        resultSummary: {
          result: "canceled",
          nodeStates: {},
          failures: [],
          ...(leftInAzure.length > 0 ? { leftInAzure } : {}),
        },
        updatedAt: ended,
      };
      try {
        await deps.records.save(canceled, stored.etag);
        await deps.operationEnded?.(canceled);
        return;
      } catch (error) {
        if (!isRecordConflictError(error)) throw error;
      }
    }
  }

  const service: EnvironmentService = {
    claim,
    async running(environmentId) {
      const [stored, instance] = await Promise.all([
        deps.records.get(environmentId),
        deps.orchestrations.getStatus(environmentId),
      ]);
      return (await isTaken(stored, instance)) ? busyOutcome(environmentId, stored) : undefined;
    },
    planOf: (record) => deps.plan(normalizeRecordedSpec(record.spec)),
    async apply(spec, requestedBy) {
      const outcome = await claim(spec, { action: "apply", requestedBy });
      if (outcome.kind === "claimed") {
        await start(outcome, BUILD_ENVIRONMENT, { plan: outcome.plan, requestedBy } satisfies BuildInput);
      }
      // An apply is never "unknown": only destroys need an existing environment.
      return outcome as ClaimedOutcome | BusyOutcome | RefusedOutcome;
    },
    async destroy(environmentId, keyVault, requestedBy) {
      const stored = await deps.records.get(environmentId);
      if (!stored) return undefined;
      const outcome = await claim(stored.record.spec, { action: "destroy", requestedBy });
      // A recorded spec always fits the engines it recorded: a destroy is never refused.
      if (outcome.kind === "unknown" || outcome.kind === "refused") return undefined;
      if (outcome.kind === "claimed") {
        const input: DestroyInput = { plan: outcome.plan, keyVault, requestedBy };
        await start(outcome, DESTROY_ENVIRONMENT, input);
      }
      return outcome;
    },
    async cancel(environmentId, reason) {
      const stored = await deps.records.get(environmentId);
      if (!stored) return undefined;
      const instance = await deps.orchestrations.getStatus(environmentId);
      if (!instance || !isActiveRuntimeStatus(instance.runtimeStatus)) return { kind: "idle" };
      const progress = instance.customStatus as Partial<EnvironmentProgress> | null;
      const leftInAzure = Object.entries(progress?.nodes ?? {})
        .filter(([, state]) => state === "creating")
        .map(([key]) => key);
      const children = service
        .planOf(stored.record)
        .nodes.map((node) => ensureNodeInstanceId(environmentId, node.key));
      await deps.orchestrations.terminate(environmentId, reason);
      const stillStopping = await terminateAndWait(children, reason);
      if (await isActive(environmentId)) stillStopping.unshift(environmentId);
      await recordCanceled(environmentId, leftInAzure);
      return { kind: "canceled", leftInAzure, stillStopping };
    },
    async get(environmentId) {
      const stored = await deps.records.get(environmentId);
      if (!stored) return undefined;
      return refresh(stored, await deps.orchestrations.getStatus(environmentId));
    },
    async list() {
      const views: EnvironmentView[] = [];
      for (const stored of await deps.records.list()) {
        // Only running operations can have changed; the rest need no Durable call.
        const running = stored.record.lastOperation?.status === "running";
        views.push(
          running
            ? await refresh(stored, await deps.orchestrations.getStatus(stored.record.environmentId))
            : { record: stored.record },
        );
      }
      return views;
    },
  };
  return service;
}
