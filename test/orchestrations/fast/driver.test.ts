/**
 * The fast driver itself: it replays through the real library, keeps a virtual clock, and refuses the
 * mistakes Azure would punish later (#574, non-determinism, yielding what is not a task). Each refusal
 * is shown on a small orchestration that makes the mistake, so the specs built on the driver can fail.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as df from "durable-functions";
import type { OrchestrationContext, Task } from "durable-functions";
import { DriverError, DurableDriver } from "./driver";
import { APP_ORCHESTRATORS, registerTestOrchestration } from "./registrations";

const MINUTE_MS = 60_000;

/** Calls "work" with its input's `n` and sleeps `sleepMs` in between; logs outside replay only. */
registerTestOrchestration("sleepAndWork", function* (context: OrchestrationContext) {
  const { sleepMs } = context.df.getInput<{ sleepMs: number }>();
  const first = yield context.df.callActivity("work", 1);
  if (!context.df.isReplaying) context.info("slept from", context.df.currentUtcDateTime.toISOString());
  yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + sleepMs));
  const second = yield context.df.callActivity("work", 2);
  return [first, second];
});

/** The #574 mistake: a task scheduled in one Task.any is yielded again inside the next one. */
registerTestOrchestration("reyieldsATask", function* (context: OrchestrationContext) {
  const slow = context.df.callActivity("work", "slow");
  const now = context.df.currentUtcDateTime.getTime();
  yield context.df.Task.any([slow, context.df.createTimer(new Date(now + 1000))]);
  yield context.df.Task.any([slow, context.df.createTimer(new Date(now + 2000))]);
  return "done";
});

/** The correct pattern: the earlier task is read from its state, not awaited again. */
registerTestOrchestration("readsAnEarlierTask", function* (context: OrchestrationContext) {
  const first = context.df.callActivity("work", "first");
  yield context.df.Task.any([first]);
  const second = context.df.callActivity("work", "second");
  yield context.df.Task.any([second]);
  return [first.result, second.result];
});

/** Module state changes on every replay: the orchestration takes another branch each time. */
let replays = 0;
registerTestOrchestration("branchesOnModuleState", function* (context: OrchestrationContext) {
  replays++;
  yield context.df.callActivity(replays % 2 === 1 ? "work" : "otherWork", 1);
  yield context.df.callActivity("work", 2);
  return "done";
});

/** Same branches every time, but an input read from a clock that is not the orchestration's. */
registerTestOrchestration("inputFromTheWallClock", function* (context: OrchestrationContext) {
  yield context.df.callActivity("work", { at: process.hrtime.bigint().toString() });
  yield context.df.callActivity("work", 2);
  return "done";
});

registerTestOrchestration("yieldsAPromise", function* (context: OrchestrationContext) {
  yield context.df.callActivity("work", 1);
  yield Promise.resolve(2) as unknown as Task;
  return "done";
});

/** Waits for an activity or a timer, whichever first, and cancels the timer if it lost. */
registerTestOrchestration("cancelsItsTimer", function* (context: OrchestrationContext) {
  const { cancel } = context.df.getInput<{ cancel: boolean }>();
  const timeout = context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 30 * MINUTE_MS));
  const work = context.df.callActivity("work", 1);
  yield context.df.Task.any([work, timeout]);
  if (cancel && !timeout.isCompleted) timeout.cancel();
  return context.df.currentUtcDateTime.toISOString();
});

registerTestOrchestration("failsOnPurpose", function* (context: OrchestrationContext) {
  yield context.df.callActivity("work", 1);
  throw new Error("orchestration gave up");
});

registerTestOrchestration("callsAChild", function* (context: OrchestrationContext) {
  const child = yield context.df.callSubOrchestrator("sleepAndWork", { sleepMs: MINUTE_MS }, "child-1");
  return { child };
});

const echo = (call: { input: unknown; attempt: number }) => ({ echoed: call.input, attempt: call.attempt });

