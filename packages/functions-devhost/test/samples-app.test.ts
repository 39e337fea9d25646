/**
 * The patterns of Durable Functions' own samples (chaining, fan-out/fan-in writing blobs through an
 * output binding, sub-orchestrations, custom status, retries, timers, external events, continue-as-new,
 * synchronous wait, instance management, callHttp) and storage output bindings, run on the devhost
 * through HTTP as a user would, with the samples-app fixture (test/fixtures/samples-app/).
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { TableClient } from "@azure/data-tables";
import { BlobServiceClient } from "@azure/storage-blob";
import { startAzurite, type RunningAzurite } from "../src/azurite";
import type { DevhostLog } from "../src/invoke";
import { startDevhost, type RunningDevhost } from "../src/main";
import { createAppRoot, type TemporaryAppRoot } from "./front-app-root";
import { waitFor } from "./front-helpers";
import {
  sampleEntity,
  sampleOrchestrations as orchestrations,
  sampleStorage,
} from "./fixtures/samples-app/names";

const appEntry = join(__dirname, "fixtures", "samples-app", "index");
const KEY = "samples-function-key";
/** Durable time runs this much faster than real time (a 1 s Retry-After takes ~17 ms). */
const CLOCK_FACTOR = 60;
const TERMINAL = ["Completed", "Failed", "Terminated"];

interface CheckStatus {
  id: string;
  statusQueryGetUri: string;
  sendEventPostUri: string;
}

interface Status {
  name: string;
  instanceId: string;
  runtimeStatus: string;
  output: unknown;
  customStatus: unknown;
}

let azurite: RunningAzurite;
let appRoot: TemporaryAppRoot;
let devhost: RunningDevhost;
const logged: string[] = [];
const log: DevhostLog = (level, message) => logged.push(`${level} ${message}`);

before(async () => {
  azurite = await startAzurite();
  appRoot = createAppRoot("SamplesHub", {
    [sampleStorage.blobConnectionSetting]: "UseDevelopmentStorage=true",
  });
  devhost = await startDevhost({
    app: appEntry,
    appRoot: appRoot.path,
    port: 0,
    storageConnectionString: azurite.connectionString,
    functionKey: KEY,
    clockFactor: CLOCK_FACTOR,
    minQueuePollingIntervalMs: 20,
    log,
  });
});
after(async () => {
  await devhost?.stop(2000);
  await azurite?.stop();
  appRoot?.remove();
});

const api = (path: string) => `${devhost.url}/api/${path}${path.includes("?") ? "&" : "?"}code=${KEY}`;

async function start(name: string, input?: unknown, instanceId = ""): Promise<CheckStatus> {
  const response = await fetch(api(`orchestrators/${name}${instanceId ? `/${instanceId}` : ""}`), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: input === undefined ? "" : JSON.stringify(input),
  });
  assert.equal(response.status, 202, await response.clone().text());
  return (await response.json()) as CheckStatus;
}

const statusOf = async (started: CheckStatus): Promise<Status> =>
  (await (await fetch(started.statusQueryGetUri)).json()) as Status;

async function finished(started: CheckStatus, timeoutMs = 20_000): Promise<Status> {
  return waitFor(
    `instance ${started.id} to finish`,
    async () => {
      const status = await statusOf(started);
      return TERMINAL.includes(status.runtimeStatus) && status;
    },
    { timeoutMs, intervalMs: 50 },
  );
}

async function raise(instanceId: string, eventName: string, data: unknown): Promise<void> {
  const response = await fetch(api(`instances/${instanceId}/events/${eventName}`), {
    method: "POST",
    body: JSON.stringify(data),
  });
  assert.equal(response.status, 202);
}

