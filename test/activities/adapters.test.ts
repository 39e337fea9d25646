/**
 * Every ARM adapter against the emulator with the real SDK clients: create (the build), no-op, update,
 * an immutable change refused without a write, delete (idempotent); and a soft-deleted Key Vault recovered.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { FACT } from "../../lib/plan/facts";
import { createArmSteps, IMMUTABLE_PROPERTY_CODE, type ArmSteps } from "../../activities/arm-step";
import type { WriteResult } from "../../activities/contract";
import { adminPasswordSecretFor } from "../../lib/plan/secrets";
import { createProvisioningActivities } from "../../activities/provisioning";
import { isArmNodeKind } from "../../activities/adapters/table";
import { isAzureError } from "../../lib/azure/errors";
import { ensureSecretValue, readSecret } from "../../lib/secrets/vault-secrets";
import type { JsonObject, JsonValue, NodeKind, PlanNode } from "../../lib/plan/types";
import {
  ensureNodeRetrying,
  expectWrite,
  startFixture,
  waitForOperation,
  type EmulatorFixture,
} from "./emulator-fixture";
import { samplePlanNodes } from "./sample-nodes";

/** One updatable property per kind: its path in `desired` and a new value. */
const UPDATES: Readonly<Record<string, readonly [path: string, value: JsonValue]>> = {
  resourceGroup: ["tags.cost-center", "42"],
  virtualNetwork: ["tags.cost-center", "42"],
  subnet: ["privateEndpointNetworkPolicies", "Enabled"],
  networkSecurityGroup: ["tags.cost-center", "42"],
  publicIpAddress: ["tags.cost-center", "42"],
  natGateway: ["idleTimeoutInMinutes", 10],
  privateDnsZone: ["tags.cost-center", "42"],
  privateDnsZoneVnetLink: ["registrationEnabled", true],
  keyVault: ["tags.cost-center", "42"],
  roleAssignment: ["description", "granted by the provisioner"],
  privateEndpoint: ["tags.cost-center", "42"],
  privateDnsZoneGroup: ["privateDnsZoneConfigs.0.name", "vault-zone"],
  managedCluster: ["tags.cost-center", "42"],
  postgresFlexibleServer: ["tags.cost-center", "42"],
  postgresDatabase: ["collation", "C"],
  postgresConfiguration: ["value", "off"],
  redisCache: ["tags.cost-center", "42"],
  managedRedisCluster: ["tags.cost-center", "42"],
  managedRedisDatabase: ["properties.accessKeysAuthentication", "Disabled"],
};

function withChange(node: PlanNode, path: string, value: JsonValue, immutable = node.immutable): PlanNode {
  const desired = structuredClone(node.desired) as Record<string, unknown>;
  const parts = path.split(".");
  let target: Record<string, unknown> = desired;
  for (const part of parts.slice(0, -1)) {
    target[part] ??= {};
    target = target[part] as Record<string, unknown>;
  }
  target[parts[parts.length - 1] as string] = value;
  return { ...node, desired: desired as JsonObject, immutable };
}

async function settle(steps: ArmSteps, result: WriteResult): Promise<void> {
  const end = await waitForOperation(steps, result);
  if (end) assert.equal(end.outcome, "succeeded", `${result.nodeKey}: ${JSON.stringify(end)}`);
}

