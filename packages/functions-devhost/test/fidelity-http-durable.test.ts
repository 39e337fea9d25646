import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { QueueClient } from "@azure/storage-queue";
import { startAzurite, type RunningAzurite } from "../src/azurite";
import type { DevhostLog } from "../src/invoke";
import { startDevhost, type RunningDevhost } from "../src/main";
import { encodeMessageText } from "../src/queue-message";
import { orchestrationNames } from "./fixtures/durable-app/names";
import { frontQueues } from "./fixtures/front-app/names";
import { ENGINE_STATS_PATH } from "../src/durable-front";
import type { EngineReport } from "../src/durable/engine-context";
import { createAppRoot, type TemporaryAppRoot } from "./front-app-root";
import { waitFor } from "./front-helpers";

const appEntry = join(__dirname, "fixtures", "front-app", "index");
const FUNCTION_KEY = "fidelity-function-key";
/** Durable time runs this much faster than real time in this suite. */
const CLOCK_FACTOR = 60;
const TERMINAL_STATUSES = ["Completed", "Failed", "Terminated", "Canceled"];

/** What `createCheckStatusResponse` answers with. */
interface CheckStatusBody {
  id: string;
  statusQueryGetUri: string;
  sendEventPostUri: string;
  terminatePostUri: string;
  purgeHistoryDeleteUri: string;
}

