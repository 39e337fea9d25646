import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { activityNames, orchestrationNames } from "./fixtures/durable-app/names";
import { sideEffects } from "./fixtures/durable-app/side-effects";
import type { AzureStorageDurableEngine } from "../src/durable/engine";
import { HubStore, WORK_PREFIX } from "../src/durable/store";
import { externalMessage } from "../src/durable/work-items";
import { eventually, startHarness, waitForStatus, type Harness } from "./durable-harness";

const calls = (key: string) => sideEffects.calls.get(`${activityNames.slow}:${key}`) ?? 0;

/**
 * Starts an instance that waits an hour for an `Approval` event, and waits until its row names `workerId`
 * as its lease's owner: the engine keeps the instance between episodes.
 */
async function startApprovalHeldBy(
  engine: AzureStorageDurableEngine,
  store: HubStore,
  workerId: string,
): Promise<string> {
  const id = await engine.startNew(orchestrationNames.waitForApproval, { input: 3_600_000 });
  await waitForStatus(engine, id, ["Running"]);
  await eventually(
    async () => (await store.getInstanceHead(id))?.head.leaseOwner === workerId,
    `the row to name ${workerId} while the instance waits`,
  );
  return id;
}

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

describe("handing over after an engine stops with grace", () => {
  let harness: Harness;
  before(async () => {
    harness = await startHarness();
  });
  after(() => harness.close());

  test("a running instance's row names its engine between episodes and, once it ends, no one", async () => {
    const hub = { taskHubName: "HandoverRow", workerId: "engine-a" };
    const engine = await harness.engine(hub);
    const store = new HubStore(harness.azurite.connectionString, hub.taskHubName);
    const id = await startApprovalHeldBy(engine, store, "engine-a");
    await engine.raiseEvent(id, "Approval", "yes");
    await waitForStatus(engine, id, ["Completed"]);
    const finished = await store.getInstanceHead(id);
    assert.equal(finished?.head.leaseOwner, undefined);
    assert.equal(finished?.head.leaseUntilMs, 0);

    // A message reaching the finished instance (a late one) is dropped under a lease that goes back.
    await store.putWork(externalMessage(id, { type: "resume" }, Date.now(), "late"));
    await eventually(
      async () => !(await store.listWork(id, WORK_PREFIX.message)).some((w) => w.rowKey.endsWith("-late")),
      "the late message to be dropped",
    );
    const afterDrop = await store.getInstanceHead(id);
    assert.equal(afterDrop?.head.leaseOwner, undefined, "the lease taken to drop it was given back");
  });

  test("an instance that waited past its lease is taken back with no write, and a finished run none after its last checkpoint", async () => {
    // 200 ms of lease against a timer of 30 s on a 50× clock (600 ms): the lease runs out while it waits.
    const engine = await harness.engine({ taskHubName: "LeaseNoWrite", leaseMs: 200 });
    const writes = () => engine.stats.tableRequests.write;
    const before = writes();
    const id = await engine.startNew(orchestrationNames.timerThenHello, { input: 30_000 });
    const status = await waitForStatus(engine, id, ["Completed"], 10_000);
    assert.equal(status.output, "Hello after timer");
    // Every write was a checkpoint or an activity's result (transactions); a lease taken or given back
    // with a write of its own would show here.
    assert.equal(writes() - before, 0);
    assert.ok(engine.stats.tableRequests.transaction >= 4, "start, timer, activity result, end");
  });

  test("an event raised through another engine on the same hub reaches the instance this engine holds", async () => {
    const hub = { taskHubName: "HandoverEvent", leaseMs: 120_000 };
    const holder = await harness.engine({ ...hub, workerId: "engine-holder" });
    const other = await harness.engine({ ...hub, workerId: "engine-other" });
    const store = new HubStore(harness.azurite.connectionString, hub.taskHubName);
    const id = await startApprovalHeldBy(holder, store, "engine-holder");
    // The other engine writes the message but cannot take the instance: the holder's lease lasts. The
    // holder knows the instance's inbox from its own writes, so only its scan of the hub finds this one.
    await other.raiseEvent(id, "Approval", "approved elsewhere");
    const status = await waitForStatus(holder, id, ["Completed"], 10_000);
    assert.equal(status.output, "approved elsewhere");
  });

  test("the next engine takes the instance and its queued activities at once, not when their leases run out", async () => {
    // Leases far longer than the test's timeout: only their release lets the second engine carry on.
    const hub = { taskHubName: "HandoverQueue", leaseMs: 120_000, maxConcurrentActivityFunctions: 1 };
    const first = await harness.engine({ ...hub, workerId: "engine-first" });
    const store = new HubStore(harness.azurite.connectionString, hub.taskHubName);
    const count = 4;
    const id = await first.startNew(orchestrationNames.slowFanOut, {
      input: { count, ms: 300, prefix: "handover" },
    });
    await eventually(() => calls("handover-0") + calls("handover-1") >= 1, "the first activity to start");
    await first.stop(10_000);
    const stopped = await store.getInstanceHead(id);
    assert.equal(stopped?.head.leaseOwner, undefined, "the stopped engine gave the instance's lease back");

    const second = await harness.engine({ ...hub, workerId: "engine-second" });
    const status = await waitForStatus(second, id, undefined, 20_000);
    assert.equal(status.runtimeStatus, "Completed");
    const runs = [...Array(count).keys()].map((i) => calls(`handover-${i}`));
    assert.deepEqual(
      runs,
      [1, 1, 1, 1],
      "each activity ran once: the one in flight finished within the grace",
    );
  });
});

