/**
 * New runs under an instance id that was used before (after a purge, or over a finished run): the new
 * run must not be mistaken for the old one, and nothing the old run left in flight may reach it.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { AzureStorageDurableEngine } from "../src/durable";
import { activityNames, orchestrationNames } from "./fixtures/durable-app/names";
import { sideEffects } from "./fixtures/durable-app/side-effects";
import { startHarness, waitForStatus, type Harness } from "./durable-harness";

/** Real ms a run of a few episodes needs at most; a hang fails well before the suite's limit. */
const RUN_TIMEOUT_MS = 8_000;

describe("new runs under a used instance id", () => {
  let harness: Harness;
  let engine: AzureStorageDurableEngine;
  before(async () => {
    harness = await startHarness();
    engine = await harness.engine();
  });
  after(() => harness.close());

  async function runParent(instanceId: string, input: unknown) {
    await engine.startNew(orchestrationNames.parent, { instanceId, input });
    return waitForStatus(engine, instanceId, undefined, RUN_TIMEOUT_MS);
  }

  test("a purged instance started again runs its sub-orchestration again and completes", async () => {
    const first = await runParent("purged", { childInput: ["Oslo"] });
    assert.deepEqual(first.output, { childId: "purged:child", child: ["Hello Oslo"] });
    assert.equal(await engine.purge("purged"), 1);

    const second = await runParent("purged", { childInput: ["Rome"] });
    assert.equal(second.runtimeStatus, "Completed");
    assert.deepEqual(second.output, { childId: "purged:child", child: ["Hello Rome"] });
    const child = await engine.getStatus("purged:child");
    assert.deepEqual(child?.output, ["Hello Rome"], "the child ran again for the new run");
  });

  test("a completed instance started again completes with the new run's result", async () => {
    await runParent("completed", { childInput: ["Oslo"] });
    const second = await runParent("completed", { childInput: ["Lima"] });
    assert.equal(second.runtimeStatus, "Completed");
    assert.deepEqual(second.output, { childId: "completed:child", child: ["Hello Lima"] });
  });

  test("a failed instance started again completes once its sub-orchestration succeeds", async () => {
    const key = "failed-run";
    const input = { child: orchestrationNames.callFlaky, childInput: { key, failures: 1 } };
    const first = await runParent("failed", input);
    assert.equal(first.runtimeStatus, "Failed");
    assert.match(String(first.output), /attempt 1 of failed-run failed/);

    const second = await runParent("failed", input);
    assert.equal(second.runtimeStatus, "Completed");
    assert.deepEqual(second.output, { childId: "failed:child", child: 2 });
    assert.equal(sideEffects.calls.get(`${activityNames.flaky}:${key}`), 2);
  });

  test("a sub-orchestration of a purged run that ends late does not complete the new run", async () => {
    const old = { child: orchestrationNames.waitForever, childSuffix: "old" };
    await engine.startNew(orchestrationNames.parent, { instanceId: "late", input: old });
    await waitForStatus(engine, "late:old", ["Running"], RUN_TIMEOUT_MS);
    await engine.terminate("late");
    await waitForStatus(engine, "late", ["Terminated"], RUN_TIMEOUT_MS);
    assert.equal(await engine.purge("late"), 1);

    const fresh = { child: orchestrationNames.waitForever, childSuffix: "new" };
    await engine.startNew(orchestrationNames.parent, { instanceId: "late", input: fresh });
    await waitForStatus(engine, "late:new", ["Running"], RUN_TIMEOUT_MS);
    // The old child still reports to task 0 of generation 0 of "late": the new run must drop it.
    await engine.raiseEvent("late:old", "Never", "from the purged run");
    await waitForStatus(engine, "late:old", ["Completed"], RUN_TIMEOUT_MS);
    await engine.raiseEvent("late:new", "Never", "from the new run");
    const status = await waitForStatus(engine, "late", undefined, RUN_TIMEOUT_MS);
    assert.deepEqual(status.output, { childId: "late:new", child: "from the new run" });
  });

  test("fails a new run's sub-orchestration whose id belongs to a child of the old run still running", async () => {
    const input = { child: orchestrationNames.waitForever };
    await engine.startNew(orchestrationNames.parent, { instanceId: "busy", input });
    await waitForStatus(engine, "busy:child", ["Running"], RUN_TIMEOUT_MS);
    await engine.terminate("busy");
    await waitForStatus(engine, "busy", ["Terminated"], RUN_TIMEOUT_MS);
    assert.equal(await engine.purge("busy"), 1);

    const second = await runParent("busy", input);
    assert.equal(second.runtimeStatus, "Failed");
    assert.match(String(second.output), /An instance with ID 'busy:child' already exists and is Running/);
    await engine.terminate("busy:child");
  });
});
