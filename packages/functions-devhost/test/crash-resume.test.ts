import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { startAzurite, type RunningAzurite } from "../src/azurite";
import { activityNames, orchestrationNames } from "./fixtures/durable-app/names";
import { createAppRoot, type TemporaryAppRoot } from "./front-app-root";
import { spawnDevhost, type DevhostChild } from "../src/child-process";
import { waitFor } from "./front-helpers";

const sourceExtension = __filename.endsWith(".ts") ? ".ts" : ".js";
const appEntry = join(__dirname, "fixtures", "front-app", `index${sourceExtension}`);
const STEPS = 7;
const STEP_MS = 300;
/** Side effects after which the child is killed: mid-orchestration, with an activity in flight. */
const KILL_AFTER = [2, 5];
const LEASE_MS = 1500;
/** Opens the Durable webhooks (status queries) of every child. */
const SYSTEM_KEY = "crash-system-key";

interface SideEffectLine {
  activity: string;
  key: string;
  pid: number;
}

let azurite: RunningAzurite;
let appRoot: TemporaryAppRoot;
let sideEffectsFile: string;
const children: DevhostChild[] = [];

function readSideEffects(): SideEffectLine[] {
  if (!existsSync(sideEffectsFile)) return [];
  return readFileSync(sideEffectsFile, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as SideEffectLine);
}

async function startChild(): Promise<DevhostChild> {
  const child = await spawnDevhost({
    app: appEntry,
    appRoot: appRoot.path,
    storageConnectionString: azurite.connectionString,
    env: { DURABLE_APP_SIDE_EFFECTS_FILE: sideEffectsFile, DEVHOST_SYSTEM_KEY: SYSTEM_KEY },
    // Short leases: a killed host's instance and activity resume after this long, not after 30 s.
    extraArgs: ["--lease-ms", String(LEASE_MS)],
  });
  children.push(child);
  return child;
}

before(async () => {
  azurite = await startAzurite();
  appRoot = createAppRoot("CrashHub");
  sideEffectsFile = join(appRoot.path, "side-effects.jsonl");
});
after(async () => {
  for (const child of children) await child.stop("SIGKILL");
  await azurite?.stop();
  appRoot?.remove();
});

describe("devhost crash-resume (child process, SIGKILL)", () => {
  test("an orchestration survives SIGKILLs mid-run and only activities in flight at a kill run twice", async () => {
    let child = await startChild();
    const started = await fetch(`${child.url}/api/orchestrators/${orchestrationNames.chain}/crash-1`, {
      method: "POST",
      headers: { "x-functions-key": child.key },
      body: JSON.stringify({ count: STEPS, slowMs: STEP_MS }),
    });
    assert.equal(started.status, 202, child.output());

    const inFlightAtKill: string[] = [];
    for (const threshold of KILL_AFTER) {
      await waitFor(`${threshold} side effects`, () => readSideEffects().length >= threshold, {
        timeoutMs: 30_000,
      });
      await child.stop("SIGKILL");
      // The last side effect's activity was running (each takes STEP_MS) when the process died.
      const effects = readSideEffects();
      inFlightAtKill.push(effects[effects.length - 1]!.key);
      child = await startChild();
    }

    const statusUri = `${child.url}/runtime/webhooks/durabletask/instances/crash-1`;
    const status = await waitFor(
      "the orchestration to complete after the restarts",
      async () => {
        const response = await fetch(statusUri, { headers: { "x-functions-key": SYSTEM_KEY } });
        const body = (await response.json()) as { runtimeStatus: string };
        return body.runtimeStatus === "Completed" && body;
      },
      { timeoutMs: 60_000, intervalMs: 100 },
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${child.output()}`);
    });
    assert.equal(status.runtimeStatus, "Completed");

    const effects = readSideEffects();
    const runsPerStep = new Map<string, number>();
    for (const effect of effects) {
      assert.equal(effect.activity, activityNames.slow);
      runsPerStep.set(effect.key, (runsPerStep.get(effect.key) ?? 0) + 1);
    }
    assert.deepEqual(
      [...runsPerStep.keys()].sort(),
      Array.from({ length: STEPS }, (_, i) => `step-${i}`).sort(),
      "every step ran",
    );
    const repeated = [...runsPerStep].filter(([, runs]) => runs > 1).map(([key]) => key);
    for (const key of repeated) {
      assert.ok(
        inFlightAtKill.includes(key),
        `${key} ran ${runsPerStep.get(key)} times but was not in flight at a kill`,
      );
      assert.equal(runsPerStep.get(key), 2, `${key} ran more than twice`);
    }
    const pids = new Set(effects.map((effect) => effect.pid));
    assert.equal(pids.size, KILL_AFTER.length + 1, "the work was spread over the three processes");
  });

  test("SIGTERM drains and exits with code 0", async () => {
    // The last child of the test above, still running; a fresh one if that test failed early.
    const running = children.find(
      (child) => child.process.exitCode === null && child.process.signalCode === null,
    );
    const child = running ?? (await startChild());
    assert.equal(await child.stop("SIGTERM"), 0, child.output());
  });
});
