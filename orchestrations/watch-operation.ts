/**
 * Watching an operation Azure accepted: durable timers between cheap status checks, intervals from
 * Azure's `Retry-After` or the kind's poll interval, and a deadline so an operation that never ends
 * fails the node instead of holding the build forever.
 */
import type { OrchestrationContext, Task } from "durable-functions";
import type { ArmOperation, OperationCheck } from "../activities/contract";
import type { PlanNode } from "../lib/plan/types";
import type { CallFailed } from "./classified-call";
import { operationDeadlineSec, pollIntervalSec } from "./deadlines";
import { DEADLINE_EXCEEDED_CODE } from "./errors";
import { checkStep, operationKindOf } from "./node-activities";
import { orchestrationNowMs, sleep } from "./orchestration-time";

/** No two checks are closer than this, in milliseconds, whatever `Retry-After` says. */
export const MIN_CHECK_INTERVAL_MS = 1_000;

/** How a watched operation ended. */
export type OperationEnd = Exclude<OperationCheck, { outcome: "running" }> | CallFailed;

/**
 * Checks `operation` on durable timers until it ends or outlives its deadline (the latency model's p95
 * times a factor, on orchestration time).
 * @param firstCheckAfterMs - when Azure said to look first @default the kind's poll interval
 * @returns `succeeded`; `operationFailed` with Azure's error; or `failed` when the checks themselves
 *   failed for good or the deadline passed
 */
export function* watchOperation(
  context: OrchestrationContext,
  node: PlanNode,
  operation: ArmOperation,
  firstCheckAfterMs?: number,
): Generator<Task, OperationEnd, unknown> {
  const deadlineSec = operationDeadlineSec(node.kind, operationKindOf(operation));
  const deadlineMs = orchestrationNowMs(context) + deadlineSec * 1000;
  const defaultIntervalMs = pollIntervalSec(node.kind) * 1000;
  let nextIntervalMs = firstCheckAfterMs ?? defaultIntervalMs;
  // Bounded by the deadline, since every wait advances orchestration time by at least a second.
  const maxChecks = Math.ceil((deadlineSec * 1000) / MIN_CHECK_INTERVAL_MS) + 1;
  for (let checks = 0; checks < maxChecks; checks++) {
    const nowMs = orchestrationNowMs(context);
    if (nowMs >= deadlineMs) break;
    yield* sleep(context, Math.min(Math.max(nextIntervalMs, MIN_CHECK_INTERVAL_MS), deadlineMs - nowMs));
    const check = yield* checkStep(context, operation);
    if (check.outcome !== "running") return check;
    nextIntervalMs = check.nextCheckAfterMs;
  }
  return {
    outcome: "failed",
    error: {
      kind: "operationFailed",
      code: DEADLINE_EXCEEDED_CODE,
      message: `the ${operationKindOf(operation)} of ${node.name} did not end within ${deadlineSec} s`,
      retryable: false,
      target: node.key,
    },
  };
}
