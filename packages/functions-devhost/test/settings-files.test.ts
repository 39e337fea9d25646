import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import {
  applyLocalSettings,
  isSettingsError,
  parseHostJson,
  readHostSettings,
  readLocalSettings,
} from "../src/settings";
import { parseTimeSpanMs } from "../src/timespan";
import { findAppRoot } from "../src/app-root";

const roots: string[] = [];
function appRoot(files: Record<string, unknown>): string {
  const root = mkdtempSync(join(tmpdir(), "devhost-settings-"));
  roots.push(root);
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(join(root, name), typeof content === "string" ? content : JSON.stringify(content));
  }
  return root;
}
after(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

describe("TimeSpan parsing", () => {
  test("reads hh:mm:ss, days and fractions as milliseconds", () => {
    assert.equal(parseTimeSpanMs("00:00:30"), 30_000);
    assert.equal(parseTimeSpanMs("00:01:02"), 62_000);
    assert.equal(parseTimeSpanMs("1.00:00:01"), 86_401_000);
    assert.equal(parseTimeSpanMs("00:00:00.25"), 250);
    assert.equal(parseTimeSpanMs("00:00:00.1234567"), 123);
  });
  test("fails on what is not a TimeSpan", () => {
    for (const text of ["30", "00:60:00", "1:2", "abc", "00:00:00.12345678"]) {
      assert.equal(parseTimeSpanMs(text), undefined, text);
    }
  });
});

describe("host.json", () => {
  test("takes hub name, durable concurrency, the storage provider's polling and queue settings", () => {
    const settings = parseHostJson({
      version: "2.0",
      extensions: {
        durableTask: {
          hubName: "Hub1",
          maxConcurrentActivityFunctions: 3,
          maxConcurrentOrchestratorFunctions: 2,
          storageProvider: { type: "AzureStorage", partitionCount: 2, maxQueuePollingInterval: "00:00:05" },
        },
        queues: {
          maxDequeueCount: 2,
          visibilityTimeout: "00:00:05",
          batchSize: 4,
          maxPollingInterval: "00:00:02",
        },
        http: { routePrefix: "/v1/" },
      },
    });
    assert.deepEqual(settings, {
      durableTask: {
        hubName: "Hub1",
        maxConcurrentActivityFunctions: 3,
        maxConcurrentOrchestratorFunctions: 2,
        queuePolling: { partitionCount: 2, maxIntervalMs: 5000, minIntervalMs: 50 },
      },
      queues: {
        maxDequeueCount: 2,
        visibilityTimeoutMs: 5000,
        batchSize: 4,
        newBatchThreshold: 2,
        maxPollingIntervalMs: 2000,
        messageEncoding: "base64",
      },
      routePrefix: "v1",
    });
  });

  test("fills in the real host's defaults", () => {
    const settings = parseHostJson({ version: "2.0" });
    assert.equal(settings.durableTask.hubName, "TestHubName");
    assert.ok(settings.durableTask.maxConcurrentActivityFunctions >= 10);
    // The Azure Storage backend's: 4 control queues, polled at most every 30 s when idle.
    assert.deepEqual(settings.durableTask.queuePolling, {
      partitionCount: 4,
      maxIntervalMs: 30_000,
      minIntervalMs: 50,
    });
    assert.deepEqual(settings.queues, {
      maxDequeueCount: 5,
      visibilityTimeoutMs: 0,
      batchSize: 16,
      newBatchThreshold: 8,
      maxPollingIntervalMs: 60_000,
      messageEncoding: "base64",
    });
    assert.equal(settings.routePrefix, "api");
  });

  test("resolves %Setting% references in the hub name from the environment", () => {
    const settings = parseHostJson({ extensions: { durableTask: { hubName: "%HUB%x" } } }, { HUB: "Mine" });
    assert.equal(settings.durableTask.hubName, "Minex");
  });

  test("fails naming each invalid field", () => {
    assert.throws(
      () =>
        parseHostJson({
          extensions: {
            queues: { visibilityTimeout: "30s", batchSize: 64 },
            durableTask: { hubName: 7, storageProvider: { maxQueuePollingInterval: "10s" } },
          },
        }),
      (error: unknown) =>
        isSettingsError(error) &&
        /extensions\.queues\.visibilityTimeout/.test(error.message) &&
        /extensions\.queues\.batchSize/.test(error.message) &&
        /extensions\.durableTask\.hubName/.test(error.message) &&
        /extensions\.durableTask\.storageProvider\.maxQueuePollingInterval/.test(error.message),
    );
  });

  test("fails when a referenced app setting is missing", () => {
    assert.throws(
      () => parseHostJson({ extensions: { durableTask: { hubName: "%NOPE%" } } }, {}),
      (error: unknown) => isSettingsError(error) && /NOPE/.test(error.message),
    );
  });

  test("fails when the app root has no host.json", () => {
    assert.throws(() => readHostSettings(appRoot({})), isSettingsError);
  });

  test("fails on a host.json that is not JSON", () => {
    assert.throws(() => readHostSettings(appRoot({ "host.json": "{ nope" })), isSettingsError);
  });
});

describe("local settings", () => {
  test("prefers local.settings.json over the sample", () => {
    const root = appRoot({
      "local.settings.json": { Values: { A: "real", N: 3 }, Host: { LocalHttpPort: 7072 } },
      "local.settings.sample.json": { Values: { A: "sample" } },
    });
    assert.deepEqual(readLocalSettings(root), {
      values: { A: "real", N: "3" },
      localHttpPort: 7072,
      file: "local.settings.json",
    });
  });

  test("falls back to local.settings.sample.json, then to nothing", () => {
    assert.deepEqual(readLocalSettings(appRoot({ "local.settings.sample.json": { Values: { A: "s" } } })), {
      values: { A: "s" },
      file: "local.settings.sample.json",
    });
    assert.deepEqual(readLocalSettings(appRoot({})), { values: {} });
  });

  test("fails on an encrypted file", () => {
    const root = appRoot({ "local.settings.json": { IsEncrypted: true, Values: {} } });
    assert.throws(
      () => readLocalSettings(root),
      (e: unknown) => isSettingsError(e) && /IsEncrypted/.test(e.message),
    );
  });

  test("copies Values into the environment, existing variables winning", () => {
    const env: NodeJS.ProcessEnv = { KEPT: "from-env" };
    const changed = applyLocalSettings({ KEPT: "from-file", NEW: "added" }, { env });
    assert.deepEqual(env, { KEPT: "from-env", NEW: "added" });
    assert.deepEqual(changed, ["NEW"]);
  });

  test("points UseDevelopmentStorage=true at the running emulator", () => {
    const env: NodeJS.ProcessEnv = { AzureWebJobsStorage: "UseDevelopmentStorage=true" };
    applyLocalSettings(
      { Other: "UseDevelopmentStorage=true", Plain: "x" },
      { env, developmentStorageConnectionString: "DefaultEndpointsProtocol=http;AccountName=a" },
    );
    assert.equal(env.AzureWebJobsStorage, "DefaultEndpointsProtocol=http;AccountName=a");
    assert.equal(env.Other, "DefaultEndpointsProtocol=http;AccountName=a");
    assert.equal(env.Plain, "x");
  });
});

describe("app root", () => {
  test("is the nearest folder above the entry module that holds host.json", () => {
    const root = appRoot({ "host.json": { version: "2.0" } });
    mkdirSync(join(root, "dist", "functions"), { recursive: true });
    assert.equal(findAppRoot(join(root, "dist", "functions", "index.js"), "fallback"), root);
  });

  test("falls back when no folder above the entry holds host.json", () => {
    const root = appRoot({});
    assert.equal(findAppRoot(join(root, "index.js"), "fallback"), "fallback");
  });
});
