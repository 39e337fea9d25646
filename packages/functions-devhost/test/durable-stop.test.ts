/**
 * Stopping the engine: `stop()` resolves once the engine has made its last write, and work decided
 * meanwhile is left in storage for the next engine. (A delivery started behind `stop()`'s back used to
 * fail seconds later with ECONNREFUSED once the caller had stopped Azurite.)
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { TableClient } from "@azure/data-tables";
import { AzureStorageDurableEngine, scaledClock } from "../src/durable";
import { startAzurite, type RunningAzurite } from "../src/azurite";
import { orchestrationNames } from "./fixtures/durable-app/names";
import { appRegistry, waitForStatus } from "./durable-harness";

/** Real ms to watch for late writes or late log lines after a stop: several poll intervals and episodes. */
const QUIET_PERIOD_MS = 400;

type LogLine = { level: string; message: string };

function newEngine(azurite: RunningAzurite, taskHubName: string, logs: LogLine[] = []) {
  return new AzureStorageDurableEngine({
    connectionString: azurite.connectionString,
    taskHubName,
    registry: appRegistry(),
    pollIntervalMs: 20,
    clock: scaledClock(50),
    log: (level, message) => logs.push({ level, message }),
  });
}

/** Every row of the hub's table with its ETag: any write changes it. */
async function snapshot(azurite: RunningAzurite, taskHubName: string): Promise<Map<string, string>> {
  const table = TableClient.fromConnectionString(azurite.connectionString, `${taskHubName}Devhost`, {
    allowInsecureConnection: true,
  });
  const rows = new Map<string, string>();
  for await (const entity of table.listEntities()) {
    rows.set(`${entity.partitionKey}/${entity.rowKey}`, entity.etag);
  }
  return rows;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("stopping the durable engine", () => {
  let azurite: RunningAzurite;
  before(async () => {
    azurite = await startAzurite();
  });
  after(() => azurite.stop());

  // Each first episode decides work for after its checkpoint: a delivery (the child's start), activities.
  const cases = [
    {
      what: "a sub-orchestration's start",
      name: orchestrationNames.parent,
      input: undefined,
      output: { childId: "drain-0:child", child: ["Hello Oslo"] },
    },
    { what: "activities", name: orchestrationNames.fanOutFanIn, input: 4, output: 12 },
  ];
  for (const [index, { what, name, input, output }] of cases.entries()) {
    test(`writes nothing after stop() resolves and leaves ${what} to the next engine`, async () => {
      const hub = `StopDrain${index}`;
      const instanceId = `drain-${index}`;
      const logs: LogLine[] = [];
      const first = newEngine(azurite, hub, logs);
      await first.start();
      // Stopping at once catches the first episode in flight.
      await first.startNew(name, { instanceId, input });
      await first.stop(5_000);
      const atStop = await snapshot(azurite, hub);
      await pause(QUIET_PERIOD_MS);
      assert.deepEqual(await snapshot(azurite, hub), atStop, "no row changed after stop() resolved");
      assert.equal(first.stats.activities, 0, "no activity started once stopping");
      assert.deepEqual(
        logs.filter((line) => line.level !== "info"),
        [],
      );

      const second = newEngine(azurite, hub);
      await second.start();
      try {
        const status = await waitForStatus(second, instanceId, undefined, 8_000);
        assert.deepEqual(status.output, output);
      } finally {
        await second.stop(1_000);
      }
    });
  }
});
