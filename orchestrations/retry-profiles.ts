/**
 * Named retry profiles for every activity call an orchestration makes, and the one rule that turns a
 * classified Azure error into "wait this long, then try again" or "fail now". Retries are decided here,
 * on the orchestration side, rather than by Durable's `RetryOptions`, because Durable would retry every
 * error alike: a quota or invalid-request error must fail the node at once, a 429 must wait exactly as
 * long as Azure asked, and Key Vault's access propagation deserves minutes, not a few attempts.
 *
 * Pure functions of their inputs: the orchestrations replay them.
 */
import type { AzureErrorSummary } from "../lib/azure/errors";

/** How one activity call is retried. All durations are orchestration (durable timer) time. */
export interface RetryProfile {
  /** Shown in logs and tests. */
  readonly name: string;
  /** Attempts in total for busy and transient errors, the first included. */
  readonly maxAttempts: number;
  /** Back-off before the second attempt, in milliseconds. */
  readonly firstRetryIntervalInMilliseconds: number;
  /** Each further back-off is the previous one times this. */
  readonly backoffCoefficient: number;
  /** No back-off is longer than this, in milliseconds (a longer `Retry-After` from Azure still wins). */
  readonly maxRetryIntervalInMilliseconds: number;
  /**
   * Longest time spent retrying throttled, busy and transient errors of one call, counted from its
   * first attempt, in milliseconds. Throttling is bounded only by this: a 429 storm is ridden out.
   */
  readonly retryTimeoutInMilliseconds: number;
  /**
   * Longest time spent retrying authorization errors that clear by themselves (Key Vault firewall and
   * RBAC still propagating, an expired token), in milliseconds. 0 = never retried.
   */
  readonly authorizationPropagationTimeoutInMilliseconds: number;
}

const MINUTE_MS = 60_000;

function profile(values: RetryProfile): RetryProfile {
  const positive: (keyof RetryProfile)[] = [
    "maxAttempts",
    "firstRetryIntervalInMilliseconds",
    "backoffCoefficient",
    "maxRetryIntervalInMilliseconds",
    "retryTimeoutInMilliseconds",
  ];
  for (const key of positive) {
    const value = values[key];
    if (typeof value !== "number" || !(value > 0)) {
      throw new RangeError(`retry profile ${values.name}: ${key} must be positive, got ${String(value)}`);
    }
  }
  if (values.authorizationPropagationTimeoutInMilliseconds < 0) {
    throw new RangeError(`retry profile ${values.name}: authorization timeout must not be negative`);
  }
  return Object.freeze(values);
}

/** The profiles, by what the call does. */
export const retry = {
  /**
   * ARM writes and deletes (ensure, delete). Writes share a bucket of 200 refilled at 10/s per
   * subscription, so a storm can take minutes to drain.
   */
  armWrite: profile({
    name: "armWrite",
    maxAttempts: 8,
    firstRetryIntervalInMilliseconds: 5_000,
    backoffCoefficient: 2,
    maxRetryIntervalInMilliseconds: 2 * MINUTE_MS,
    retryTimeoutInMilliseconds: 30 * MINUTE_MS,
    authorizationPropagationTimeoutInMilliseconds: 0,
  }),
  /** Status checks of a running operation: cheap reads, retried patiently. */
  poll: profile({
    name: "poll",
    maxAttempts: 10,
    firstRetryIntervalInMilliseconds: 5_000,
    backoffCoefficient: 1.5,
    maxRetryIntervalInMilliseconds: MINUTE_MS,
    retryTimeoutInMilliseconds: 30 * MINUTE_MS,
    // An access token can expire during a long wait (docs/azure-facts.md#failure-case-2); the credential fetches a new one.
    authorizationPropagationTimeoutInMilliseconds: 5 * MINUTE_MS,
  }),
  /**
   * Data-plane steps (Key Vault secrets, Kubernetes secrets). Key Vault refuses writes for 1–5 minutes
   * after its firewall or role assignments change (docs/azure-facts.md#failure-case-7).
   */
  dataPlane: profile({
    name: "dataPlane",
    maxAttempts: 8,
    firstRetryIntervalInMilliseconds: 5_000,
    backoffCoefficient: 2,
    maxRetryIntervalInMilliseconds: MINUTE_MS,
    retryTimeoutInMilliseconds: 30 * MINUTE_MS,
    authorizationPropagationTimeoutInMilliseconds: 10 * MINUTE_MS,
  }),
} as const;

/** Where a call stands in its retries. */
export interface RetryState {
  /** Attempts made so far (1 after the first failure). */
  readonly attempts: number;
  /** Orchestration time since the first attempt, in milliseconds. */
  readonly elapsedMs: number;
}

/**
 * How long to wait before the next attempt after `error`, or `undefined` when the call must fail now:
 * the error is terminal (invalid request, quota, name taken, a failed operation, a lasting 403), or the
 * profile's attempts or time are spent.
 */
export function retryDelayMs(
  profile: RetryProfile,
  error: AzureErrorSummary,
  state: RetryState,
): number | undefined {
  if (!error.retryable) return undefined;
  const backoffMs = Math.min(
    profile.firstRetryIntervalInMilliseconds *
      Math.pow(profile.backoffCoefficient, Math.max(0, state.attempts - 1)),
    profile.maxRetryIntervalInMilliseconds,
  );
  // Azure's Retry-After is a floor: asking earlier only earns another 429 (docs/azure-facts.md#failure-case-5).
  const delayMs = Math.max(backoffMs, error.retryAfterMs ?? 0);
  switch (error.kind) {
    case "throttled":
      // Attempts are not counted: a throttled call did no work, and the bucket refills.
      return withinTime(
        state.elapsedMs + (error.retryAfterMs ?? backoffMs),
        profile.retryTimeoutInMilliseconds,
      )
        ? (error.retryAfterMs ?? backoffMs)
        : undefined;
    case "busy":
    case "transient":
      if (state.attempts >= profile.maxAttempts) return undefined;
      return withinTime(state.elapsedMs + delayMs, profile.retryTimeoutInMilliseconds) ? delayMs : undefined;
    case "authorization":
      return withinTime(state.elapsedMs + delayMs, profile.authorizationPropagationTimeoutInMilliseconds)
        ? delayMs
        : undefined;
    default:
      // The classification said retryable, but no rule covers the kind: trust the profile's attempts.
      return state.attempts < profile.maxAttempts ? delayMs : undefined;
  }
}

function withinTime(atMs: number, limitMs: number): boolean {
  return atMs <= limitMs;
}
