/**
 * Stopping the engine: `stop()` resolves once the engine has made its last write, work decided meanwhile
 * is left in storage for the next engine, and storage going away after the stop is not reported as an
 * error.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { TableClient } from "@azure/data-tables";
import { AzureStorageDurableEngine, scaledClock } from "../../devhost/durable";
import { startAzurite, type RunningAzurite } from "../../lib/local/azurite";
import { orchestrationNames } from "../fixtures/durable-app/names";
import { appRegistry, waitForStatus } from "./durable-harness";

/** Real ms to watch for late writes or late log lines after a stop: several poll intervals and episodes. */
const QUIET_PERIOD_MS = 400;

/** Real ms the storage client spends retrying a refused connection (3 retries from 800 ms, doubling). */
const STORAGE_RETRIES_MS = 7_000;

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

  test("writes nothing after stop() resolves and leaves decided work to the next engine", async () => {
    const hub = "StopDrain";
    const logs: LogLine[] = [];
    const first = newEngine(azurite, hub, logs);
    await first.start();
    // Stopping at once catches the first episode in flight: it checkpoints the child's start, which
    // must then stay in storage rather than be delivered behind stop()'s back.
    await first.startNew(orchestrationNames.parent, { instanceId: "drain" });
    await first.stop(5_000);
    const atStop = await snapshot(azurite, hub);
    await pause(QUIET_PERIOD_MS);
    assert.deepEqual(await snapshot(azurite, hub), atStop, "no row changed after stop() resolved");
    assert.deepEqual(
      logs.filter((line) => line.level !== "info"),
      [],
    );

    const second = newEngine(azurite, hub);
    await second.start();
    try {
      const status = await waitForStatus(second, "drain", undefined, 8_000);
      assert.deepEqual(status.output, { childId: "drain:child", child: ["Hello Oslo"] });
    } finally {
      await second.stop(1_000);
    }
  });

  test("reports no errors when its storage stops after it, even for work abandoned past the grace period", async () => {
    const own = await startAzurite();
    const logs: LogLine[] = [];
    const engine = newEngine(own, "StopQuiet", logs);
    await engine.start();
    try {
      // Activities that outlast the grace period, and an episode in flight at the stop.
      await engine.startNew(orchestrationNames.slowFanOut, { input: { count: 3, ms: 800, prefix: "quiet" } });
      await pause(100);
      // Stopping at once catches this one's first episode in flight.
      await engine.startNew(orchestrationNames.parent, { instanceId: "quiet" });
    } finally {
      await engine.stop(300);
      await own.stop();
    }
    // The abandoned activities end while storage is gone, and the storage client retries a refused
    // connection for seconds before it reports it: wait that long for anything to show.
    await pause(STORAGE_RETRIES_MS);
    assert.deepEqual(
      logs.filter((line) => line.level !== "info"),
      [],
    );
  });
});
