/**
 * Existing caches keep their engine: what an environment's record pins wins over the release's default
 * unless the spec names an engine, and records written before engines existed read as Azure Cache for
 * Redis.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { planEnvironment } from "../../lib/plan";
import { normalizeRecordedSpec, pinRecordedEngines } from "../../lib/spec/pinned-engines";
import type { EnvironmentSpec, ModuleSpec, RedisModule } from "../../lib/spec/types";
import { validateSpec } from "../../lib/spec/validate";
import { specDocument } from "./fixtures";

const CONTEXT = {
  provisionerPrincipalId: "33333333-3333-4333-8333-333333333333",
  provisionerIpRanges: ["203.0.113.0/24"],
};

function specOf(redis: Record<string, unknown>): EnvironmentSpec {
  const result = validateSpec(specDocument([{ type: "base" }, { type: "redis", name: "cache", ...redis }]));
  assert.ok(result.ok, JSON.stringify(!result.ok && result.problems));
  return result.spec;
}

/** `spec` as a release before engines recorded it: its redis modules without engine and auth. */
function beforeEngines(spec: EnvironmentSpec): EnvironmentSpec {
  const strip = <T extends object>(value: T): T =>
    Object.fromEntries(Object.entries(value).filter(([key]) => key !== "engine" && key !== "auth")) as T;
  return {
    ...spec,
    modules: spec.modules.map((module) => (module.type === "redis" ? (strip(module) as ModuleSpec) : module)),
    appliedDefaults: Object.fromEntries(Object.entries(spec.appliedDefaults).map(([k, v]) => [k, strip(v)])),
  };
}

const cacheOf = (spec: EnvironmentSpec) => spec.modules.find((m): m is RedisModule => m.type === "redis")!;

function pinned(given: EnvironmentSpec, recorded: EnvironmentSpec | undefined) {
  const result = pinRecordedEngines(given, recorded);
  assert.ok(result.ok, JSON.stringify(!result.ok && result.problems));
  return result;
}

describe("pinning recorded engines", () => {
  const legacy = beforeEngines(specOf({ engine: "azure-cache-for-redis" }));

  it("reads a record written before engines existed as Azure Cache for Redis with access keys", () => {
    const cache = cacheOf(normalizeRecordedSpec(legacy));
    assert.equal(cache.engine, "azure-cache-for-redis");
    assert.equal(cache.auth, "access-key");
  });

  it("keeps Azure Cache for Redis for such an environment when the spec leaves engine out, and plans the cache exactly as it was built", () => {
    const result = pinned(specOf({}), legacy);
    assert.equal(cacheOf(result.spec).engine, "azure-cache-for-redis");
    assert.deepEqual(result.switches, []);
    const plan = planEnvironment(result.spec, CONTEXT);
    const asBuilt = planEnvironment(normalizeRecordedSpec(legacy), CONTEXT);
    const arm = (p: typeof plan) =>
      p.nodes
        .filter((node) => node.stage !== "secrets")
        .map(({ key, id, desired }) => ({ key, id, desired }));
    assert.deepEqual(arm(plan), arm(asBuilt));
    assert.ok(plan.nodes.some((node) => node.kind === "redisCache"));
    assert.equal(
      plan.nodes.some((node) => node.kind === "managedRedisCluster"),
      false,
    );
    // Pinned again, so the next record holds it.
    assert.equal(result.spec.appliedDefaults.cache!.engine, "azure-cache-for-redis");
    assert.equal(
      plan.pinnedDefaults.cache && (plan.pinnedDefaults.cache as Record<string, unknown>).engine,
      "azure-cache-for-redis",
    );
  });

  it("keeps a recorded azure-cache-for-redis once the spec no longer names it", () => {
    const recorded = specOf({ engine: "azure-cache-for-redis" });
    assert.equal(cacheOf(pinned(specOf({}), recorded).spec).engine, "azure-cache-for-redis");
  });

  it("switches only when the spec names the engine, and reports the switch", () => {
    const result = pinned(specOf({ engine: "azure-managed-redis" }), legacy);
    assert.equal(cacheOf(result.spec).engine, "azure-managed-redis");
    assert.deepEqual(result.switches, [
      { module: "cache", from: "azure-cache-for-redis", to: "azure-managed-redis" },
    ]);
  });

  it("gives a cache the record does not know the release's default", () => {
    const result = pinned(
      specOf({}),
      beforeEngines(specOf({ name: "other", engine: "azure-cache-for-redis" })),
    );
    assert.equal(cacheOf(result.spec).engine, "azure-managed-redis");
    assert.equal(pinned(specOf({}), undefined).spec.modules.length, 2);
  });

  it("changes nothing for an environment already on Azure Managed Redis", () => {
    const spec = specOf({});
    const result = pinned(spec, spec);
    assert.deepEqual(result.spec, spec);
  });

  it("fails a spec whose other keys do not fit the pinned engine, naming the option to switch", () => {
    const result = pinRecordedEngines(specOf({ sku_name: "Balanced_B5" }), legacy);
    assert.equal(result.ok, false);
    assert.deepEqual(!result.ok && result.problems.map((problem) => problem.path), ["modules[1].sku_name"]);
    assert.match(
      !result.ok ? result.problems[0]!.message : "",
      /built with azure-cache-for-redis, which this environment keeps .*write engine: azure-managed-redis to replace it/,
    );
  });
});
