import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { activityNames, orchestrationNames } from "./fixtures/durable-app/names";
import { sideEffects } from "./fixtures/durable-app/side-effects";
import { eventually, startHarness, waitForStatus, type Harness } from "./durable-harness";

const calls = (key: string) => sideEffects.calls.get(`${activityNames.slow}:${key}`) ?? 0;

/** Short leases: a new engine takes over an abandoned instance or activity after 400 ms. */
const LEASE_MS = 400;

describe("resuming after an engine stops without grace", () => {
  let harness: Harness;
  before(async () => {
    harness = await startHarness();
  });
  after(() => harness.close());

  test("a new engine on the same storage finishes a sequence without re-running checkpointed activities", async () => {
    const hub = { taskHubName: "ResumeSequence", leaseMs: LEASE_MS };
    const first = await harness.engine(hub);
    const steps = 6;
    const id = await first.startNew(orchestrationNames.chain, { input: { count: steps, slowMs: 150 } });
    await eventually(() => calls("step-2") >= 1, "the third activity to start");
    await first.stop(0);
    const startedAtKill = Array.from({ length: steps }, (_, i) => calls(`step-${i}`)).filter(
      (n) => n > 0,
    ).length;

    const second = await harness.engine(hub);
    const status = await waitForStatus(second, id, undefined, 30_000);
    assert.equal(status.runtimeStatus, "Completed");
    for (let i = 0; i < steps; i++) {
      const expected = i === startedAtKill - 1 ? [1, 2] : [1];
      assert.ok(expected.includes(calls(`step-${i}`)), `step-${i} ran ${calls(`step-${i}`)} times`);
    }
  });

  test("a fan-out interrupted mid-way re-runs at most the activities that were in flight", async () => {
    const hub = { taskHubName: "ResumeFanOut", leaseMs: LEASE_MS, maxConcurrentActivityFunctions: 3 };
    const first = await harness.engine(hub);
    const count = 9;
    const id = await first.startNew(orchestrationNames.slowFanOut, {
      input: { count, ms: 150, prefix: "fan" },
    });
    const started = () => [...Array(count).keys()].filter((i) => calls(`fan-${i}`) > 0).length;
    await eventually(() => started() >= 4, "four activities to start");
    await first.stop(0);

    const second = await harness.engine(hub);
    const status = await waitForStatus(second, id, undefined, 30_000);
    assert.equal((status.output as string[]).length, count);
    const runs = [...Array(count).keys()].map((i) => calls(`fan-${i}`));
    assert.ok(
      runs.every((n) => n >= 1),
      `every activity ran: ${runs.join(",")}`,
    );
    const extra = runs.reduce((sum, n) => sum + n - 1, 0);
    assert.ok(extra <= 3, `at most the 3 activities in flight ran twice, got ${extra} extra runs`);
  });

  test("a durable timer set before the stop fires under the new engine", async () => {
    const hub = { taskHubName: "ResumeTimer", leaseMs: LEASE_MS };
    const first = await harness.engine(hub);
    const id = await first.startNew(orchestrationNames.timerThenHello, { input: 20_000 });
    await waitForStatus(first, id, ["Running"]);
    await first.stop(0);
    const second = await harness.engine(hub);
    const status = await waitForStatus(second, id, undefined, 30_000);
    assert.equal(status.output, "Hello after timer");
  });
});
