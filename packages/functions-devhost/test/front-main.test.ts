import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { findFreePort } from "../src/free-port";
import type { DevhostLog } from "../src/invoke";
import { parseDevhostArgs, startDevhost } from "../src/main";
import { isSettingsError } from "../src/settings";

const plainApp = join(__dirname, "fixtures", "front-app", "plain-app");
const roots: string[] = [];
const quiet: DevhostLog = () => undefined;

function appRoot(files: Record<string, unknown>): string {
  const root = mkdtempSync(join(tmpdir(), "devhost-main-"));
  roots.push(root);
  for (const [name, content] of Object.entries(files))
    writeFileSync(join(root, name), JSON.stringify(content));
  return root;
}
after(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

describe("devhost command line", () => {
  test("reads every option", () => {
    assert.deepEqual(
      parseDevhostArgs([
        "--app",
        "dist/functions/index.js",
        "--root",
        ".",
        "--port",
        "0",
        "--storage",
        "conn",
        "--key",
        "k",
        "--clock-factor",
        "20",
        "--lease-ms",
        "1500",
        "--min-queue-polling-ms",
        "50",
        "--durable-polling",
        "fast",
      ]),
      {
        app: "dist/functions/index.js",
        appRoot: ".",
        port: 0,
        storageConnectionString: "conn",
        functionKey: "k",
        clockFactor: 20,
        durableLeaseMs: 1500,
        minQueuePollingIntervalMs: 50,
        durablePolling: "fast",
      },
    );
  });

  test("fails without --app, on a bad number, and on an unknown option", () => {
    assert.throws(() => parseDevhostArgs([]), /--app/);
    assert.throws(() => parseDevhostArgs(["--app", "a", "--port", "-1"]), /--port/);
    assert.throws(
      () => parseDevhostArgs(["--app", "a", "--clock-factor", "0"]),
      /--clock-factor must be a positive/,
    );
    assert.throws(
      () => parseDevhostArgs(["--app", "a", "--durable-polling", "slow"]),
      /--durable-polling must be "host" or "fast"/,
    );
    assert.throws(() => parseDevhostArgs(["--app", "a", "--verbose"]));
  });
});

describe("startDevhost", () => {
  test("puts local settings into the environment (set variables win) and takes its port and key from them", async () => {
    const port = await findFreePort();
    process.env.FRONT_MAIN_PRESET = "from-environment";
    const root = appRoot({
      "host.json": { version: "2.0", extensions: { http: { routePrefix: "v1" } } },
      "local.settings.json": {
        IsEncrypted: false,
        Values: {
          FRONT_MAIN_FROM_FILE: "from-file",
          FRONT_MAIN_PRESET: "from-file",
          DEVHOST_FUNCTION_KEY: "settings-key",
        },
        Host: { LocalHttpPort: port },
      },
    });
    const devhost = await startDevhost({ app: plainApp, appRoot: root, log: quiet });
    try {
      assert.equal(devhost.url, `http://127.0.0.1:${port}`);
      assert.equal(devhost.key, "settings-key");
      const read = async (name: string) => {
        const response = await fetch(`${devhost.url}/v1/settings/${name}`, {
          headers: { "x-functions-key": "settings-key" },
        });
        return ((await response.json()) as { value: unknown }).value;
      };
      assert.equal(await read("FRONT_MAIN_FROM_FILE"), "from-file");
      assert.equal(await read("FRONT_MAIN_PRESET"), "from-environment");
    } finally {
      await devhost.stop(1000);
    }
    await assert.rejects(fetch(`${devhost.url}/admin/host/ping`), "stopped hosts accept no connections");
  });

  test("fails with a SettingsError, listening on nothing, when the app root has no host.json", async () => {
    const port = await findFreePort();
    await assert.rejects(
      startDevhost({ app: plainApp, appRoot: appRoot({}), port, log: quiet }),
      (error: unknown) => isSettingsError(error) && /host\.json/.test(error.message),
    );
    await assert.rejects(fetch(`http://127.0.0.1:${port}/admin/host/ping`));
  });
});
