import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { after, describe, test } from "node:test";
import { findAppRoot } from "@azure-env-provisioner/functions-devhost";
import { LOCAL_STACK_PRINCIPAL_ID } from "../../lib/config";
import { waitFor } from "../support/wait-for";

const projectRoot = findAppRoot(__filename);
/** The command `npm start` runs after building (the TS source under tsx when the test runs from source). */
const command = __filename.endsWith(".ts")
  ? ["--import", "tsx", join(projectRoot, "local-stack", "local-stack.ts")]
  : [join(projectRoot, "dist", "local-stack", "local-stack.js")];

const dataDir = mkdtempSync(join(tmpdir(), "provisioner-local-stack-"));
let child: ChildProcess | undefined;
let output = "";
after(() => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  rmSync(dataDir, { recursive: true, force: true });
});

/** Pids of the processes below `pid` (Azurite is one), from `ps`. */
function descendantsOf(pid: number): number[] {
  const table = execFileSync("ps", ["-e", "-o", "pid=,ppid="], { encoding: "utf8" })
    .trim()
    .split("\n")
    .map((line) => line.trim().split(/\s+/).map(Number) as [number, number]);
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const parent = queue.shift()!;
    for (const [child, ppid] of table) {
      if (ppid === parent && !found.includes(child)) {
        found.push(child);
        queue.push(child);
      }
    }
  }
  return found;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("npm start (the local stack)", () => {
  let api = "";
  let key = "";

  test("starts Azurite, the emulator and the devhost, and prints the API, the key and a curl", async () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      LOCAL_STACK_DATA_DIR: dataDir,
      LOCAL_STACK_PORT: "0",
      EMULATOR_TIME_SCALE: "0.01",
    };
    for (const name of [
      "PROVISIONER_SUBSCRIPTION_ID",
      "PROVISIONER_SUBSCRIPTION_IDS",
      "PROVISIONER_ARM_ENDPOINT",
      "PROVISIONER_PRINCIPAL_ID",
      "IDENTITY_ENDPOINT",
      "IDENTITY_HEADER",
    ])
      delete env[name];
    child = spawn(process.execPath, command, { cwd: projectRoot, env, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    await waitFor("the ready banner", () => output.includes("Press Ctrl-C to stop."), {
      timeoutMs: 60_000,
      intervalMs: 100,
    });
    api = /API:\s+(http:\/\/127\.0\.0\.1:\d+\/api)/.exec(output)?.[1] ?? "";
    key = /Function key:\s+(\S+)/.exec(output)?.[1] ?? "";
    assert.ok(api && key, output);
    assert.match(output, /Azure emulator https:\/\/127\.0\.0\.1:\d+ \(time scale 0\.0100/);
    // The app runs as the emulator's managed identity, whose principal is the local stack's.
    assert.match(output, new RegExp(`as managed identity ${LOCAL_STACK_PRINCIPAL_ID}`));
    const curl = output.split("\n").find((line) => line.trim().startsWith("curl -sS -X POST")) ?? "";
    assert.ok(curl.includes(`"${api}/environments"`) && curl.includes(`x-functions-key: ${key}`), curl);
    assert.match(curl, /--data-binary @examples\/staging\.yaml/);
  });

  test("prints the dashboard's URL and the one envctl login that reads the key from a file, not a command line", () => {
    assert.ok(output.includes(`Dashboard:     ${api}/dashboard?code=${key}`), output);
    const login = output.split("\n").find((line) => line.includes("envctl.js login")) ?? "";
    const keyFile = join(dataDir, "function-key");
    assert.equal(
      login.trim(),
      `node bin/envctl.js login ${api.replace(/\/api$/, "")} --key-stdin < ${relative(projectRoot, keyFile)}`,
    );
    assert.ok(!login.includes(key), "the key is not on the command line (shell history)");
    assert.equal(readFileSync(keyFile, "utf8").trim(), key);
    assert.equal(statSync(keyFile).mode & 0o777, 0o600, "only its owner reads the key file");
  });

  test("builds the minimal example, and a newcomer's spec naming any subscription, against the emulator", async () => {
    const headers = { "x-functions-key": key, "content-type": "application/yaml" };
    const body = readFileSync(join(projectRoot, "examples", "minimal.yaml"), "utf8");
    // A newcomer's own file names their own subscription: the local stack has no allow-list.
    const ownSubscription = randomUUID();
    const own = body
      .replace(/^name: dev$/m, "name: own")
      .replace(/subscription_id: \S+/, `subscription_id: ${ownSubscription}`);
    assert.ok(own.includes(ownSubscription));
    for (const spec of [body, own]) {
      const response = await fetch(`${api}/environments`, { method: "POST", headers, body: spec });
      assert.equal(response.status, 202, await response.clone().text());
    }
    for (const [id, subscription] of [
      ["acme-dev", "00000000-0000-0000-0000-000000000002"],
      ["acme-own", ownSubscription],
    ] as const) {
      const ended = await waitFor(
        `the build of ${id} to end`,
        async () => {
          const view = (await (await fetch(`${api}/environments/${id}`, { headers })).json()) as {
            lastOperation: { status: string };
            resultSummary?: { failures: unknown[] };
            outputs?: { resourceGroupId?: string };
          };
          return view.lastOperation.status === "running" ? undefined : view;
        },
        { timeoutMs: 120_000, intervalMs: 1000 },
      );
      assert.equal(ended.lastOperation.status, "succeeded", JSON.stringify(ended.resultSummary));
      assert.equal(ended.outputs?.resourceGroupId, `/subscriptions/${subscription}/resourceGroups/rg-${id}`);
    }
  });

  test("destroys the environment: 202, then the record says the destroy succeeded", async () => {
    const headers = { "x-functions-key": key };
    const response = await fetch(`${api}/environments/acme-dev`, { method: "DELETE", headers });
    assert.equal(response.status, 202, await response.clone().text());
    const ended = await waitFor(
      "the destroy to end",
      async () => {
        const view = (await (await fetch(`${api}/environments/acme-dev`, { headers })).json()) as {
          lastOperation: { action: string; status: string };
          resultSummary?: unknown;
          outputs?: unknown;
        };
        return view.lastOperation.status === "running" ? undefined : view;
      },
      { timeoutMs: 120_000, intervalMs: 1000 },
    );
    assert.equal(ended.lastOperation.action, "destroy");
    assert.equal(ended.lastOperation.status, "succeeded", JSON.stringify(ended.resultSummary));
    assert.equal(ended.outputs, undefined, "nothing is left to reach");
    const preview = (await (
      await fetch(`${api}/environments/acme-dev/plan`, { method: "POST", headers })
    ).json()) as {
      changes: Record<string, number>;
    };
    assert.equal(preview.changes.unchanged, 0, "no resource of the environment is left in the emulator");
    assert.ok((preview.changes.create ?? 0) > 0);
  });

  test("stops everything on Ctrl-C (SIGINT): exit code 0 and no child left", async () => {
    const pid = child!.pid!;
    const children = descendantsOf(pid);
    assert.ok(children.length > 0, "Azurite runs as a child process");
    const exited = new Promise<number | null>((resolve) => child!.once("exit", (code) => resolve(code)));
    child!.kill("SIGINT");
    assert.equal(await exited, 0, output.slice(-2000));
    await waitFor("children to exit", () => children.every((childPid) => !isAlive(childPid)), {
      timeoutMs: 10_000,
      intervalMs: 100,
    });
  });
});