describe("Durable Functions sample patterns on the devhost", () => {
  test("chaining: activities run one after the other", async () => {
    const done = await finished(await start(orchestrations.chaining));
    assert.equal(done.runtimeStatus, "Completed");
    assert.deepEqual(done.output, ["Hello Tokyo", "Hello Seattle", "Hello London"]);
  });

  test("fan-out/fan-in: each activity writes its blob through the output binding `backups/{backupPath}`", async () => {
    const root = mkdtempSync(join(tmpdir(), "devhost-backup-"));
    try {
      mkdirSync(join(root, "docs"));
      const files: Record<string, string> = {
        "a.txt": "alpha",
        "b.json": JSON.stringify({ b: true }),
        "docs/readme.md": "# read me\n",
      };
      for (const [path, content] of Object.entries(files)) writeFileSync(join(root, path), content);
      const done = await finished(await start(orchestrations.fanOutFanIn, root));
      assert.equal(done.runtimeStatus, "Completed", JSON.stringify(done.output));
      const totalBytes = Object.values(files).reduce((sum, text) => sum + Buffer.byteLength(text), 0);
      assert.equal(done.output, totalBytes);
      const container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(
        sampleStorage.backupContainer,
      );
      for (const [path, content] of Object.entries(files)) {
        const blob = await container.getBlobClient(path).downloadToBuffer();
        assert.equal(blob.toString("utf8"), content, `blob ${path}`);
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test("fails the activity, and so the orchestration, when a binding expression has no value", async () => {
    const root = mkdtempSync(join(tmpdir(), "devhost-backup-"));
    try {
      writeFileSync(join(root, "only.txt"), "x");
      const done = await finished(await start(orchestrations.missingBindingValue, root));
      assert.equal(done.runtimeStatus, "Failed");
      assert.match(String(done.output), /No value for named parameter 'missingPath'/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test("fails the activity when its output cannot be written (storage refuses the container name)", async () => {
    const root = mkdtempSync(join(tmpdir(), "devhost-backup-"));
    try {
      writeFileSync(join(root, "only.txt"), "x");
      const done = await finished(await start(orchestrations.unwritableOutput, root));
      assert.equal(done.runtimeStatus, "Failed");
      assert.match(String(done.output), /CopyToBadContainer/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test("sub-orchestrations: children run, one under the instance id its parent chose", async () => {
    const started = await start(orchestrations.subOrchestrations, undefined, "parent-1");
    const done = await finished(started);
    assert.deepEqual(done.output, ["Hello Oslo", "Hello Lima"]);
    const child = (await (await fetch(api(`instances/parent-1:second`))).json()) as Status;
    assert.equal(child.runtimeStatus, "Completed");
    assert.deepEqual(child.output, ["Hello Lima"]);
  });

  test("custom status: readable while the instance waits, and final when it ends", async () => {
    const started = await start(orchestrations.customStatus);
    await waitFor("the waiting custom status", async () => {
      const status = await statusOf(started);
      return JSON.stringify(status.customStatus) === JSON.stringify({ step: "waiting", progress: 0 });
    });
    await raise(started.id, "Proceed", { by: "tester" });
    const done = await finished(started);
    assert.equal(done.output, "Hello tester");
    assert.deepEqual(done.customStatus, { step: "done", progress: 100 });
  });

  test("retries: an activity that fails twice succeeds on its third attempt", async () => {
    const done = await finished(await start(orchestrations.retries));
    assert.equal(done.runtimeStatus, "Completed");
    assert.equal(done.output, "Hello after 3 attempts");
  });

  test("timers and external events: an approval before the deadline wins and cancels the timer", async () => {
    const started = await start(orchestrations.timerOrEvent, 3_600_000);
    await waitFor("the instance to run", async () => (await statusOf(started)).runtimeStatus === "Running");
    await raise(started.id, "Approval", { by: "ops" });
    const done = await finished(started);
    assert.deepEqual(done.output, { outcome: "approved", by: { by: "ops" } });
  });

  test("timers and external events: without an approval the durable timer ends the wait", async () => {
    const done = await finished(await start(orchestrations.timerOrEvent, 30_000));
    assert.deepEqual(done.output, { outcome: "timed out" });
  });

  test("continue-as-new: the instance restarts with new input until it is done", async () => {
    const done = await finished(await start(orchestrations.continueAsNew, 0));
    assert.equal(done.runtimeStatus, "Completed");
    assert.equal(done.output, 3);
  });

  test("synchronous wait: the starter answers 200 with the output when the instance ends in time", async () => {
    const response = await fetch(api(`orchestrators-wait/${orchestrations.chaining}?timeoutMs=15000`), {
      method: "POST",
      body: JSON.stringify(["Wait"]),
    });
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), ["Hello Wait"]);
  });

  test("instance management: list, terminate and purge through the durable client", async () => {
    const started = await start(orchestrations.customStatus, undefined, "managed-1");
    await waitFor("the instance to run", async () => (await statusOf(started)).runtimeStatus === "Running");
    const running = (await (await fetch(api("instances?runtimeStatus=Running"))).json()) as Status[];
    assert.ok(running.some((instance) => instance.instanceId === "managed-1"));
    assert.equal((await fetch(api("instances/managed-1/terminate"), { method: "POST" })).status, 202);
    const terminated = await finished(started);
    assert.equal(terminated.runtimeStatus, "Terminated");
    const purged = (await (await fetch(api("instances/managed-1"), { method: "DELETE" })).json()) as {
      instancesDeleted: number;
    };
    assert.equal(purged.instancesDeleted, 1);
    const all = (await (await fetch(api("instances"))).json()) as Status[];
    assert.ok(!all.some((instance) => instance.instanceId === "managed-1"));
  });

  test("callHttp: a 202 with Location and Retry-After is polled on durable timers until it answers 200", async () => {
    const done = await finished(await start(orchestrations.callHttp, `${devhost.url}/api/operations/op-7`));
    assert.equal(done.runtimeStatus, "Completed", JSON.stringify(done.output));
    const output = done.output as { statusCode: number; content: string };
    assert.equal(output.statusCode, 200);
    assert.deepEqual(JSON.parse(output.content), { operation: "op-7", polls: 2 });
  });

  test("durable entities: an orchestration that calls one fails, naming what the devhost does not run", async () => {
    const done = await finished(await start(orchestrations.callEntity));
    assert.equal(done.runtimeStatus, "Failed");
    assert.match(String(done.output), /entity operations are not supported by the devhost/);
    const url = new URL(
      `${devhost.url}/runtime/webhooks/durabletask/entities/${sampleEntity.name}/${sampleEntity.key}`,
    );
    url.searchParams.set("code", devhost.keys.system);
    const read = await fetch(url);
    assert.equal(read.status, 501, "an entity read is refused, not answered as a missing entity");
    assert.match(await read.text(), /durable entities are not run by the devhost/);
  });
});

describe("storage output bindings on the devhost", () => {
  test("an HTTP function's queue output sends one message per item, and a queue trigger's table output writes each", async () => {
    const response = await fetch(api("work"), {
      method: "POST",
      body: JSON.stringify([
        { id: "w1", kind: "build", step: 1 },
        { id: "w2", kind: "deploy", step: 2 },
      ]),
    });
    assert.equal(response.status, 202);
    const table = TableClient.fromConnectionString(azurite.connectionString, sampleStorage.workTable, {
      allowInsecureConnection: true,
    });
    const rows = await waitFor("both work items in the table", async () => {
      try {
        const found: { partitionKey?: string; rowKey?: string; detail?: unknown }[] = [];
        for await (const entity of table.listEntities()) found.push(entity);
        return found.length === 2 && found;
      } catch {
        return undefined;
      }
    });
    const byRow = new Map(rows.map((row) => [row.rowKey, row]));
    assert.equal(
      byRow.get("w1")?.partitionKey,
      "build",
      "the partition key comes from `{kind}` in the message",
    );
    assert.equal(byRow.get("w2")?.partitionKey, "deploy");
    assert.deepEqual(JSON.parse(String(byRow.get("w2")?.detail)), { step: 2 });
  });
});
