/**
 * A batch (`orchestrations/provision-batch.ts`) through the real replay, its environments built and
 * destroyed by the real child orchestrations: the concurrency cap at every moment, duplicates, and
 * failures reported as values while the batch completes.
 */
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { ACTIVITY, type EnsureNodeInput } from "../../../activities/contract";
import type { PlanNode } from "../../../lib/plan/types";
import {
  BUILD_ENVIRONMENT,
  DESTROY_ENVIRONMENT,
  PROVISION_BATCH,
  type BatchInput,
  type BatchItem,
  type BatchOutput,
} from "../../../orchestrations/contracts";
import { azureError, failedFor, simulatedAzure } from "./azure";
import { DurableDriver, type ActivityScript, type InstanceRecord } from "./driver";
import { node, planOf } from "./plans";

const rg = node("base/rg", "resourceGroup");
const vnet = node("base/vnet", "virtualNetwork", [rg.key]);

/** Seconds the virtual network of each environment takes, so the environments end at different times. */
const VNET_SEC: Readonly<Record<string, number>> = {
  "acme-alpha": 30,
  "acme-beta": 120,
  "acme-gamma": 45,
  "acme-delta": 5,
  "acme-epsilon": 60,
};
const planFor = (name: string) => planOf([rg, vnet], `acme-${name}`);
const environmentOf = (n: PlanNode) => /resourceGroups\/rg-([^/]+)\//.exec(n.id)?.[1] ?? "";

function azure(override?: (call: Parameters<ActivityScript>[0]) => unknown): ActivityScript {
  return simulatedAzure({
    durationSec: (n) => VNET_SEC[environmentOf(n)] ?? 10,
    ...(override ? { override } : {}),
  });
}

async function runBatch(items: BatchItem[], maxConcurrent: number, activities: ActivityScript = azure()) {
  const driver = new DurableDriver({ activities });
  const input: BatchInput = { items, maxConcurrent, requestedBy: "fast-test" };
  const batch = await driver.run(PROVISION_BATCH, input, "batch-1");
  const children = driver.instances().filter((instance) => instance.parentInstanceId === "batch-1");
  return { driver, batch, output: batch.output as BatchOutput, children };
}

/** The most children running at any one moment ([created, ended) intervals). */
function mostAtOnce(children: readonly InstanceRecord[]): number {
  return Math.max(
    ...children.map(
      (child) =>
        children.filter(
          (other) =>
            other.createdAtMs <= child.createdAtMs && child.createdAtMs < (other.endedAtMs ?? Infinity),
        ).length,
    ),
  );
}

describe("a batch", () => {
  describe("of five environments, two at a time", () => {
    const names = Object.keys(VNET_SEC).map((id) => id.replace(/^acme-/, ""));
    let run: Awaited<ReturnType<typeof runBatch>>;
    before(async () => {
      run = await runBatch(
        names.map((name) => ({ action: "apply", plan: planFor(name) })),
        2,
      );
    });

    test("never runs more than maxConcurrent environments at once, and does run that many", () => {
      assert.equal(run.children.length, names.length);
      assert.equal(mostAtOnce(run.children), 2);
      for (const { value } of run.batch.customStatuses) {
        assert.ok((value as { running: number }).running <= 2, JSON.stringify(value));
      }
    });

    test("completes with every environment's result, in the items' order", () => {
      assert.equal(run.batch.status, "Completed");
      assert.deepEqual(
        run.output.results.map((result) => [result.environmentId, result.result]),
        names.map((name) => [`acme-${name}`, "succeeded"]),
      );
      assert.deepEqual(run.batch.customStatuses.at(-1)?.value, { total: 5, running: 0, done: 5 });
    });

    test("starts the next environment the moment one ends, on no timer of its own", () => {
      assert.deepEqual(
        run.driver.timers.filter((timer) => timer.instanceId === "batch-1"),
        [],
      );
      const endedAt = new Set(run.children.map((child) => child.endedAtMs));
      for (const child of run.children.slice(2))
        assert.ok(endedAt.has(child.createdAtMs), `${child.instanceId} started when none ended`);
      assert.deepEqual(
        run.driver.timers.filter((timer) => timer.state !== "fired" && timer.state !== "cancelled"),
        [],
      );
    });
  });

  test("runs an environment named twice once, and reports the later item as its duplicate", async () => {
    const { output, children } = await runBatch(
      [
        { action: "apply", plan: planFor("alpha") },
        { action: "apply", plan: planFor("beta") },
        { action: "apply", plan: planFor("alpha") },
      ],
      3,
    );
    assert.deepEqual(
      children.map((child) => child.instanceId),
      ["acme-alpha", "acme-beta"],
    );
    assert.deepEqual(
      output.results.map((result) => [result.environmentId, result.result, result.duplicateOf]),
      [
        ["acme-alpha", "succeeded", undefined],
        ["acme-beta", "succeeded", undefined],
        ["acme-alpha", "duplicate", 0],
      ],
    );
  });

  test("reports a failed environment with its failures as values while the others finish and the batch completes", async () => {
    const refused = azureError("quota", "QuotaExceeded", { message: "no more virtual networks" });
    const activities = azure((call) => {
      const { node: target } = call.input as EnsureNodeInput;
      return call.name === ACTIVITY.ensureNode &&
        target.key === vnet.key &&
        environmentOf(target) === "acme-beta"
        ? failedFor(refused)
        : undefined;
    });
    const { batch, output, children } = await runBatch(
      ["alpha", "beta", "gamma"].map((name) => ({ action: "apply", plan: planFor(name) })),
      2,
      activities,
    );
    assert.equal(batch.status, "Completed");
    assert.deepEqual(output.results[1], {
      environmentId: "acme-beta",
      action: "apply",
      result: "failed",
      failures: [{ nodeKey: vnet.key, code: "QuotaExceeded", message: "no more virtual networks" }],
    });
    assert.deepEqual([output.results[0]?.result, output.results[2]?.result], ["succeeded", "succeeded"]);
    assert.equal(children.find((child) => child.instanceId === "acme-beta")?.status, "Completed");
  });

  test("destroys the environments it is asked to destroy, as child destroys", async () => {
    const { output, children } = await runBatch(
      [
        { action: "apply", plan: planFor("alpha") },
        { action: "destroy", plan: planFor("beta"), keyVault: "keep" },
      ],
      2,
    );
    assert.deepEqual(
      children.map((child) => [child.instanceId, child.name]),
      [
        ["acme-alpha", BUILD_ENVIRONMENT],
        ["acme-beta", DESTROY_ENVIRONMENT],
      ],
    );
    assert.deepEqual(
      output.results.map((result) => [result.action, result.result]),
      [
        ["apply", "succeeded"],
        ["destroy", "succeeded"],
      ],
    );
  });
});
