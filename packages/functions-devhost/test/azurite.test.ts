import assert from "node:assert/strict";
import { test } from "node:test";
import { TableClient } from "@azure/data-tables";
import { startAzurite } from "../src/azurite";

test("starts Azurite on free loopback ports and stores a table entity", async () => {
  const azurite = await startAzurite();
  try {
    const table = TableClient.fromConnectionString(azurite.connectionString, "probe", {
      allowInsecureConnection: true,
    });
    await table.createTable();
    await table.createEntity({ partitionKey: "p", rowKey: "r", answer: 42 });
    const entity = await table.getEntity<{ answer: number }>("p", "r");
    assert.equal(entity.answer, 42);
  } finally {
    await azurite.stop();
  }
  assert.notEqual(
    azurite.process.exitCode ?? azurite.process.signalCode,
    null,
    "the child process has exited",
  );
});
