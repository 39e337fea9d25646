import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
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

test("Azurite exits when the process that started it is killed outright (SIGKILL), leaving nothing running", async () => {
  // A parent that starts Azurite, prints its pid and waits: as the local stack or a test would.
  const script = `
    const { startAzurite } = require(${JSON.stringify(join(__dirname, "..", "src", "azurite"))});
    startAzurite().then((azurite) => { console.log("azurite " + azurite.process.pid); setInterval(() => {}, 1000); });
  `;
  const parent = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "inherit"] });
  const azuritePid = await new Promise<number>((resolve, reject) => {
    let output = "";
    parent.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const match = /azurite (\d+)/.exec(output);
      if (match) resolve(Number(match[1]));
    });
    parent.once("exit", () => reject(new Error(`the parent exited first: ${output}`)));
  });
  assert.equal(isRunning(azuritePid), true);
  parent.kill("SIGKILL");
  const deadline = Date.now() + 10_000;
  while (isRunning(azuritePid) && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(isRunning(azuritePid), false, `Azurite ${azuritePid} outlived its parent`);
});

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
