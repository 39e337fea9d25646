/**
 * The one error an orchestration throws: a top-level build or destroy whose nodes failed ends its
 * instance Failed with {@link EnvironmentFailedError}, whose message summarises the failures for people.
 * Programs never read it: the same failures are values in the instance's last custom status
 * (`EnvironmentProgress.failures`) and, for a child of a batch, in its output.
 */
import type { ReportedError } from "./contracts";

/** Code reported when a failure carries no classification (a bug in our code, not an Azure answer). */
export const UNCLASSIFIED_CODE = "UnclassifiedError";

/** Code reported when an operation outlived its deadline (see `deadlines.ts`). */
export const DEADLINE_EXCEEDED_CODE = "OperationDeadlineExceeded";

/** Code reported when a user's input a node waited for (an uploaded certificate) did not come in time. */
export const INPUT_NOT_PROVIDED_CODE = "InputNotProvided";

/** Thrown by a top-level build or destroy when one or more nodes failed. */
export class EnvironmentFailedError extends Error {
  readonly isEnvironmentFailedError = true as const;
  readonly failures: readonly ReportedError[];

  constructor(environmentId: string, operation: "apply" | "destroy", failures: readonly ReportedError[]) {
    super(`${operation} of ${environmentId} failed: ${describeFailures(failures)}`);
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
 * The first line of what a faulted task carried: tasks fault only on a bug or a host failure (Azure's
 * answers are values), and the rest is a stack trace. Shown to users; nothing is read out of it.
 */
export function firstLineOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0]?.trim() || message;
}

/** The user's view of a task that faulted although its orchestration returns failures as values. */
export function unexpectedFailure(error: unknown, nodeKey?: string): ReportedError {
  const message = firstLineOf(error);
  return nodeKey === undefined
    ? { code: UNCLASSIFIED_CODE, message }
    : { nodeKey, code: UNCLASSIFIED_CODE, message };
}
