/**
 * Watching an operation Azure accepted: durable timers between cheap status checks, intervals from
 * Azure's `Retry-After` or the kind's poll interval, and a deadline so an operation that never ends
 * fails the node instead of holding the build forever.
 */
import type { OrchestrationContext, Task } from "durable-functions";
import type { PlanNode } from "../lib/plan/types";
import { callActivityClassified, orchestrationNowMs, sleep } from "./classified-call";
import { operationDeadlineSec, pollIntervalSec } from "./deadlines";
import { DEADLINE_EXCEEDED_CODE, failureWith } from "./errors";
import { nodeActivity, type CheckReport, type OperationToWatch } from "./node-activities";
import { retry } from "./retry-profiles";

/**
 * Checks `operation` on durable timers until it ends or outlives its deadline (the latency model's p95
 * times a factor, on orchestration time).
 */
export function* watchOperation(
  context: OrchestrationContext,
  node: PlanNode,
  operation: OperationToWatch,
): Generator<Task, CheckReport, unknown> {
  const deadlineMs = orchestrationNowMs(context) + operationDeadlineSec(node.kind, operation.kind) * 1000;
  const defaultIntervalMs = pollIntervalSec(node.kind) * 1000;
  let nextIntervalMs = operation.retryAfterMs ?? defaultIntervalMs;
  // Bounded by the deadline; the count is a second guard should Azure keep answering Retry-After: 0.
  const maxChecks = Math.ceil((deadlineMs - orchestrationNowMs(context)) / 1000) + 1;
  for (let checks = 0; checks < maxChecks; checks++) {
    const nowMs = orchestrationNowMs(context);
    if (nowMs >= deadlineMs) break;
    yield* sleep(context, Math.min(Math.max(nextIntervalMs, 1000), deadlineMs - nowMs));
    const report = yield* callActivityClassified<CheckReport>(
      context,
      nodeActivity.check,
      { node, operation },
      retry.poll,
    );
    if (report.state !== "running") return report;
    nextIntervalMs = report.retryAfterMs ?? defaultIntervalMs;
  }
  throw failureWith({
    kind: "operationFailed",
    code: DEADLINE_EXCEEDED_CODE,
    message: `the ${operation.kind} of ${node.name} did not end within ${operationDeadlineSec(node.kind, operation.kind)} s`,
    retryable: false,
    target: node.key,
  });
}