describe("the fast durable driver", () => {
  test("runs each of the app's orchestrators under the name orchestrations/register.ts gives it", () => {
    const registered: Record<string, unknown> = {};
    const app = df.app as unknown as { orchestration: (name: string, fn: unknown) => unknown };
    const original = app.orchestration;
    app.orchestration = (name, fn) => (registered[name] = fn);
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- registration is the import
      require("../../../orchestrations/register");
    } finally {
      app.orchestration = original;
    }
    assert.deepEqual(registered, APP_ORCHESTRATORS);
  });

  test("replays the real library: results arrive in order, and a line logged outside replay is logged once", async () => {
    const driver = new DurableDriver({ activities: echo });
    const run = await driver.run("sleepAndWork", { sleepMs: 20 * MINUTE_MS });
    assert.equal(run.status, "Completed");
    assert.deepEqual(run.output, [
      { echoed: 1, attempt: 1 },
      { echoed: 2, attempt: 1 },
    ]);
    // Three episodes replayed the code before the log line; only the first ran it outside replay.
    assert.equal(run.episodes, 4);
    assert.deepEqual(
      driver.logs.map((line) => line.message),
      [`slept from ${new Date(run.createdAtMs).toISOString()}`],
    );
  });

  test("a 20-minute durable timer advances the virtual clock by exactly 20 minutes", async () => {
    const driver = new DurableDriver({ activities: echo });
    const run = await driver.run("sleepAndWork", { sleepMs: 20 * MINUTE_MS });
    assert.equal(driver.nowMs - run.createdAtMs, 20 * MINUTE_MS);
    assert.deepEqual(
      driver.activityCalls.map((call) => call.nowMs - run.createdAtMs),
      [0, 20 * MINUTE_MS],
    );
    assert.deepEqual(
      driver.timers.map((timer) => [timer.fireAtMs - timer.createdAtMs, timer.state]),
      [[20 * MINUTE_MS, "fired"]],
    );
  });

  test("fails a task scheduled twice: re-yielding it in a new Task.any (durable-functions #574)", async () => {
    const driver = new DurableDriver({ activities: () => "late" });
    await assert.rejects(driver.run("reyieldsATask", null), (error: unknown) => {
      assert.ok(error instanceof DriverError);
      assert.match(error.message, /#574/);
      assert.match(error.message, /sent the action of task 0 \(activity 'work'/);
      return true;
    });
  });

  test("accepts reading an earlier task's result without yielding it again", async () => {
    const driver = new DurableDriver({ activities: echo });
    const run = await driver.run("readsAnEarlierTask", null);
    assert.deepEqual(run.output, [
      { echoed: "first", attempt: 1 },
      { echoed: "second", attempt: 1 },
    ]);
  });

  test("fails a replay that schedules another activity than history holds (non-determinism)", async () => {
    const driver = new DurableDriver({ activities: echo });
    await assert.rejects(
      driver.run("branchesOnModuleState", null),
      /non-deterministic.*task 0 was scheduled as activity 'work'.*'otherWork'/s,
    );
  });

  test("fails a replay whose activity input differs from the scheduled one (non-determinism)", async () => {
    const driver = new DurableDriver({ activities: echo });
    await assert.rejects(driver.run("inputFromTheWallClock", null), /non-deterministic.*task 0/s);
  });

  test("fails an orchestrator that yields something other than a durable task", async () => {
    const driver = new DurableDriver({ activities: echo });
    await assert.rejects(driver.run("yieldsAPromise", null), (error: unknown) => {
      assert.ok(error instanceof DriverError);
      assert.match(error.message, /programming constraint violation/);
      return true;
    });
  });

  test("a cancelled timer never fires and does not move the clock", async () => {
    const driver = new DurableDriver({ activities: echo });
    const run = await driver.run("cancelsItsTimer", { cancel: true });
    assert.equal(run.output, new Date(run.createdAtMs).toISOString());
    assert.equal(driver.nowMs, run.createdAtMs);
    assert.deepEqual(
      driver.timers.map((timer) => timer.state),
      ["cancelled"],
    );
  });

  test("a timer left pending when its orchestration ends is reported abandoned, not fired", async () => {
    const driver = new DurableDriver({ activities: echo });
    await driver.run("cancelsItsTimer", { cancel: false });
    assert.deepEqual(
      driver.timers.map((timer) => timer.state),
      ["abandoned"],
    );
  });

  test("an activity that throws faults its task; an orchestrator that throws ends Failed with its message", async () => {
    const driver = new DurableDriver({
      activities: () => {
        throw new Error("activity broke");
      },
    });
    const run = await driver.run("failsOnPurpose", null);
    assert.equal(run.status, "Failed");
    assert.match(run.error ?? "", /Activity function 'work' failed: activity broke/);
    assert.equal(driver.activityCalls[0]?.threw, "activity broke");
  });

  test("runs a sub-orchestration in the same clock, under the instance id its parent gave", async () => {
    const driver = new DurableDriver({ activities: echo });
    const run = await driver.run("callsAChild", null, "parent-1");
    assert.deepEqual(run.output, {
      child: [
        { echoed: 1, attempt: 1 },
        { echoed: 2, attempt: 1 },
      ],
    });
    assert.deepEqual(
      driver.subOrchestrationStarts.map((start) => [start.parentInstanceId, start.instanceId, start.name]),
      [["parent-1", "child-1", "sleepAndWork"]],
    );
    assert.equal(driver.instance("child-1").endedAtMs, run.createdAtMs + MINUTE_MS);
    assert.equal(run.endedAtMs, run.createdAtMs + MINUTE_MS);
  });

  test("refuses an orchestration name nobody registered", async () => {
    const driver = new DurableDriver({ activities: echo });
    await assert.rejects(
      driver.run("noSuchOrchestration", null),
      /no orchestration named "noSuchOrchestration"/,
    );
  });
});
