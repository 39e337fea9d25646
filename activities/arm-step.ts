/**
 * The one generic step for every ARM resource kind: `ensure` a plan node (GET, compare, write only when
 * needed), `check` an operation Azure is running, `remove` a resource. Each call returns quickly with
 * something serializable; the orchestration waits between checks on durable timers, so no activity
 * blocks for the minutes Azure takes.
 */
import type { AzureClients } from "../lib/azure/clients";
import { blockedDifferences, diffDesired, readPath, type BlockedDifference } from "../lib/azure/compare";
import {
  AzureError,
  azureErrorBody,
  classifyAzureError,
  classifyFacts,
  headerReader,
  isNotFoundError,
  retryAfterMsFromHeaders,
} from "../lib/azure/errors";
import { parseResourceId } from "../lib/azure/resource-id";
import { latencyOf } from "../lib/latency-model";
import { CHANGE_RULES_BY_KIND } from "../lib/plan/kinds";
import type { PlanNode } from "../lib/plan/types";
import { redactValues } from "../lib/secrets/redact";
import { ARM_ADAPTERS, isArmNodeKind, type ArmNodeKind } from "./adapters/table";
import type {
  ArmAdapter,
  EnsureExtras,
  RawSdkResponse,
  SdkCallOptions,
  WriteContext,
} from "./adapters/types";
import type { ArmOperation, OperationCheck, ResourceFacts, WriteResult } from "./contract";

/** The code of the error raised when a plan would change a property Azure cannot change. */
export const IMMUTABLE_PROPERTY_CODE = "ImmutablePropertyChange";

type StateClass = "settled" | "running" | "deleting" | "failed";

// Azure's in-flight states across providers (ARM, Redis "Linking", Key Vault "RegisteringDns",
// PostgreSQL "Provisioning"/"Starting"). Anything not listed is a settled state.
const RUNNING_STATES = new Set(
  [
    "Accepted",
    "Creating",
    "Updating",
    "Provisioning",
    "InProgress",
    "Running",
    "Starting",
    "Stopping",
    "Restarting",
    "Scaling",
    "Upgrading",
    "Migrating",
    "Linking",
    "Unlinking",
    "RegisteringDns",
    "Patching",
    "Importing",
    "Exporting",
    "RecoveringScaleFailure",
  ].map((s) => s.toLowerCase()),
);
const DELETING_STATES = new Set(["deleting", "dropping"]);
const FAILED_STATES = new Set(["failed", "canceled", "cancelled"]);

function classifyState(state: unknown): StateClass {
  if (typeof state !== "string") return "settled";
  const lower = state.toLowerCase();
  if (RUNNING_STATES.has(lower)) return "running";
  if (DELETING_STATES.has(lower)) return "deleting";
  if (FAILED_STATES.has(lower)) return "failed";
  return "settled";
}

/** The live (SDK-shaped) resource's state. */
function liveState(adapter: ArmAdapter, live: Record<string, unknown>): unknown {
  if (adapter.statePath) return readPath(live, adapter.statePath);
  return live.provisioningState ?? readPath(live, "properties.provisioningState");
}

/** The adapter's facts read from the live resource; undefined when the kind has none or none is set yet. */
function factsOfLive(adapter: ArmAdapter, live: Record<string, unknown>): ResourceFacts | undefined {
  if (!adapter.facts) return undefined;
  const facts: Record<string, string> = {};
  for (const [name, paths] of Object.entries(adapter.facts)) {
    // A list of strings (a zone's name servers) is one fact, comma-separated.
    const value = paths
      .map((path) => readPath(live, path))
      .map((v) => (Array.isArray(v) && v.every((item) => typeof item === "string") ? v.join(",") : v))
      .find((v) => typeof v === "string" && v !== "");
    if (typeof value === "string") facts[name] = value;
  }
  return Object.keys(facts).length > 0 ? facts : undefined;
}

/** A raw (REST-shaped) body's state, as in an initial write response. */
function rawState(body: unknown): unknown {
  return (
    readPath(body, "properties.provisioningState") ??
    readPath(body, "provisioningState") ??
    readPath(body, "properties.state")
  );
}

/** The captured answer to a write. */
export interface InitialResponse {
  readonly status: number;
  readonly header: (name: string) => string | undefined;
  readonly body: unknown;
}

