/**
 * Watching an operation (`orchestrations/watch-operation.ts`, `deadlines.ts`) through the real replay:
 * when checks happen on orchestration time, and when the watch gives up.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ACTIVITY, type ArmOperation } from "../../../activities/contract";
import { latencyOf } from "../../../lib/latency-model";
import { ARM_TYPE_BY_KIND } from "../../../lib/plan/kinds";
import type { PlanNode } from "../../../lib/plan/types";
import { DEADLINE_FACTOR, MIN_DEADLINE_SEC } from "../../../orchestrations/deadlines";
import { DEADLINE_EXCEEDED_CODE } from "../../../orchestrations/errors";
import { HALF_WAY_CHECK_MIN_INTERVALS, MIN_CHECK_INTERVAL_MS } from "../../../orchestrations/watch-operation";
import {
  azureError,
  failedFor,
  operationFailed,
  operationOf,
  operationSucceeded,
  retryLater,
  stillRunning,
} from "./azure";
import { DurableDriver, type ActivityCall } from "./driver";
import { WATCH_OPERATION, type WatchOperationInput } from "./helper-orchestrations";
import { node } from "./plans";

const MINUTE_MS = 60_000;
const redis = node("cache/redis", "redisCache");
const redisLatency = latencyOf(ARM_TYPE_BY_KIND.redisCache);
const vnet = node("base/vnet", "virtualNetwork");

/** Watches `target`'s operation; `checks` answers each status check. */
async function watch(
  checks: (call: ActivityCall) => unknown,
  target: PlanNode = redis,
  options: { action?: ArmOperation["action"]; firstCheckAfterMs?: number } = {},
) {
  const driver = new DurableDriver({
    activities: (call) => {
      assert.equal(call.name, ACTIVITY.checkOperation, "only status checks while watching");
      return checks(call);
    },
  });
  const input: WatchOperationInput = {
    node: target,
    operation: operationOf(target, options.action ?? "create"),
    ...(options.firstCheckAfterMs === undefined ? {} : { firstCheckAfterMs: options.firstCheckAfterMs }),
  };
  const run = await driver.run(WATCH_OPERATION, input);
  assert.equal(run.status, "Completed", run.error);
  return {
    run,
    checksAtMs: driver.activityCalls.map((call) => call.nowMs - run.createdAtMs),
    elapsedMs: (run.endedAtMs as number) - run.createdAtMs,
  };
}

/** The deadline the latency model implies for a create of `target`, in milliseconds. */
function createDeadlineMs(target: PlanNode): number {
  const p95Sec = latencyOf(ARM_TYPE_BY_KIND[target.kind]).createP95Sec;
  return Math.max(MIN_DEADLINE_SEC, Math.ceil(p95Sec * DEADLINE_FACTOR)) * 1000;
}

