/**
 * Destroying an environment (`orchestrations/destroy-environment.ts`) through the real replay: the
 * resource group's deletion watched to its end, then the soft-deleted Key Vault kept or purged.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ACTIVITY, type DeleteNodeInput } from "../../../activities/contract";
import { latencyOf } from "../../../lib/latency-model";
import { ARM_TYPE_BY_KIND } from "../../../lib/plan/kinds";
import type { Plan } from "../../../lib/plan/types";
import {
  DESTROY_ENVIRONMENT,
  type DestroyInput,
  type DestroyOutput,
  type EnvironmentProgress,
} from "../../../orchestrations/contracts";
import { estimatedDestroySec } from "../../../orchestrations/destroy-environment";
import { azureError, failedFor, operationFailed, simulatedAzure, writeDone } from "./azure";
import { DurableDriver, type ActivityScript } from "./driver";
import { node, planOf } from "./plans";

const rgNode = node("base/rg", "resourceGroup");
const vaultNode = node("base/key-vault", "keyVault", [rgNode.key]);
const vnetNode = node("base/vnet", "virtualNetwork", [rgNode.key]);
const plan = planOf([rgNode, vaultNode, vnetNode]);
const [rg, vault] = plan.nodes as [(typeof plan.nodes)[0], (typeof plan.nodes)[0]];

/** Duration of a deletion watched at the kind's poll interval: its median, rounded up to a check. */
function watchedDeleteMs(kind: Parameters<typeof node>[1]): number {
  const latency = latencyOf(ARM_TYPE_BY_KIND[kind]);
  return Math.ceil(latency.deleteP50Sec / latency.pollIntervalSec) * latency.pollIntervalSec * 1000;
}

async function destroy(
  keyVault: DestroyInput["keyVault"],
  activities: ActivityScript = simulatedAzure(),
  options: { plan?: Plan; parentInstanceId?: string } = {},
) {
  const driver = new DurableDriver({ activities });
  const target = options.plan ?? plan;
  const input: DestroyInput = {
    plan: target,
    keyVault,
    requestedBy: "fast-test",
    ...(options.parentInstanceId === undefined ? {} : { parentInstanceId: options.parentInstanceId }),
  };
  const run = await driver.run(DESTROY_ENVIRONMENT, input, target.environmentId);
  const progress = run.customStatuses.map((status) => status.value as EnvironmentProgress);
  return {
    driver,
    run,
    output: run.output as DestroyOutput,
    progress,
    lastProgress: progress[progress.length - 1] as EnvironmentProgress,
    calls: driver.activityCalls.map((call) => [
      call.name,
      (call.input as Partial<DeleteNodeInput>).node?.key,
    ]),
    elapsedMs: (run.endedAtMs as number) - run.createdAtMs,
  };
}

describe("destroying an environment", () => {
  test("deletes the resource group, watches the deletion to its end, and keeps the soft-deleted vault", async () => {
    const { run, output, calls, elapsedMs, progress, lastProgress } = await destroy("keep");
    assert.equal(run.status, "Completed");
    assert.deepEqual(output, {
      environmentId: plan.environmentId,
      result: "succeeded",
      failures: [],
      keyVault: "kept",
    });
    assert.deepEqual(
      calls.filter(([name]) => name !== ACTIVITY.checkOperation),
      [[ACTIVITY.deleteNode, rg.key]],
    );
    assert.equal(elapsedMs, watchedDeleteMs("resourceGroup"));
    assert.equal(progress[0]?.etaSec, estimatedDestroySec(plan));
    assert.equal(progress[0]?.operation, "destroy");
    assert.equal(lastProgress.etaSec, 0);
    assert.equal(lastProgress.timeline, undefined, "one step removes everything: no per-node timeline");
    assert.deepEqual(
      Object.values(lastProgress.nodes),
      plan.nodes.map(() => "succeeded"),
    );
  });

  test("purges the vault after the resource group is gone, when asked, and waits for the purge", async () => {
    const { output, calls, elapsedMs } = await destroy("purge");
    assert.equal(output.keyVault, "purged");
    assert.deepEqual(
      calls.filter(([name]) => name !== ACTIVITY.checkOperation),
      [
        [ACTIVITY.deleteNode, rg.key],
        [ACTIVITY.purgeDeletedVault, vault.key],
      ],
    );
    assert.equal(elapsedMs, watchedDeleteMs("resourceGroup") + watchedDeleteMs("keyVault"));
  });

  test("keeps a purge-protected vault with Azure's reason when the purge is refused, and still succeeds", async () => {
    const protectedVault = azureError("invalidRequest", "VaultPurgeProtected", {
      message: "Operation 'DeletedVaultPurge' is not allowed as purge protection is enabled for this vault",
    });
    const activities = simulatedAzure({
      override: (call) => (call.name === ACTIVITY.purgeDeletedVault ? failedFor(protectedVault) : undefined),
    });
    const { driver, run, output } = await destroy("purge", activities);
    assert.equal(run.status, "Completed");
    assert.deepEqual(output, {
      environmentId: plan.environmentId,
      result: "succeeded",
      failures: [],
      keyVault: "kept",
      keyVaultKeptBecause: {
        nodeKey: vault.key,
        code: "VaultPurgeProtected",
        message: protectedVault.message,
      },
    });
    assert.equal(
      driver.logs.filter((line) => /kept, not purged: VaultPurgeProtected/.test(line.message)).length,
      1,
    );
  });

  test("destroys an environment already gone without watching anything", async () => {
    const activities: ActivityScript = (call) => writeDone((call.input as DeleteNodeInput).node, "succeeded");
    const { output, calls } = await destroy("keep", activities);
    assert.equal(output.result, "succeeded");
    assert.deepEqual(calls, [[ACTIVITY.deleteNode, rg.key]]);
  });

  test("fails a top-level destroy whose deletion failed, with the failure as data in its last custom status", async () => {
    const blocked = azureError("operationFailed", "ResourceGroupDeletionBlocked", { message: "a lock" });
    const activities = simulatedAzure({
      override: (call) => (call.name === ACTIVITY.checkOperation ? operationFailed(blocked) : undefined),
    });
    const { run, lastProgress, calls } = await destroy("purge", activities);
    assert.equal(run.status, "Failed");
    assert.equal(
      run.error,
      `destroy of ${plan.environmentId} failed: ${rg.key} (ResourceGroupDeletionBlocked): a lock`,
    );
    assert.deepEqual(lastProgress.failures, [
      { nodeKey: rg.key, code: "ResourceGroupDeletionBlocked", message: "a lock" },
    ]);
    assert.ok(
      !calls.some(([name]) => name === ACTIVITY.purgeDeletedVault),
      "no purge once the deletion failed",
    );
  });

  test("a destroy run for a batch returns its failures as values and completes", async () => {
    const activities = simulatedAzure({
      override: (call) =>
        call.name === ACTIVITY.deleteNode
          ? failedFor(azureError("authorization", "AuthorizationFailed"))
          : undefined,
    });
    const { run, output } = await destroy("keep", activities, { parentInstanceId: "batch-1" });
    assert.equal(run.status, "Completed");
    assert.equal(output.result, "failed");
    assert.deepEqual(
      output.failures.map((failure) => [failure.nodeKey, failure.code]),
      [[rg.key, "AuthorizationFailed"]],
    );
  });

  test("reports the vault absent when the plan has none", async () => {
    const { output } = await destroy("purge", simulatedAzure(), {
      plan: planOf([rgNode, vnetNode], "acme-novault"),
    });
    assert.equal(output.keyVault, "absent");
  });
});