/**
 * Records the first response an SDK call sees: the answer to the write itself, not later polls.
 * @param pollIntervalMs - the SDK poller's interval, in milliseconds @default - the SDK's
 */
export function captureInitialResponse(pollIntervalMs: number | undefined) {
  let first: InitialResponse | undefined;
  const options: SdkCallOptions = {
    onResponse: (raw: RawSdkResponse) => {
      first ??= { status: raw.status, header: headerReader(raw.headers), body: raw.parsedBody };
    },
    ...(pollIntervalMs !== undefined ? { updateIntervalInMs: pollIntervalMs } : {}),
  };
  return { options, initial: () => first };
}

/**
 * The generic ARM steps over `clients`.
 * @param adapters - per-kind knowledge @default ARM_ADAPTERS
 */
export function createArmSteps(
  clients: AzureClients,
  adapters: Readonly<Record<ArmNodeKind, ArmAdapter>> = ARM_ADAPTERS,
) {
  const adapterOf = (kind: PlanNode["kind"]): ArmAdapter => {
    // A programming error, not Azure's: data-plane kinds have steps of their own.
    if (!isArmNodeKind(kind)) throw new Error(`${kind} is not an ARM node kind`);
    return adapters[kind];
  };

  // Retry-After is the earliest Azure wants to hear from us, never a reason to poll faster than the
  // type's interval: every poll spends the subscription's read budget (docs/azure-facts.md#polling-costs: a 20-minute Redis
  // polled every 5 s is 240 reads), and a long operation ends no sooner for being watched closely.
  const intervalMsOf = (adapter: ArmAdapter, retryAfterMs?: number): number =>
    Math.max(
      retryAfterMs ?? 0,
      clients.config.pollIntervalMs ?? latencyOf(adapter.armType).pollIntervalSec * 1000,
    );

  async function getLive(adapter: ArmAdapter, node: PlanNode): Promise<Record<string, unknown> | undefined> {
    try {
      return (await adapter.get(clients, parseResourceId(node.id), node)) as Record<string, unknown>;
    } catch (error) {
      const classified = classifyAzureError(error, node.id);
      if (isNotFoundError(classified)) return undefined;
      throw classified;
    }
  }

  /**
   * The facts of a resource whose write just finished: one more GET, only for kinds that have facts
   * (the write's own answer may predate read-only fields such as an FQDN).
   */
  async function factsAfterWrite(adapter: ArmAdapter, node: PlanNode): Promise<ResourceFacts | undefined> {
    if (!adapter.facts) return undefined;
    try {
      const live = await getLive(adapter, node);
      return live ? factsOfLive(adapter, live) : undefined;
    } catch (error) {
      // The write did succeed: a read that may work later is retried (the steps are idempotent), one
      // that never will (access revoked) costs only the facts, not the resource's success.
      if (error instanceof AzureError && !error.retryable) return undefined;
      throw error;
    }
  }

  /**
   * `result` with the live resource's facts when it is a finished create, update or adoption. A write
   * that finished in its own answer (a synchronous PUT: a DNS zone, a managed identity) answered with
   * the resource itself: when that answer holds every fact of the kind, it is not read again.
   */
  async function withFactsAfterWrite(
    adapter: ArmAdapter,
    node: PlanNode,
    result: WriteResult,
    answered?: unknown,
  ): Promise<WriteResult> {
    if (result.outcome !== "succeeded" || result.action === "delete") return result;
    const given = factsInAnswer(adapter, answered);
    const facts = given ?? (await factsAfterWrite(adapter, node));
    return facts ? { ...result, facts } : result;
  }

  /** Every fact of the kind, from a write's answer (SDK-shaped, as a GET's); undefined when any is missing. */
  function factsInAnswer(adapter: ArmAdapter, answered: unknown): ResourceFacts | undefined {
    if (!adapter.facts || typeof answered !== "object" || answered === null) return undefined;
    const facts = factsOfLive(adapter, answered as Record<string, unknown>);
    const complete = facts && Object.keys(adapter.facts).every((name) => facts[name] !== undefined);
    return complete ? facts : undefined;
  }

  /** Turns the answer to a write into a result: finished, or an operation to watch. */
  function resultOfWrite(
    node: PlanNode,
    adapter: ArmAdapter,
    action: ArmOperation["action"],
    initial: InitialResponse | undefined,
    extra: Pick<WriteResult, "secrets" | "changedPaths">,
  ): WriteResult {
    const base = { nodeKey: node.key, resourceId: node.id, action, ...extra };
    const operation: ArmOperation = {
      nodeKey: node.key,
      kind: node.kind as ArmNodeKind,
      resourceId: node.id,
      action,
    };
    if (!initial) return { ...base, outcome: "succeeded" };
    const statusUrl = initial.header("azure-asyncoperation") ?? initial.header("operation-location");
    const locationUrl = initial.header("location");
    const retryAfterMs = retryAfterMsFromHeaders(initial.header);
    const pending = (watch: Partial<ArmOperation>): WriteResult => ({
      ...base,
      outcome: "pending",
      operation: { ...operation, ...watch },
      nextCheckAfterMs: intervalMsOf(adapter, retryAfterMs),
    });
    if (statusUrl) return pending({ statusUrl });
    if (initial.status === 202) return pending(locationUrl ? { locationUrl } : {});
    if (action === "delete") return { ...base, outcome: "succeeded" };
    const state = classifyState(rawState(initial.body));
    if (state === "settled") return { ...base, outcome: "succeeded" };
    if (state === "failed")
      throw classifyFacts(failedStateFacts(node.key, adapter, rawState(initial.body)), node.id);
    return pending({});
  }

  async function write(
    node: PlanNode,
    adapter: ArmAdapter,
    mode: "create" | "update",
    live: Record<string, unknown> | undefined,
    extras: EnsureExtras,
    changedPaths?: readonly string[],
  ): Promise<WriteResult> {
    const context: WriteContext = { clients, node, id: parseResourceId(node.id), mode, live, extras };
    const prepared = adapter.prepareBody ? await adapter.prepareBody(context) : { body: node.desired };
    const capture = captureInitialResponse(clients.lroPollIntervalMs);
    const extra = {
      ...(prepared.secrets
        ? { secrets: prepared.secrets.map(({ name, version, written }) => ({ name, version, written })) }
        : {}),
      ...(changedPaths ? { changedPaths } : {}),
    };
    let answered: unknown;
    try {
      answered = await adapter.write(context, prepared.body, capture.options);
    } catch (error) {
      // HLC clients poll once right after the write; when only that poll failed (the operation already
      // ended Failed, a GET hit a 5xx), Azure did accept the write: hand the operation to `check`, which
      // reports its outcome, rather than fail the write that worked.
      if (writeWasAccepted(capture.initial()))
        return withFactsAfterWrite(
          adapter,
          node,
          resultOfWrite(node, adapter, mode, capture.initial(), extra),
        );
      const classified = classifyAzureError(error, node.id);
      if (
        adapter.adoptOnConflictCodes?.some((code) => code.toLowerCase() === classified.code.toLowerCase())
      ) {
        const adopted: WriteResult = {
          nodeKey: node.key,
          resourceId: node.id,
          outcome: "succeeded",
          action: "adopt",
          ...extra,
        };
        return withFactsAfterWrite(adapter, node, adopted);
      }
      throw redactError(adapter.explainError?.(classified, mode) ?? classified, prepared.secretValues);
    }
    const result = resultOfWrite(node, adapter, mode, capture.initial(), extra);
    return withFactsAfterWrite(adapter, node, result, answered);
  }

  /**
   * Makes the resource match `node.desired`: one GET, and a write only when it is absent or differs.
   * @throws AzureError (classified); `invalidRequest` with code {@link IMMUTABLE_PROPERTY_CODE} naming the
   *   properties when the plan changes one Azure cannot change (never a silent re-create)
   */
  async function ensure(node: PlanNode, extras: EnsureExtras = {}): Promise<WriteResult> {
    const adapter = adapterOf(node.kind);
    const live = await getLive(adapter, node);
    if (!live) {
      // Built-in resources (server parameters) are absent only until their parent exists, or on an
      // emulator that does not pre-create them; the write is the same PUT either way.
      return write(node, adapter, "create", undefined, extras);
    }
    const state = classifyState(liveState(adapter, live));
    if (state === "running") {
      // Azure is already working on it (ours from before a crash, or someone else's): watch, do not write.
      const operation: ArmOperation = {
        nodeKey: node.key,
        kind: node.kind as ArmNodeKind,
        resourceId: node.id,
        action: "watch",
      };
      return {
        nodeKey: node.key,
        resourceId: node.id,
        outcome: "pending",
        action: "watch",
        operation,
        nextCheckAfterMs: intervalMsOf(adapter),
      };
    }
    if (state === "deleting") {
      throw new AzureError({
        kind: "busy",
        code: "ResourceBeingDeleted",
        message: `${node.key} is being deleted; it can be created again once that finishes`,
        retryable: true,
        retryAfterMs: intervalMsOf(adapter),
        target: node.id,
      });
    }
    const differences = diffDesired(node.desired, live, adapter.compare);
    const blocked = blockedDifferences(
      differences,
      { immutable: node.immutable, rules: CHANGE_RULES_BY_KIND[node.kind] },
      live,
    );
    if (blocked.length > 0) throw immutableChangeError(node, blocked);
    // A resource whose last operation failed is written again even when it looks right: a PUT is how
    // ARM retries a failed provisioning.
    if (differences.length === 0 && state !== "failed") {
      const facts = factsOfLive(adapter, live);
      return {
        nodeKey: node.key,
        resourceId: node.id,
        outcome: "unchanged",
        action: "none",
        ...(facts ? { facts } : {}),
      };
    }
    return write(
      node,
      adapter,
      "update",
      live,
      extras,
      differences.map((d) => d.path),
    );
  }

  /**
   * One cheap call: the operation's state, and when to ask again. When a create or update is seen to
   * succeed, kinds that have facts read them with one GET of the resource.
   */
  async function check(operation: ArmOperation): Promise<OperationCheck> {
    const adapter = adapterOf(operation.kind);
    const result = explainFailure(adapter, operation, await checkState(adapter, operation));
    if (result.outcome !== "succeeded" || result.facts || operation.action === "delete") return result;
    const node = { key: operation.nodeKey, id: operation.resourceId, kind: operation.kind } as PlanNode;
    const facts = await factsAfterWrite(adapter, node);
    return facts ? { ...result, facts } : result;
  }

  /** An operation that ended Failed, explained by its kind's adapter (what the refusal means, what to do). */
  function explainFailure(
    adapter: ArmAdapter,
    operation: ArmOperation,
    result: OperationCheck,
  ): OperationCheck {
    if (result.outcome !== "operationFailed" || !adapter.explainError) return result;
    if (operation.action !== "create" && operation.action !== "update") return result;
    const explained = adapter.explainError(new AzureError(result.error), operation.action);
    return explained ? { ...result, error: explained.toSummary() } : result;
  }

  async function checkState(adapter: ArmAdapter, operation: ArmOperation): Promise<OperationCheck> {
    const url = operation.statusUrl ?? operation.locationUrl;
    if (url) {
      let response;
      try {
        response = await clients.getArm(url);
      } catch (error) {
        throw classifyAzureError(error, operation.resourceId);
      }
      const retryAfterMs = retryAfterMsFromHeaders(response.headers);
      const running = (): OperationCheck => ({
        outcome: "running",
        nextCheckAfterMs: intervalMsOf(adapter, retryAfterMs),
      });
      if (response.status === 404 && operation.statusUrl) {
        // The operation record is gone (Azure keeps them for a limited time; an emulator restarted):
        // the resource's own state still tells how it ended.
        return checkState(adapter, { ...operation, statusUrl: undefined, locationUrl: undefined });
      }
      if (response.status >= 400) {
        const facts = { statusCode: response.status, retryAfterMs, ...azureErrorBody(response.body) };
        const classified = classifyFacts(facts, operation.resourceId);
        // The status monitor itself refused (throttled, down): the orchestration retries the check.
        // A Location URL answering an error is the operation's own failure.
        if (operation.statusUrl || classified.kind === "throttled") throw classified;
        if (operation.action === "delete" && classified.kind === "notFound") return { outcome: "succeeded" };
        return { outcome: "operationFailed", error: classified.toSummary() };
      }
      if (operation.statusUrl) {
        const status = readPath(response.body, "status");
        const stateClass =
          typeof status === "string" && status.toLowerCase() === "succeeded"
            ? "succeeded"
            : classifyState(status);
        if (stateClass === "succeeded" || (status === undefined && response.status !== 202)) {
          return { outcome: "succeeded" };
        }
        if (stateClass === "failed") {
          const body = azureErrorBody(response.body);
          const classified = classifyFacts(
            {
              code: body.code ?? `Operation${String(status)}`,
              message: body.message ?? `the operation ended ${String(status)}`,
            },
            operation.resourceId,
          );
          return { outcome: "operationFailed", error: classified.toSummary() };
        }
        return running();
      }
      return response.status === 202 ? running() : { outcome: "succeeded" };
    }
    // No URL to watch: the resource's own state tells.
    const node = { key: operation.nodeKey, id: operation.resourceId, kind: operation.kind } as PlanNode;
    const live = await getLive(adapter, node);
    if (operation.action === "delete") {
      return live
        ? { outcome: "running", nextCheckAfterMs: intervalMsOf(adapter) }
        : { outcome: "succeeded" };
    }
    if (!live) {
      return {
        outcome: "operationFailed",
        error: classifyFacts(
          {
            code: "ResourceNotFound",
            message: `${operation.resourceId} disappeared while being written`,
            statusCode: 404,
          },
          operation.resourceId,
        ).toSummary(),
      };
    }
    const state = classifyState(liveState(adapter, live));
    if (state === "settled") {
      const facts = factsOfLive(adapter, live);
      return { outcome: "succeeded", ...(facts ? { facts } : {}) };
    }
    if (state === "failed") {
      const facts = failedStateFacts(operation.nodeKey, adapter, liveState(adapter, live));
      return { outcome: "operationFailed", error: classifyFacts(facts, operation.resourceId).toSummary() };
    }
    return { outcome: "running", nextCheckAfterMs: intervalMsOf(adapter) };
  }

  /** Deletes the resource; an absent resource is success. */
  async function remove(node: PlanNode): Promise<WriteResult> {
    const adapter = adapterOf(node.kind);
    const base = { nodeKey: node.key, resourceId: node.id, action: "delete" as const };
    if (adapter.builtIn) return { ...base, outcome: "succeeded" };
    const capture = captureInitialResponse(clients.lroPollIntervalMs);
    try {
      await adapter.remove(clients, parseResourceId(node.id), capture.options, node);
    } catch (error) {
      // As for writes: a failure of the SDK's first poll is `check`'s to report.
      if (writeWasAccepted(capture.initial()))
        return resultOfWrite(node, adapter, "delete", capture.initial(), {});
      const classified = classifyAzureError(error, node.id);
      if (isNotFoundError(classified)) return { ...base, outcome: "succeeded" };
      throw classified;
    }
    const initial = capture.initial();
    if (initial?.status === 404) return { ...base, outcome: "succeeded" };
    return resultOfWrite(node, adapter, "delete", initial, {});
  }

  return { ensure, check, remove };
}

