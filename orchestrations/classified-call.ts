/**
 * One activity call with retries decided by the error's class (see `retry-profiles.ts`). The activity
 * returns its failures as values (`activities/contract.ts`); this loops on a returned `retry`, waiting on
 * a durable timer, so a call that waits minutes for throttling to drain or Key Vault access to propagate
 * holds no worker and survives restarts. It never throws: a call that fails for good is returned as
 * `{ outcome: "failed", error }` for the caller to decide what that means for its node.
 */
import type { OrchestrationContext, Task } from "durable-functions";
import { isActivityFailure, type ActivityName, type ActivityResult } from "../activities/contract";
import type { AzureErrorSummary } from "../lib/azure/errors";
import { UNCLASSIFIED_CODE, firstLineOf } from "./errors";
import { orchestrationNowMs, sleep } from "./orchestration-time";
import { retryDelayMs, type RetryProfile } from "./retry-profiles";

/**
 * Hard cap on attempts of one call, whatever the profile says: throttling is bounded by time only, and
 * time could stand still if Azure kept answering `Retry-After: 0`.
 */
export const MAX_ATTEMPTS_ANY_PROFILE = 500;

/** A throttled retry never comes sooner than this, in milliseconds. */
export const MIN_RETRY_DELAY_MS = 1_000;

/** A call that did not get its result, with Azure's code and message (or, for a bug, ours). */
export interface CallFailed {
  readonly outcome: "failed";
  readonly error: AzureErrorSummary;
}

/** What a thrown activity means: not an Azure answer (those are values) but a bug or a host failure. */
function unclassified(error: unknown): AzureErrorSummary {
  return { kind: "operationFailed", code: UNCLASSIFIED_CODE, message: firstLineOf(error), retryable: false };
}

/** One attempt: the activity's value, or the unclassified failure of an activity that threw. */
function* attempt<T extends { readonly outcome: string }>(
  context: OrchestrationContext,
  name: ActivityName,
  input: unknown,
): Generator<Task, ActivityResult<T>, unknown> {
  try {
    return (yield context.df.callActivity(name, input)) as ActivityResult<T>;
  } catch (error) {
    return { outcome: "failed", error: unclassified(error) };
  }
}

/**
 * Calls activity `name` with `input` and returns its result, retrying a `retry` as `profile` says.
 * @returns the activity's result, or {@link CallFailed} when Azure refused for good, the profile's
 *   attempts or time ran out, or the activity threw
 */
export function* callActivityClassified<T extends { readonly outcome: string }>(
  context: OrchestrationContext,
  name: ActivityName,
  input: unknown,
  profile: RetryProfile,
): Generator<Task, T | CallFailed, unknown> {
  const firstAttemptAtMs = orchestrationNowMs(context);
  for (let attempts = 1; ; attempts++) {
    const result = yield* attempt<T>(context, name, input);
    if (!isActivityFailure(result)) return result;
    const { error } = result;
    const delayMs =
      result.outcome === "failed" || attempts >= MAX_ATTEMPTS_ANY_PROFILE
        ? undefined
        : retryDelayMs(profile, error, {
            attempts,
            elapsedMs: orchestrationNowMs(context) - firstAttemptAtMs,
          });
    if (delayMs === undefined) return { outcome: "failed", error: { ...error, retryable: false } };
    if (!context.df.isReplaying) {
      context.info(`${name}: ${error.kind} ${error.code}; attempt ${attempts + 1} in ${delayMs} ms`);
    }
    yield* sleep(context, Math.max(delayMs, MIN_RETRY_DELAY_MS));
  }
}
