import type { WireRetryOptions } from "./history";

/**
 * The delay before retry number `attempt` (1 after the first failure), computed as Durable Task's
 * `RetryOptions` do: `firstRetryInterval × backoffCoefficient^(attempt − 1)`, capped by
 * `maxRetryInterval`. `undefined` when no retry is left: `maxNumberOfAttempts` reached, or
 * `retryTimeout` (counted from the first attempt) passed.
 */
export function retryDelayMs(
  options: WireRetryOptions,
  attempt: number,
  firstAttemptAtMs: number,
  nowMs: number,
): number | undefined {
  if (attempt >= options.maxNumberOfAttempts) return undefined;
  const timeoutMs = options.retryTimeoutInMilliseconds;
  if (timeoutMs !== undefined && timeoutMs > 0 && timeoutMs < Number.MAX_SAFE_INTEGER) {
    if (nowMs >= firstAttemptAtMs + timeoutMs) return undefined;
  }
  const backoff = options.backoffCoefficient ?? 1;
  const delay = options.firstRetryIntervalInMilliseconds * Math.pow(backoff, attempt - 1);
  const cap = options.maxRetryIntervalInMilliseconds;
  return cap !== undefined && cap > 0 && delay > cap ? cap : delay;
}
