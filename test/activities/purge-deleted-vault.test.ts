/**
 * Purging a destroyed environment's soft-deleted Key Vault (`purgeDeletedVault`), against the emulator
 * with the real SDK clients: purged when allowed, refused clearly under purge protection, absent is success.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createArmSteps } from "../../activities/arm-step";
import type { ActivityResult, EnsureResult } from "../../activities/contract";
import { createProvisioningActivities } from "../../activities/provisioning";
import { isNotFoundError, classifyAzureError } from "../../lib/azure/errors";
import { parseResourceId } from "../../lib/azure/resource-id";
import type { JsonObject, PlanNode } from "../../lib/plan/types";
import { expectWrite, startFixture, waitForOperation, type EmulatorFixture } from "./emulator-fixture";
import { LOCATION, samplePlanNodes } from "./sample-nodes";

/** The sample plan's resource group and Key Vault in `rg`, the vault with or without purge protection. */
function vaultNodes(rg: string, purgeProtection: boolean): { group: PlanNode; vault: PlanNode } {
  const nodes = samplePlanNodes(rg);
  const group = nodes.find((n) => n.kind === "resourceGroup");
  const sample = nodes.find((n) => n.kind === "keyVault");
  assert.ok(group && sample);
  const { enablePurgeProtection: _omitted, ...properties } = sample.desired.properties as JsonObject;
  // Azure accepts no `false` here: purge protection is either on or left out.
  const desired = {
    ...sample.desired,
    properties: purgeProtection ? { ...properties, enablePurgeProtection: true } : properties,
  };
  return { group, vault: { ...sample, desired } };
}

describe("purging a soft-deleted Key Vault", () => {
  let fixture: EmulatorFixture;
  let activities: ReturnType<typeof createProvisioningActivities>;

  /** Runs a step's result to its end the way an orchestration would; the final state. */
  async function finish(result: ActivityResult<EnsureResult>): Promise<string> {
    const write = expectWrite(result);
    if (write.outcome !== "pending") return write.outcome;
    const end = await waitForOperation(createArmSteps(fixture.clients), write);
    return end?.outcome ?? "none";
  }

  /** Builds the vault, then deletes it: soft-deleted, its name reserved. */
  async function softDeletedVault(rg: string, purgeProtection: boolean): Promise<PlanNode> {
    const { group, vault } = vaultNodes(rg, purgeProtection);
    assert.equal(await finish(await activities.ensureNode({ node: group })), "succeeded");
    assert.equal(await finish(await activities.ensureNode({ node: vault })), "succeeded");
    assert.equal(await finish(await activities.deleteNode({ node: vault })), "succeeded");
    await fixture.clients.keyVault.vaults.getDeleted(vault.name, LOCATION);
    return vault;
  }

  async function isSoftDeleted(vault: PlanNode): Promise<boolean> {
    try {
      await fixture.clients.keyVault.vaults.getDeleted(parseResourceId(vault.id).name, LOCATION);
      return true;
    } catch (error) {
      if (isNotFoundError(classifyAzureError(error))) return false;
      throw error;
    }
  }

  before(async () => {
    fixture = await startFixture({ timeScale: 0.0002 });
    activities = createProvisioningActivities(fixture.clients);
  });
  after(async () => fixture?.stop());

  it("purges a vault without purge protection, freeing its name", async () => {
    const vault = await softDeletedVault("acme-purge-rg", false);
    const purged = await activities.purgeDeletedVault({ node: vault });
    assert.equal(await finish(purged), "succeeded");
    assert.equal(await isSoftDeleted(vault), false);
    const purges = fixture.emulator.admin
      .requestLog()
      .filter((e) => e.method === "POST" && /deletedVaults\/[^/]+\/purge$/i.test(e.path));
    assert.equal(purges.length, 1);
  });

  it("succeeds when there is no soft-deleted vault to purge (already purged, or never deleted)", async () => {
    const { vault } = vaultNodes("acme-purge-rg", false);
    assert.equal(await isSoftDeleted(vault), false);
    const again = await activities.purgeDeletedVault({ node: vault });
    assert.equal(again.outcome, "succeeded", JSON.stringify(again));
  });

  it("fails as an invalid request with Azure's code and message under purge protection, and keeps the vault recoverable", async () => {
    const vault = await softDeletedVault("acme-protected-rg", true);
    const refused = await activities.purgeDeletedVault({ node: vault });
    assert.equal(refused.outcome, "failed", JSON.stringify(refused));
    assert.ok("error" in refused);
    assert.equal(refused.error.kind, "invalidRequest");
    assert.equal(refused.error.retryable, false);
    assert.equal(refused.error.code, "VaultPurgeProtected");
    assert.match(refused.error.message, /purge protection/i);
    assert.equal(refused.error.target, vault.id);
    assert.equal(await isSoftDeleted(vault), true);
  });
});
