/** The shape of an envctl command; `apply`, `status` and `destroy` plug in the same way later. */
import type { CliIo } from "../io";

/** A usage mistake (unknown option, missing argument): envctl prints it with the command's usage. */
export class UsageError extends Error {
  readonly isUsageError = true as const;
  override readonly name = "UsageError";
}

/** True for a {@link UsageError}, also across duplicate copies of this module. */
export function isUsageError(error: unknown): error is UsageError {
  return (
    typeof error === "object" && error !== null && (error as { isUsageError?: unknown }).isUsageError === true
  );
}

/** One subcommand of envctl. */
export interface CliCommand {
  /** The word after `envctl`. */
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** The usage line, shown by `--help` and on usage errors. */
  readonly usage: string;
  /** Further lines for `--help` (settings the command reads, …). */
  readonly details: readonly string[];
  /**
   * Runs the command with the arguments after its name.
   * @returns the exit code (see `exit-codes.ts`).
   * @throws UsageError for bad arguments.
   */
  run(args: readonly string[], io: CliIo): Promise<number>;
}
