/**
 * Thin orchestrations around the orchestration helpers (`callActivityClassified`, `watchOperation`), so
 * specs can drive each helper alone through the real replay: each returns what the helper returns.
 * Registered on import.
 */
import type { OrchestrationContext } from "durable-functions";
import type { ActivityName, ArmOperation } from "../../../activities/contract";
import type { PlanNode } from "../../../lib/plan/types";
import { callActivityClassified } from "../../../orchestrations/classified-call";
import { retry } from "../../../orchestrations/retry-profiles";
import { watchOperation } from "../../../orchestrations/watch-operation";
import { registerTestOrchestration } from "./registrations";

/** Calls an activity with `callActivityClassified` and returns its result. */
export const CLASSIFIED_CALL = "classifiedCallUnderTest";

/** Input of {@link CLASSIFIED_CALL}. */
export interface ClassifiedCallInput {
  readonly activity: ActivityName;
  readonly input: unknown;
  readonly profile: keyof typeof retry;
}

/** Watches an operation with `watchOperation` and returns how it ended. */
export const WATCH_OPERATION = "watchOperationUnderTest";

/** Input of {@link WATCH_OPERATION}. */
export interface WatchOperationInput {
  readonly node: PlanNode;
  readonly operation: ArmOperation;
  readonly firstCheckAfterMs?: number;
}

registerTestOrchestration(CLASSIFIED_CALL, function* (context: OrchestrationContext) {
  const { activity, input, profile } = context.df.getInput<ClassifiedCallInput>();
  return yield* callActivityClassified(context, activity, input, retry[profile]);
});

registerTestOrchestration(WATCH_OPERATION, function* (context: OrchestrationContext) {
  const { node, operation, firstCheckAfterMs } = context.df.getInput<WatchOperationInput>();
  return yield* watchOperation(context, node, operation, firstCheckAfterMs);
});
