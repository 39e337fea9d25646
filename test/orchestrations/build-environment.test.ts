import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { parseResourceId } from "../../lib/azure/resource-id";
import { criticalPath } from "../../lib/plan";
import type { KeyVaultSecretsDesired, Plan } from "../../lib/plan/types";
import {
  BUILD_ENVIRONMENT,
  type BuildOutput,
  type EnvironmentProgress,
} from "../../orchestrations/contracts";
import { ensureNodeInstanceId } from "../../orchestrations/instance-ids";
import {
  everythingDurableRecorded,
  examplePlan,
  startWorld,
  waitForInstance,
  writesAmong,
  type OrchestrationWorld,
} from "./harness";

/** The secret values the build wrote to Key Vault (passwords and access keys), read back from the emulator. */
async function secretValues(world: OrchestrationWorld, plan: Plan): Promise<string[]> {
  const values: string[] = [];
  for (const node of plan.nodes.filter((n) => n.kind === "keyVaultSecrets")) {
    const desired = node.desired as unknown as KeyVaultSecretsDesired;
    const client = await world.clients.secretClientForVault(desired.vaultId);
    for (const [optaKey, name] of Object.entries(desired.secretNames)) {
      if (!/_(password|auth_token)$/.test(optaKey)) continue;
      const value = (await client.getSecret(name)).value;
      if (value) values.push(value);
    }
  }
  return values;
}

/**
 * The endpoints users need, read from the emulator's live resources with the SDK: what a build's
 * outputs must report (the data services' hosts by module).
 */
async function liveEndpoints(world: OrchestrationWorld, plan: Plan) {
  const nodeOf = (kind: string) => {
    const node = plan.nodes.find((n) => n.kind === kind);
    assert.ok(node, `the plan has a ${kind}`);
    return { module: node.module, ...parseResourceId(node.id) };
  };
  const cluster = nodeOf("managedCluster");
  const vault = nodeOf("keyVault");
  const server = nodeOf("postgresFlexibleServer");
  const cache = nodeOf("managedRedisCluster");
  const c = world.clients;
  const endpoints = {
    clusterFqdn: (await c.containerService.managedClusters.get(cluster.resourceGroup, cluster.name)).fqdn,
    keyVaultUri: (await c.keyVault.vaults.get(vault.resourceGroup, vault.name)).properties.vaultUri,
    hosts: {
      [server.module]: (await c.postgres.servers.get(server.resourceGroup, server.name))
        .fullyQualifiedDomainName,
      [cache.module]: (await c.managedRedis.redisEnterprise.get(cache.resourceGroup, cache.name)).hostName,
    },
  };
  for (const value of [endpoints.clusterFqdn, endpoints.keyVaultUri, ...Object.values(endpoints.hosts)])
    assert.ok(value, "the live resource has its endpoint");
  return endpoints;
}

/** Asserts that `output` reports the live cluster FQDN, vault URI and each data module's host. */
async function assertEndpointsReported(world: OrchestrationWorld, plan: Plan, output: BuildOutput) {
  const live = await liveEndpoints(world, plan);
  assert.equal(output.outputs.clusterFqdn, live.clusterFqdn);
  assert.equal(output.outputs.keyVaultUri, live.keyVaultUri);
  for (const [module, host] of Object.entries(live.hosts))
    assert.equal(output.outputs.dataModules[module]?.host, host, `${module} host`);
}

/** The first custom status that shows a node being created while a node is still pending. */
async function sampleProgressWhileRunning(
  world: OrchestrationWorld,
  instanceId: string,
): Promise<EnvironmentProgress | undefined> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const status = await world.engine.getStatus(instanceId);
    const progress = status?.customStatus as EnvironmentProgress | undefined;
    if (
      progress &&
      Object.values(progress.nodes).includes("pending") &&
      Object.values(progress.nodes).includes("creating")
    )
      return progress;
    if (status && status.runtimeStatus !== "Running" && status.runtimeStatus !== "Pending") return undefined;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return undefined;
}

