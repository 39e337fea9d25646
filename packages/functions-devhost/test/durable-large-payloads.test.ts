/**
 * Inputs, outputs and history larger than a table row holds go to blobs, as the Durable Azure Storage
 * backend does: an orchestration started with a 1.5 MB input runs to the end (it used to stay `Pending`
 * forever), the value round-trips through an activity and a sub-orchestration unchanged, and purging the
 * instances removes their blobs.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { BlobServiceClient } from "@azure/storage-blob";
import type { AzureStorageDurableEngine } from "../src/durable";
import { INLINE_JSON_CHARS, packJson, unpackJson } from "../src/durable/table-values";
import { orchestrationNames } from "./fixtures/durable-app/names";
import { startHarness, waitForStatus, type Harness } from "./durable-harness";

describe("values larger than a table row", () => {
  let harness: Harness;
  let engine: AzureStorageDurableEngine;
  let hubName: string;
  before(async () => {
    harness = await startHarness();
    hubName = `LargeHub${process.pid}`;
    engine = await harness.engine({ taskHubName: hubName });
  });
  after(() => harness.close());

  const blobsOf = async (prefix = ""): Promise<string[]> => {
    const container = BlobServiceClient.fromConnectionString(
      harness.azurite.connectionString,
    ).getContainerClient(`${hubName.toLowerCase()}-largemessages`);
    const names: string[] = [];
    for await (const blob of container.listBlobsFlat({ prefix })) names.push(blob.name);
    return names;
  };

  test("an orchestration with a 1.5 MB input runs through an activity and a sub-orchestration to the end", async () => {
    const text = "environment ".repeat(130_000);
    const id = await engine.startNew(orchestrationNames.largeRoundTrip, { input: { text } });
    const status = await waitForStatus(engine, id, undefined, 60_000);
    assert.equal(status.runtimeStatus, "Completed", JSON.stringify(status.output)?.slice(0, 300));
    const output = status.output as { text: string; length: number };
    assert.equal(output.length, text.length);
    assert.equal(output.text, text);
    const blobs = await blobsOf(`${id}/`);
    assert.ok(blobs.length > 0, "the parent's large values are in blobs");
    // Content-addressed: the input written with every lease taken and released is one blob, not one per write.
    assert.equal(blobs.filter((name) => name.includes("/input-")).length, 1, JSON.stringify(blobs));
  });

  test("purging an instance removes its blobs", async () => {
    const id = await engine.startNew(orchestrationNames.largeRoundTrip, {
      input: { text: "x".repeat(200_000) },
    });
    await waitForStatus(engine, id, undefined, 60_000);
    // The host releases the instance's lease just after it completes; purge what it no longer touches.
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.ok((await blobsOf(`${id}/`)).length > 0);
    assert.equal(await engine.purge(id), 1);
    assert.deepEqual(await blobsOf(`${id}/`), []);
  });

  test("keeps a value up to the inline limit in the row and marks a longer one for a blob", () => {
    const inline: Record<string, unknown> = {};
    const small = "s".repeat(INLINE_JSON_CHARS - 10);
    packJson(inline, "payload", small);
    assert.equal(unpackJson(inline, "payload"), small);
    const large: Record<string, unknown> = { rowKey: "i" };
    packJson(large, "payload", "l".repeat(INLINE_JSON_CHARS + 10));
    assert.throws(() => unpackJson(large, "payload"), /not read yet|in blob/);
  });
});
