/**
 * Azure Managed Redis through the activities, against the emulator with the real SDK clients: the
 * planner's cluster, database and private endpoint built with the posture the SDK's models cannot
 * express (checked on the wire, in the emulator's state), updates as PATCH, immutable properties
 * refused, the connection facts (host, port 10000, `databases.listKeys`) in Key Vault, Entra
 * authentication without a key; and Azure Cache for Redis refused to a new customer, reported with the
 * option to switch.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  DEFAULT_EMULATOR_PRINCIPAL_ID,
  DEFAULT_EMULATOR_TENANT_ID,
} from "@azure-env-provisioner/azure-emulator";
import { createArmSteps, IMMUTABLE_PROPERTY_CODE, type ArmSteps } from "../../activities/arm-step";
import { createProvisioningActivities } from "../../activities/provisioning";
import { isActivityFailure } from "../../activities/contract";
import { MANAGED_REDIS_API_VERSION } from "../../lib/azure/clients";
import { isAzureError } from "../../lib/azure/errors";
import { parseResourceId } from "../../lib/azure/resource-id";
import { planEnvironment } from "../../lib/plan";
import type { KeyVaultSecretsDesired, Plan, PlanNode } from "../../lib/plan/types";
import { validateSpec } from "../../lib/spec/validate";
import { specDocument, SUBSCRIPTION_ID } from "../spec/fixtures";
import {
  applyPlan,
  expectWrite,
  startFixture,
  waitForOperation,
  type AppliedPlan,
  type EmulatorFixture,
} from "./emulator-fixture";

interface StoredResource {
  id: string;
  type: string;
  sku?: { name?: string };
  properties: Record<string, unknown>;
}

function planOf(modules: unknown[], name: string): Plan {
  // The emulator's tenant: its Key Vault refuses tokens of another.
  const providers = {
    azurerm: { location: "eastus2", tenant_id: DEFAULT_EMULATOR_TENANT_ID, subscription_id: SUBSCRIPTION_ID },
  };
  const validation = validateSpec(specDocument(modules, { name, providers }));
  assert.ok(validation.ok, JSON.stringify(!validation.ok && validation.problems));
  return planEnvironment(validation.spec, {
    provisionerPrincipalId: DEFAULT_EMULATOR_PRINCIPAL_ID,
    provisionerIpRanges: ["127.0.0.1/32"],
  });
}

const nodeOf = (plan: Plan, kind: PlanNode["kind"]): PlanNode => {
  const node = plan.nodes.find((candidate) => candidate.kind === kind);
  assert.ok(node, `the plan has a ${kind}`);
  return node;
};

describe("Azure Managed Redis through the activities", () => {
  let fixture: EmulatorFixture;
  let steps: ArmSteps;
  const plan = planOf([{ type: "base" }, { type: "redis", name: "cache" }], "amr");
  // Entra authentication needs the workload identity, which comes with a cluster.
  const entraPlan = planOf(
    [{ type: "base" }, { type: "k8s-cluster" }, { type: "redis", name: "sessions", auth: "entra" }],
    "amr-entra",
  );
  let entraFacts: AppliedPlan["facts"] = {};

  /** The resource as the emulator stores it: what went over the wire, whatever the SDK's models say. */
  function stored(id: string): StoredResource {
    const state = fixture.emulator.admin.state() as { resources: StoredResource[] };
    const found = state.resources.find((resource) => resource.id.toLowerCase() === id.toLowerCase());
    assert.ok(found, `${id} exists in the emulator`);
    return found;
  }

  before(async () => {
    fixture = await startFixture({ timeScale: 0.0002, subscriptionId: SUBSCRIPTION_ID });
    steps = createArmSteps(fixture.clients);
    await applyPlan(fixture, plan);
    entraFacts = (await applyPlan(fixture, entraPlan)).facts;
  });
  after(async () => fixture?.stop());

  it("creates the cluster highly available and zone-redundant, TLS 1.2 only, public access off", () => {
    const cluster = stored(nodeOf(plan, "managedRedisCluster").id);
    assert.equal(cluster.sku?.name, "Balanced_B3");
    assert.equal(cluster.properties.publicNetworkAccess, "Disabled");
    assert.equal(cluster.properties.highAvailability, "Enabled");
    assert.equal(cluster.properties.redundancyMode, "ZR");
    assert.equal(cluster.properties.minimumTlsVersion, "1.2");
    assert.match(
      String(cluster.properties.hostName),
      /^amr-acme-amr-cache-[0-9a-f]{8}\.eastus2\.redis\.azure\.net$/,
    );
  });

  it("creates the database with the encrypted protocol on port 10000 and access keys on", () => {
    const database = stored(nodeOf(plan, "managedRedisDatabase").id);
    assert.equal(database.properties.clientProtocol, "Encrypted");
    assert.equal(database.properties.port, 10000);
    assert.equal(database.properties.clusteringPolicy, "OSSCluster");
    assert.equal(database.properties.accessKeysAuthentication, "Enabled");
  });

  it("connects the private endpoint with group id redisEnterprise, resolved by privatelink.redis.azure.net", () => {
    const endpoint = plan.nodes.find((node) => node.kind === "privateEndpoint" && node.module === "cache")!;
    const connections = stored(endpoint.id).properties.privateLinkServiceConnections as {
      properties: { privateLinkServiceId: string; groupIds: string[] };
    }[];
    assert.deepEqual(connections[0]!.properties.groupIds, ["redisEnterprise"]);
    assert.equal(
      connections[0]!.properties.privateLinkServiceId.toLowerCase(),
      nodeOf(plan, "managedRedisCluster").id.toLowerCase(),
    );
    const group = plan.nodes.find((node) => node.kind === "privateDnsZoneGroup" && node.module === "cache")!;
    const zoneId = (
      stored(group.id).properties.privateDnsZoneConfigs as { properties: { privateDnsZoneId: string } }[]
    )[0]!.properties.privateDnsZoneId;
    assert.match(zoneId, /\/privateDnsZones\/privatelink\.redis\.azure\.net$/);
    const cluster = stored(nodeOf(plan, "managedRedisCluster").id);
    assert.equal((cluster.properties.privateEndpointConnections as unknown[]).length, 1);
  });

  it("speaks to Azure Managed Redis only at api-version 2026-09-01, the SDK included", () => {
    const requests = fixture.emulator.admin
      .requestLog()
      .filter((entry) => entry.resourceType.startsWith("Microsoft.Cache/redisEnterprise"));
    assert.ok(
      requests.some((entry) => /\/listKeys$/i.test(entry.path)),
      "the SDK's listKeys ran",
    );
    assert.deepEqual([...new Set(requests.map((entry) => entry.apiVersion))], [MANAGED_REDIS_API_VERSION]);
  });

  it("writes the host, port 10000 and the database's primary key (databases.listKeys) to Key Vault", async () => {
    const secrets = nodeOf(plan, "keyVaultSecrets").desired as unknown as KeyVaultSecretsDesired;
    const vault = await fixture.clients.secretClientForVault(secrets.vaultId);
    const cluster = parseResourceId(nodeOf(plan, "managedRedisCluster").id);
    const keys = await fixture.clients.managedRedis.databases.listKeys(
      cluster.resourceGroup,
      cluster.name,
      "default",
    );
    const value = async (name: string) => (await vault.getSecret(name)).value;
    assert.equal(
      await value("cache-cache-host"),
      stored(nodeOf(plan, "managedRedisCluster").id).properties.hostName,
    );
    assert.equal(await value("cache-cache-port"), "10000");
    assert.equal(await value("cache-cache-auth-token"), keys.primaryKey);
  });

  it("re-applies with zero writes", async () => {
    const logBefore = fixture.emulator.admin.requestLog().length;
    const activities = createProvisioningActivities(fixture.clients);
    for (const node of plan.nodes) {
      const result = expectWrite(await activities.ensureNode({ node }), node.key);
      assert.equal(result.outcome, "unchanged", node.key);
    }
    const writes = fixture.emulator.admin
      .requestLog()
      .slice(logBefore)
      .filter((entry) => ["PUT", "PATCH", "DELETE"].includes(entry.method));
    assert.deepEqual(writes, []);
  });

  it("updates the cluster with a PATCH naming what changed (a PUT would recreate it), then is unchanged", async () => {
    const node = nodeOf(plan, "managedRedisCluster");
    const changed: PlanNode = {
      ...node,
      desired: { ...node.desired, sku: { name: "Balanced_B5" } },
    };
    const logBefore = fixture.emulator.admin.requestLog().length;
    const result = await steps.ensure(changed);
    assert.equal(result.action, "update");
    assert.deepEqual(result.changedPaths, ["sku.name"]);
    assert.equal((await waitForOperation(steps, result))?.outcome, "succeeded");
    const writes = fixture.emulator.admin
      .requestLog()
      .slice(logBefore)
      .filter((entry) => entry.method !== "GET");
    assert.deepEqual(
      writes.map((entry) => [entry.method, entry.status]),
      [["PATCH", 202]],
    );
    assert.equal(stored(node.id).sku?.name, "Balanced_B5");
    assert.equal(stored(node.id).properties.publicNetworkAccess, "Disabled");
    assert.equal((await steps.ensure(changed)).outcome, "unchanged");
  });

  it("fails a change of the database's port naming the property, and writes nothing", async () => {
    const node = nodeOf(plan, "managedRedisDatabase");
    const properties = node.desired.properties as Record<string, unknown>;
    const changed = {
      ...node,
      desired: { properties: { ...properties, port: 10001 } },
    } as unknown as PlanNode;
    const logBefore = fixture.emulator.admin.requestLog().length;
    await assert.rejects(steps.ensure(changed), (error: unknown) => {
      assert.ok(isAzureError(error));
      assert.equal(error.code, IMMUTABLE_PROPERTY_CODE);
      assert.match(error.azureMessage, /properties\.port/);
      return true;
    });
    assert.deepEqual(
      fixture.emulator.admin
        .requestLog()
        .slice(logBefore)
        .filter((entry) => entry.method !== "GET"),
      [],
    );
  });

  it("with auth: entra, turns access keys off and writes no key: host and port only, no listKeys", async () => {
    const database = stored(nodeOf(entraPlan, "managedRedisDatabase").id);
    assert.equal(database.properties.accessKeysAuthentication, "Disabled");
    const secrets = nodeOf(entraPlan, "keyVaultSecrets").desired as unknown as KeyVaultSecretsDesired;
    assert.deepEqual(Object.keys(secrets.secretNames), ["sessions_cache_host", "sessions_cache_port"]);
    const cluster = nodeOf(entraPlan, "managedRedisCluster");
    const listKeys = fixture.emulator.admin
      .requestLog()
      .filter((entry) => /\/listKeys$/i.test(entry.path) && entry.path.includes(cluster.name));
    assert.deepEqual(listKeys, []);
    const vault = await fixture.clients.secretClientForVault(secrets.vaultId);
    assert.equal((await vault.getSecret("sessions-cache-port")).value, "10000");
  });

  it("with auth: entra, gives the workload identity the database: an access-policy assignment naming its object id", () => {
    const identity = nodeOf(entraPlan, "userAssignedIdentity");
    const assignment = stored(nodeOf(entraPlan, "managedRedisAccessPolicyAssignment").id);
    assert.equal(assignment.type, "Microsoft.Cache/redisEnterprise/databases/accessPolicyAssignments");
    const principalId = entraFacts[identity.key]?.principalId;
    assert.match(principalId ?? "", /^[0-9a-f-]{36}$/);
    assert.deepEqual(assignment.properties.user, { objectId: principalId });
    assert.equal(assignment.properties.accessPolicyName, "default");
    assert.equal(assignment.properties.provisioningState, "Succeeded");
  });

  it("applies an Entra plan again without a write: the assignment compares equal", async () => {
    const applied = await applyPlan(fixture, entraPlan);
    const written = applied.outcomes.filter((outcome) => !outcome.endsWith(":unchanged"));
    assert.deepEqual(written, []);
  });
});

