/**
 * The classified call's hard cap on attempts. A file of its own: 500 attempts are 1000 episodes over a
 * history that grows to 4000 events, the slowest fast spec, so the runner can give it its own core.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ACTIVITY } from "../../../activities/contract";
import { MAX_ATTEMPTS_ANY_PROFILE, MIN_RETRY_DELAY_MS } from "../../../orchestrations/classified-call";
import { retry } from "../../../orchestrations/retry-profiles";
import { azureError, failedFor, retryLater } from "./azure";
import { DurableDriver } from "./driver";
import { CLASSIFIED_CALL, type ClassifiedCallInput } from "./helper-orchestrations";
import { node } from "./plans";

describe("the classified call's attempt cap", () => {
  test("stops Azure answering Retry-After: 0 forever after MAX_ATTEMPTS_ANY_PROFILE attempts, a second apart", async () => {
    const throttled = azureError("throttled", "SubscriptionRequestsThrottled", { retryAfterMs: 0 });
    const driver = new DurableDriver({ activities: () => retryLater(throttled) });
    const input: ClassifiedCallInput = {
      activity: ACTIVITY.ensureNode,
      input: { node: node("base/vnet", "virtualNetwork") },
      profile: "armWrite",
    };
    const run = await driver.run(CLASSIFIED_CALL, input);

    assert.deepEqual(run.output, failedFor(throttled));
    assert.equal(driver.activityCalls.length, MAX_ATTEMPTS_ANY_PROFILE);
    const elapsedMs = (run.endedAtMs as number) - run.createdAtMs;
    assert.equal(elapsedMs, (MAX_ATTEMPTS_ANY_PROFILE - 1) * MIN_RETRY_DELAY_MS);
    assert.ok(
      elapsedMs < retry.armWrite.retryTimeoutInMilliseconds,
      "the cap ended it, not the profile's time",
    );
  });
});
