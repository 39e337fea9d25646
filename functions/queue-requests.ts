/**
 * Queue requests (`environment-requests`): one spec, or `{ environments: [...] }`, with an `action`
 * (`apply`, the default, or `destroy`) and, for destroys, `keyVault` (`keep`, the default, or `purge`).
 * A batch too large for one message (64 KiB) names a blob of the app's storage holding the list instead:
 * `{ environmentsBlob: "<container>/<blob>" }`.
 *
 * Every environment of a message gets one row in the request results table (`environmentRequestResults`,
 * partition = message id): `started`, `duplicate` (already building, or listed twice; nothing new is
 * started), `refused` with every validation or preflight problem, or `deferred`. Refused specs are
 * recorded, never thrown: a throw would only retry the same bad spec until it landed in the poison queue
 * without its reasons. Only infrastructure failures throw, so the message is retried: storage, Durable,
 * and a preflight that could not finish (Azure throttled or failed, a provider registering) — then the
 * message starts nothing, its rows say `deferred` and why, and the redelivery runs preflight again.
 */
import { withBatchQuotas } from "../lib/preflight/batch-quotas";
import { PROVISION_BATCH, type BatchInput, type BatchItem } from "../orchestrations/contracts";
import { queuedRequestEntry } from "./audit-trail";
import type { AuditLog, OperationAction, RequestResult, RequestResults } from "./records";
import { parseBatchText, parseSpecText } from "../lib/spec/parse";
import { isBatchBlobError, type BatchBlobReader } from "./batch-blob";
import type { PreflightReport } from "../lib/preflight/types";
import type { EnvironmentSpec, SpecProblem } from "../lib/spec/types";
import { validateSpec } from "../lib/spec/validate";
import { writeBucketConcurrency } from "../lib/plan/batch-concurrency";
import { operationPhrase, type BusyOutcome, type EnvironmentService } from "./environment-service";
import type { OrchestrationClient } from "./ports";
import { withinProvisionerSubscriptions } from "./spec-body";

/** The queue the trigger listens on. */
export const ENVIRONMENT_REQUESTS_QUEUE = "environment-requests";

/** Keys of a message that belong to the request, not to the spec. */
const REQUEST_KEYS = ["action", "keyVault", "environments", "environmentsBlob"] as const;

/** A message, read. */
export type ParsedRequest =
  | {
      readonly ok: true;
      readonly action: OperationAction;
      readonly keyVault: "keep" | "purge";
      /** The specs as given (objects or text), not yet validated; empty when they are in a blob. */
      readonly items: readonly unknown[];
      /** `<container>/<blob>` of the app's storage holding the list of specs, when the message names one. */
      readonly environmentsBlob?: string;
    }
  | { readonly ok: false; readonly problems: readonly SpecProblem[] };

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Reads a message body (already-parsed JSON, or text in JSON or YAML) into its action and specs. */
export function parseRequest(message: unknown): ParsedRequest {
  let body = message;
  if (typeof message === "string") {
    const parsed = parseSpecText(message);
    if (!parsed.ok) return parsed;
    body = parsed.value;
  }
  if (!isMapping(body)) {
    return {
      ok: false,
      problems: [{ path: "", message: "a request is one spec or { action, environments: [spec, …] }" }],
    };
  }
  const problems: SpecProblem[] = [];
  const action = body.action ?? "apply";
  if (action !== "apply" && action !== "destroy")
    problems.push({ path: "action", message: "must be apply or destroy" });
  const keyVault = body.keyVault ?? "keep";
  if (keyVault !== "keep" && keyVault !== "purge")
    problems.push({ path: "keyVault", message: "must be keep or purge" });
  let items: unknown[];
  const blob = body.environmentsBlob;
  if (blob !== undefined && (typeof blob !== "string" || "environments" in body)) {
    problems.push({
      path: "environmentsBlob",
      message: "must be <container>/<blob> naming the list of specs, instead of environments",
    });
  }
  if (typeof blob === "string") {
    items = [];
  } else if ("environments" in body) {
    if (!Array.isArray(body.environments) || body.environments.length === 0) {
      problems.push({ path: "environments", message: "must be a non-empty list of specs" });
      items = [];
    } else {
      items = body.environments;
    }
  } else {
    items = [
      Object.fromEntries(
        Object.entries(body).filter(([key]) => !(REQUEST_KEYS as readonly string[]).includes(key)),
      ),
    ];
  }
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    action: action as OperationAction,
    keyVault: keyVault as "keep" | "purge",
    items,
    ...(typeof blob === "string" ? { environmentsBlob: blob } : {}),
  };
}

