/**
 * Every generated name is valid for its Azure resource type, whatever org, environment and module names
 * come in (unicode, maximum lengths, digits first). The rules below are written from Azure's naming
 * documentation, independently of the generator.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { planEnvironment } from "../../lib/plan/plan";
import { deterministicGuid, resourceName, slugify, stableHash, type NamedType } from "../../lib/plan/naming";
import type { EnvironmentSpec } from "../../lib/spec/types";
import { validateSpec } from "../../lib/spec/validate";
import { fullSpecDocument } from "../spec/fixtures";

/** Azure's rule per type: length range and a whole-name pattern (learn.microsoft.com naming rules). */
const AZURE_RULES: Record<NamedType, { min: number; max: number; pattern: RegExp }> = {
  resourceGroup: { min: 1, max: 90, pattern: /^[-\w.()]*[-\w()]$/ },
  virtualNetwork: { min: 2, max: 64, pattern: /^[A-Za-z0-9][-\w.]*\w$/ },
  subnet: { min: 1, max: 80, pattern: /^[A-Za-z0-9]([-\w.]*\w)?$/ },
  networkSecurityGroup: { min: 1, max: 80, pattern: /^[A-Za-z0-9]([-\w.]*\w)?$/ },
  publicIpAddress: { min: 1, max: 80, pattern: /^[A-Za-z0-9]([-\w.]*\w)?$/ },
  natGateway: { min: 1, max: 80, pattern: /^[A-Za-z0-9]([-\w.]*\w)?$/ },
  privateDnsZoneVnetLink: { min: 1, max: 80, pattern: /^[A-Za-z0-9]([-\w.]*\w)?$/ },
  privateEndpoint: { min: 2, max: 64, pattern: /^[A-Za-z0-9][-\w.]*\w$/ },
  managedCluster: { min: 1, max: 63, pattern: /^[A-Za-z0-9]([-\w]*[A-Za-z0-9])?$/ },
  aksDnsPrefix: { min: 1, max: 54, pattern: /^[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?$/ },
  // Key Vault: letters, digits, hyphens; starts with a letter; ends with a letter or digit; no "--".
  keyVault: { min: 3, max: 24, pattern: /^[A-Za-z](?!.*--)[-A-Za-z0-9]*[A-Za-z0-9]$/ },
  postgresFlexibleServer: { min: 3, max: 63, pattern: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/ },
  // Redis: letters, digits, hyphens; starts and ends with a letter or digit; no "--".
  redisCache: { min: 1, max: 63, pattern: /^[A-Za-z0-9]((?!.*--)[-A-Za-z0-9]*[A-Za-z0-9])?$/ },
  // Azure Managed Redis: letters and digits in groups joined by single hyphens (the REST spec's pattern),
  // under 45 characters so the name works in every region.
  managedRedisCluster: { min: 1, max: 44, pattern: /^[A-Za-z0-9]+(-[A-Za-z0-9]+)*$/ },
  dnsLabel: { min: 1, max: 63, pattern: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/ },
  // Container registry: 5-50 letters and digits only (the login server `<name>.azurecr.io`).
  containerRegistry: { min: 5, max: 50, pattern: /^[A-Za-z0-9]+$/ },
  // Storage account: 3-24 lower-case letters and digits only.
  storageAccount: { min: 3, max: 24, pattern: /^[a-z0-9]+$/ },
  // User-assigned identity: 3-128 letters, digits, hyphens and underscores, starting with a letter or digit.
  userAssignedIdentity: { min: 3, max: 128, pattern: /^[A-Za-z0-9][-\w]*$/ },
};

function assertValid(type: NamedType, name: string): void {
  const rule = AZURE_RULES[type];
  assert.ok(
    name.length >= rule.min && name.length <= rule.max,
    `${type} "${name}" has length ${name.length}`,
  );
  assert.match(name, rule.pattern, `${type} "${name}"`);
}

const TYPES = Object.keys(AZURE_RULES) as NamedType[];
const PREFIX_BY_TYPE: Partial<Record<NamedType, string>> = { dnsLabel: "" };

/** Names users might type, and worse: unicode, emoji, digits first, punctuation, very long. */
const anyName = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 80 }),
  fc.string({ unit: "binary", maxLength: 300 }),
  fc.stringMatching(/^[0-9][a-z0-9-]{0,40}$/),
  fc.constantFrom("", "-", "---", "ÄÖÜ-straße", "日本語", "🚀🚀", "a".repeat(500), "9".repeat(64), "x--y"),
);

