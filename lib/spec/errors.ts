/**
 * The branded error for a refused spec, for callers that prefer a throw to a result (the brand is a
 * registered symbol, so `isSpecValidationError` holds across duplicate module copies).
 */
import type { EnvironmentSpec, SpecProblem } from "./types";
import { validateSpec } from "./validate";

const SPEC_VALIDATION_ERROR = Symbol.for("azure-env-provisioner/SpecValidationError");

/** A spec was refused; `problems` lists every problem with its path. */
export class SpecValidationError extends Error {
  readonly [SPEC_VALIDATION_ERROR] = true;
  override readonly name = "SpecValidationError";
  constructor(readonly problems: readonly SpecProblem[]) {
    super(
      `the environment spec has ${problems.length} problem(s): ${problems.map((p) => `${p.path || "(spec)"}: ${p.message}`).join("; ")}`,
    );
  }
}

/** True for a {@link SpecValidationError}, also across duplicate copies of this module. */
export function isSpecValidationError(error: unknown): error is SpecValidationError {
  return typeof error === "object" && error !== null && SPEC_VALIDATION_ERROR in error;
}

/**
 * Validates and returns the spec, or throws.
 * @throws SpecValidationError with every problem.
 */
export function parseEnvironmentSpec(input: string | unknown): EnvironmentSpec {
  const result = validateSpec(input);
  if (!result.ok) throw new SpecValidationError(result.problems);
  return result.spec;
}
