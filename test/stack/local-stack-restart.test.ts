/**
 * `npm start` run again on the same data folder, as a user does after Ctrl-C or a crash: the build that
 * was running resumes against the same emulator endpoints (operation URLs in Durable history name its
 * port), without waiting out the time the previous host's durable clock had run ahead, and reports
 * wall-clock times.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { findAppRoot } from "@azure-env-provisioner/functions-devhost";
import { waitFor } from "../support/wait-for";

const projectRoot = findAppRoot(__filename);
const command = __filename.endsWith(".ts")
  ? ["--import", "tsx", join(projectRoot, "local-stack", "local-stack.ts")]
  : [join(projectRoot, "dist", "local-stack", "local-stack.js")];
const TIME_SCALE = 0.01;
const dataDir = mkdtempSync(join(tmpdir(), "provisioner-restart-"));
const children: ChildProcess[] = [];
after(() => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  rmSync(dataDir, { recursive: true, force: true });
});

interface RunningStack {
  readonly child: ChildProcess;
  readonly api: string;
  readonly key: string;
  readonly armEndpoint: string;
  output(): string;
}

async function startStack(): Promise<RunningStack> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LOCAL_STACK_DATA_DIR: dataDir,
    LOCAL_STACK_PORT: "0",
    EMULATOR_TIME_SCALE: String(TIME_SCALE),
  };
  for (const name of ["PROVISIONER_SUBSCRIPTION_ID", "PROVISIONER_ARM_ENDPOINT", "PROVISIONER_PRINCIPAL_ID"])
    delete env[name];
  for (const name of ["IDENTITY_ENDPOINT", "IDENTITY_HEADER", "EMULATOR_PORT"]) delete env[name];
  const child = spawn(process.execPath, command, {
    cwd: projectRoot,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  await waitFor(
    "the ready banner",
    () => output.includes("Press Ctrl-C to stop.") || child.exitCode !== null,
    {
      timeoutMs: 60_000,
      intervalMs: 100,
    },
  );
  assert.ok(output.includes("Press Ctrl-C to stop."), output);
  return {
    child,
    api: /API:\s+(http:\/\/127\.0\.0\.1:\d+\/api)/.exec(output)?.[1] ?? "",
    key: /Function key:\s+(\S+)/.exec(output)?.[1] ?? "",
    armEndpoint: /Azure emulator (https:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1] ?? "",
    output: () => output,
  };
}

interface View {
  lastOperation: { status: string; startedAt: string };
  resultSummary?: unknown;
  progress?: { nodes: Record<string, string>; elapsedSec: number; orchestrationElapsedSec: number };
}

async function view(stack: RunningStack, id: string): Promise<View> {
  const response = await fetch(`${stack.api}/environments/${id}`, {
    headers: { "x-functions-key": stack.key },
  });
  return (await response.json()) as View;
}

describe("npm start run again while a build runs", () => {
  test("resumes the build against the same emulator endpoint, with no stall from the previous clock, in wall-clock time", async () => {
    const first = await startStack();
    const body = readFileSync(join(projectRoot, "examples", "staging.yaml"), "utf8");
    const accepted = await fetch(`${first.api}/environments`, {
      method: "POST",
      headers: { "x-functions-key": first.key, "content-type": "application/yaml" },
      body,
    });
    assert.equal(accepted.status, 202, await accepted.clone().text());
    // Until the cache's 20-minute create (12 s here) is under way: an operation URL is in history.
    const running = await waitFor(
      "the cache to be creating",
      async () => {
        const current = await view(first, "acme-staging");
        return current.progress?.nodes["cache/cluster"] === "creating" ? current : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    // Wall-clock seconds, although durable time runs 100 times faster here.
    const wallSec = (Date.now() - Date.parse(running.lastOperation.startedAt)) / 1000;
    assert.ok(
      Math.abs((running.progress?.elapsedSec ?? -99) - wallSec) < 5,
      JSON.stringify(running.progress),
    );
    assert.ok((running.progress?.orchestrationElapsedSec ?? 0) > wallSec * 10);

    const exited = new Promise((resolve) => first.child.once("exit", resolve));
    first.child.kill("SIGINT");
    await exited;

    const second = await startStack();
    assert.equal(second.armEndpoint, first.armEndpoint, "the emulator answers where history expects it");
    assert.equal(
      second.key,
      first.key,
      "the data folder keeps its function key: envctl's profile still works",
    );
    const resumedAt = Date.now();
    const ended = await waitFor(
      "the resumed build to end",
      async () => {
        const current = await view(second, "acme-staging");
        return current.lastOperation.status === "running" ? undefined : current;
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    );
    assert.equal(ended.lastOperation.status, "succeeded", JSON.stringify(ended.resultSummary));
    // The whole build's critical path is 1281 s of Azure time (13 s here); what is left of it, plus the
    // previous host's leases (30 s), bounds the wait. The old clock's lead would add the first run again.
    const resumeSec = (Date.now() - resumedAt) / 1000;
    console.log(`resumed build ended ${resumeSec.toFixed(1)} s after the restart`);
    assert.ok(resumeSec < 55, `${resumeSec} s`);
    const exitedAgain = new Promise((resolve) => second.child.once("exit", resolve));
    second.child.kill("SIGINT");
    await exitedAgain;
  });
});
