import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { AzureStorageDurableEngine } from "../src/durable";
import { isDurableEngineError } from "../src/durable";
import { activityNames, orchestrationNames } from "./fixtures/durable-app/names";
import { determinismSwitch, sideEffects } from "./fixtures/durable-app/side-effects";
import { eventually, startHarness, waitForStatus, type Harness } from "./durable-harness";

const calls = (activity: string, key: string) => sideEffects.calls.get(`${activity}:${key}`) ?? 0;

type HistoryEntry = { EventType: string; FunctionName?: string; ScheduledTime?: string; FireAt?: string };

describe("durable engine on Azurite", () => {
  let harness: Harness;
  let engine: AzureStorageDurableEngine;
  before(async () => {
    harness = await startHarness();
    engine = await harness.engine();
  });
  after(() => harness.close());

  test("runs a sequence of activities and returns their results in order", async () => {
    const id = await engine.startNew(orchestrationNames.sequence, { input: ["Lima", "Quito"] });
    const status = await waitForStatus(engine, id);
    assert.equal(status.runtimeStatus, "Completed");
    assert.deepEqual(status.output, ["Hello Lima", "Hello Quito"]);
    assert.deepEqual(status.input, ["Lima", "Quito"]);
    assert.equal(status.name, orchestrationNames.sequence);
  });

  test("fans out with Task.all and fans in the results", async () => {
    const id = await engine.startNew(orchestrationNames.fanOutFanIn, { input: 12 });
    const status = await waitForStatus(engine, id);
    assert.equal(status.output, 2 * ((11 * 12) / 2));
  });

  test("retries a failing activity with exponential back-off computed by the host", async () => {
    const key = "retry-backoff";
    const id = await engine.startNew(orchestrationNames.retryFlaky, {
      input: { key, failures: 3, attempts: 5, firstMs: 1000 },
    });
    const status = await waitForStatus(engine, id, undefined, 15_000, { showHistory: true });
    assert.equal(status.runtimeStatus, "Completed");
    assert.equal(status.output, 4, "the fourth attempt succeeds");
    assert.equal(calls(activityNames.flaky, key), 4);
    const delays = (status.historyEvents as HistoryEntry[])
      .filter((event) => event.EventType === "TimerFired")
      .map((event) => Date.parse(event.FireAt ?? "") - Date.parse(event.ScheduledTime ?? ""));
    assert.deepEqual(delays, [1000, 2000, 4000], "first × 2^attempt");
  });

  test("fails with the last error once retry attempts are exhausted", async () => {
    const key = "retry-exhausted";
    const id = await engine.startNew(orchestrationNames.retryFlaky, {
      input: { key, failures: 10, attempts: 3, firstMs: 500 },
    });
    const status = await waitForStatus(engine, id);
    assert.equal(status.runtimeStatus, "Failed");
    assert.match(
      String(status.output),
      /Activity function 'Flaky' failed: attempt 3 of retry-exhausted failed/,
    );
    assert.equal(calls(activityNames.flaky, key), 3);
  });

  test("waits on a durable timer until it fires", async () => {
    const startedAt = Date.now();
    const id = await engine.startNew(orchestrationNames.timerThenHello, { input: 30_000 });
    const status = await waitForStatus(engine, id);
    assert.equal(status.output, "Hello after timer");
    assert.ok(Date.now() - startedAt >= 30_000 / 50, "30 s of clock time at 50× takes at least 600 ms");
  });

  test("runs a sub-orchestration under the instance id it was given", async () => {
    const id = await engine.startNew(orchestrationNames.parent, { instanceId: "parent-1" });
    const status = await waitForStatus(engine, id);
    assert.deepEqual(status.output, { childId: "parent-1:child", child: ["Hello Oslo"] });
    const child = await engine.getStatus("parent-1:child");
    assert.equal(child?.runtimeStatus, "Completed");
    assert.equal(child?.name, orchestrationNames.sequence);
  });

  test("delivers an external event raised while the orchestration waits, with custom status", async () => {
    const id = await engine.startNew(orchestrationNames.waitForApproval, { input: 3_600_000 });
    await eventually(
      async () => JSON.stringify((await engine.getStatus(id))?.customStatus) === '{"stage":"waiting"}',
      "custom status 'waiting'",
    );
    await engine.raiseEvent(id, "Approval", { by: "ops" });
    const status = await waitForStatus(engine, id);
    assert.deepEqual(status.output, { by: "ops" });
    assert.deepEqual(status.customStatus, { stage: "approved" });
  });

  test("buffers an external event raised before the orchestration waits for it", async () => {
    const id = await engine.startNew(orchestrationNames.waitForApproval, { input: 3_600_000 });
    await engine.raiseEvent(id, "Approval", "early");
    const status = await waitForStatus(engine, id);
    assert.equal(status.output, "early");
  });

  test("Task.any lets a timer win over an event that never comes", async () => {
    const id = await engine.startNew(orchestrationNames.waitForApproval, { input: 5_000 });
    const status = await waitForStatus(engine, id);
    assert.equal(status.output, "timed out");
  });

  test("fails the orchestration with the activity's error as the real host reports it", async () => {
    const id = await engine.startNew(orchestrationNames.failing, { input: "kaput" });
    const status = await waitForStatus(engine, id);
    assert.equal(status.runtimeStatus, "Failed");
    assert.match(
      String(status.output),
      /^Orchestrator function 'Failing' failed: Activity function 'Fail' failed: kaput/,
    );
  });

  test("delivers activity failures to the orchestrator as TaskFailed with the real Reason text", async () => {
    const id = await engine.startNew(orchestrationNames.catchFailure, { input: "boom" });
    const status = await waitForStatus(engine, id);
    assert.equal(status.runtimeStatus, "Completed");
    assert.match(String(status.output), /^Activity function 'Fail' failed: boom \n Error: boom/);
  });

  test("fails a replay that schedules different work as a non-deterministic orchestration", async () => {
    determinismSwitch.useDouble = false;
    try {
      const id = await engine.startNew(orchestrationNames.nonDeterministic);
      await eventually(async () => {
        const status = await engine.getStatus(id, { showHistory: true });
        return (
          (status?.historyEvents as HistoryEntry[] | undefined)?.some(
            (e) => e.EventType === "TaskCompleted",
          ) === true
        );
      }, "the first activity to complete");
      determinismSwitch.useDouble = true;
      await engine.raiseEvent(id, "Go", null);
      const status = await waitForStatus(engine, id);
      assert.equal(status.runtimeStatus, "Failed");
      assert.match(String(status.output), /Non-deterministic orchestration/);
      assert.match(String(status.output), /activity 'Hello'.*activity 'Double'/);
    } finally {
      determinismSwitch.useDouble = false;
    }
  });

  test("continues as new with the new input until done", async () => {
    const id = await engine.startNew(orchestrationNames.countWithContinueAsNew, { input: 0 });
    const status = await waitForStatus(engine, id);
    assert.equal(status.runtimeStatus, "Completed");
    assert.equal(status.output, 3);
    assert.equal(status.input, 3, "the status shows the last generation's input");
  });

  test("terminates a running instance with the reason as output, then refuses events", async () => {
    const id = await engine.startNew(orchestrationNames.waitForever);
    await waitForStatus(engine, id, ["Running"]);
    await engine.terminate(id, "enough");
    const status = await waitForStatus(engine, id, ["Terminated"]);
    assert.equal(status.output, "enough");
    await assert.rejects(engine.raiseEvent(id, "Never", 1), (e: unknown) =>
      isDurableEngineError(e, "instance-not-running"),
    );
  });

  test("holds events while suspended and delivers them on resume", async () => {
    const id = await engine.startNew(orchestrationNames.waitForever);
    await waitForStatus(engine, id, ["Running"]);
    await engine.suspend(id, "maintenance");
    await waitForStatus(engine, id, ["Suspended"]);
    await engine.raiseEvent(id, "Never", "while suspended");
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal((await engine.getStatus(id))?.runtimeStatus, "Suspended");
    await engine.resume(id, "done");
    const status = await waitForStatus(engine, id);
    assert.equal(status.output, "while suspended");
  });

  test("rewinds a failed instance: the failed activity runs again and the instance completes", async () => {
    const key = "rewind";
    const id = await engine.startNew(orchestrationNames.callFlaky, { input: { key, failures: 1 } });
    assert.equal((await waitForStatus(engine, id)).runtimeStatus, "Failed");
    await engine.rewind(id, "fixed");
    const status = await waitForStatus(engine, id, ["Completed"]);
    assert.equal(status.output, 2);
    assert.equal(calls(activityNames.flaky, key), 2);
  });

  test("fails to rewind an instance that has not failed", async () => {
    const id = await engine.startNew(orchestrationNames.waitForever);
    await assert.rejects(engine.rewind(id), (e: unknown) => isDurableEngineError(e, "precondition-failed"));
    await engine.terminate(id);
  });

  test("purges a finished instance and nothing else", async () => {
    const done = await engine.startNew(orchestrationNames.sequence, { input: ["P"] });
    await waitForStatus(engine, done);
    assert.equal(await engine.purge(done), 1);
    assert.equal(await engine.getStatus(done), undefined);
    assert.equal(await engine.purge(done), 0);
    const running = await engine.startNew(orchestrationNames.waitForever);
    assert.equal(await engine.purge(running), 0);
    assert.ok(await engine.getStatus(running));
    await engine.terminate(running);
  });

  test("fails to start an unknown orchestration or a second instance with a running id", async () => {
    await assert.rejects(engine.startNew("NoSuchOrchestration"), (e: unknown) =>
      isDurableEngineError(e, "invalid-request"),
    );
    const id = await engine.startNew(orchestrationNames.waitForever, { instanceId: "only-once" });
    await assert.rejects(engine.startNew(orchestrationNames.waitForever, { instanceId: id }), (e: unknown) =>
      isDurableEngineError(e, "instance-exists"),
    );
    await engine.terminate(id);
  });

  test("lists instances by id prefix, status and creation time, page by page", async () => {
    const ids = ["list-a-1", "list-a-2", "list-b-1"];
    for (const instanceId of ids)
      await engine.startNew(orchestrationNames.sequence, { instanceId, input: [instanceId] });
    for (const id of ids) await waitForStatus(engine, id);
    const waiting = await engine.startNew(orchestrationNames.waitForever, { instanceId: "list-a-3" });
    await waitForStatus(engine, waiting, ["Running"]);

    const prefixed = await engine.listInstances({ instanceIdPrefix: "list-a-" });
    assert.deepEqual(prefixed.instances.map((i) => i.instanceId).sort(), [
      "list-a-1",
      "list-a-2",
      "list-a-3",
    ]);
    const completed = await engine.listInstances({ instanceIdPrefix: "list-", runtimeStatus: ["Completed"] });
    assert.deepEqual(completed.instances.map((i) => i.instanceId).sort(), [
      "list-a-1",
      "list-a-2",
      "list-b-1",
    ]);
    const future = await engine.listInstances({
      instanceIdPrefix: "list-",
      createdTimeFrom: new Date(Date.now() + 86_400_000 * 365),
    });
    assert.equal(future.instances.length, 0);

    const paged: string[] = [];
    let continuationToken: string | undefined;
    for (let page = 0; page < 10; page++) {
      const result = await engine.listInstances({ instanceIdPrefix: "list-", top: 1, continuationToken });
      assert.ok(result.instances.length <= 1);
      paged.push(...result.instances.map((i) => i.instanceId));
      continuationToken = result.continuationToken;
      if (!continuationToken) break;
    }
    assert.deepEqual(paged.sort(), ["list-a-1", "list-a-2", "list-a-3", "list-b-1"]);
    await engine.terminate(waiting);
  });

  test("shows history with outputs only when asked", async () => {
    const id = await engine.startNew(orchestrationNames.sequence, { input: ["H"] });
    await waitForStatus(engine, id);
    const plain = await engine.getStatus(id, { showHistory: true });
    const events = plain?.historyEvents as (HistoryEntry & { Result?: unknown })[];
    assert.deepEqual(
      events.map((e) => e.EventType),
      ["ExecutionStarted", "TaskCompleted", "ExecutionCompleted"],
    );
    assert.equal(events[1]?.FunctionName, activityNames.hello);
    assert.equal(events[1]?.Result, undefined);
    const withOutput = await engine.getStatus(id, {
      showHistory: true,
      showHistoryOutput: true,
      showInput: false,
    });
    assert.equal((withOutput?.historyEvents as { Result?: unknown }[])[1]?.Result, "Hello H");
    assert.equal(withOutput?.input, null);
    assert.equal((await engine.getStatus(id))?.historyEvents, undefined);
  });
});

describe("durable engine limits and sharing", () => {
  let harness: Harness;
  before(async () => {
    harness = await startHarness();
  });
  after(() => harness.close());

  test("runs at most maxConcurrentActivityFunctions activities at once", async () => {
    const engine = await harness.engine({ maxConcurrentActivityFunctions: 2 });
    sideEffects.maxRunning = 0;
    const id = await engine.startNew(orchestrationNames.slowFanOut, {
      input: { count: 6, ms: 80, prefix: "limit" },
    });
    const status = await waitForStatus(engine, id);
    assert.equal((status.output as string[]).length, 6);
    assert.equal(sideEffects.maxRunning, 2);
  });

  test("two engines sharing a task hub complete every orchestration once", async () => {
    const first = await harness.engine({ taskHubName: "SharedHub" });
    const second = await harness.engine({ taskHubName: "SharedHub" });
    const ids = await Promise.all(
      [0, 1, 2].map((n) => first.startNew(orchestrationNames.fanOutFanIn, { input: 8 + n })),
    );
    for (const [n, id] of ids.entries()) {
      const status = await waitForStatus(second, id);
      assert.equal(status.output, (7 + n) * (8 + n));
    }
  });
});
