import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { JsonObject, Plan } from "../../lib/plan/types";
import {
  BUILD_ENVIRONMENT,
  DESTROY_ENVIRONMENT,
  PROVISION_BATCH,
  type BatchInput,
  type BatchOutput,
  type DestroyInput,
  type DestroyOutput,
  type EnvironmentProgress,
} from "../../orchestrations/contracts";
import { examplePlan, startWorld, waitForInstance, type OrchestrationWorld } from "./harness";

/** Ids of the emulator's resources inside `plan`'s resource group (the group included). */
function resourcesOf(world: OrchestrationWorld, plan: Plan): string[] {
  const resourceGroupId = plan.nodes.find((node) => node.kind === "resourceGroup")?.id.toLowerCase() ?? "";
  const state = world.emulator.admin.state() as { resources: { id: string }[] };
  return state.resources.map((r) => r.id).filter((id) => id.toLowerCase().startsWith(resourceGroupId));
}

/** Names of the emulator's soft-deleted vaults. */
function softDeletedVaults(world: OrchestrationWorld): string[] {
  const { deletedVaults } = world.emulator.admin.state() as { deletedVaults: { name: string }[] };
  return deletedVaults.map((deleted) => deleted.name);
}

/** `plan` with a Key Vault that has no purge protection (plans turn it on; a user's vault might not). */
function withoutPurgeProtection(plan: Plan): Plan {
  return {
    ...plan,
    nodes: plan.nodes.map((node) => {
      if (node.kind !== "keyVault") return node;
      const { enablePurgeProtection: _dropped, ...properties } = node.desired.properties as JsonObject;
      return { ...node, desired: { ...node.desired, properties } };
    }),
  };
}