describe("resourceName", () => {
  it("yields a valid name for every type over random org, environment and module names", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...TYPES),
        anyName,
        anyName,
        anyName,
        fc.uuid(),
        (type, org, environment, module, subscriptionId) => {
          const prefix = PREFIX_BY_TYPE[type] ?? "x";
          const name = resourceName(type, prefix, [org, environment, module], {
            subscriptionId,
            org,
            environment,
            module,
          });
          // A bare DNS label may come out empty for input with no usable character; its caller falls back.
          if (type === "dnsLabel" && name === "") return;
          assertValid(type, name);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("is a pure function of its inputs", () => {
    const owner = { subscriptionId: "s", org: "acme", environment: "staging", module: "db" };
    assert.equal(
      resourceName("keyVault", "kv", ["acme", "staging"], owner),
      resourceName("keyVault", "kv", ["acme", "staging"], { ...owner }),
    );
  });

  it("gives globally unique types a hash of subscription, org, environment and module", () => {
    const base = { subscriptionId: "sub-a", org: "acme", environment: "staging", module: "db" };
    const names = [
      base,
      { ...base, subscriptionId: "sub-b" },
      { ...base, org: "other" },
      { ...base, environment: "prod" },
      { ...base, module: "db2" },
    ].map((owner) => resourceName("postgresFlexibleServer", "pg", ["acme", "staging", "db"], owner));
    assert.equal(new Set(names).size, names.length);
    assert.ok(
      names[0]!.endsWith(`-${stableHash(["sub-a", "acme", "staging", "db", "postgresFlexibleServer"])}`),
    );
  });

  it("gives container registries, which refuse hyphens, the readable parts and the hash without them", () => {
    const owner = { subscriptionId: "s", org: "acme", environment: "staging", module: "" };
    const name = resourceName("containerRegistry", "acr", ["acme", "staging"], owner);
    assert.equal(name, `acracmestaging${stableHash(["s", "acme", "staging", "", "containerRegistry"])}`);
  });

  it("keeps readable names for local types that fit", () => {
    const owner = { subscriptionId: "s", org: "acme", environment: "staging", module: "" };
    assert.equal(resourceName("virtualNetwork", "vnet", ["acme", "staging"], owner), "vnet-acme-staging");
  });

  it("adds the hash when truncating, so long names that share a prefix stay distinct", () => {
    const long = "a".repeat(100);
    const first = resourceName("virtualNetwork", "vnet", [long, "one"], {
      subscriptionId: "s",
      org: long,
      environment: "one",
      module: "",
    });
    const second = resourceName("virtualNetwork", "vnet", [long, "two"], {
      subscriptionId: "s",
      org: long,
      environment: "two",
      module: "",
    });
    assert.notEqual(first, second);
    assertValid("virtualNetwork", first);
  });
});

describe("slugify", () => {
  it("folds accents and replaces everything else", () => {
    assert.equal(slugify("Café Zürich_01"), "cafe-zurich-01");
    assert.equal(slugify("--日本--"), "");
  });
});

describe("deterministicGuid", () => {
  it("is a GUID, stable for the same parts and different for others", () => {
    const guid = deterministicGuid(["scope", "role", "principal"]);
    assert.match(guid, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(deterministicGuid(["scope", "role", "principal"]), guid);
    assert.notEqual(deterministicGuid(["scope", "role", "other"]), guid);
  });
});

describe("names in a whole plan", () => {
  const KIND_TO_RULE: Partial<Record<string, NamedType>> = {
    resourceGroup: "resourceGroup",
    virtualNetwork: "virtualNetwork",
    subnet: "subnet",
    networkSecurityGroup: "networkSecurityGroup",
    publicIpAddress: "publicIpAddress",
    natGateway: "natGateway",
    privateDnsZoneVnetLink: "privateDnsZoneVnetLink",
    privateEndpoint: "privateEndpoint",
    managedCluster: "managedCluster",
    keyVault: "keyVault",
    postgresFlexibleServer: "postgresFlexibleServer",
    redisCache: "redisCache",
    managedRedisCluster: "managedRedisCluster",
    containerRegistry: "containerRegistry",
    storageAccount: "storageAccount",
    userAssignedIdentity: "userAssignedIdentity",
  };
  const validSpec = (): EnvironmentSpec => {
    const result = validateSpec(fullSpecDocument());
    assert.ok(result.ok);
    return result.spec;
  };

  it("are valid for their types over random org, environment and module names", () => {
    const spec = validSpec();
    fc.assert(
      fc.property(
        anyName,
        anyName,
        anyName,
        anyName,
        anyName,
        (org, environment, dbName, cacheName, storeName) => {
          // The planner must hold up even for names validation would refuse (defence in depth).
          const modules = spec.modules.map((module) =>
            module.type === "postgres"
              ? { ...module, name: dbName || "db" }
              : module.type === "redis"
                ? { ...module, name: cacheName || "cache" }
                : module,
          );
          if (modules[2]!.name === modules[3]!.name) return;
          const storage = {
            type: "storage" as const,
            name: storeName || "files",
            containers: ["uploads"],
            sku: "Standard_ZRS",
            versioning: true,
            soft_delete_days: 7,
          };
          if (modules.some((module) => module.name === storage.name)) return;
          modules.push(storage);
          const plan = planEnvironment(
            { ...spec, org_name: org, name: environment, modules },
            {
              provisionerPrincipalId: "33333333-3333-4333-8333-333333333333",
              provisionerIpRanges: ["203.0.113.0/24"],
            },
          );
          for (const node of plan.nodes) {
            const rule = KIND_TO_RULE[node.kind];
            if (rule) assertValid(rule, node.name);
            if (node.kind === "managedCluster") assertValid("aksDnsPrefix", String(node.desired.dnsPrefix));
            if (node.kind === "privateDnsZone")
              assert.match(node.name, /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/);
            if (node.kind === "roleAssignment")
              assert.match(node.name, /^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