/** Dependencies of {@link handleEnvironmentRequest}. */
export interface RequestHandlerDeps {
  readonly service: EnvironmentService;
  readonly orchestrations: OrchestrationClient;
  readonly results: RequestResults;
  /** The subscriptions this provisioner builds in (empty: any); specs naming another are refused. */
  readonly subscriptionIds: readonly string[];
  /** Environments of one batch building at once. @default - from ARM's write bucket (`writeBucketConcurrency`) */
  readonly maxConcurrentBuilds: number | undefined;
  /**
   * Preflight of a valid spec to apply (`preflight.ts`), before anything is claimed; `undefined` when
   * there is nothing to preflight (the claim refuses the spec: it does not fit its recorded engines).
   * @default - none: specs go straight to their claim
   */
  readonly preflight?: (
    spec: EnvironmentSpec,
    modulePaths: Readonly<Record<string, string>> | undefined,
  ) => Promise<PreflightReport | undefined>;
  /** Reads a batch blob a message names (`environmentsBlob`). @default - such messages are refused */
  readonly readBatchBlob?: BatchBlobReader;
  /** @default - the system clock */
  readonly now?: () => Date;
  /**
   * Organisations requests may target (`PROVISIONER_QUEUE_ORGS`): a message names no caller, so whoever
   * may send to the queue may act on these; others are refused. @default "all"
   */
  readonly queueOrgs?: "all" | ReadonlySet<string>;
  /** Where each environment's request is also recorded, with the message as its only "who". @default - nowhere */
  readonly audit?: AuditLog;
  /** Logs audit entries (a second copy) and failures to append them. @default - nothing */
  readonly log?: { log(message: string): void; error(message: string): void };
}

/** Specs of one message preflighted at once: enough to be quick, few enough not to trip ARM's read throttling. */
const PREFLIGHT_CONCURRENCY = 4;

/**
 * Thrown when preflight could not finish for a spec of the message: nothing was started, every row is
 * recorded (`deferred` with why), and the host redelivers the message after its visibility timeout.
 */
export class PreflightDeferredError extends Error {
  readonly isPreflightDeferredError = true as const;
  constructor(
    readonly requestId: string,
    readonly retryAfterSec: number,
  ) {
    super(
      `request ${requestId}: preflight could not finish; the message is retried (Azure asked for ${retryAfterSec} s)`,
    );
    this.name = "PreflightDeferredError";
  }
}

/** True for a {@link PreflightDeferredError}, also across duplicate copies of this module. */
export function isPreflightDeferredError(error: unknown): error is PreflightDeferredError {
  return (
    typeof error === "object" &&
    error !== null &&
    (error as { isPreflightDeferredError?: unknown }).isPreflightDeferredError === true
  );
}

/** Runs `work` on every item, at most `limit` at once, results in item order. */
async function eachLimited<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * The request with the specs of the blob it names, read and parsed; a blob that cannot be read is a
 * refusal naming it (a storage outage throws, so the message is retried).
 */
async function withBlobItems(
  request: ParsedRequest,
  read: BatchBlobReader | undefined,
): Promise<ParsedRequest> {
  if (!request.ok || request.environmentsBlob === undefined) return request;
  const refused = (message: string): ParsedRequest => ({
    ok: false,
    problems: [{ path: "environmentsBlob", message }],
  });
  if (!read) return refused("this host reads no batch blobs");
  let text: string;
  try {
    text = await read(request.environmentsBlob);
  } catch (error) {
    if (isBatchBlobError(error)) return refused(error.message);
    throw error;
  }
  const parsed = parseBatchText(text);
  if (!parsed.ok)
    return {
      ok: false,
      problems: parsed.problems.map((p) => ({ ...p, path: `environmentsBlob${p.path ? `.${p.path}` : ""}` })),
    };
  const items = parsed.value as unknown[];
  if (items.length === 0) return refused("the blob's list of specs is empty");
  return { ...request, items };
}

/** The batch orchestration's instance id for a message: redelivery cannot start a second batch. */
export function batchInstanceIdOf(requestId: string): string {
  return `batch-${requestId}`;
}

/** The result of a request for an environment a build or destroy holds: nothing new is started. */
function alreadyRunning(outcome: BusyOutcome) {
  const running = outcome.operation ? operationPhrase(outcome.operation.action) : "an operation";
  const message = `${running} of "${outcome.environmentId}" is already running; nothing new was started`;
  return {
    environmentId: outcome.environmentId,
    outcome: "duplicate" as const,
    problems: [{ path: "", message }],
  };
}