describe("batches and destroy (examples/minimal.yaml)", () => {
  let world: OrchestrationWorld;
  const alpha = examplePlan("minimal.yaml", "alpha");
  const beta = examplePlan("minimal.yaml", "beta");

  before(async () => {
    world = await startWorld(alpha.subscriptionId);
  });
  after(async () => world?.close());

  test("a batch naming an environment twice builds it once and reports every item", async () => {
    const input: BatchInput = {
      items: [
        { action: "apply", plan: alpha },
        { action: "apply", plan: beta },
        { action: "apply", plan: alpha },
      ],
      maxConcurrent: 2,
      requestedBy: "test",
    };
    await world.engine.startNew(PROVISION_BATCH, { instanceId: "batch-1", input });
    const status = await waitForInstance(world.engine, "batch-1", 150_000);

    assert.equal(status.runtimeStatus, "Completed", JSON.stringify(status.output));
    const { results } = status.output as BatchOutput;
    assert.deepEqual(
      results.map((r) => [r.environmentId, r.result, r.duplicateOf]),
      [
        [alpha.environmentId, "succeeded", undefined],
        [beta.environmentId, "succeeded", undefined],
        [alpha.environmentId, "duplicate", 0],
      ],
    );
    const alphaGroup = alpha.nodes.find((node) => node.kind === "resourceGroup")?.id.toLowerCase();
    const groupPuts = world.emulator.admin
      .requestLog()
      .filter((entry) => entry.method === "PUT" && entry.path.toLowerCase() === alphaGroup);
    assert.equal(groupPuts.length, 1, "alpha's resource group was written once");
    assert.ok(resourcesOf(world, alpha).length >= alpha.nodes.length - 1, "alpha was built");
  });

  test("destroy removes every resource of the environment and keeps the soft-deleted vault", async () => {
    assert.ok(resourcesOf(world, alpha).length > 0, "alpha exists before the destroy");
    const input: DestroyInput = { plan: alpha, keyVault: "keep", requestedBy: "test" };
    await world.engine.startNew(DESTROY_ENVIRONMENT, { instanceId: alpha.environmentId, input });
    const status = await waitForInstance(world.engine, alpha.environmentId, 90_000);

    assert.equal(status.runtimeStatus, "Completed", JSON.stringify(status.output));
    assert.deepEqual(status.output as DestroyOutput, {
      environmentId: alpha.environmentId,
      result: "succeeded",
      failures: [],
      keyVault: "kept",
    });
    assert.deepEqual(resourcesOf(world, alpha), []);
    assert.ok(resourcesOf(world, beta).length > 0, "the other environment is untouched");
    const vault = alpha.nodes.find((node) => node.kind === "keyVault");
    const { deletedVaults } = world.emulator.admin.state() as { deletedVaults: { name: string }[] };
    assert.ok(
      deletedVaults.some((deleted) => deleted.name === vault?.name),
      "the vault is soft-deleted, recoverable",
    );
    const progress = status.customStatus as EnvironmentProgress;
    assert.equal(progress.operation, "destroy");
    assert.equal(progress.etaSec, 0);
  });

  test("destroying an environment already gone succeeds without a delete request", async () => {
    const logBefore = world.emulator.admin.requestLog().length;
    const input: DestroyInput = { plan: alpha, keyVault: "keep", requestedBy: "test" };
    await world.engine.startNew(DESTROY_ENVIRONMENT, { instanceId: alpha.environmentId, input });
    const status = await waitForInstance(world.engine, alpha.environmentId, 60_000);

    assert.equal(status.runtimeStatus, "Completed", JSON.stringify(status.output));
    const deletes = world.emulator.admin
      .requestLog()
      .slice(logBefore)
      .filter((entry) => entry.method === "DELETE" && entry.status < 300);
    assert.deepEqual(deletes, []);
  });

  test("destroy asked to purge a purge-protected vault succeeds, keeps the vault and says why", async () => {
    const input: DestroyInput = { plan: beta, keyVault: "purge", requestedBy: "test" };
    await world.engine.startNew(DESTROY_ENVIRONMENT, { instanceId: beta.environmentId, input });
    const status = await waitForInstance(world.engine, beta.environmentId, 90_000);

    assert.equal(status.runtimeStatus, "Completed", JSON.stringify(status.output));
    const output = status.output as DestroyOutput;
    assert.equal(output.keyVault, "kept");
    const vault = beta.nodes.find((node) => node.kind === "keyVault");
    assert.equal(output.keyVaultKeptBecause?.nodeKey, vault?.key);
    assert.equal(output.keyVaultKeptBecause?.code, "VaultPurgeProtected");
    assert.match(output.keyVaultKeptBecause?.message ?? "", /purge protection/i);
    assert.deepEqual(resourcesOf(world, beta), []);
    assert.ok(softDeletedVaults(world).includes(vault?.name ?? ""), "the vault is still recoverable");
  });

  test("destroy asked to purge a vault without purge protection purges it", async () => {
    const gamma = withoutPurgeProtection(examplePlan("minimal.yaml", "gamma"));
    await world.engine.startNew(BUILD_ENVIRONMENT, {
      instanceId: gamma.environmentId,
      input: { plan: gamma, requestedBy: "test" },
    });
    const built = await waitForInstance(world.engine, gamma.environmentId, 150_000);
    assert.equal(built.runtimeStatus, "Completed", JSON.stringify(built.customStatus));

    const input: DestroyInput = { plan: gamma, keyVault: "purge", requestedBy: "test" };
    await world.engine.startNew(DESTROY_ENVIRONMENT, { instanceId: gamma.environmentId, input });
    const status = await waitForInstance(world.engine, gamma.environmentId, 90_000);

    assert.equal(status.runtimeStatus, "Completed", JSON.stringify(status.output));
    assert.deepEqual(status.output as DestroyOutput, {
      environmentId: gamma.environmentId,
      result: "succeeded",
      failures: [],
      keyVault: "purged",
    });
    const vault = gamma.nodes.find((node) => node.kind === "keyVault");
    assert.ok(vault);
    assert.equal(softDeletedVaults(world).includes(vault.name), false, "the vault's name is free");
  });
});
