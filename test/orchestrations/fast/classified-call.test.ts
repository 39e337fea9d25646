/**
 * The classified call (`orchestrations/classified-call.ts` with `retry-profiles.ts`) through the real
 * replay: what each kind of Azure answer costs in attempts and in orchestration time.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ACTIVITY } from "../../../activities/contract";
import { MIN_RETRY_DELAY_MS } from "../../../orchestrations/classified-call";
import { UNCLASSIFIED_CODE } from "../../../orchestrations/errors";
import { retry } from "../../../orchestrations/retry-profiles";
import { azureError, failedFor, retryLater, writeDone } from "./azure";
import { DurableDriver, type ActivityScript } from "./driver";
import { CLASSIFIED_CALL, type ClassifiedCallInput } from "./helper-orchestrations";
import { node } from "./plans";

const MINUTE_MS = 60_000;
const vnet = node("base/vnet", "virtualNetwork");
const done = writeDone(vnet);

/** Runs one classified call of ensureNode on `vnet` under `profile`. */
async function classifiedCall(
  activities: ActivityScript,
  profile: ClassifiedCallInput["profile"] = "armWrite",
) {
  const driver = new DurableDriver({ activities });
  const input: ClassifiedCallInput = { activity: ACTIVITY.ensureNode, input: { node: vnet }, profile };
  const run = await driver.run(CLASSIFIED_CALL, input);
  assert.equal(run.status, "Completed", run.error);
  const callsAtMs = driver.activityCalls.map((call) => call.nowMs - run.createdAtMs);
  const gapsMs = callsAtMs.slice(1).map((atMs, index) => atMs - (callsAtMs[index] as number));
  return { driver, run, callsAtMs, gapsMs, elapsedMs: (run.endedAtMs as number) - run.createdAtMs };
}