describe("watching an operation", () => {
  test("checks when Azure says to look again, but never sooner than the minimum interval", async () => {
    const answers = [
      stillRunning(30_000),
      stillRunning(200),
      stillRunning(5_000),
      operationSucceeded({ host: "h" }),
    ];
    // An operation found running: nothing is known of its start, so no check is planned from the model.
    const { run, checksAtMs } = await watch((call) => answers[call.attempt - 1], redis, {
      action: "watch",
      firstCheckAfterMs: 45_000,
    });
    assert.deepEqual(checksAtMs, [45_000, 75_000, 75_000 + MIN_CHECK_INTERVAL_MS, 81_000]);
    assert.deepEqual(run.output, { outcome: "succeeded", facts: { host: "h" } });
  });

  test("looks at an operation found running first after the kind's poll interval", async () => {
    const { checksAtMs } = await watch(() => operationSucceeded(), redis, { action: "watch" });
    assert.deepEqual(checksAtMs, [redisLatency.pollIntervalSec * 1000]);
  });

  test("checks a create half-way through its expected duration, at its expected end, then every poll interval", async () => {
    const expectedMs = redisLatency.createP50Sec * 1000;
    const intervalMs = redisLatency.pollIntervalSec * 1000;
    const { run, checksAtMs } = await watch((call) =>
      call.attempt < 4 ? stillRunning(intervalMs) : operationSucceeded(),
    );
    assert.deepEqual(checksAtMs, [
      expectedMs / 2,
      expectedMs,
      expectedMs + intervalMs,
      expectedMs + 2 * intervalMs,
    ]);
    assert.deepEqual(run.output, operationSucceeded());
  });

  test("checks a short create only at its expected end, then every poll interval: no half-way read", async () => {
    const vnetLatency = latencyOf(ARM_TYPE_BY_KIND.virtualNetwork);
    const expectedMs = vnetLatency.createP50Sec * 1000;
    const intervalMs = vnetLatency.pollIntervalSec * 1000;
    assert.ok(expectedMs < HALF_WAY_CHECK_MIN_INTERVALS * intervalMs, "a virtual network's create is short");
    const { checksAtMs } = await watch(
      (call) => (call.attempt < 2 ? stillRunning(intervalMs) : operationSucceeded()),
      vnet,
    );
    assert.deepEqual(checksAtMs, [expectedMs, expectedMs + intervalMs]);
  });

  test("places a delete's checks by the kind's delete median, and waits longer when Azure says so", async () => {
    const expectedMs = redisLatency.deleteP50Sec * 1000;
    const { checksAtMs } = await watch(
      (call) => (call.attempt === 1 ? stillRunning(expectedMs) : operationSucceeded()),
      redis,
      { action: "delete" },
    );
    // Retry-After beyond the planned check at the expected end wins: Azure's floor is kept.
    assert.deepEqual(checksAtMs, [expectedMs / 2, expectedMs / 2 + expectedMs]);
  });

  test("checks a quick resource no sooner than Azure's first interval, even before its planned checks", async () => {
    const { checksAtMs } = await watch(() => operationSucceeded(), vnet, { firstCheckAfterMs: 60_000 });
    assert.deepEqual(checksAtMs, [60_000]);
  });

  test("fails with OperationDeadlineExceeded at the latency model's p95 × DEADLINE_FACTOR, naming the node", async () => {
    const deadlineMs = createDeadlineMs(redis);
    assert.ok(deadlineMs > MIN_DEADLINE_SEC * 1000, "Redis's own p95 sets its deadline");
    const { run, checksAtMs, elapsedMs } = await watch(() => stillRunning(10 * MINUTE_MS));
    assert.equal(elapsedMs, deadlineMs);
    assert.ok(checksAtMs.every((atMs) => atMs <= deadlineMs));
    assert.deepEqual(run.output, {
      outcome: "failed",
      error: {
        kind: "operationFailed",
        code: DEADLINE_EXCEEDED_CODE,
        message: `the create of ${redis.name} did not end within ${deadlineMs / 1000} s`,
        retryable: false,
        target: redis.key,
      },
    });
  });

  test("gives a quick resource at least MIN_DEADLINE_SEC before failing it", async () => {
    assert.equal(createDeadlineMs(vnet), MIN_DEADLINE_SEC * 1000, "a virtual network's p95 is far shorter");
    const { elapsedMs } = await watch(() => stillRunning(MINUTE_MS), vnet);
    assert.equal(elapsedMs, MIN_DEADLINE_SEC * 1000);
  });

  test("scales a delete's deadline by the kind's delete and create medians", async () => {
    const latency = latencyOf(ARM_TYPE_BY_KIND.redisCache);
    const expectedSec = Math.ceil(
      latency.createP95Sec * (latency.deleteP50Sec / latency.createP50Sec) * DEADLINE_FACTOR,
    );
    const { elapsedMs } = await watch(() => stillRunning(15 * MINUTE_MS), redis, { action: "delete" });
    assert.equal(elapsedMs, expectedSec * 1000);
  });

  test("returns an operation that ended Failed as is, with Azure's error", async () => {
    const error = azureError("operationFailed", "InternalServerError", { retryable: true });
    const { run } = await watch(() => operationFailed(error));
    assert.deepEqual(run.output, operationFailed(error));
  });

  test("fails the watch when a status check fails for good", async () => {
    const refused = azureError("invalidRequest", "InvalidOperationStatusUrl");
    const { run, checksAtMs } = await watch(() => failedFor(refused));
    assert.equal(checksAtMs.length, 1);
    assert.deepEqual(run.output, failedFor(refused));
  });

  test("retries a throttled status check on the poll profile and carries on watching", async () => {
    const throttled = azureError("throttled", "TooManyRequests", { retryAfterMs: 20_000 });
    const { run, checksAtMs } = await watch((call) =>
      call.attempt === 1 ? retryLater(throttled) : operationSucceeded(),
    );
    const firstMs = (redisLatency.createP50Sec * 1000) / 2;
    assert.deepEqual(checksAtMs, [firstMs, firstMs + 20_000]);
    assert.deepEqual(run.output, operationSucceeded());
  });
});
