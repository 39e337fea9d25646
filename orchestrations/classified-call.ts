/**
 * One activity call with retries decided by the error's class (see `retry-profiles.ts`): the wait
 * between attempts is a durable timer, so a call that waits minutes for throttling to drain or Key Vault
 * access to propagate holds no worker and survives restarts.
 */
import type { OrchestrationContext, Task } from "durable-functions";
import { failureWith, summaryOf } from "./errors";
import { orchestrationNowMs, sleep } from "./orchestration-time";
import { retryDelayMs, type RetryProfile } from "./retry-profiles";

/**
 * Hard cap on attempts of one call, whatever the profile says: throttling is bounded by time only, and
 * time could stand still if Azure kept answering `Retry-After: 0`.
 */
const MAX_ATTEMPTS_ANY_PROFILE = 500;

/** A throttled retry never comes sooner than this, in milliseconds. */
const MIN_RETRY_DELAY_MS = 1_000;

/**
 * Calls activity `name` with `input` and returns its result, retrying as `profile` says. Throws an error
 * whose message carries the classified summary (Azure's code and message) when the call fails for good.
 */
export function* callActivityClassified<T>(
  context: OrchestrationContext,
  name: string,
  input: unknown,
  profile: RetryProfile,
): Generator<Task, T, unknown> {
  const firstAttemptAtMs = orchestrationNowMs(context);
  for (let attempts = 1; ; attempts++) {
    try {
      return (yield context.df.callActivity(name, input)) as T;
    } catch (error) {
      const summary = summaryOf(error);
      const delayMs =
        attempts >= MAX_ATTEMPTS_ANY_PROFILE
          ? undefined
          : retryDelayMs(profile, summary, {
              attempts,
              elapsedMs: orchestrationNowMs(context) - firstAttemptAtMs,
            });
      if (delayMs === undefined) throw failureWith(summary);
      if (!context.df.isReplaying) {
        context.info(`${name}: ${summary.kind} ${summary.code}; attempt ${attempts + 1} in ${delayMs} ms`);
      }
      yield* sleep(context, Math.max(delayMs, MIN_RETRY_DELAY_MS));
    }
  }
}