describe("building examples/staging.yaml on the devhost against the emulator", () => {
  let world: OrchestrationWorld;
  let plan: Plan;

  before(async () => {
    plan = examplePlan();
    world = await startWorld(plan.subscriptionId);
  });
  after(async () => world?.close());

  test("builds every node, ends Completed with outputs, and no secret value is anywhere in Durable", async () => {
    const startedAt = Date.now();
    await world.engine.startNew(BUILD_ENVIRONMENT, {
      instanceId: plan.environmentId,
      input: { plan, requestedBy: "test" },
    });
    const midway = await sampleProgressWhileRunning(world, plan.environmentId);
    const status = await waitForInstance(world.engine, plan.environmentId, 150_000);
    assert.equal(status.runtimeStatus, "Completed", JSON.stringify(status.customStatus));
    assert.ok(midway, "progress was reported while the build ran");
    assert.equal(midway.operation, "apply");
    assert.ok(midway.etaSec > 0 && midway.stage !== undefined, JSON.stringify(midway));
    assert.ok(Object.values(midway.nodes).includes("creating"), "some node was being created");
    const output = status.output as BuildOutput;
    const progress = status.customStatus as EnvironmentProgress;
    const path = criticalPath(plan.nodes);
    console.log(
      `build: ${Date.now() - startedAt} ms real, ${progress.elapsedSec} s orchestration time; critical path ` +
        `${path.lengthSec} s (${path.keys.join(" > ")}); ratio ${(progress.elapsedSec / path.lengthSec).toFixed(2)}`,
    );

    for (const node of plan.nodes) assert.equal(output.nodes[node.key], "succeeded", node.key);
    assert.deepEqual(progress.nodes, output.nodes);
    assert.equal(progress.etaSec, 0);
    assert.equal(output.result, "succeeded");
    assert.equal(output.planHash, plan.hash);

    // Stages are views, not barriers: the cache starts with the resource group, long before the
    // network stage (Key Vault, its private endpoint) is done.
    const childStatus = async (key: string) => {
      const child = await world.engine.getStatus(ensureNodeInstanceId(plan.environmentId, key));
      assert.ok(child, `child instance of ${key}`);
      return child;
    };
    const cache = plan.nodes.find((node) => node.kind === "managedRedisCluster");
    assert.ok(cache);
    const cacheStartedMs = Date.parse((await childStatus(cache.key)).createdTime);
    const networkEndsMs = await Promise.all(
      plan.nodes
        .filter((node) => node.stage === "network")
        .map(async (node) => Date.parse((await childStatus(node.key)).lastUpdatedTime)),
    );
    assert.ok(
      cacheStartedMs < Math.max(...networkEndsMs),
      "the cache started before the network stage ended",
    );

    const resourceGroup = plan.nodes.find((node) => node.kind === "resourceGroup");
    assert.equal(output.outputs.resourceGroupId, resourceGroup?.id);
    for (const module of ["db", "cache"]) {
      const data = output.outputs.dataModules[module];
      assert.ok(data, `outputs for ${module}`);
      assert.ok(data.keyVaultSecretNames.length >= 2, `${module} secret names`);
      assert.equal(data.kubernetesSecret?.namespace, "staging");
    }
    await assertEndpointsReported(world, plan, output);

    const secrets = await secretValues(world, plan);
    assert.ok(secrets.length >= 2, "the build wrote the database password and the cache key");
    const recorded = await everythingDurableRecorded(world.engine);
    for (const secret of secrets) assert.ok(!recorded.includes(secret), "a secret value is in Durable state");
  });

  test("a re-apply reports every node unchanged, the same outputs, and writes nothing to Azure", async () => {
    const logBefore = world.emulator.admin.requestLog().length;
    // A finished instance's id is reused, as a new apply of the same environment does.
    const instanceId = plan.environmentId;
    await world.engine.startNew(BUILD_ENVIRONMENT, { instanceId, input: { plan, requestedBy: "test" } });
    const status = await waitForInstance(world.engine, instanceId, 90_000);
    assert.equal(status.runtimeStatus, "Completed", JSON.stringify(status.customStatus));
    const output = status.output as BuildOutput;
    for (const node of plan.nodes) assert.equal(output.nodes[node.key], "unchanged", node.key);
    await assertEndpointsReported(world, plan, output);
    const log = world.emulator.admin.requestLog().slice(logBefore);
    assert.ok(log.length >= plan.nodes.length, "the re-apply read the environment");
    assert.deepEqual(writesAmong(log), []);
  });
});