describe("the classified call", () => {
  test("waits as long as Azure's Retry-After asks, on a durable timer, then returns the result", async () => {
    const throttled = azureError("throttled", "SubscriptionRequestsThrottled", { retryAfterMs: 17_000 });
    const { driver, run, callsAtMs } = await classifiedCall((call) =>
      call.attempt <= 2 ? retryLater(throttled) : done,
    );
    assert.deepEqual(run.output, done);
    assert.deepEqual(callsAtMs, [0, 17_000, 34_000]);
    assert.deepEqual(
      driver.timers.map((timer) => [timer.fireAtMs - timer.createdAtMs, timer.state]),
      [
        [17_000, "fired"],
        [17_000, "fired"],
      ],
    );
  });

  test("never tries again sooner than a second, whatever Retry-After says", async () => {
    const eager = azureError("throttled", "TooManyRequests", { retryAfterMs: 250 });
    const { gapsMs } = await classifiedCall((call) => (call.attempt === 1 ? retryLater(eager) : done));
    assert.deepEqual(gapsMs, [MIN_RETRY_DELAY_MS]);
  });

  test("rides out throttling past the profile's attempt count, until the profile's time is spent", async () => {
    const retryAfterMs = MINUTE_MS;
    const throttled = azureError("throttled", "SubscriptionRequestsThrottled", { retryAfterMs });
    const { run, callsAtMs, gapsMs, elapsedMs } = await classifiedCall(() => retryLater(throttled));
    const limitMs = retry.armWrite.retryTimeoutInMilliseconds;
    assert.ok(callsAtMs.length > retry.armWrite.maxAttempts, `${callsAtMs.length} attempts`);
    assert.ok(gapsMs.every((gap) => gap === retryAfterMs));
    const lastAtMs = callsAtMs[callsAtMs.length - 1] as number;
    assert.ok(lastAtMs <= limitMs && lastAtMs + retryAfterMs > limitMs, `last attempt at ${lastAtMs} ms`);
    assert.equal(elapsedMs, lastAtMs, "it gave up right after the last attempt");
    assert.deepEqual(run.output, failedFor(throttled));
  });

  test("fails transient errors once the profile's attempts are spent, backing off exponentially, capped", async () => {
    const p = retry.armWrite;
    const transient = azureError("transient", "InternalServerError");
    const { run, gapsMs } = await classifiedCall(() => retryLater(transient));
    const expected = Array.from({ length: p.maxAttempts - 1 }, (_, n) =>
      Math.min(
        p.firstRetryIntervalInMilliseconds * p.backoffCoefficient ** n,
        p.maxRetryIntervalInMilliseconds,
      ),
    );
    assert.deepEqual(gapsMs, expected);
    assert.ok(expected.includes(p.maxRetryIntervalInMilliseconds), "the cap was reached");
    assert.deepEqual(run.output, failedFor(transient));
  });

  test("fails a busy resource once the profile's time is spent, before its attempts are", async () => {
    const busy = azureError("busy", "AnotherOperationInProgress", { retryAfterMs: 10 * MINUTE_MS });
    const { run, callsAtMs } = await classifiedCall(() => retryLater(busy));
    assert.deepEqual(
      callsAtMs,
      [0, 10, 20, 30].map((minutes) => minutes * MINUTE_MS),
    );
    assert.ok(callsAtMs.length < retry.armWrite.maxAttempts);
    assert.deepEqual(run.output, failedFor(busy));
  });

  test("retries Key Vault access still propagating on data-plane steps, and succeeds once it has", async () => {
    const forbidden = azureError("authorization", "ForbiddenByFirewall");
    const { run, callsAtMs } = await classifiedCall(
      (call) => (call.nowMs - Date.UTC(2025, 0, 1) < 3 * MINUTE_MS ? retryLater(forbidden) : done),
      "dataPlane",
    );
    assert.deepEqual(run.output, done);
    assert.ok((callsAtMs[callsAtMs.length - 1] as number) >= 3 * MINUTE_MS);
  });

  test("fails data-plane authorization errors once the propagation window is spent, however few the attempts", async () => {
    const p = retry.dataPlane;
    const forbidden = azureError("authorization", "Forbidden");
    const { run, callsAtMs, gapsMs } = await classifiedCall(() => retryLater(forbidden), "dataPlane");
    const lastAtMs = callsAtMs[callsAtMs.length - 1] as number;
    const nextGapMs = Math.min(
      p.firstRetryIntervalInMilliseconds * p.backoffCoefficient ** (callsAtMs.length - 1),
      p.maxRetryIntervalInMilliseconds,
    );
    assert.ok(lastAtMs <= p.authorizationPropagationTimeoutInMilliseconds);
    assert.ok(lastAtMs + nextGapMs > p.authorizationPropagationTimeoutInMilliseconds);
    assert.ok(callsAtMs.length > p.maxAttempts, "bounded by time, not by the attempt count");
    assert.equal(gapsMs[0], p.firstRetryIntervalInMilliseconds);
    assert.deepEqual(run.output, failedFor(forbidden));
  });

  test("fails an authorization error on an ARM write at once: its propagation window is zero", async () => {
    const forbidden = azureError("authorization", "AuthorizationFailed");
    const { driver, run } = await classifiedCall(() => retryLater(forbidden));
    assert.equal(driver.activityCalls.length, 1);
    assert.deepEqual(run.output, failedFor(forbidden));
  });

  test("fails a failed outcome at once: no second attempt, no timer", async () => {
    const quota = azureError("quota", "QuotaExceeded", {
      message: "Operation could not be completed as it results in exceeding approved quota",
    });
    const { driver, run } = await classifiedCall(() => failedFor(quota));
    assert.equal(driver.activityCalls.length, 1);
    assert.deepEqual(driver.timers, []);
    assert.deepEqual(run.output, failedFor(quota));
  });

  test("fails a thrown activity at once as UnclassifiedError, keeping only the first line", async () => {
    const { driver, run } = await classifiedCall(() => {
      throw new Error("socket hang up");
    });
    assert.equal(driver.activityCalls.length, 1);
    assert.deepEqual(run.output, {
      outcome: "failed",
      error: {
        kind: "operationFailed",
        code: UNCLASSIFIED_CODE,
        message: "Activity function 'ensureNode' failed: socket hang up",
        retryable: false,
      },
    });
  });

  test("logs each retry once, not again on every replay", async () => {
    const throttled = azureError("throttled", "TooManyRequests", { retryAfterMs: 5_000 });
    const { driver } = await classifiedCall((call) => (call.attempt <= 3 ? retryLater(throttled) : done));
    assert.deepEqual(
      driver.logs.map((line) => line.message),
      [2, 3, 4].map((attempt) => `ensureNode: throttled TooManyRequests; attempt ${attempt} in 5000 ms`),
    );
  });
});