interface StatusBody {
  name: string;
  instanceId: string;
  runtimeStatus: string;
  input: unknown;
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
  appRoot = createAppRoot("FidelityHub");
  devhost = await startDevhost({
    app: appEntry,
    appRoot: appRoot.path,
    port: 0,
    storageConnectionString: azurite.connectionString,
    functionKey: FUNCTION_KEY,
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

async function startOrchestration(name: string, input: unknown, instanceId = ""): Promise<Response> {
  return fetch(`${devhost.url}/api/orchestrators/${name}${instanceId ? `/${instanceId}` : ""}`, {
    method: "POST",
    headers: { "x-functions-key": FUNCTION_KEY, "content-type": "application/json" },
    body: JSON.stringify(input),
  });
}

async function pollUntilDone(statusQueryGetUri: string, timeoutMs = 20_000): Promise<StatusBody> {
  return waitFor(
    "the orchestration to finish",
    async () => {
      const status = (await (await fetch(statusQueryGetUri)).json()) as StatusBody;
      return TERMINAL_STATUSES.includes(status.runtimeStatus) && status;
    },
    { timeoutMs, intervalMs: 50 },
  );
}

describe("devhost fidelity: HTTP starter and durable client", () => {
  test("an HTTP starter answers 202 with check-status URLs that work with the key they carry", async () => {
    const response = await startOrchestration(orchestrationNames.sequence, ["Oslo", "Rome"]);
    assert.equal(response.status, 202);
    const body = (await response.json()) as CheckStatusBody;
    assert.equal(response.headers.get("location"), body.statusQueryGetUri);
    assert.equal(response.headers.get("retry-after"), "10");
    for (const uri of [body.statusQueryGetUri, body.sendEventPostUri, body.terminatePostUri]) {
      assert.ok(uri.startsWith(`${devhost.url}/runtime/webhooks/durabletask/instances/${body.id}`), uri);
      assert.ok(new URL(uri).searchParams.get("code"), "the URL carries the system key");
    }
    const done = await pollUntilDone(body.statusQueryGetUri);
    assert.equal(done.runtimeStatus, "Completed");
    assert.equal(done.name, orchestrationNames.sequence);
    assert.deepEqual(done.output, ["Hello Oslo", "Hello Rome"]);
  });

  test("the engine's counters, read with the master key only, count an orchestration's episodes, activities and table requests", async () => {
    const stats = async (key?: string) =>
      fetch(
        `${devhost.url}${ENGINE_STATS_PATH}`,
        key === undefined ? {} : { headers: { "x-functions-key": key } },
      );
    assert.equal((await stats()).status, 401);
    assert.equal((await stats(FUNCTION_KEY)).status, 401, "the function key does not open an admin path");
    assert.equal((await stats(devhost.keys.system)).status, 401, "nor does the system key");
    const before = (await (await stats(devhost.keys.master)).json()) as EngineReport;
    const response = await startOrchestration(orchestrationNames.sequence, ["Oslo", "Rome"]);
    await pollUntilDone(((await response.json()) as CheckStatusBody).statusQueryGetUri);
    const after = (await (await stats(devhost.keys.master)).json()) as EngineReport;
    assert.ok(after.episodes - before.episodes >= 3, "an episode per activity result, and the first");
    assert.equal(after.activities - before.activities, 2, "one per city");
    assert.equal(
      after.handedResults - before.handedResults,
      2,
      "both results went to the instance in memory: this engine holds it",
    );
    assert.ok(
      after.tableRequests.transaction - before.tableRequests.transaction >= 4,
      "the start, and a checkpoint per episode (each recording the result it consumed)",
    );
    assert.ok(after.tableRequests.read > before.tableRequests.read, "the status polls read the instance row");
    assert.equal(
      (
        await fetch(`${devhost.url}${ENGINE_STATS_PATH}/more`, {
          headers: { "x-functions-key": devhost.keys.master },
        })
      ).status,
      404,
    );
  });

  test("fails with 401 on the check-status URL without its key, and on the starter without a key", async () => {
    const started = (await (
      await startOrchestration(orchestrationNames.sequence, ["A"])
    ).json()) as CheckStatusBody;
    const withoutKey = new URL(started.statusQueryGetUri);
    withoutKey.searchParams.delete("code");
    assert.equal((await fetch(withoutKey)).status, 401);
    const withFunctionKey = new URL(withoutKey);
    withFunctionKey.searchParams.set("code", FUNCTION_KEY);
    assert.equal(
      (await fetch(withFunctionKey)).status,
      401,
      "a function key does not open the system webhooks",
    );
    const starter = await fetch(`${devhost.url}/api/orchestrators/${orchestrationNames.sequence}`, {
      method: "POST",
      body: "[]",
    });
    assert.equal(starter.status, 401);
  });

  test("starts an instance under the id taken from an optional route parameter", async () => {
    const response = await startOrchestration(orchestrationNames.sequence, ["Id"], "chosen-id-1");
    const body = (await response.json()) as CheckStatusBody;
    assert.equal(body.id, "chosen-id-1");
    assert.equal((await pollUntilDone(body.statusQueryGetUri)).instanceId, "chosen-id-1");
  });

  test("waitForCompletionOrCreateCheckStatusResponse answers 200 with the output when the instance finishes in time", async () => {
    const response = await fetch(
      `${devhost.url}/api/orchestrators-wait/${orchestrationNames.sequence}?code=${FUNCTION_KEY}&timeoutMs=15000`,
      {
        method: "POST",
        body: JSON.stringify(["Wait"]),
      },
    );
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), ["Hello Wait"]);
  });

  test("waitForCompletionOrCreateCheckStatusResponse answers 202 when it does not, and terminate works on that URL", async () => {
    const response = await fetch(
      `${devhost.url}/api/orchestrators-wait/${orchestrationNames.waitForever}?code=${FUNCTION_KEY}&timeoutMs=300&intervalMs=100`,
      { method: "POST" },
    );
    assert.equal(response.status, 202);
    const body = (await response.json()) as CheckStatusBody;
    const terminate = new URL(body.terminatePostUri.replace("{text}", "enough"));
    assert.equal((await fetch(terminate, { method: "POST" })).status, 202);
    const done = await pollUntilDone(body.statusQueryGetUri);
    assert.equal(done.runtimeStatus, "Terminated");
  });

  test("waitForCompletionOrCreateCheckStatusResponse fails with 500 and the Failed status when an activity fails", async () => {
    const response = await fetch(
      `${devhost.url}/api/orchestrators-wait/${orchestrationNames.failing}?code=${FUNCTION_KEY}&timeoutMs=15000`,
      { method: "POST", body: JSON.stringify("disk full") },
    );
    assert.equal(response.status, 500);
    const status = (await response.json()) as StatusBody;
    assert.equal(status.runtimeStatus, "Failed");
    assert.match(String(status.output), /disk full/);
  });

  test("runs durable timers on the scaled clock (--clock-factor)", async () => {
    const timerMs = 30_000;
    const startedAt = Date.now();
    const started = (await (
      await startOrchestration(orchestrationNames.timerThenHello, timerMs)
    ).json()) as CheckStatusBody;
    const done = await pollUntilDone(started.statusQueryGetUri, 10_000);
    assert.equal(done.output, "Hello after timer");
    const elapsedMs = Date.now() - startedAt;
    assert.ok(elapsedMs < timerMs / 3, `a ${timerMs} ms timer took ${elapsedMs} ms of real time`);
    assert.ok(elapsedMs >= timerMs / CLOCK_FACTOR, "the timer still waited its scaled time");
  });

  test("raises an external event through sendEventPostUri", async () => {
    const started = (await (
      await startOrchestration(orchestrationNames.waitForApproval, 3_600_000)
    ).json()) as CheckStatusBody;
    const send = started.sendEventPostUri.replace("{eventName}", "Approval");
    await waitFor("the instance to wait", async () => {
      const status = (await (await fetch(started.statusQueryGetUri)).json()) as StatusBody;
      return status.runtimeStatus === "Running";
    });
    const raised = await fetch(send, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ by: "tester" }),
    });
    assert.equal(raised.status, 202);
    const done = await pollUntilDone(started.statusQueryGetUri);
    assert.deepEqual(done.output, { by: "tester" });
    assert.deepEqual(done.customStatus, { stage: "approved" });
  });

  test("a queue trigger with a durable client input starts an orchestration", async () => {
    const queue = new QueueClient(azurite.connectionString, frontQueues.startRequests);
    await queue.sendMessage(
      encodeMessageText(
        JSON.stringify({
          orchestration: orchestrationNames.sequence,
          instanceId: "from-queue-1",
          input: ["Queue"],
        }),
        "base64",
      ),
    );
    const statusUri = `${devhost.url}/runtime/webhooks/durabletask/instances/from-queue-1?code=${devhost.keys.system}`;
    const done = await waitFor(
      "the queue-started orchestration",
      async () => {
        const response = await fetch(statusUri);
        const status = response.status === 200 ? ((await response.json()) as StatusBody) : undefined;
        return status?.runtimeStatus === "Completed" && status;
      },
      { timeoutMs: 20_000, intervalMs: 50 },
    );
    assert.deepEqual(done.output, ["Hello Queue"]);
  });

  test("a queue message whose handler always throws lands in <queue>-poison after maxDequeueCount (2)", async () => {
    const queue = new QueueClient(azurite.connectionString, frontQueues.doomedItems);
    const body = encodeMessageText('{"doomed":"fidelity"}', "base64");
    await queue.sendMessage(body);
    const poison = new QueueClient(azurite.connectionString, `${frontQueues.doomedItems}-poison`);
    const poisoned = await waitFor("the poison message", async () => {
      if (!(await poison.exists())) return undefined;
      const peeked = await poison.peekMessages({ numberOfMessages: 32 });
      return peeked.peekedMessageItems.find((message) => message.messageText === body);
    });
    assert.equal(poisoned.messageText, body);
    const failures = logged.filter((line) => line.includes("Executed 'Functions.AlwaysFails' (Failed"));
    assert.equal(failures.length, 2);
  });

  test("serves route parameters through the whole host", async () => {
    const response = await fetch(`${devhost.url}/api/greet/Zoe/3`);
    const body = (await response.json()) as { params: unknown; greeting: string };
    assert.deepEqual(body.params, { name: "Zoe", times: "3" });
    assert.equal(body.greeting, "Hello ZoeHello ZoeHello Zoe");
  });
});
