/**
 * The planner's own plan of examples/staging.yaml, built by calling the activities in dependency order
 * (ensure, then check until done) against the emulator; applied again with zero writes; Kubernetes
 * Secrets holding exactly what Key Vault holds; and no secret value in anything an activity returned.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join, sep } from "node:path";
import { createArmSteps } from "../../activities/arm-step";
import { adminPasswordSecretFor } from "../../lib/plan/secrets";
import { factsFor } from "../../lib/plan/facts";
import { createProvisioningActivities } from "../../activities/provisioning";
import { MANAGED_BY_LABEL } from "../../activities/secret-propagation";
import { AKS_AAD_SCOPE } from "../../lib/azure/clients";
import { parseResourceId } from "../../lib/azure/resource-id";
import { planEnvironment } from "../../lib/plan";
import type { KeyVaultSecretsDesired, KubernetesSecretDesired, Plan } from "../../lib/plan/types";
import { parseEnvironmentSpec } from "../../lib/spec";
import { DEFAULT_EMULATOR_PRINCIPAL_ID } from "@azure-env-provisioner/azure-emulator";
import {
  ensureNodeRetrying,
  expectWrite,
  startFixture,
  waitForOperation,
  type EmulatorFixture,
} from "./emulator-fixture";

// From the sources (tsx) or the compiled tests (`dist/test/activities`).
const PROJECT_ROOT = __dirname.split(sep).includes("dist")
  ? join(__dirname, "..", "..", "..")
  : join(__dirname, "..", "..");

function stagingPlan(): Plan {
  const spec = parseEnvironmentSpec(readFileSync(join(PROJECT_ROOT, "examples", "staging.yaml"), "utf8"));
  return planEnvironment(spec, {
    provisionerPrincipalId: DEFAULT_EMULATOR_PRINCIPAL_ID,
    provisionerIpRanges: ["127.0.0.1/32"],
  });
}

describe("building the planner's plan of examples/staging.yaml with the activities", () => {
  const plan = stagingPlan();
  let fixture: EmulatorFixture;
  /** Everything any activity returned, to scan for secret values. */
  const outputs: unknown[] = [];
  /** The facts each run reported, by node key (the last run's). */
  let factsByKey: Record<string, Readonly<Record<string, string>>> = {};

  async function applyPlan(): Promise<string[]> {
    factsByKey = {};
    const activities = createProvisioningActivities(fixture.clients);
    const steps = createArmSteps(fixture.clients);
    const outcomes: string[] = [];
    for (const node of plan.nodes) {
      const result = await ensureNodeRetrying(
        activities,
        {
          node,
          adminPasswordSecret: adminPasswordSecretFor(plan.nodes, node),
          // The facts reported so far: the kubelet identity's AcrPull names the cluster's kubelet identity.
          facts: factsFor(node, factsByKey),
        },
        outputs,
      );
      const write = expectWrite(result, node.key);
      if (write.outcome === "pending") {
        const end = await waitForOperation(steps, write);
        outputs.push(end);
        assert.equal(end?.outcome, "succeeded", `${node.key}: ${JSON.stringify(end)}`);
        if (end?.outcome === "succeeded" && end.facts) factsByKey[node.key] = end.facts;
      } else if (write.facts) factsByKey[node.key] = write.facts;
      outcomes.push(`${node.key}:${write.outcome}`);
    }
    return outcomes;
  }

  before(async () => {
    fixture = await startFixture({ timeScale: 0.0002, subscriptionId: plan.subscriptionId });
  });
  after(async () => fixture?.stop());

  it("builds every node of the plan", async () => {
    const outcomes = await applyPlan();
    assert.equal(outcomes.length, plan.nodes.length);
    assert.ok(
      outcomes.every((o) => !o.endsWith(":unchanged")),
      outcomes.join(", "),
    );
  });

  /** An Azure Managed Redis cluster's host name, read with the SDK client's GET. */
  async function clusterHost(resourceGroup: string, name: string): Promise<string> {
    return (await fixture.clients.managedRedis.redisEnterprise.get(resourceGroup, name)).hostName ?? "";
  }

  /** The facts the live resources hold, read with the SDK, by node key. */
  async function liveFactsOfKinds(): Promise<Record<string, Record<string, string>>> {
    const keyOf = (kind: string) => plan.nodes.find((n) => n.kind === kind)?.key ?? kind;
    const idOf = (kind: string) => parseResourceId(plan.nodes.find((n) => n.kind === kind)?.id ?? "");
    const cluster = idOf("managedCluster");
    const vault = idOf("keyVault");
    const server = idOf("postgresFlexibleServer");
    const cache = idOf("managedRedisCluster");
    const registry = idOf("containerRegistry");
    const c = fixture.clients;
    const liveCluster = await c.containerService.managedClusters.get(cluster.resourceGroup, cluster.name);
    return {
      // The cluster's identities too: role assignments (the ingress's, AcrPull) refer to them.
      [keyOf("managedCluster")]: {
        fqdn: liveCluster.fqdn ?? "",
        principalId: liveCluster.identity?.principalId ?? "",
        kubeletObjectId: liveCluster.identityProfile?.["kubeletidentity"]?.objectId ?? "",
        oidcIssuerUrl: liveCluster.oidcIssuerProfile?.issuerURL ?? "",
      },
      [keyOf("containerRegistry")]: {
        loginServer:
          (await c.containerRegistry.registries.get(registry.resourceGroup, registry.name)).loginServer ?? "",
      },
      [keyOf("keyVault")]: {
        vaultUri: (await c.keyVault.vaults.get(vault.resourceGroup, vault.name)).properties.vaultUri ?? "",
      },
      [keyOf("postgresFlexibleServer")]: {
        host:
          (await c.postgres.servers.get(server.resourceGroup, server.name)).fullyQualifiedDomainName ?? "",
      },
      [keyOf("managedRedisCluster")]: {
        // Its SDK model (2022-01-01) does have hostName; the adapter reads the REST body instead.
        host: await clusterHost(cache.resourceGroup, cache.name),
      },
    };
  }

  it("reports the cluster FQDN and identities, the vault URI, the registry's login server and each data service's host as facts when built", async () => {
    const expected = await liveFactsOfKinds();
    for (const [key, facts] of Object.entries(expected)) {
      for (const value of Object.values(facts)) assert.ok(value.length > 0, `${key} has its fact live`);
    }
    const reported = Object.fromEntries(Object.keys(expected).map((key) => [key, factsByKey[key]]));
    assert.deepEqual(reported, expected);
  });

  it("does zero writes on any plane when applied again", async () => {
    const logBefore = fixture.emulator.admin.requestLog().length;
    const outcomes = await applyPlan();
    assert.ok(
      outcomes.every((o) => o.endsWith(":unchanged")),
      outcomes.join(", "),
    );
    const writes = fixture.emulator.admin
      .requestLog()
      .slice(logBefore)
      .filter(
        (e) =>
          ["PUT", "PATCH", "DELETE"].includes(e.method) ||
          (e.method === "POST" && !/\/list[A-Za-z]*$/i.test(e.path)),
      );
    assert.deepEqual(writes, []);
  });

  it("reports the same facts when nothing changed", async () => {
    const expected = await liveFactsOfKinds();
    const reported = Object.fromEntries(Object.keys(expected).map((key) => [key, factsByKey[key]]));
    assert.deepEqual(reported, expected);
  });

  it("puts exactly Key Vault's values into each module's Kubernetes Secret, labelled managed-by", async () => {
    const k8sNodes = plan.nodes.filter((n) => n.kind === "kubernetesSecret");
    assert.ok(k8sNodes.length >= 2);
    for (const node of k8sNodes) {
      const desired = node.desired as unknown as KubernetesSecretDesired;
      const vault = await fixture.clients.secretClientForVault(desired.vaultId);
      const cluster = parseResourceId(desired.clusterId);
      const credentials = await fixture.clients.containerService.managedClusters.listClusterUserCredentials(
        cluster.resourceGroup,
        cluster.name,
      );
      const token = await fixture.clients.credential.getToken(AKS_AAD_SCOPE);
      const core = await fixture.clients.kubernetes(
        Buffer.from(credentials.kubeconfigs?.[0]?.value ?? []).toString("utf8"),
        token?.token ?? "",
      );
      const secret = await core.readNamespacedSecret({
        name: desired.secretName,
        namespace: desired.namespace,
      });
      assert.equal(secret.metadata?.labels?.[MANAGED_BY_LABEL] !== undefined, true);
      assert.deepEqual(Object.keys(secret.data ?? {}).sort(), Object.keys(desired.keys).sort());
      for (const [key, secretName] of Object.entries(desired.keys)) {
        const value = (await vault.getSecret(secretName)).value ?? "";
        assert.ok(value.length > 0, secretName);
        assert.equal(Buffer.from(secret.data?.[key] ?? "", "base64").toString("utf8"), value, key);
      }
    }
  });

  it("gives the cache's clients its Azure Managed Redis host, port 10000 and the database's key (databases.listKeys)", async () => {
    const node = plan.nodes.find((n) => n.kind === "kubernetesSecret" && n.module === "cache");
    assert.ok(node);
    const desired = node.desired as unknown as KubernetesSecretDesired;
    const cluster = parseResourceId(plan.nodes.find((n) => n.kind === "managedRedisCluster")!.id);
    const keys = await fixture.clients.managedRedis.databases.listKeys(
      cluster.resourceGroup,
      cluster.name,
      "default",
    );
    const aks = parseResourceId(desired.clusterId);
    const credentials = await fixture.clients.containerService.managedClusters.listClusterUserCredentials(
      aks.resourceGroup,
      aks.name,
    );
    const token = await fixture.clients.credential.getToken(AKS_AAD_SCOPE);
    const core = await fixture.clients.kubernetes(
      Buffer.from(credentials.kubeconfigs?.[0]?.value ?? []).toString("utf8"),
      token?.token ?? "",
    );
    const secret = await core.readNamespacedSecret({
      name: desired.secretName,
      namespace: desired.namespace,
    });
    const value = (key: string) => Buffer.from(secret.data?.[key] ?? "", "base64").toString("utf8");
    assert.deepEqual(Object.keys(secret.data ?? {}).sort(), [
      "cache_cache_auth_token",
      "cache_cache_host",
      "cache_cache_port",
    ]);
    assert.equal(value("cache_cache_host"), `${cluster.name}.eastus2.redis.azure.net`);
    assert.equal(value("cache_cache_port"), "10000");
    assert.equal(value("cache_cache_auth_token"), keys.primaryKey);
  });

  it("returns no secret value from any activity", async () => {
    const values: string[] = [];
    for (const node of plan.nodes.filter((n) => n.kind === "keyVaultSecrets")) {
      const desired = node.desired as unknown as KeyVaultSecretsDesired;
      const vault = await fixture.clients.secretClientForVault(desired.vaultId);
      for (const secretName of Object.values(desired.secretNames)) {
        const value = (await vault.getSecret(secretName)).value;
        // Host names and ports are not secret; passwords and keys are the point of this test.
        if (value && /password|auth|key|token/i.test(secretName)) values.push(value);
      }
    }
    assert.ok(values.length >= 2, "the postgres password and the redis key were read back");
    const serialized = JSON.stringify(outputs);
    assert.ok(outputs.length > plan.nodes.length);
    for (const value of values) assert.equal(serialized.includes(value), false);
  });

  it("replaces a module's Kubernetes Secret when a value in Key Vault changed, and only then", async () => {
    const activities = createProvisioningActivities(fixture.clients);
    const node = plan.nodes.find((n) => n.kind === "kubernetesSecret");
    assert.ok(node);
    const desired = node.desired as unknown as KubernetesSecretDesired;
    const [key, secretName] = Object.entries(desired.keys)[0] as [string, string];
    const vault = await fixture.clients.secretClientForVault(desired.vaultId);
    await vault.setSecret(secretName, "rotated-value");
    const replaced = expectWrite(await activities.ensureNode({ node }));
    assert.equal(replaced.action, "replace");
    assert.deepEqual(replaced.outcome === "succeeded" && replaced.facts, {
      namespace: desired.namespace,
      secretName: desired.secretName,
    });
    assert.equal((await activities.ensureNode({ node })).outcome, "unchanged");
    assert.equal(JSON.stringify(replaced).includes("rotated-value"), false);
    assert.ok(key.length > 0);
  });
});