/**
 * What to tell the user of a resource whose own state says it failed: there was no operation-status body
 * to read Azure's code and message from (the resource's state was all Azure answered), so say that, and
 * where Azure keeps the reason.
 */
function failedStateFacts(
  nodeKey: string,
  adapter: ArmAdapter,
  state: unknown,
): { code: string; message: string } {
  return {
    code: "ProvisioningStateFailed",
    message:
      `Azure reports ${adapter.armType} ${nodeKey} ${String(state)} and gives no reason on the resource; ` +
      "its activity log in the Azure portal has Azure's own message",
  };
}

/** The generic ARM steps, as {@link createArmSteps} builds them. */
export type ArmSteps = ReturnType<typeof createArmSteps>;

/** True when the first response to a write was a 2xx: Azure took the request. */
function writeWasAccepted(initial: { status: number } | undefined): boolean {
  return initial !== undefined && initial.status >= 200 && initial.status < 300;
}

function immutableChangeError(node: PlanNode, differences: readonly BlockedDifference[]): AzureError {
  // Values are left out: they may be sensitive, and the paths are what the user must act on.
  const paths = differences.map((d) => `${d.path} (${d.reason})`).join(", ");
  return new AzureError({
    kind: "invalidRequest",
    code: IMMUTABLE_PROPERTY_CODE,
    message: `${node.key} (${node.id}) cannot change ${paths}; Azure would need the resource re-created, which the provisioner never does silently`,
    retryable: false,
    target: node.id,
  });
}

function redactError(error: AzureError, secretValues: readonly string[] | undefined): AzureError {
  if (!secretValues || secretValues.length === 0) return error;
  const summary = error.toSummary();
  return new AzureError({ ...summary, message: redactValues(summary.message, secretValues) });
}
