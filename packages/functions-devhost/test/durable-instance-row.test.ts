/**
 * The instance row under the engine's checkpoints: episodes merge only the values they change (custom
 * status, output), so an input is written once and kept whole, a custom status that shrinks reads back
 * as its last value, a termination keeps the last custom status, and a status read that does not show
 * the input does not fetch it.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { AzureStorageDurableEngine } from "../src/durable";
import {
  HubStore,
  INSTANCE_ROW,
  instanceEntity,
  instanceMergeEntity,
  type InstanceRecord,
} from "../src/durable/store";
import { orchestrationNames } from "./fixtures/durable-app/names";
import { startHarness, waitForStatus, type Harness } from "./durable-harness";

describe("the instance row across episodes", () => {
  let harness: Harness;
  let engine: AzureStorageDurableEngine;
  let store: HubStore;
  before(async () => {
    harness = await startHarness();
    const hubName = `RowHub${process.pid}`;
    engine = await harness.engine({ taskHubName: hubName });
    store = new HubStore(harness.azurite.connectionString, hubName);
  });
  after(() => harness.close());

  test("keeps a large input whole and reads back a custom status that shrank after being stored in a blob", async () => {
    const text = "environment ".repeat(10_000);
    const id = await engine.startNew(orchestrationNames.shrinkingStatus, { input: { text } });
    const status = await waitForStatus(engine, id, undefined, 30_000);
    assert.equal(status.runtimeStatus, "Completed", JSON.stringify(status.output));
    assert.deepEqual(status.output, { inputLength: text.length, second: "Hello second" });
    assert.deepEqual(status.customStatus, { stage: "small" });
    assert.deepEqual(status.input, { text });
  });

  test("a read without the input leaves it out and still has the output and custom status", async () => {
    const text = "x".repeat(100_000);
    const id = await engine.startNew(orchestrationNames.shrinkingStatus, { input: { text } });
    await waitForStatus(engine, id, undefined, 30_000);
    const withoutInput = await store.getInstance(id, { withInput: false });
    assert.equal(withoutInput?.record.input, undefined);
    assert.deepEqual(withoutInput?.record.customStatus, { stage: "small" });
    assert.deepEqual(withoutInput?.record.output, { inputLength: text.length, second: "Hello second" });
    assert.deepEqual((await store.getInstance(id))?.record.input, { text });
  });

  test("a termination keeps the last custom status and records the reason as the output", async () => {
    const id = await engine.startNew(orchestrationNames.waitForApproval, { input: 3_600_000 });
    await waitForStatus(engine, id, ["Running"], 15_000);
    const deadline = Date.now() + 15_000;
    while ((await engine.getStatus(id))?.customStatus === null && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    await engine.terminate(id, "no longer wanted");
    const status = await waitForStatus(engine, id, ["Terminated"], 15_000);
    assert.equal(status.output, "no longer wanted");
    assert.deepEqual(status.customStatus, { stage: "waiting" });
  });

  test("a checkpoint's answer gives the instance row's new ETag, which the next conditional write takes", async () => {
    const record: InstanceRecord = {
      instanceId: `etag-${process.pid}`,
      name: orchestrationNames.sequence,
      runtimeStatus: "Pending",
      generation: 0,
      executionId: "e1",
      createdAtMs: 1,
      updatedAtMs: 1,
      input: { big: "y".repeat(1000) },
      output: undefined,
      customStatus: undefined,
      historyChunks: 0,
      leaseUntilMs: 0,
    };
    const created = await store.commit([], [["create", instanceEntity(record)]]);
    const first = created.get(INSTANCE_ROW) ?? (await store.getInstanceHead(record.instanceId))?.etag;
    assert.ok(first);
    const head = { ...record, runtimeStatus: "Running" as const, historyChunks: 1 };
    const etags = await store.commit(
      [],
      [
        ["create", store.historyChunk(record.instanceId, 0, 0, [])],
        [
          "update",
          instanceMergeEntity(head, { customStatus: { value: "step 1" } }),
          "Merge",
          { etag: first },
        ],
      ],
    );
    const next = etags.get(INSTANCE_ROW);
    assert.ok(next, "the update's ETag is known without reading the row");
    await store.setLease(record.instanceId, { owner: "me", untilMs: 10 }, next);
    const read = await store.getInstance(record.instanceId);
    assert.equal(read?.record.leaseOwner, "me");
    assert.equal(read?.record.customStatus, "step 1");
    assert.deepEqual(read?.record.input, record.input);
  });
});
