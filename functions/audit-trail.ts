/**
 * Audit entries the service writes itself, beside the API's request entries (`auth/guard.ts`): one when an
 * operation ends (its record is first written finished, failed or canceled), and one per environment of a
 * queued request, whose only "who" is the queue message.
 */
import type { AuditEntry, AuditLog, AuditOutcome, EnvironmentRecord, RequestResult } from "./records";

/** Longest failure text copied into an entry. */
const MAX_DETAIL_CHARS = 500;

/** The entry for `record`'s ended operation; `undefined` while it runs. */
export function operationEndedEntry(record: EnvironmentRecord, at: string): AuditEntry | undefined {
  const operation = record.lastOperation;
  if (!operation || operation.status === "running") return undefined;
  const failures = record.resultSummary?.failures ?? [];
  const first = failures[0];
  return {
    environmentId: record.environmentId,
    at,
    event: "operationEnded",
    action: operation.action,
    outcome: operation.status,
    org: record.org,
    planHash: record.planHash,
    principal: { kind: "provisioner" },
    operation: {
      instanceId: operation.instanceId,
      requestedBy: operation.requestedBy,
      startedAt: operation.startedAt,
      ...(operation.endedAt ? { endedAt: operation.endedAt } : {}),
      ...(failures.length > 0 ? { failures: failures.length } : {}),
    },
    ...(first ? { detail: `${first.code}: ${first.message}`.slice(0, MAX_DETAIL_CHARS) } : {}),
  };
}

/**
 * The service's `operationEnded` hook: appends the entry, and logs it (a second copy, and the only one
 * when the table cannot be written). Never throws: the record is already written, the answer stands.
 */
export function recordOperationEnded(
  audit: AuditLog,
  log: { log(message: string): void; error(message: string): void },
): (record: EnvironmentRecord) => Promise<void> {
  return async (record) => {
    const entry = operationEndedEntry(record, new Date().toISOString());
    if (!entry) return;
    log.log(`audit ${JSON.stringify(entry)}`);
    await audit.append(entry).catch((error: unknown) => {
      log.error(
        `audit append failed (${error instanceof Error ? error.message : String(error)}) for ${JSON.stringify(entry)}`,
      );
    });
  };
}

/** Outcomes decided for a queued environment; `deferred` is not one (the message comes again). */
const QUEUE_OUTCOMES: Readonly<Record<Exclude<RequestResult["outcome"], "deferred">, AuditOutcome>> = {
  started: "accepted",
  duplicate: "busy",
  refused: "refused",
};

/** The entry of one environment of a queued request (results that name no environment have none). */
export function queuedRequestEntry(result: RequestResult, org: string | undefined): AuditEntry | undefined {
  if (result.environmentId === undefined || result.outcome === "deferred") return undefined;
  const problem = result.problems[0];
  return {
    environmentId: result.environmentId,
    at: result.recordedAt,
    event: "request",
    action: result.action,
    outcome: QUEUE_OUTCOMES[result.outcome],
    ...(org ? { org } : {}),
    principal: { kind: "queue", queueMessageId: result.requestId },
    ...(problem
      ? { detail: `${problem.path ? `${problem.path}: ` : ""}${problem.message}`.slice(0, MAX_DETAIL_CHARS) }
      : {}),
  };
}
