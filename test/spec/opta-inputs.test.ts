/**
 * Opta environment files as they are: what validateSpec accepts from Opta's Azure files (its admin groups,
 * its names for the network, its add-ons), with which warnings, and how it words the values Azure no
 * longer offers, each message naming the replacement this service would use.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import type { ClusterModule, EnvironmentSpec, SpecProblem } from "../../lib/spec/types";
import { validateSpec } from "../../lib/spec/validate";
import { repositoryRoot } from "../support/repository-root";
import { specDocument } from "./fixtures";

const fixture = (name: string) =>
  readFileSync(join(repositoryRoot(__dirname), "test", "fixtures", "opta", name), "utf8");

const GROUP_A = "5d6e7f80-1a2b-4c3d-9e4f-a0b1c2d3e4f5";
const GROUP_B = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

function accepted(input: unknown): { spec: EnvironmentSpec; warnings: readonly SpecProblem[] } {
  const result = validateSpec(input);
  assert.deepEqual(result.ok ? [] : result.problems, []);
  assert.ok(result.ok);
  return result;
}

function refused(input: unknown): readonly SpecProblem[] {
  const result = validateSpec(input);
  assert.equal(result.ok, false);
  return result.ok ? [] : result.problems;
}

function clusterOf(spec: EnvironmentSpec): ClusterModule {
  const cluster = spec.modules.find((module) => module.type === "k8s-cluster");
  assert.ok(cluster);
  return cluster;
}

describe("Opta's environment files", () => {
  it("accepts an environment shaped like Opta's Azure CI environment, building its ingress (k8s-base)", () => {
    const { spec, warnings } = accepted(fixture("environment.yaml"));
    assert.deepEqual(
      spec.modules.map((module) => module.type),
      ["base", "k8s-cluster", "k8s-base"],
    );
    assert.deepEqual(clusterOf(spec).admin_group_object_ids, [GROUP_A]);
    assert.deepEqual(warnings, []);
  });

  it("refuses Opta's retired Kubernetes default and its certificate key files, naming what to do instead", () => {
    const problems = refused(fixture("environment-written-out.yaml"));
    assert.deepEqual(
      problems.map((problem) => problem.path),
      ["modules[2].kubernetes_version", "modules[3].certificate_body_file", "modules[3].private_key_file"],
    );
    assert.equal(
      problems[0]!.message,
      "Kubernetes 1.21 is outside AKS's support window; this service would use 1.35, a current minor (supported: 1.34, 1.35, 1.36)",
    );
    for (const problem of problems.slice(1)) {
      assert.match(problem.message, /never goes into a spec/);
      assert.match(problem.message, /PUT \/api\/environments\/\{id\}\/certificates\/\{module name\}/);
    }
  });

  it("accepts the written-out environment once its version is current and its key files are gone, with a warning for each Opta-ism", () => {
    const text = fixture("environment-written-out.yaml")
      .replace("kubernetes_version: 1.21.9", 'kubernetes_version: "1.35"')
      .replace(/^ +(private_key_file|certificate_body_file):.*\n/gm, "");
    const { spec, warnings } = accepted(text);
    assert.deepEqual(
      warnings.map((warning) => warning.path),
      [
        "modules[0].private_ipv4_cidr_block",
        "modules[0].subnet_ipv4_cidr_block",
        "modules[2].admin_group_object_ids",
      ],
    );
    assert.deepEqual(
      spec.modules.map((module) => module.type),
      ["base", "dns", "k8s-cluster", "external-ssl-cert", "k8s-base"],
    );
    assert.deepEqual(clusterOf(spec).admin_group_object_ids, []);
  });
});

describe("Opta's full module type names", () => {
  it("reads azure-base, azure-aks, azure-postgres and azure-k8s-base as the modules they are, with a warning", () => {
    const { spec, warnings } = accepted(
      specDocument([
        { type: "azure-base" },
        { type: "azure-aks" },
        { type: "azure-postgres" },
        { type: "azure-k8s-base" },
      ]),
    );
    assert.deepEqual(
      spec.modules.map((module) => [module.type, module.name]),
      [
        ["base", "base"],
        ["k8s-cluster", "k8s-cluster"],
        ["postgres", "postgres"],
        ["k8s-base", "k8s-base"],
      ],
    );
    assert.deepEqual(warnings, [
      { path: "modules[0].type", message: "Opta's full name for base: read as base" },
      { path: "modules[1].type", message: "Opta's full name for k8s-cluster: read as k8s-cluster" },
      { path: "modules[2].type", message: "Opta's full name for postgres: read as postgres" },
      { path: "modules[3].type", message: "Opta's full name for k8s-base: read as k8s-base" },
    ]);
  });
});

describe("k8s-cluster admin_group_object_ids", () => {
  it("accepts Entra ID group object ids, lower-cased and sorted", () => {
    const { spec, warnings } = accepted(
      specDocument([
        { type: "base" },
        { type: "k8s-cluster", admin_group_object_ids: [GROUP_A.toUpperCase(), GROUP_B] },
      ]),
    );
    assert.deepEqual(clusterOf(spec).admin_group_object_ids, [GROUP_B, GROUP_A]);
    assert.deepEqual(warnings, []);
  });

  it('reads Opta\'s [""] as no group, with a warning rather than an error', () => {
    const { spec, warnings } = accepted(
      specDocument([{ type: "base" }, { type: "k8s-cluster", admin_group_object_ids: [""] }]),
    );
    assert.deepEqual(clusterOf(spec).admin_group_object_ids, []);
    assert.deepEqual(warnings, [
      {
        path: "modules[1].admin_group_object_ids",
        message:
          'an empty entry ("", as in Opta\'s examples) names no group and is ignored; list Entra ID group object ids to make those groups cluster admins',
      },
    ]);
  });

  it("is empty when left out, and pins no default for it", () => {
    const { spec } = accepted(specDocument([{ type: "base" }, { type: "k8s-cluster" }]));
    assert.deepEqual(clusterOf(spec).admin_group_object_ids, []);
    assert.equal("admin_group_object_ids" in (spec.appliedDefaults["k8s-cluster"] ?? {}), false);
  });

  it("fails on an entry that is not a GUID, and on a group listed twice", () => {
    assert.deepEqual(
      refused(
        specDocument([
          { type: "base" },
          { type: "k8s-cluster", admin_group_object_ids: ["platform-admins", GROUP_A] },
        ]),
      ),
      [
        {
          path: "modules[1].admin_group_object_ids[0]",
          message:
            '"platform-admins" is not an Entra ID group object id (a GUID such as 00000000-0000-0000-0000-000000000000)',
        },
      ],
    );
    assert.deepEqual(
      refused(
        specDocument([
          { type: "base" },
          { type: "k8s-cluster", admin_group_object_ids: [GROUP_A, GROUP_A.toUpperCase()] },
        ]),
      ),
      [{ path: "modules[1].admin_group_object_ids", message: "must not repeat a group" }],
    );
  });
});

describe("base: Opta's names for the network", () => {
  it("reads private_ipv4_cidr_block as vnet_cidr", () => {
    const { spec, warnings } = accepted(
      specDocument([{ type: "base", private_ipv4_cidr_block: "10.8.0.0/16" }]),
    );
    const base = spec.modules[0]!;
    assert.equal(base.type === "base" && base.vnet_cidr, "10.8.0.0/16");
    assert.deepEqual(warnings, [
      {
        path: "modules[0].private_ipv4_cidr_block",
        message: "Opta's name for the VNet's range: read as vnet_cidr (10.8.0.0/16)",
      },
    ]);
    assert.equal(
      "vnet_cidr" in (spec.appliedDefaults.base ?? {}),
      false,
      "a value given by Opta's name is no default",
    );
  });

  it("makes Opta's one subnet the node subnet and lays the other subnets out in the rest of the VNet, saying so", () => {
    const { spec, warnings } = accepted(
      specDocument([
        { type: "base", private_ipv4_cidr_block: "10.0.0.0/16", subnet_ipv4_cidr_block: "10.0.0.0/17" },
        { type: "k8s-cluster" },
        { type: "postgres", name: "db" },
      ]),
    );
    assert.deepEqual(spec.modules[0], {
      type: "base",
      name: "base",
      vnet_cidr: "10.0.0.0/16",
      nodes_subnet_cidr: "10.0.0.0/17",
      private_endpoints_subnet_cidr: "10.0.128.0/24",
      postgres_subnet_cidr: "10.0.129.0/24",
      container_registry: true,
    });
    assert.deepEqual(warnings[1], {
      path: "modules[0].subnet_ipv4_cidr_block",
      message:
        "Opta's one subnet becomes the node subnet: read as nodes_subnet_cidr (10.0.0.0/17); private endpoints get private_endpoints_subnet_cidr (10.0.128.0/24) and PostgreSQL gets its delegated postgres_subnet_cidr (10.0.129.0/24), outside it in the rest of the VNet",
    });
  });

  it("keeps subnets given beside Opta's subnet, and only moves defaults that would overlap it", () => {
    const { spec } = accepted(
      specDocument([
        { type: "base", subnet_ipv4_cidr_block: "10.0.64.0/18", postgres_subnet_cidr: "10.0.200.0/24" },
      ]),
    );
    assert.deepEqual(spec.modules[0], {
      type: "base",
      name: "base",
      vnet_cidr: "10.0.0.0/16",
      nodes_subnet_cidr: "10.0.64.0/18",
      private_endpoints_subnet_cidr: "10.0.0.0/24",
      postgres_subnet_cidr: "10.0.200.0/24",
      container_registry: true,
    });
  });

  it("fails when an Opta name and this spec's name both give one value, naming both paths", () => {
    assert.deepEqual(
      refused(
        specDocument([
          {
            type: "base",
            vnet_cidr: "10.1.0.0/16",
            private_ipv4_cidr_block: "10.1.0.0/16",
            nodes_subnet_cidr: "10.1.0.0/18",
            subnet_ipv4_cidr_block: "10.1.0.0/17",
          },
        ]),
      ),
      [
        {
          path: "modules[0].private_ipv4_cidr_block",
          message: "is Opta's name for vnet_cidr, which modules[0].vnet_cidr also sets; keep one of the two",
        },
        {
          path: "modules[0].subnet_ipv4_cidr_block",
          message:
            "is Opta's name for nodes_subnet_cidr, which modules[0].nodes_subnet_cidr also sets; keep one of the two",
        },
      ],
    );
  });

  it("fails when Opta's subnet fills the VNet, leaving no room for the other subnets", () => {
    assert.deepEqual(refused(specDocument([{ type: "base", subnet_ipv4_cidr_block: "10.0.0.0/16" }])), [
      {
        path: "modules[0].vnet_cidr",
        message:
          "the given subnets leave no room in 10.0.0.0/16 for private_endpoints_subnet_cidr, postgres_subnet_cidr; set them explicitly",
      },
    ]);
  });
});

describe("values Azure no longer offers", () => {
  const problemOf = (module: Record<string, unknown>) => {
    const problems = refused(specDocument([{ type: "base" }, module]));
    assert.equal(problems.length, 1, JSON.stringify(problems));
    return problems[0]!.message;
  };

  it("names the current Kubernetes minor for Opta's 1.21.9", () => {
    assert.match(
      problemOf({ type: "k8s-cluster", kubernetes_version: "1.21.9" }),
      /this service would use 1\.35/,
    );
  });

  it("names the current PostgreSQL major for Opta's 11", () => {
    assert.equal(
      problemOf({ type: "postgres", engine_version: "11" }),
      "PostgreSQL 11 is not offered for new flexible servers; this service would use 17, the current major (offered: 14, 15, 16, 17, 18)",
    );
  });

  it("names the nearest flexible server SKU for each Single Server tier: same tier, same vCores", () => {
    const nearest = (sku: string) =>
      /the nearest flexible server SKU is (\S+)/.exec(problemOf({ type: "postgres", sku_name: sku }))?.[1];
    assert.equal(nearest("GP_Gen5_4"), "Standard_D4ds_v5");
    assert.equal(nearest("GP_Gen5_64"), "Standard_D64ds_v5");
    assert.equal(nearest("gp_gen4_2"), "Standard_D2ds_v5");
    assert.equal(nearest("MO_Gen5_16"), "Standard_E16ds_v5");
    assert.equal(nearest("B_Gen5_1"), "Standard_B1ms");
    assert.equal(nearest("B_Gen5_2"), "Standard_B2s");
  });

  it("reads Opta's lower-case Redis tier and family in Azure's spelling, with a warning naming it", () => {
    const { spec, warnings } = accepted(
      specDocument([{ type: "base" }, { type: "redis", sku_name: "standard", family: "c" }]),
    );
    const redis = spec.modules[1]!;
    assert.deepEqual(redis.type === "redis" && [redis.sku_name, redis.family], ["Standard", "C"]);
    assert.deepEqual(warnings.slice(0, 2), [
      {
        path: "modules[1].sku_name",
        message: '"standard" is read as Standard, Azure\'s spelling, which the plan uses',
      },
      { path: "modules[1].family", message: '"c" is read as C, Azure\'s spelling, which the plan uses' },
    ]);
    // And Opta's Azure Cache for Redis size is built as Azure Managed Redis, saying which SKU.
    assert.match(warnings[2]?.message ?? "", /Standard C2 .* as Balanced_B3/);
  });

  it("refuses a VM size or PostgreSQL SKU in another casing, naming Azure's spelling", () => {
    assert.equal(
      problemOf({ type: "k8s-cluster", node_instance_type: "standard_d4s_v5" }),
      '"standard_d4s_v5" must be written Standard_D4s_v5: AKS reads VM sizes case-sensitively',
    );
    assert.equal(
      problemOf({ type: "postgres", sku_name: "standard_d2ds_v5" }),
      '"standard_d2ds_v5" must be written Standard_D2ds_v5',
    );
  });
});

describe("data modules: kubernetes_secret.keys", () => {
  it("renames a fact's Kubernetes key, as Opta's links could", () => {
    const { spec } = accepted(
      specDocument([
        { type: "base" },
        { type: "k8s-cluster" },
        {
          type: "redis",
          name: "cache",
          kubernetes_secret: { namespace: "api", keys: { cache_host: "REDIS_HOST" } },
        },
      ]),
    );
    const redis = spec.modules[2]!;
    assert.deepEqual(redis.type === "redis" && redis.kubernetes_secret, {
      namespace: "api",
      name: "cache-connection",
      keys: { cache_host: "REDIS_HOST" },
    });
  });

  it("fails on a fact the module does not have, a key Kubernetes refuses, and two facts under one key", () => {
    assert.deepEqual(
      refused(
        specDocument([
          { type: "base" },
          { type: "k8s-cluster" },
          { type: "redis", kubernetes_secret: { keys: { db_host: "HOST", cache_host: "redis host" } } },
          { type: "postgres", name: "db", kubernetes_secret: { keys: { db_user: "db_db_host" } } },
        ]),
      ),
      [
        {
          path: "modules[2].kubernetes_secret.keys.cache_host",
          message: "must be a Kubernetes Secret key: letters, digits, hyphens, underscores and dots",
        },
        {
          path: "modules[2].kubernetes_secret.keys.db_host",
          message: "unknown key; allowed keys here: cache_host, cache_port, cache_auth_token",
        },
        {
          path: "modules[3].kubernetes_secret.keys.db_user",
          message: "db_db_host is also the key of db_host; give each fact its own key",
        },
      ],
    );
  });
});
