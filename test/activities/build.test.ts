import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createProvisioningActivities, type NodeStepResult } from "../../activities/provisioning";
import { createArmSteps } from "../../activities/arm-step";
import { adminPasswordSecretFor } from "../../activities/key-vault-secrets";
import type { PlanNode } from "../../lib/plan/types";
import { startFixture, waitForOperation, type EmulatorFixture } from "./emulator-fixture";
import { samplePlanNodes } from "./sample-nodes";

/** Applies every node in order as an orchestration would: ensure, then check until done. */
async function applyAll(fixture: EmulatorFixture, nodes: readonly PlanNode[]): Promise<NodeStepResult[]> {
  const activities = createProvisioningActivities(fixture.clients);
  const steps = createArmSteps(fixture.clients);
  const results: NodeStepResult[] = [];
  for (const node of nodes) {
    const result = await activities.ensureNode({
      node,
      adminPasswordSecret: adminPasswordSecretFor(nodes, node),
    });
    assert.notEqual(result.outcome, "failed", `${node.key}: ${JSON.stringify(result)}`);
    if (result.outcome === "pending" && "operation" in result) {
      const end = await waitForOperation(steps, result);
      assert.equal(end?.state, "succeeded", `${node.key}: ${JSON.stringify(end)}`);
    }
    results.push(result);
  }
  return results;
}

describe("a full build of a sample plan against the emulator", () => {
  let fixture: EmulatorFixture;
  const nodes = samplePlanNodes("acme-staging-rg");
  let firstRun: NodeStepResult[] = [];

  before(async () => {
    fixture = await startFixture({ timeScale: 0.0002 });
  });
  after(async () => fixture?.stop());

  it("builds every node in dependency order", async () => {
    firstRun = await applyAll(fixture, nodes);
    assert.equal(firstRun.length, nodes.length);
    for (const result of firstRun) assert.notEqual(result.outcome, "unchanged", result.nodeKey);
  });

  it("does zero writes when applied again", async () => {
    const logBefore = fixture.emulator.admin.requestLog().length;
    const again = await applyAll(fixture, nodes);
    for (const result of again)
      assert.equal(result.outcome, "unchanged", `${result.nodeKey}: ${JSON.stringify(result)}`);
    const log = fixture.emulator.admin.requestLog().slice(logBefore);
    assert.ok(log.length > 0, "the second run read the environment");
    // Writes on every plane: ARM, Key Vault and Kubernetes. POSTs of list actions (listKeys,
    // listClusterUserCredential) only read.
    const writes = log.filter(
      (entry) =>
        ["PUT", "PATCH", "DELETE"].includes(entry.method) ||
        (entry.method === "POST" && !/\/list[A-Za-z]*$/i.test(entry.path)),
    );
    assert.deepEqual(writes, []);
  });
});
