/** The environment orchestrations: names and shapes (`contracts.ts`); `register.ts` registers them. */
export * from "./contracts";
export { ensureNodeInstanceId, type EnsureNodeInput, type EnsureNodeOutput } from "./ensure-node";
export { isEnvironmentFailedError, parseEnvironmentFailures, type EnvironmentFailedError } from "./errors";
export { retry, type RetryProfile } from "./retry-profiles";
