/**
 * What Opta's inputs become in the plan: the admin groups in the managed cluster's body and one cluster
 * admin role assignment per group, Opta's network names as subnets, Opta's Redis spelling as Azure's, and
 * Opta's key names in the Kubernetes Secrets.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import type { ManagedCluster } from "@azure/arm-containerservice";
import { AKS_RBAC_CLUSTER_ADMIN_ROLE_ID } from "../../lib/plan/cluster";
import { deterministicGuid } from "../../lib/plan/naming";
import { planEnvironment } from "../../lib/plan/plan";
import type { KubernetesSecretDesired, Plan, PlanNode } from "../../lib/plan/types";
import type { EnvironmentSpec } from "../../lib/spec/types";
import { validateSpec } from "../../lib/spec/validate";
import { repositoryRoot } from "../support/repository-root";
import { SUBSCRIPTION_ID, fullSpecDocument, specDocument } from "../spec/fixtures";

const CONTEXT = {
  provisionerPrincipalId: "33333333-3333-4333-8333-333333333333",
  provisionerIpRanges: ["203.0.113.0/24"],
};
const GROUP_A = "5d6e7f80-1a2b-4c3d-9e4f-a0b1c2d3e4f5";
const GROUP_B = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

function plan(document: unknown): Plan {
  const result = validateSpec(document);
  assert.deepEqual(result.ok ? [] : result.problems, []);
  assert.ok(result.ok);
  return planEnvironment(result.spec as EnvironmentSpec, CONTEXT);
}

const roleAssignments = (planned: Plan) => planned.nodes.filter((node) => node.kind === "roleAssignment");
const clusterOf = (planned: Plan): PlanNode => planned.nodes.find((node) => node.kind === "managedCluster")!;

describe("planEnvironment with admin_group_object_ids", () => {
  const groups = plan(
    specDocument([
      { type: "base" },
      { type: "k8s-cluster", name: "aks", admin_group_object_ids: [GROUP_A, GROUP_B] },
    ]),
  );

  it("puts the groups in the managed cluster's aadProfile", () => {
    const body = clusterOf(groups).desired as unknown as ManagedCluster;
    assert.deepEqual(body.aadProfile?.adminGroupObjectIDs, [GROUP_B, GROUP_A]);
    assert.equal(body.aadProfile?.enableAzureRbac, true);
  });

  it("grants each group Azure Kubernetes Service RBAC Cluster Admin on the cluster, with a deterministic name", () => {
    const cluster = clusterOf(groups);
    const forGroups = roleAssignments(groups).filter((node) => node.desired.principalType === "Group");
    assert.deepEqual(
      forGroups.map((node) => [node.key, node.desired.principalId]),
      [
        ["aks/role-admin-group-0a1b2c3d", GROUP_B],
        ["aks/role-admin-group-5d6e7f80", GROUP_A],
      ],
    );
    for (const node of forGroups) {
      const name = deterministicGuid([
        cluster.id,
        AKS_RBAC_CLUSTER_ADMIN_ROLE_ID,
        String(node.desired.principalId),
      ]);
      assert.equal(node.name, name);
      assert.equal(node.id, `${cluster.id}/providers/Microsoft.Authorization/roleAssignments/${name}`);
      assert.equal(
        node.desired.roleDefinitionId,
        `/subscriptions/${SUBSCRIPTION_ID}/providers/Microsoft.Authorization/roleDefinitions/${AKS_RBAC_CLUSTER_ADMIN_ROLE_ID}`,
      );
      assert.deepEqual(node.dependsOn, [cluster.key]);
      assert.equal(node.stage, "cluster");
    }
  });

  it("keeps the provisioner's own cluster admin role as it was", () => {
    const provisioner = roleAssignments(groups).filter((node) => node.key === "aks/role-cluster-admin");
    assert.equal(provisioner.length, 1);
    assert.equal(provisioner[0]!.desired.principalType, "ServicePrincipal");
  });

  it('plans no group and no admin group list for Opta\'s [""], exactly as for a spec without the key', () => {
    const placeholder = plan(
      specDocument([{ type: "base" }, { type: "k8s-cluster", admin_group_object_ids: [""] }]),
    );
    const without = plan(specDocument([{ type: "base" }, { type: "k8s-cluster" }]));
    assert.equal(
      roleAssignments(placeholder).filter((node) => node.desired.principalType === "Group").length,
      0,
    );
    assert.equal(
      "adminGroupObjectIDs" in ((clusterOf(placeholder).desired.aadProfile ?? {}) as object),
      false,
    );
    assert.equal(placeholder.hash, without.hash);
  });

  it("plans a cluster recorded before admin groups existed as one without groups", () => {
    const result = validateSpec(fullSpecDocument());
    assert.ok(result.ok);
    const { admin_group_object_ids: _dropped, ...older } = result.spec.modules[1] as unknown as Record<
      string,
      unknown
    >;
    const recorded = {
      ...result.spec,
      modules: result.spec.modules.map((module, index) => (index === 1 ? older : module)),
    };
    assert.equal(
      planEnvironment(recorded as unknown as EnvironmentSpec, CONTEXT).hash,
      planEnvironment(result.spec, CONTEXT).hash,
    );
  });
});

describe("planEnvironment from Opta's spellings", () => {
  it("plans the same body for Opta's lower-case Redis tier and Azure's spelling", () => {
    const lower = plan(
      specDocument([{ type: "base" }, { type: "redis", sku_name: "standard", family: "c" }]),
    );
    const canonical = plan(
      specDocument([{ type: "base" }, { type: "redis", sku_name: "Standard", family: "C" }]),
    );
    const cache = (planned: Plan) =>
      planned.nodes.find((node) => node.kind === "managedRedisCluster")!.desired;
    assert.deepEqual(cache(lower).sku, { name: "Balanced_B3" });
    assert.deepEqual(cache(lower), cache(canonical));
    // And with engine azure-cache-for-redis, in Azure's spelling in the cache's own body.
    const engine = { engine: "azure-cache-for-redis" };
    const classic = (sku_name: string, family: string) =>
      plan(specDocument([{ type: "base" }, { type: "redis", sku_name, family, ...engine }])).nodes.find(
        (node) => node.kind === "redisCache",
      )!.desired;
    assert.deepEqual(classic("standard", "c").sku, { name: "Standard", family: "C", capacity: 2 });
    assert.deepEqual(classic("standard", "c"), classic("Standard", "C"));
  });

  it("builds Opta's one subnet as the node subnet and the other subnets beside it", () => {
    const planned = plan(
      readFileSync(
        join(repositoryRoot(__dirname), "test", "fixtures", "opta", "environment-written-out.yaml"),
        "utf8",
      ).replace("kubernetes_version: 1.21.9", 'kubernetes_version: "1.35"'),
    );
    const prefixes = Object.fromEntries(
      planned.nodes
        .filter((node) => node.kind === "subnet")
        .map((node) => [node.name, node.desired.addressPrefix]),
    );
    assert.deepEqual(prefixes, {
      nodes: "10.0.0.0/17",
      "private-endpoints": "10.0.128.0/24",
      postgres: "10.0.129.0/24",
    });
  });
});

describe("planEnvironment with kubernetes_secret.keys", () => {
  it("writes the renamed keys into the Kubernetes Secret and keeps the Key Vault names", () => {
    const planned = plan(
      specDocument([
        { type: "base" },
        { type: "k8s-cluster" },
        {
          type: "postgres",
          name: "api-db",
          kubernetes_secret: { namespace: "api", keys: { db_host: "db_db_host", db_password: "DB_PASS" } },
        },
      ]),
    );
    const secret = planned.nodes.find((node) => node.kind === "kubernetesSecret")!;
    const desired = secret.desired as unknown as KubernetesSecretDesired;
    assert.equal(desired.namespace, "api");
    assert.deepEqual(desired.keys, {
      db_db_host: "api-db-db-host",
      "api-db_db_user": "api-db-db-user",
      DB_PASS: "api-db-db-password",
      "api-db_db_name": "api-db-db-name",
    });
    const vault = planned.nodes.find((node) => node.kind === "keyVaultSecrets")!;
    assert.deepEqual(Object.keys(vault.desired.secretNames as object), [
      "api-db_db_host",
      "api-db_db_user",
      "api-db_db_password",
      "api-db_db_name",
    ]);
  });
});