describe("Azure Cache for Redis refused to a new customer", () => {
  let fixture: EmulatorFixture;
  const plan = planOf(
    [{ type: "base" }, { type: "redis", name: "legacy", engine: "azure-cache-for-redis" }],
    "acr",
  );

  before(async () => {
    fixture = await startFixture({
      timeScale: 0.0002,
      subscriptionId: SUBSCRIPTION_ID,
      // The tenant had no Azure Cache for Redis before 2026-04-01.
      faults: [
        { match: { resourceType: "Microsoft.Cache/redis" }, effect: { kind: "new-customer-create-refused" } },
      ],
    });
  });
  after(async () => fixture?.stop());

  it("fails the cache's create at once, with Azure's code and message, saying to switch to engine: azure-managed-redis", async () => {
    const activities = createProvisioningActivities(fixture.clients);
    const steps = createArmSteps(fixture.clients);
    await steps.ensure(nodeOf(plan, "resourceGroup"));
    const result = await activities.ensureNode({ node: nodeOf(plan, "redisCache") });
    assert.ok(isActivityFailure(result));
    assert.equal(result.outcome, "failed");
    assert.equal(result.error.kind, "invalidRequest");
    assert.equal(result.error.code, "BadRequest");
    assert.equal(result.error.statusCode, 400);
    assert.equal(result.error.retryable, false);
    assert.match(
      result.error.message,
      /^Creation of new Azure Cache for Redis resources is no longer supported/,
    );
    assert.match(result.error.message, /switch to engine: azure-managed-redis/);
  });

  it("reports other refusals of a cache as Azure gave them", async () => {
    fixture.emulator.admin.clearFaults();
    fixture.emulator.admin.addFaults([
      {
        match: { method: "PUT", resourceType: "Microsoft.Cache/redis" },
        times: 1,
        effect: { kind: "http", status: 400, code: "BadRequest", message: "The SKU is not offered here." },
      },
    ]);
    const activities = createProvisioningActivities(fixture.clients);
    const result = await activities.ensureNode({ node: nodeOf(plan, "redisCache") });
    assert.ok(isActivityFailure(result));
    assert.equal(result.error.message, "The SKU is not offered here.");
  });
});
