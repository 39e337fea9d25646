/**
 * Watching an operation Azure accepted: a few durable timers between cheap status checks, placed by the
 * latency model's expected duration (half-way for long operations, then at the expected end), then every `Retry-After` or
 * the kind's poll interval, and a deadline so an operation that never ends fails the node instead of
 * holding the build forever.
 *
 * Why placed checks: every check is a read from the subscription's budget and, on the Functions host, a
 * durable timer that its Azure Storage backend notices only at its control queue's next poll (up to
 * `maxQueuePollingInterval` late, docs/durable-protocol.md "Queue polling"). A 10-minute create checked
 * every 30 s is 20 reads and 20 such hops; checked at 5 and 10 minutes, 2 of each, and it is noticed
 * no later when it ends near its median.
 */
import type { OrchestrationContext, Task } from "durable-functions";
import type { ArmOperation, OperationCheck } from "../activities/contract";
import type { PlanNode } from "../lib/plan/types";
import type { CallFailed } from "./classified-call";
import { expectedOperationSec, operationDeadlineSec, pollIntervalSec } from "./deadlines";
import { DEADLINE_EXCEEDED_CODE } from "./errors";
import { checkStep, operationKindOf } from "./node-activities";
import { orchestrationNowMs, sleep } from "./orchestration-time";

/** No two checks are closer than this, in milliseconds, whatever `Retry-After` says. */
export const MIN_CHECK_INTERVAL_MS = 1_000;

/** How a watched operation ended. */
export type OperationEnd = Exclude<OperationCheck, { outcome: "running" }> | CallFailed;

/**
 * An operation expected to take fewer than this many of its kind's poll intervals gets no half-way
 * check: an early end would be noticed at most two intervals late, which is the granularity the kind
 * is watched at anyway, and the read is saved (a vnet, subnet or private DNS zone: one check, not two).
 */
export const HALF_WAY_CHECK_MIN_INTERVALS = 4;

/**
 * The orchestration times (epoch ms) of the checks planned from the latency model for an operation
 * watched from `startMs`: half its expected duration (only for an operation of at least
 * {@link HALF_WAY_CHECK_MIN_INTERVALS} poll intervals), and its expected end. None for an operation
 * found running (`watch`), whose start is unknown.
 */
export function plannedChecksMs(startMs: number, operation: ArmOperation, node: PlanNode): number[] {
  if (operation.action === "watch") return [];
  const expectedMs = expectedOperationSec(node.kind, operationKindOf(operation)) * 1000;
  const intervalMs = pollIntervalSec(node.kind) * 1000;
  const end = startMs + expectedMs;
  return expectedMs >= HALF_WAY_CHECK_MIN_INTERVALS * intervalMs ? [startMs + expectedMs / 2, end] : [end];
}

/**
 * Checks `operation` on durable timers until it ends or outlives its deadline (the latency model's p95
 * times a factor, on orchestration time). Each wait is the longest of: what Azure said (`Retry-After`,
 * never shorter than the kind's poll interval), {@link MIN_CHECK_INTERVAL_MS}, and the time to the next
 * check planned from the latency model ({@link plannedChecksMs}).
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
  const planned = plannedChecksMs(orchestrationNowMs(context), operation, node);
  // Bounded by the deadline, since every wait advances orchestration time by at least a second.
  const maxChecks = Math.ceil((deadlineSec * 1000) / MIN_CHECK_INTERVAL_MS) + 1;
  for (let checks = 0; checks < maxChecks; checks++) {
    const nowMs = orchestrationNowMs(context);
    if (nowMs >= deadlineMs) break;
    const untilPlannedMs = (planned.find((atMs) => atMs - nowMs >= MIN_CHECK_INTERVAL_MS) ?? nowMs) - nowMs;
    const waitMs = Math.max(nextIntervalMs, MIN_CHECK_INTERVAL_MS, untilPlannedMs);
    yield* sleep(context, Math.min(waitMs, deadlineMs - nowMs));
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
