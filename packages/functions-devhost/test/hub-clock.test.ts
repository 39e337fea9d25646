/**
 * The task hub's clock continues across hosts: a host started again on the same storage reads the
 * durable time the previous one left, so saved timers and leases are due when they were meant to be.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startAzurite, type RunningAzurite } from "../src/azurite";
import { hubClock } from "../src/durable";

let azurite: RunningAzurite;
before(async () => {
  azurite = await startAzurite();
});
after(() => azurite.stop());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("the task hub's clock", () => {
  test("a host started again continues the durable time of the one before, ahead of the wall clock", async () => {
    const first = await hubClock(azurite.connectionString, "ClockHubA", 50);
    await sleep(400);
    const leftAt = first.now();
    const leftAtWall = Date.now();
    // 400 ms at 50×: the previous host ran some 20 s of durable time ahead of the wall clock.
    assert.ok(leftAt - leftAtWall > 15_000, `${leftAt - leftAtWall} ms ahead`);
    const second = await hubClock(azurite.connectionString, "ClockHubA", 50);
    const resumedAt = second.now();
    assert.ok(resumedAt >= leftAt, "durable time never goes back");
    // It moved on by no more than the wall time that passed (Azurite's round trips, slow on a loaded
    // machine) at 50×: it continued from where it was left rather than from the wall clock or beyond.
    const passed = (Date.now() - leftAtWall + 20) * 50;
    assert.ok(resumedAt - leftAt <= passed, `resumed ${resumedAt - leftAt} ms after, ${passed} ms passed`);
    assert.ok(
      Math.abs(second.toWallMs(resumedAt) - Date.now()) < 100,
      "times still convert to the wall clock",
    );
  });

  test("a host started with another factor continues from the same reading at the new rate", async () => {
    const first = await hubClock(azurite.connectionString, "ClockHubB", 50);
    await sleep(200);
    const leftAt = first.now();
    const leftAtWall = Date.now();
    const real = await hubClock(azurite.connectionString, "ClockHubB", 1);
    assert.equal(real.factor, 1);
    const readAt = real.now();
    // At most the wall time that passed at the old rate (until the new anchor) and far less than the
    // 10 s the first host ran ahead: it went on from the reading, not from the wall clock.
    assert.ok(readAt >= leftAt, "durable time never goes back");
    assert.ok(readAt - leftAt <= (Date.now() - leftAtWall + 20) * 50, `${readAt - leftAt} ms after`);
    assert.ok(leftAt - leftAtWall > 5_000, "the first host ran ahead of the wall clock");
    await sleep(100);
    const again = await hubClock(azurite.connectionString, "ClockHubB", 1);
    assert.ok(Math.abs(again.now() - real.now()) < 50, "the changed anchor was stored");
  });

  test("hubs keep clocks of their own", async () => {
    const fast = await hubClock(azurite.connectionString, "ClockHubC", 100);
    await sleep(100);
    const other = await hubClock(azurite.connectionString, "ClockHubD", 1);
    assert.ok(fast.now() - other.now() > 5_000);
  });
});
