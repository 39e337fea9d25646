import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { KeyVaultSecretsDesired, NodeKind, Plan } from "../../lib/plan/types";
import { buildOutputs } from "../../orchestrations/outputs";
import { examplePlan } from "./example-plan";

const keyOf = (plan: Plan, kind: NodeKind, module?: string): string => {
  const node = plan.nodes.find((n) => n.kind === kind && (module === undefined || n.module === module));
  assert.ok(node, `${kind} in the plan`);
  return node.key;
};

describe("build outputs", () => {
  const plan = examplePlan();

  test("carry the facts the steps reported: cluster FQDN, vault URI, each data module's host", () => {
    const outputs = buildOutputs(plan, {
      [keyOf(plan, "managedCluster")]: { fqdn: "staging-abc.hcp.eastus2.azmk8s.io" },
      [keyOf(plan, "keyVault")]: { vaultUri: "https://kv-acme-staging.vault.azure.net/" },
      [keyOf(plan, "postgresFlexibleServer")]: { host: "db.postgres.database.azure.com" },
      [keyOf(plan, "managedRedisCluster")]: { host: "amr-cache.eastus2.redis.azure.net" },
    });
    assert.equal(outputs.clusterFqdn, "staging-abc.hcp.eastus2.azmk8s.io");
    assert.equal(outputs.keyVaultUri, "https://kv-acme-staging.vault.azure.net/");
    assert.equal(outputs.dataModules.db?.host, "db.postgres.database.azure.com");
    assert.equal(outputs.dataModules.cache?.host, "amr-cache.eastus2.redis.azure.net");
  });

  test("name every Key Vault secret and Kubernetes Secret of each data module from the plan", () => {
    const outputs = buildOutputs(plan, {});
    for (const node of plan.nodes.filter((n) => n.kind === "keyVaultSecrets")) {
      const desired = node.desired as unknown as KeyVaultSecretsDesired;
      assert.deepEqual(
        outputs.dataModules[node.module]?.keyVaultSecretNames,
        Object.values(desired.secretNames).sort(),
      );
    }
    assert.deepEqual(outputs.dataModules.db?.kubernetesSecret, {
      namespace: "staging",
      name: "db-connection",
    });
    assert.equal(outputs.resourceGroupId, plan.nodes.find((n) => n.kind === "resourceGroup")?.id);
  });

  test("leave out facts of nodes that reported none, rather than inventing them", () => {
    const outputs = buildOutputs(plan, {});
    assert.equal(outputs.clusterFqdn, undefined);
    assert.equal(outputs.keyVaultUri, undefined);
    assert.equal(outputs.dataModules.db?.host, undefined);
  });
});