describe("what the engine keeps in memory of an instance it holds", () => {
  let harness: Harness;
  before(async () => {
    harness = await startHarness();
  });
  after(() => harness.close());

  test("an activity's result handed to an instance another engine took meanwhile is written for that engine, and the activity runs once", async () => {
    const hub = { taskHubName: "HandedTaken", leaseMs: 120_000, workerId: "engine-a" };
    const engine = await harness.engine(hub);
    const store = new HubStore(harness.azurite.connectionString, hub.taskHubName);
    const id = await engine.startNew(orchestrationNames.slowFanOut, {
      input: { count: 1, ms: 600, prefix: "taken" },
    });
    await eventually(() => calls("taken-0") >= 1, "the activity to start");
    // Another engine takes the instance while the activity runs (as one would once a lease ran out).
    const held = await store.getInstanceHead(id);
    assert.ok(held);
    const farFuture = held.head.leaseUntilMs + 3_600_000_000;
    await store.setLease(id, { owner: "engine-b", untilMs: farFuture }, held.etag);

    // The engine hands the result to the instance it believes it holds; that checkpoint fails on the
    // changed row, and the result goes to storage for the new owner: a message row, the work row gone.
    await eventually(
      async () => (await store.listWork(id, WORK_PREFIX.message)).some((w) => w.rowKey.startsWith("wm-c-")),
      "the result to be written as a message row",
    );
    assert.deepEqual(await store.listWork(id, WORK_PREFIX.activity), [], "the work row went with it");
    assert.equal(engine.stats.handedResults, 1);

    // The other engine lets go; this one takes the instance from storage and finishes it.
    const taken = await store.getInstanceHead(id);
    assert.ok(taken);
    await store.setLease(id, { untilMs: 0 }, taken.etag);
    const status = await waitForStatus(engine, id, ["Completed"], 10_000);
    assert.deepEqual(status.output, ["taken-0"]);
    assert.equal(calls("taken-0"), 1, "the activity ran once");
  });

  test("status reads without input are answered from the engine's last checkpoint with no request, as storage holds the row, while its lease lasts", async () => {
    const hub = { taskHubName: "HeldStatus", leaseMs: 120_000, workerId: "engine-a" };
    const engine = await harness.engine(hub);
    const store = new HubStore(harness.azurite.connectionString, hub.taskHubName);
    const id = await startApprovalHeldBy(engine, store, "engine-a");
    const reads = () => engine.stats.tableRequests.read;

    const before = reads();
    const held = await engine.getStatus(id, { showInput: false });
    assert.equal(reads(), before, "no read: the engine wrote the row last and holds it");
    const stored = await engine.getStatus(id);
    assert.equal(reads(), before + 1, "the input is not kept: a read with it goes to storage");
    assert.deepEqual(held, { ...stored, input: null });
    assert.equal(held?.runtimeStatus, "Running");
    assert.deepEqual(held?.customStatus, { stage: "waiting" });

    // Finished, the instance's lease is given back: its status comes from storage again.
    await engine.raiseEvent(id, "Approval", "yes");
    await waitForStatus(engine, id, ["Completed"]);
    const afterEnd = reads();
    const done = await engine.getStatus(id, { showInput: false });
    assert.equal(reads(), afterEnd + 1);
    assert.equal(done?.output, "yes");
    assert.deepEqual(done?.customStatus, { stage: "approved" });
  });
});
