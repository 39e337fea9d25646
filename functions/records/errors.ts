/**
 * Branded errors of the record store. The brand is a registered symbol so `isX()` holds across
 * duplicate copies of this module.
 */

const RECORD_CONFLICT_ERROR = Symbol.for("azure-env-provisioner/RecordConflictError");

/**
 * Someone else wrote the record since it was read (etag mismatch), or a record that should be new
 * already exists. The caller reads again and decides; for an apply this means "another request won".
 */
export class RecordConflictError extends Error {
  readonly [RECORD_CONFLICT_ERROR] = true;
  override readonly name = "RecordConflictError";
  constructor(readonly environmentId: string) {
    super(`the record of environment "${environmentId}" was changed by another request`);
  }
}

/** Whether `error` is a {@link RecordConflictError}. */
export function isRecordConflictError(error: unknown): error is RecordConflictError {
  return typeof error === "object" && error !== null && RECORD_CONFLICT_ERROR in error;
}