/**
 * Handles one message: validates each spec, claims each valid environment, starts one batch
 * orchestration for the claimed ones, and records every outcome.
 * @returns the recorded results, in message order
 */
export async function handleEnvironmentRequest(
  message: unknown,
  requestId: string,
  deps: RequestHandlerDeps,
): Promise<RequestResult[]> {
  const recordedAt = () => (deps.now ?? (() => new Date()))().toISOString();
  const request = await withBlobItems(parseRequest(message), deps.readBatchBlob);
  if (!request.ok) {
    const refused: RequestResult = {
      requestId,
      index: 0,
      action: "apply",
      outcome: "refused",
      problems: request.problems,
      recordedAt: recordedAt(),
    };
    await deps.results.record(refused);
    return [refused];
  }
  const requestedBy = `queue:${requestId}`;
  const batchInstanceId = batchInstanceIdOf(requestId);
  const results: RequestResult[] = [];
  const claimed: { index: number; environmentId: string; item: BatchItem }[] = [];
  const seen = new Set<string>();
  const candidates: {
    index: number;
    environmentId: string;
    spec: EnvironmentSpec;
    modulePaths: Readonly<Record<string, string>> | undefined;
  }[] = [];
  /** Each named environment's organisation, for the audit. */
  const orgs = new Map<string, string>();
  for (const [index, item] of request.items.entries()) {
    const base = { requestId, index, action: request.action };
    const validation = withinProvisionerSubscriptions(validateSpec(item), deps.subscriptionIds);
    if (!validation.ok) {
      results.push({ ...base, outcome: "refused", problems: validation.problems, recordedAt: recordedAt() });
      continue;
    }
    const environmentId = `${validation.spec.org_name}-${validation.spec.name}`;
    orgs.set(environmentId, validation.spec.org_name);
    const queueOrgs = deps.queueOrgs ?? "all";
    if (queueOrgs !== "all" && !queueOrgs.has(validation.spec.org_name)) {
      const allowed = [...queueOrgs].join(", ") || "none";
      const problems = [
        {
          path: "org_name",
          message: `organisation "${validation.spec.org_name}" may not be targeted through the queue (PROVISIONER_QUEUE_ORGS allows ${allowed}); nothing was started`,
        },
      ];
      results.push({ ...base, environmentId, outcome: "refused", problems, recordedAt: recordedAt() });
      continue;
    }
    if (seen.has(environmentId)) {
      const problems = [
        { path: `environments[${index}]`, message: `"${environmentId}" is listed earlier in this request` },
      ];
      results.push({ ...base, environmentId, outcome: "duplicate", problems, recordedAt: recordedAt() });
      continue;
    }
    seen.add(environmentId);
    candidates.push({ index, environmentId, spec: validation.spec, modulePaths: validation.modulePaths });
  }

  // Preflight of every valid spec to apply, before anything is claimed (a destroy has nothing to check).
  const preflight = deps.preflight;
  if (request.action === "apply" && preflight) {
    // An environment a build or destroy holds is answered before its preflight: the running operation
    // changes what preflight would read (the vault it just created would look taken by someone else).
    const holders = await eachLimited(candidates, PREFLIGHT_CONCURRENCY, (c) =>
      deps.service.running(c.environmentId),
    );
    for (let at = candidates.length - 1; at >= 0; at--) {
      const holder = holders[at];
      if (!holder) continue;
      const { index } = candidates[at]!;
      results.push({
        requestId,
        index,
        action: request.action,
        ...alreadyRunning(holder),
        recordedAt: recordedAt(),
      });
      candidates.splice(at, 1);
    }
  }
  const ownReports =
    request.action === "apply" && preflight
      ? await eachLimited(candidates, PREFLIGHT_CONCURRENCY, (c) => preflight(c.spec, c.modulePaths))
      : candidates.map(() => undefined);
  // Each preflight saw one environment's needs; the batch's add up against the same quotas.
  const reports = withBatchQuotas(
    candidates.map((candidate, at) => ({ environmentId: candidate.environmentId, report: ownReports[at] })),
  );
  const deferred = candidates.filter((_, at) => reports[at]?.outcome === "deferred");
  if (deferred.length > 0) {
    const waitingFor = deferred.map((c) => c.environmentId).join(", ");
    for (const [at, candidate] of candidates.entries()) {
      const report = reports[at];
      const base = {
        requestId,
        index: candidate.index,
        action: request.action,
        environmentId: candidate.environmentId,
      };
      const problems: SpecProblem[] =
        report?.outcome === "refused"
          ? [...report.problems]
          : report?.outcome === "deferred"
            ? [...report.deferred]
            : [
                {
                  path: "",
                  message: `${report ? "preflight passed; " : ""}waiting for ${waitingFor} of the same request, whose preflight could not finish (the message is retried)`,
                },
              ];
      results.push({
        ...base,
        outcome: report?.outcome === "refused" ? "refused" : "deferred",
        problems,
        recordedAt: recordedAt(),
      });
    }
    results.sort((a, b) => a.index - b.index);
    for (const result of results) await deps.results.record(result);
    throw new PreflightDeferredError(
      requestId,
      Math.max(...deferred.map((c) => reports[candidates.indexOf(c)]!.retryAfterSec ?? 30)),
    );
  }

  for (const [at, candidate] of candidates.entries()) {
    const { index, environmentId } = candidate;
    const base = { requestId, index, action: request.action };
    const report = reports[at];
    if (report?.outcome === "refused") {
      results.push({
        ...base,
        environmentId,
        outcome: "refused",
        problems: [...report.problems],
        recordedAt: recordedAt(),
      });
      continue;
    }
    const outcome = await deps.service.claim(candidate.spec, {
      action: request.action,
      requestedBy,
      batchInstanceId,
    });
    if (outcome.kind === "unknown") {
      // As the API's 404: a destroy needs an environment that was applied.
      const problems = [
        {
          path: "",
          message: `no environment "${environmentId}" has been applied; there is nothing to destroy`,
        },
      ];
      results.push({ ...base, environmentId, outcome: "refused", problems, recordedAt: recordedAt() });
      continue;
    }
    if (outcome.kind === "refused") {
      // The spec does not fit the engines the environment's record pins (lib/spec/pinned-engines.ts).
      results.push({
        ...base,
        environmentId,
        outcome: "refused",
        problems: outcome.problems,
        recordedAt: recordedAt(),
      });
      continue;
    }
    if (outcome.kind === "busy") {
      results.push({ ...base, ...alreadyRunning(outcome), recordedAt: recordedAt() });
      continue;
    }
    const batchItem: BatchItem =
      request.action === "apply"
        ? { action: "apply", plan: outcome.plan }
        : { action: "destroy", plan: outcome.plan, keyVault: request.keyVault };
    claimed.push({ index, environmentId, item: batchItem });
  }
  if (claimed.length > 0) {
    const input: BatchInput = {
      items: claimed.map((entry) => entry.item),
      maxConcurrent:
        deps.maxConcurrentBuilds ?? writeBucketConcurrency(claimed.map((entry) => entry.item.plan)),
      requestedBy,
    };
    await deps.orchestrations.startNew(PROVISION_BATCH, batchInstanceId, input);
    for (const entry of claimed) {
      results.push({
        requestId,
        index: entry.index,
        action: request.action,
        environmentId: entry.environmentId,
        outcome: "started",
        instanceId: entry.environmentId,
        problems: [],
        recordedAt: recordedAt(),
      });
    }
  }
  results.sort((a, b) => a.index - b.index);
  // The audit first: whoever reads a request's results then finds its audit entries too.
  if (deps.audit) await auditResults(deps.audit, results, orgs, claimed, deps.log);
  for (const result of results) await deps.results.record(result);
  return results;
}

/**
 * Appends each environment's result to the audit. Best effort: the results are recorded and the batch
 * started, and a retried message would find its environments taken and record them as duplicates.
 */
async function auditResults(
  audit: AuditLog,
  results: readonly RequestResult[],
  orgs: ReadonlyMap<string, string>,
  claimed: readonly { environmentId: string; item: BatchItem }[],
  log: RequestHandlerDeps["log"],
): Promise<void> {
  const planHashes = new Map(claimed.map((entry) => [entry.environmentId, entry.item.plan.hash]));
  for (const result of results) {
    const base = queuedRequestEntry(
      result,
      result.environmentId ? orgs.get(result.environmentId) : undefined,
    );
    if (!base) continue;
    const planHash =
      result.outcome === "started" && result.environmentId ? planHashes.get(result.environmentId) : undefined;
    const entry = { ...base, ...(planHash ? { planHash } : {}) };
    log?.log(`audit ${JSON.stringify(entry)}`);
    await audit.append(entry).catch((error: unknown) => {
      log?.error(
        `audit append failed (${error instanceof Error ? error.message : String(error)}) for ${JSON.stringify(entry)}`,
      );
    });
  }
}
