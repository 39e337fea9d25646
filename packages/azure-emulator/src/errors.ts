/**
 * ARM errors as the emulator answers them: an HTTP status plus ARM's `{ error: { code, message } }` body,
 * which the SDK clients turn into a `RestError` with the same `code` and `statusCode`.
 */

const ARM_ERROR_BRAND = Symbol.for("azure-env-provisioner.emulator.ArmError");

/** An error the emulator reports to the client with ARM's error body. */
export class ArmError extends Error {
  readonly [ARM_ERROR_BRAND] = true;
  /**
   * @param statusCode - HTTP status of the answer
   * @param code - ARM error code, e.g. `ResourceNotFound`
   * @param headers - extra response headers (e.g. `Retry-After`)
   */
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
    /** The member the error is about (`target`), and finer-grained errors (`details`), as ARM's `ErrorDetail`. */
    readonly extra: { readonly target?: string; readonly details?: readonly ArmErrorDetail[] } = {},
  ) {
    super(message);
    this.name = "ArmError";
  }

  /** The ARM error body. */
  toBody(): {
    error: { code: string; message: string; target?: string; details?: readonly ArmErrorDetail[] };
  } {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.extra.target === undefined ? {} : { target: this.extra.target }),
        ...(this.extra.details === undefined ? {} : { details: this.extra.details }),
      },
    };
  }
}

/** One entry of an ARM error's `details`. */
export interface ArmErrorDetail {
  readonly code: string;
  readonly message: string;
  readonly target?: string;
}

/** True for an {@link ArmError}, even one from another copy of this module. */
export function isArmError(value: unknown): value is ArmError {
  return typeof value === "object" && value !== null && ARM_ERROR_BRAND in value;
}

/** 400 with the given code. */
export const badRequest = (code: string, message: string): ArmError => new ArmError(400, code, message);
/** 404 with the given code. */
export const notFound = (code: string, message: string): ArmError => new ArmError(404, code, message);
/** 409 with the given code. */
export const conflict = (code: string, message: string): ArmError => new ArmError(409, code, message);
