/**
 * Errors of the durable engine, branded so checks survive duplicate module copies. The management API
 * maps them to the Durable HTTP API's status codes (404, 410, 400, 409, 412).
 */
export type DurableErrorKind =
  | "instance-not-found"
  | "instance-not-running"
  | "invalid-request"
  | "instance-exists"
  /** The operation needs another state (rewind of an instance that has not failed). */
  | "precondition-failed";

/** An engine error the caller can act on; `kind` says which. */
export interface DurableEngineError extends Error {
  readonly isDurableEngineError: true;
  readonly kind: DurableErrorKind;
}

/** Whether `error` is a {@link DurableEngineError} (optionally of one kind). */
export function isDurableEngineError(error: unknown, kind?: DurableErrorKind): error is DurableEngineError {
  return (
    error instanceof Error &&
    (error as Partial<DurableEngineError>).isDurableEngineError === true &&
    (kind === undefined || (error as DurableEngineError).kind === kind)
  );
}

/** Builds a {@link DurableEngineError}. */
export function durableEngineError(kind: DurableErrorKind, message: string): DurableEngineError {
  return Object.assign(new Error(message), { isDurableEngineError: true as const, kind });
}
