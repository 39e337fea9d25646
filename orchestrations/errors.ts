/**
 * Errors at the orchestration boundary. Durable Functions hands an orchestration nothing but an error's
 * message, so every failure a user must see (Azure's code and message, the node it concerns) travels in
 * the wire form of `lib/azure/errors.ts`, which survives any number of wrappings
 * (`Activity function 'x' failed: …`, `Orchestrator function 'y' failed: …`).
 */
import { AzureError, parseAzureErrorWire, type AzureErrorSummary } from "../lib/azure/errors";
import type { ReportedError } from "./contracts";

/** Code reported when an error carries no classification (a bug in our code, not an Azure answer). */
export const UNCLASSIFIED_CODE = "UnclassifiedError";

/** Code reported when an operation outlived its deadline (see `deadlines.ts`). */
export const DEADLINE_EXCEEDED_CODE = "OperationDeadlineExceeded";

/** The message of anything a task rejected with. */
function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The classified summary an error carries, or an unclassified, non-retryable one built from its first
 * line (the rest is a stack trace the user does not need).
 */
export function summaryOf(error: unknown): AzureErrorSummary {
  const message = messageOf(error);
  const parsed = parseAzureErrorWire(message);
  if (parsed) return parsed;
  const firstLine = message.split("\n")[0]?.trim() ?? message;
  return { kind: "operationFailed", code: UNCLASSIFIED_CODE, message: firstLine, retryable: false };
}

/** What a user is told about an error: Azure's code and message, and the node it concerns. */
export function reportedErrorOf(error: unknown, nodeKey?: string): ReportedError {
  const summary = summaryOf(error);
  return nodeKey === undefined
    ? { code: summary.code, message: summary.message }
    : { nodeKey, code: summary.code, message: summary.message };
}

/**
 * The error an orchestration throws to fail with `summary`: its message keeps the wire form, so the
 * parent orchestration (or the records) read back Azure's code and message.
 */
export function failureWith(summary: AzureErrorSummary): AzureError {
  return new AzureError({ ...summary, retryable: false, retryAfterMs: undefined });
}

const FAILURES_OPEN = "[environment-failures]";
const FAILURES_CLOSE = "[/environment-failures]";

/**
 * Thrown by the build and destroy orchestrations when one or more nodes failed. The message names each
 * failed node with Azure's code and message, then carries the failures as JSON for a parent
 * orchestration ({@link parseEnvironmentFailures}).
 */
export class EnvironmentFailedError extends Error {
  readonly isEnvironmentFailedError = true as const;
  readonly failures: readonly ReportedError[];

  constructor(environmentId: string, operation: "apply" | "destroy", failures: readonly ReportedError[]) {
    super(
      `${operation} of ${environmentId} failed: ${describeFailures(failures)} ` +
        `${FAILURES_OPEN}${JSON.stringify(failures)}${FAILURES_CLOSE}`,
    );
    this.name = "EnvironmentFailedError";
    this.failures = failures;
  }
}

/** True for an {@link EnvironmentFailedError}, also across duplicate copies of this module. */
export function isEnvironmentFailedError(error: unknown): error is EnvironmentFailedError {
  return (
    typeof error === "object" &&
    error !== null &&
    (error as { isEnvironmentFailedError?: unknown }).isEnvironmentFailedError === true
  );
}

/** `node (Code): message; …` — the summary a failed instance ends with. */
export function describeFailures(failures: readonly ReportedError[]): string {
  return failures
    .map((failure) => `${failure.nodeKey ?? "environment"} (${failure.code}): ${failure.message}`)
    .join("; ");
}

/**
 * The failures an {@link EnvironmentFailedError} carried, read back from a message as a parent
 * orchestration sees it; otherwise the one error the message describes.
 */
export function parseEnvironmentFailures(error: unknown): readonly ReportedError[] {
  const message = error instanceof Error ? error.message : String(error);
  const start = message.lastIndexOf(FAILURES_OPEN);
  const end = start < 0 ? -1 : message.indexOf(FAILURES_CLOSE, start);
  if (start >= 0 && end > start) {
    try {
      const parsed = JSON.parse(message.slice(start + FAILURES_OPEN.length, end)) as unknown;
      if (Array.isArray(parsed)) return parsed as ReportedError[];
    } catch {
      // Fall through: report the message as one error.
    }
  }
  return [reportedErrorOf(error)];
}
