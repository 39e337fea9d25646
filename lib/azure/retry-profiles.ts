/**
 * Named retry profiles for calling activities from orchestrations (STYLE rule 3): every
 * `callActivityWithRetry` uses one of these, never ad-hoc numbers. Activities already turn terminal
 * Azure errors (invalid request, quota, name taken, immutable change) into a returned failure, so these
 * profiles only ever retry what Azure said may succeed later.
 */
import * as df from "durable-functions";

/** A retry profile; every duration in milliseconds. */
export interface RetryProfile {
  /** Wait before the first retry. */
  readonly firstRetryIntervalInMilliseconds: number;
  /** Attempts in total, the first included. */
  readonly maxNumberOfAttempts: number;
  /** Multiplier of the wait after each retry. */
  readonly backoffCoefficient: number;
  /** Cap on one wait. */
  readonly maxRetryIntervalInMilliseconds: number;
  /** Give up once this long has passed since the first attempt. */
  readonly retryTimeoutInMilliseconds: number;
}

/** Thrown when a profile's numbers make no sense. */
export class RetryProfileError extends Error {
  readonly isRetryProfileError = true as const;
  constructor(message: string) {
    super(message);
    this.name = "RetryProfileError";
  }
}

/** True for a {@link RetryProfileError}. */
export function isRetryProfileError(error: unknown): error is RetryProfileError {
  return (
    typeof error === "object" &&
    error !== null &&
    (error as { isRetryProfileError?: unknown }).isRetryProfileError === true
  );
}

/**
 * Builds a profile, rejecting bad values at once.
 * @throws RetryProfileError when an interval is not positive, attempts are not a positive integer, the
 *   coefficient is below 1, or the cap is below the first interval
 */
export function retryProfile(profile: RetryProfile): RetryProfile {
  const { firstRetryIntervalInMilliseconds: first, maxNumberOfAttempts: attempts } = profile;
  if (!(first > 0)) throw new RetryProfileError("firstRetryIntervalInMilliseconds must be > 0");
  if (!Number.isInteger(attempts) || attempts < 1)
    throw new RetryProfileError("maxNumberOfAttempts must be an integer >= 1");
  if (!(profile.backoffCoefficient >= 1)) throw new RetryProfileError("backoffCoefficient must be >= 1");
  if (!(profile.maxRetryIntervalInMilliseconds >= first)) {
    throw new RetryProfileError("maxRetryIntervalInMilliseconds must be >= firstRetryIntervalInMilliseconds");
  }
  if (!(profile.retryTimeoutInMilliseconds > 0))
    throw new RetryProfileError("retryTimeoutInMilliseconds must be > 0");
  return Object.freeze({ ...profile });
}

const MINUTE_MS = 60_000;

/** The project's retry profiles. */
export const retry = {
  /**
   * ARM writes (ensure, delete): 409 busy, 429 and 5xx. AKS stays busy for minutes after create and
   * ARM's write bucket refills at 10/s, so waits grow to 2 minutes over up to 30 minutes.
   */
  armWrite: retryProfile({
    firstRetryIntervalInMilliseconds: 5_000,
    maxNumberOfAttempts: 10,
    backoffCoefficient: 2,
    maxRetryIntervalInMilliseconds: 2 * MINUTE_MS,
    retryTimeoutInMilliseconds: 30 * MINUTE_MS,
  }),
  /** Status checks: one cheap GET; a failed check is retried quickly (the operation itself keeps running). */
  poll: retryProfile({
    firstRetryIntervalInMilliseconds: 2_000,
    maxNumberOfAttempts: 8,
    backoffCoefficient: 2,
    maxRetryIntervalInMilliseconds: MINUTE_MS,
    retryTimeoutInMilliseconds: 10 * MINUTE_MS,
  }),
  /**
   * Key Vault data-plane steps: 403 ForbiddenByFirewall / ForbiddenByRbac while a new vault's network
   * rules and role assignments propagate (1–5 minutes on Azure), on top of the activity's own retries.
   */
  keyVaultData: retryProfile({
    firstRetryIntervalInMilliseconds: 10_000,
    maxNumberOfAttempts: 12,
    backoffCoefficient: 1.5,
    maxRetryIntervalInMilliseconds: MINUTE_MS,
    retryTimeoutInMilliseconds: 10 * MINUTE_MS,
  }),
  /** Kubernetes API steps: RBAC on a new cluster takes minutes too. */
  kubernetes: retryProfile({
    firstRetryIntervalInMilliseconds: 5_000,
    maxNumberOfAttempts: 10,
    backoffCoefficient: 2,
    maxRetryIntervalInMilliseconds: MINUTE_MS,
    retryTimeoutInMilliseconds: 10 * MINUTE_MS,
  }),
} as const;

/** Names of the profiles. */
export type RetryProfileName = keyof typeof retry;

/**
 * The Durable Functions `RetryOptions` of a profile, optionally time-scaled (local runs against a fast
 * emulator shrink every wait by the same factor).
 * @param timeScale - multiplier of every duration @default 1
 */
export function toRetryOptions(profile: RetryProfile, timeScale = 1): df.RetryOptions {
  if (!(timeScale > 0)) throw new RetryProfileError("timeScale must be > 0");
  const scale = (ms: number) => Math.max(1, Math.round(ms * timeScale));
  const options = new df.RetryOptions(
    scale(profile.firstRetryIntervalInMilliseconds),
    profile.maxNumberOfAttempts,
  );
  options.backoffCoefficient = profile.backoffCoefficient;
  options.maxRetryIntervalInMilliseconds = scale(profile.maxRetryIntervalInMilliseconds);
  options.retryTimeoutInMilliseconds = scale(profile.retryTimeoutInMilliseconds);
  return options;
}
