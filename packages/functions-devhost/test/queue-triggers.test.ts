import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, beforeEach, describe, test } from "node:test";
import { app } from "@azure/functions";
import { QueueClient } from "@azure/storage-queue";
import { startAzurite, type RunningAzurite } from "../src/azurite";
import type { DevhostLog } from "../src/invoke";
import { encodeMessageText } from "../src/queue-message";
import {
  startQueueTriggers,
  isQueueTriggerConfigError,
  type RunningQueueTriggers,
} from "../src/queue-triggers";
import { captureRegistrations, loadFunctionApp } from "../src/registry";
import type { QueueTriggerSettings } from "../src/settings";
import { frontQueueNames, frontQueues } from "./fixtures/front-app/names";
import { queueInvocations } from "./fixtures/front-app/queue-log";
import { waitFor } from "./front-helpers";

const appEntry = join(__dirname, "fixtures", "front-app", "index");
const settings: QueueTriggerSettings = {
  maxDequeueCount: 3,
  visibilityTimeoutMs: 0,
  batchSize: 4,
  newBatchThreshold: 2,
  maxPollingIntervalMs: 200,
  messageEncoding: "base64",
};
const logged: string[] = [];
const log: DevhostLog = (level, message) => logged.push(`${level} ${message}`);

let azurite: RunningAzurite;
let triggers: RunningQueueTriggers;
const queue = (name: string) => new QueueClient(azurite.connectionString, name);
const invocationsOf = (functionName: string) =>
  queueInvocations.filter((i) => i.functionName === functionName);

async function peekAll(name: string): Promise<string[]> {
  const client = queue(name);
  if (!(await client.exists())) return [];
  const peeked = await client.peekMessages({ numberOfMessages: 32 });
  return peeked.peekedMessageItems.map((message) => message.messageText);
}

before(async () => {
  azurite = await startAzurite();
  triggers = await startQueueTriggers({
    registry: loadFunctionApp(appEntry),
    settings,
    env: { AzureWebJobsStorage: azurite.connectionString },
    log,
  });
});
after(async () => {
  await triggers?.stop(1000);
  await azurite?.stop();
});
beforeEach(() => queueInvocations.splice(0));

describe("storage-queue triggers", () => {
  test("listen on every queue trigger's queue, creating the queues", async () => {
    assert.deepEqual(
      triggers.listeners.map((listener) => listener.queueName).sort(),
      Object.values(frontQueues).sort(),
    );
    assert.ok(await queue(frontQueues.workItems).exists());
  });

  test("hand a base64 JSON message to the function parsed, with its trigger metadata, then delete it", async () => {
    const sent = await queue(frontQueues.workItems).sendMessage(encodeMessageText('{"item":1}', "base64"));
    const invocation = await waitFor(
      "the invocation",
      () => invocationsOf(frontQueueNames.recordWorkItem)[0],
    );
    assert.deepEqual(invocation.message, { item: 1 });
    assert.equal(invocation.dequeueCount, 1);
    assert.equal(invocation.id, sent.messageId);
    assert.equal(typeof invocation.insertionTime, "string");
    await waitFor(
      "the message to be deleted",
      async () => (await peekAll(frontQueues.workItems)).length === 0,
    );
  });

  test("hand a message that is not JSON over as text", async () => {
    await queue(frontQueues.workItems).sendMessage(encodeMessageText("just text", "base64"));
    const invocation = await waitFor(
      "the invocation",
      () => invocationsOf(frontQueueNames.recordWorkItem)[0],
    );
    assert.equal(invocation.message, "just text");
  });

  test("retry a failed message with a growing dequeue count until the function succeeds", async () => {
    await queue(frontQueues.workItems).sendMessage(
      encodeMessageText('{"failUntilDequeueCount":3}', "base64"),
    );
    await waitFor("three attempts", () => invocationsOf(frontQueueNames.recordWorkItem).length >= 3);
    await waitFor(
      "the message to be deleted",
      async () => (await peekAll(frontQueues.workItems)).length === 0,
    );
    assert.deepEqual(
      invocationsOf(frontQueueNames.recordWorkItem).map((i) => i.dequeueCount),
      [1, 2, 3],
    );
    assert.deepEqual(await peekAll(`${frontQueues.workItems}-poison`), []);
  });

  test("move a message that always fails to <queue>-poison after maxDequeueCount attempts", async () => {
    const body = encodeMessageText('{"doomed":true}', "base64");
    await queue(frontQueues.doomedItems).sendMessage(body);
    const poisoned = await waitFor("the poison message", async () => {
      const messages = await peekAll(`${frontQueues.doomedItems}-poison`);
      return messages.length > 0 && messages;
    });
    assert.deepEqual(poisoned, [body], "the poison queue holds the original message");
    assert.deepEqual(await peekAll(frontQueues.doomedItems), []);
    assert.deepEqual(
      invocationsOf(frontQueueNames.alwaysFails).map((i) => i.dequeueCount),
      [1, 2, 3],
    );
    assert.ok(logged.some((line) => line.startsWith("warning") && line.includes("doomed-items-poison")));
  });

  test("move a message that is not valid base64 to the poison queue without invoking the function", async () => {
    await queue(frontQueues.workItems).sendMessage("not base64 at all!");
    await waitFor("the poison message", async () =>
      (await peekAll(`${frontQueues.workItems}-poison`)).includes("not base64 at all!"),
    );
    assert.equal(invocationsOf(frontQueueNames.recordWorkItem).length, 0);
  });

  test("run at most batchSize + newBatchThreshold messages of a queue at once, and all of them", async () => {
    let running = 0;
    let maxRunning = 0;
    const handled: unknown[] = [];
    const registry = captureRegistrations(() => {
      app.storageQueue("SlowQueueItem", {
        queueName: "slow-items",
        connection: "AzureWebJobsStorage",
        handler: async (message: unknown) => {
          running += 1;
          maxRunning = Math.max(maxRunning, running);
          await new Promise((resolve) => setTimeout(resolve, 100));
          running -= 1;
          handled.push(message);
        },
      });
    });
    const bounded = await startQueueTriggers({
      registry,
      settings: { ...settings, batchSize: 2, newBatchThreshold: 1 },
      env: { AzureWebJobsStorage: azurite.connectionString },
      log,
    });
    try {
      const slow = queue("slow-items");
      for (let i = 0; i < 8; i++) await slow.sendMessage(encodeMessageText(String(i), "base64"));
      await waitFor("all eight messages", () => handled.length === 8, { timeoutMs: 20_000 });
      assert.deepEqual([...handled].sort(), [0, 1, 2, 3, 4, 5, 6, 7]);
      assert.ok(maxRunning <= 3, `ran ${maxRunning} at once`);
      assert.ok(maxRunning >= 2, "messages of one batch run concurrently");
    } finally {
      await bounded.stop(1000);
    }
  });

  test("fails to start when a trigger's connection setting is not set", async () => {
    const registry = captureRegistrations(() => {
      app.storageQueue("Unconnected", {
        queueName: "q",
        connection: "MissingConnection",
        handler: () => undefined,
      });
    });
    await assert.rejects(
      startQueueTriggers({ registry, settings, env: {}, log }),
      (error: unknown) => isQueueTriggerConfigError(error) && /MissingConnection/.test(error.message),
    );
  });
});
