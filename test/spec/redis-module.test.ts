/**
 * The `redis` module: Azure Managed Redis by default, sized from Opta's `sku_name`/`family`/`capacity`
 * by Microsoft's published mapping (one test per row), or from a Managed Redis SKU; Azure Cache for
 * Redis on request; authentication with access keys or Microsoft Entra ID.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { planEnvironment } from "../../lib/plan";
import type { Plan, PlanNode } from "../../lib/plan/types";
import { MANAGED_REDIS_SKU_MAPPING, REDIS_SKUS } from "../../lib/spec/azure-catalog";
import type { EnvironmentSpec, RedisModule, SpecProblem } from "../../lib/spec/types";
import { validateSpec } from "../../lib/spec/validate";
import { specDocument } from "./fixtures";

const CONTEXT = {
  provisionerPrincipalId: "33333333-3333-4333-8333-333333333333",
  provisionerIpRanges: ["203.0.113.0/24"],
};

function accepted(redis: Record<string, unknown>, cluster = false) {
  const result = validateSpec(
    specDocument([
      { type: "base" },
      ...(cluster ? [{ type: "k8s-cluster" }] : []),
      { type: "redis", name: "cache", ...redis },
    ]),
  );
  assert.ok(result.ok, JSON.stringify(!result.ok && result.problems));
  const module = result.spec.modules.find((m): m is RedisModule => m.type === "redis")!;
  return {
    spec: result.spec,
    module,
    warnings: result.warnings,
    plan: planEnvironment(result.spec, CONTEXT),
  };
}

function refused(redis: Record<string, unknown>): SpecProblem[] {
  const result = validateSpec(specDocument([{ type: "base" }, { type: "redis", name: "cache", ...redis }]));
  assert.equal(result.ok, false);
  return result.ok ? [] : [...result.problems];
}

const nodeOf = (plan: Plan, kind: PlanNode["kind"]) => plan.nodes.find((node) => node.kind === kind);

describe("Microsoft's mapping of Azure Cache for Redis sizes to Azure Managed Redis", () => {
  // The 19 sizes Azure Cache for Redis offers, each with the SKU Microsoft names for it.
  const rows: readonly [tier: string, size: string, sku: string, highAvailability: boolean][] = [
    ["Basic", "C0", "Balanced_B0", false],
    ["Basic", "C1", "Balanced_B1", false],
    ["Basic", "C2", "Balanced_B3", false],
    ["Basic", "C3", "Balanced_B5", false],
    ["Basic", "C4", "MemoryOptimized_M20", false],
    ["Basic", "C5", "MemoryOptimized_M50", false],
    ["Basic", "C6", "MemoryOptimized_M50", false],
    ["Standard", "C0", "Balanced_B0", true],
    ["Standard", "C1", "Balanced_B1", true],
    ["Standard", "C2", "Balanced_B3", true],
    ["Standard", "C3", "Balanced_B5", true],
    ["Standard", "C4", "MemoryOptimized_M20", true],
    ["Standard", "C5", "MemoryOptimized_M50", true],
    ["Standard", "C6", "MemoryOptimized_M50", true],
    ["Premium", "P1", "Balanced_B5", true],
    ["Premium", "P2", "Balanced_B20", true],
    ["Premium", "P3", "Balanced_B50", true],
    ["Premium", "P4", "Balanced_B50", true],
    ["Premium", "P5", "Balanced_B100", true],
  ];

  for (const [tier, size, sku, highAvailability] of rows) {
    it(`builds ${tier} ${size} as ${sku}${highAvailability ? "" : " without high availability"}, with a warning naming it`, () => {
      const family = size[0]!;
      const capacity = Number(size.slice(1));
      const { plan, warnings } = accepted({ sku_name: tier, family, capacity });
      const cluster = nodeOf(plan, "managedRedisCluster")!;
      assert.deepEqual(cluster.desired.sku, { name: sku });
      assert.equal(
        (cluster.desired.properties as Record<string, unknown>).highAvailability,
        highAvailability ? "Enabled" : "Disabled",
      );
      assert.equal(warnings.length, 1);
      assert.equal(warnings[0]!.path, "modules[1].sku_name");
      assert.match(
        warnings[0]!.message,
        new RegExp(`^${tier} ${size} is an Azure Cache for Redis size;.* as ${sku} `),
      );
    });
  }

  it("has a row for every size Azure Cache for Redis offers, and no other", () => {
    const offered = Object.entries(REDIS_SKUS).flatMap(([tier, { family, capacities }]) =>
      capacities.map((capacity) => `${tier} ${family}${capacity}`),
    );
    assert.deepEqual(
      MANAGED_REDIS_SKU_MAPPING.map((row) => `${row.tier} ${row.family}${row.capacity}`),
      offered,
    );
    assert.equal(rows.length, offered.length);
  });

  it("takes, where Microsoft lists two SKUs (C4, C5, P2, P3), the one with more memory than the cache had", () => {
    for (const row of MANAGED_REDIS_SKU_MAPPING)
      assert.ok(row.additionalMemoryPercent >= 0, JSON.stringify(row));
  });

  it("builds the default (Opta's Standard C2) as Balanced_B3, highly available, without a warning", () => {
    const { module, plan, warnings } = accepted({});
    assert.equal(module.engine, "azure-managed-redis");
    assert.equal(module.managed_redis_sku, "Balanced_B3");
    assert.equal(module.high_availability, true);
    assert.deepEqual(nodeOf(plan, "managedRedisCluster")!.desired.sku, { name: "Balanced_B3" });
    assert.deepEqual(warnings, []);
  });

  it("lets a written high_availability win over the mapping's", () => {
    const { plan } = accepted({ sku_name: "Basic", family: "C", capacity: 1, high_availability: true });
    const properties = nodeOf(plan, "managedRedisCluster")!.desired.properties as Record<string, unknown>;
    assert.equal(properties.highAvailability, "Enabled");
  });
});

describe("Azure Managed Redis SKUs written as they are", () => {
  it("builds a Managed Redis SKU given by name, without a warning", () => {
    const { module, plan, warnings } = accepted({ sku_name: "ComputeOptimized_X5" });
    assert.equal(module.family, undefined);
    assert.equal(module.capacity, undefined);
    assert.deepEqual(nodeOf(plan, "managedRedisCluster")!.desired.sku, { name: "ComputeOptimized_X5" });
    assert.deepEqual(warnings, []);
  });

  it("fails a family or capacity beside a Managed Redis SKU, and one in another spelling", () => {
    assert.deepEqual(refused({ sku_name: "Balanced_B5", family: "C", capacity: 2 }), [
      {
        path: "modules[1].family",
        message:
          "sizes an Azure Cache for Redis tier; Balanced_B5 is an Azure Managed Redis SKU with its own size: remove family",
      },
      {
        path: "modules[1].capacity",
        message:
          "sizes an Azure Cache for Redis tier; Balanced_B5 is an Azure Managed Redis SKU with its own size: remove capacity",
      },
    ]);
    assert.deepEqual(refused({ sku_name: "balanced_b5" }), [
      { path: "modules[1].sku_name", message: '"balanced_b5" must be written Balanced_B5' },
    ]);
  });
});

describe("engines and authentication", () => {
  it("plans Azure Cache for Redis when asked, as before, warning that it is retiring", () => {
    const { plan, warnings } = accepted({ engine: "azure-cache-for-redis" });
    assert.deepEqual(nodeOf(plan, "redisCache")!.desired.sku, { name: "Standard", family: "C", capacity: 2 });
    assert.equal(nodeOf(plan, "managedRedisCluster"), undefined);
    assert.deepEqual(
      plan.nodes
        .filter((node) => node.kind === "privateDnsZone")
        .map((node) => node.name)
        .sort(),
      ["privatelink.azurecr.io", "privatelink.redis.cache.windows.net", "privatelink.vaultcore.azure.net"],
    );
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!.message, /retiring .*2028-09-30.*2026-04-01.*engine: azure-managed-redis/);
  });

  it("fails on what Azure Cache for Redis cannot take: a Managed Redis SKU, high_availability, auth: entra", () => {
    assert.deepEqual(
      refused({
        engine: "azure-cache-for-redis",
        sku_name: "Balanced_B3",
        high_availability: true,
        auth: "entra",
      }).map((problem) => problem.path),
      ["modules[1].sku_name", "modules[1].high_availability", "modules[1].auth"],
    );
  });

  it("fails on an unknown engine or authentication, naming the choices", () => {
    assert.deepEqual(refused({ engine: "memorystore", auth: "password" }), [
      {
        path: "modules[1].engine",
        message:
          "must be azure-managed-redis (Azure Managed Redis, the default) or azure-cache-for-redis (Azure Cache for Redis, retiring)",
      },
      {
        path: "modules[1].auth",
        message: "must be access-key (the cache's access key) or entra (Microsoft Entra ID, access keys off)",
      },
    ]);
  });

  it("with auth: entra, turns access keys off and writes host and port only", () => {
    const { plan } = accepted({ auth: "entra" }, true);
    const database = nodeOf(plan, "managedRedisDatabase")!.desired.properties as Record<string, unknown>;
    assert.equal(database.accessKeysAuthentication, "Disabled");
    assert.deepEqual(nodeOf(plan, "kubernetesSecret")!.desired.keys, {
      cache_cache_host: "cache-cache-host",
      cache_cache_port: "cache-cache-port",
    });
  });

  it("fails a rename of the access key of a cache with auth: entra, which has none", () => {
    const result = validateSpec(
      specDocument([
        { type: "base" },
        { type: "k8s-cluster" },
        {
          type: "redis",
          name: "cache",
          auth: "entra",
          kubernetes_secret: { keys: { cache_auth_token: "PW" } },
        },
      ]),
    );
    assert.deepEqual(!result.ok && result.problems, [
      {
        path: "modules[2].kubernetes_secret.keys.cache_auth_token",
        message:
          "a redis module with auth: entra has no cache_auth_token (access keys are off); remove this rename",
      },
    ]);
  });

  it("pins the defaulted engine and authentication into the plan", () => {
    const { spec, plan } = accepted({});
    const pinned = (spec as EnvironmentSpec).appliedDefaults.cache!;
    assert.equal(pinned.engine, "azure-managed-redis");
    assert.equal(pinned.auth, "access-key");
    assert.equal("managed_redis_sku" in pinned, false, "derived, never pinned");
    assert.deepEqual(plan.pinnedDefaults, spec.appliedDefaults);
  });
});