describe("ARM adapters against the emulator", () => {
  let fixture: EmulatorFixture;
  let steps: ArmSteps;
  const nodes = samplePlanNodes("acme-adapters-rg");
  const armNodes = nodes.filter((n) => isArmNodeKind(n.kind));
  // One node per kind (the first), so each adapter is exercised once.
  const firstOfKind = [...new Map(armNodes.map((n) => [n.kind, n] as [NodeKind, PlanNode])).values()]
    .reverse()
    .reverse();

  before(async () => {
    fixture = await startFixture({ timeScale: 0.0002 });
    steps = createArmSteps(fixture.clients);
    const activities = createProvisioningActivities(fixture.clients);
    for (const node of nodes) {
      const result = await ensureNodeRetrying(activities, {
        node,
        adminPasswordSecret: adminPasswordSecretFor(nodes, node),
      });
      await settle(steps, expectWrite(result, node.key));
    }
  });
  after(async () => fixture?.stop());

  for (const kind of Object.keys(UPDATES)) {
    describe(kind, () => {
      const node = () => {
        const found = firstOfKind.find((n) => n.kind === kind);
        assert.ok(found, `the sample plan has a ${kind}`);
        return found;
      };

      it("does nothing when the live resource matches", async () => {
        const result = await steps.ensure(node());
        assert.equal(result.outcome, "unchanged");
        assert.equal(result.action, "none");
      });

      it("updates a changed updatable property, then is unchanged", async () => {
        const [path, value] = UPDATES[kind] as readonly [string, JsonValue];
        const changed = withChange(node(), path, value);
        const result = await steps.ensure(changed);
        assert.equal(result.action, "update", JSON.stringify(result));
        assert.ok(
          result.changedPaths?.some((p) => path.startsWith(p) || p.startsWith(path.split(".")[0] ?? path)),
        );
        await settle(steps, result);
        assert.equal((await steps.ensure(changed)).outcome, "unchanged");
        // Back to the plan's state for the tests that follow.
        await settle(steps, await steps.ensure(node()));
      });

      it("fails naming the property when an immutable one would change, and writes nothing", async () => {
        const [path, updateValue] = UPDATES[kind] as readonly [string, JsonValue];
        const topLevel = path.split(".")[0] as string;
        // A value unlike both the plan's and the one the update test left behind.
        const value =
          typeof updateValue === "boolean"
            ? updateValue // the update test restored the plan's value
            : typeof updateValue === "number"
              ? updateValue + 1
              : `${String(updateValue)}-2`;
        const changed = withChange(node(), path, value, [...node().immutable, topLevel]);
        const logBefore = fixture.emulator.admin.requestLog().length;
        await assert.rejects(steps.ensure(changed), (error: unknown) => {
          assert.ok(isAzureError(error));
          assert.equal(error.code, IMMUTABLE_PROPERTY_CODE);
          assert.equal(error.retryable, false);
          assert.match(error.azureMessage, new RegExp(topLevel.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
          return true;
        });
        const writes = fixture.emulator.admin
          .requestLog()
          .slice(logBefore)
          .filter((e) => e.method !== "GET");
        assert.deepEqual(writes, []);
      });
    });
  }

  it("takes a synchronous write's facts from its answer, without reading the resource again", async () => {
    const rg = nodes.find((n) => n.kind === "resourceGroup");
    assert.ok(rg);
    const identity: PlanNode = {
      key: "apps/workload-identity",
      kind: "userAssignedIdentity",
      module: "apps",
      stage: "cluster",
      name: "id-adapters-answer",
      id: `${rg.id}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-adapters-answer`,
      dependsOn: [rg.key],
      desired: { location: "westeurope" },
      immutable: [],
      estimatedDurationSec: 2,
    };
    const logBefore = fixture.emulator.admin.requestLog().length;
    const result = await steps.ensure(identity);
    assert.equal(result.outcome, "succeeded");
    assert.match(result.facts?.[FACT.identityPrincipalId] ?? "", /^[0-9a-f-]{36}$/);
    assert.match(result.facts?.[FACT.identityClientId] ?? "", /^[0-9a-f-]{36}$/);
    const requests = fixture.emulator.admin
      .requestLog()
      .slice(logBefore)
      .map((e) => `${e.method} ${e.status}`);
    // The ensure's own GET (absent), then the PUT: no GET after it.
    assert.deepEqual(requests, ["GET 404", "PUT 201"]);
  });

  it("classifies parallel PostgreSQL parameter writes as busy: the server takes one at a time (docs/azure-facts.md#failure-case-8)", async () => {
    const configs = armNodes.filter((n) => n.kind === "postgresConfiguration");
    assert.equal(configs.length, 2);
    // Slow Azure down so the first write is still running when the second arrives.
    fixture.emulator.admin.setTimeScale(0.01);
    try {
      const changed = configs.map((n) =>
        withChange(n, "value", n.desired.value === "on" ? "off" : "TLSv1.3"),
      );
      const results = await Promise.allSettled(changed.map((n) => steps.ensure(n)));
      const rejected = results.filter((r) => r.status === "rejected");
      assert.equal(rejected.length, 1, JSON.stringify(results));
      const reason = (rejected[0] as PromiseRejectedResult).reason as unknown;
      assert.ok(isAzureError(reason) && reason.kind === "busy" && reason.retryable, String(reason));
      for (const result of results) if (result.status === "fulfilled") await settle(steps, result.value);
    } finally {
      fixture.emulator.admin.setTimeScale(0.0002);
    }
    for (const node of configs) await settle(steps, await steps.ensure(node));
  });

  it("deletes every resource, children first, and a second delete of an absent resource succeeds", async () => {
    for (const node of [...armNodes].reverse()) {
      const result = await steps.remove(node);
      assert.equal(result.action, "delete");
      await settle(steps, result);
      const again = await steps.remove(node);
      // Built-in server parameters go with their server; everything else is absent now.
      assert.equal(again.outcome, "succeeded", `${node.key}: ${JSON.stringify(again)}`);
    }
    const group = nodes[0] as PlanNode;
    await assert.rejects(fixture.clients.resources.resourceGroups.get("acme-adapters-rg"), (error: unknown) =>
      /not ?found/i.test(String((error as { code?: string }).code)),
    );
    assert.equal(group.kind, "resourceGroup");
  });
});

describe("a soft-deleted Key Vault", () => {
  let fixture: EmulatorFixture;
  after(async () => fixture?.stop());

  it("is recovered with its secrets, not failed, when the environment is created again", async () => {
    fixture = await startFixture({ timeScale: 0.0002 });
    const steps = createArmSteps(fixture.clients);
    const nodes = samplePlanNodes("acme-recover-rg");
    const keep = new Set(["base/rg", "base/vault", "base/vault-role"]);
    const subset = nodes.filter((n) => keep.has(n.key));
    for (const node of subset) await settle(steps, await steps.ensure(node));
    const vaultNode = subset.find((n) => n.kind === "keyVault") as PlanNode;
    const secrets = await fixture.clients.secretClientForVault(vaultNode.id);
    await ensureSecretValue(secrets, "kept-across-recovery", "v1", { budgetMs: 2_000 });

    await settle(steps, await steps.remove(vaultNode));
    assert.equal(
      fixture.emulator.admin.requestLog().some((e) => e.method === "DELETE" && /vaults\//i.test(e.path)),
      true,
    );

    const recreated = await steps.ensure(vaultNode);
    assert.equal(recreated.action, "create");
    await settle(steps, recreated);
    // Re-applying the plan also restores the role assignment that went with the deleted vault.
    for (const node of subset) await settle(steps, await steps.ensure(node));
    const recoverWrite = fixture.emulator.admin
      .requestLog()
      .filter((e) => e.method === "PUT" && /vaults\//i.test(e.path));
    assert.ok(recoverWrite.length >= 2);
    // Same vault, same data: the secret written before the delete is back.
    const secretsAgain = fixture.clients.secretClient(
      (await fixture.clients.keyVault.vaults.get("acme-recover-rg", vaultNode.name)).properties?.vaultUri ??
        "",
    );
    const kept = await readSecret(secretsAgain, "kept-across-recovery", { budgetMs: 2_000 });
    assert.equal(kept?.value, "v1");
    assert.equal((await steps.ensure(vaultNode)).outcome, "unchanged");
  });
});
