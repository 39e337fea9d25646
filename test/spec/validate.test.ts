/**
 * validateSpec as a table: each valid spec is accepted, each invalid one is refused with exactly the
 * listed problems (path and message), all reported at once.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { validateSpec } from "../../lib/spec/validate";
import type { SpecProblem } from "../../lib/spec/types";
import { fullSpecDocument, specDocument } from "./fixtures";

const GUID_MESSAGE = "must be a GUID such as 00000000-0000-0000-0000-000000000000";
const NAME_MESSAGE =
  "must be 1–20 characters of lower-case letters, digits and hyphens, start with a letter and not end with a hyphen";

interface InvalidCase {
  readonly title: string;
  readonly input: unknown;
  readonly problems: readonly SpecProblem[];
}

const VALID: readonly { readonly title: string; readonly input: unknown }[] = [
  { title: "a base module alone", input: specDocument([{ type: "base" }]) },
  { title: "every module type once", input: fullSpecDocument() },
  {
    title: "explicit values for every key",
    input: specDocument([
      {
        type: "base",
        name: "net",
        vnet_cidr: "10.20.0.0/16",
        nodes_subnet_cidr: "10.20.0.0/20",
        private_endpoints_subnet_cidr: "10.20.16.0/24",
        postgres_subnet_cidr: "10.20.17.0/28",
      },
      {
        type: "k8s-cluster",
        name: "aks",
        kubernetes_version: "1.36.1",
        min_nodes: 1,
        max_nodes: 1,
        node_instance_type: "Standard_E8ds_v5",
        node_disk_size: 30,
        zones: [1, "2"],
        service_cidr: "192.168.0.0/20",
        dns_service_ip: "192.168.0.10",
        pod_cidr: "100.64.0.0/16",
        authorized_ip_ranges: ["203.0.113.0/24", "198.51.100.7"],
      },
      {
        type: "postgres",
        name: "orders",
        engine_version: 16,
        sku_name: "Standard_E4ds_v5",
        storage_gb: 128,
        backup_retention_days: 35,
        geo_redundant_backup: false,
        high_availability: true,
        database: "orders_db",
        kubernetes_secret: { namespace: "shop", name: "orders-db" },
      },
      {
        type: "redis",
        name: "sessions",
        sku_name: "premium",
        family: "P",
        capacity: 1,
        kubernetes_secret: false,
      },
    ]),
  },
  {
    title: "the smallest subnets that still fit (a /28 node subnet for 10 nodes, a /28 PostgreSQL subnet)",
    input: specDocument([
      {
        type: "base",
        vnet_cidr: "10.0.0.0/24",
        nodes_subnet_cidr: "10.0.0.0/28",
        private_endpoints_subnet_cidr: "10.0.0.64/26",
        postgres_subnet_cidr: "10.0.0.128/28",
      },
      { type: "k8s-cluster", min_nodes: 3, max_nodes: 10 },
    ]),
  },
  {
    title: "YAML text with comments",
    input: [
      "# staging",
      "name: staging",
      "org_name: acme",
      "providers:",
      "  azurerm: { location: westeurope, tenant_id: 22222222-2222-4222-8222-222222222222, subscription_id: 11111111-1111-4111-8111-111111111111 }",
      "modules:",
      "  - type: base",
      "  - type: redis",
    ].join("\n"),
  },
];

const INVALID: readonly InvalidCase[] = [
  {
    title: "fails on a non-mapping root",
    input: ["name", "staging"],
    problems: [
      { path: "", message: "the spec must be a mapping with name, org_name, providers and modules" },
    ],
  },
  {
    title: "fails listing every missing top-level key",
    input: {},
    problems: [
      { path: "name", message: "is required" },
      { path: "org_name", message: "is required" },
      { path: "providers", message: "is required" },
      { path: "modules", message: "is required" },
    ],
  },
  {
    title: "fails on names, ids and a location Azure does not have, and on unknown keys",
    input: specDocument([{ type: "base" }], {
      name: "Staging_1",
      org_name: "a-very-long-org-name",
      providers: { azurerm: { location: "mars", tenant_id: "nope", subscription_id: 42, region: "x" } },
      colour: "blue",
    }),
    problems: [
      { path: "name", message: NAME_MESSAGE },
      {
        path: "org_name",
        message: "must be 1–15 characters of lower-case letters, digits and hyphens (Opta's rule)",
      },
      {
        path: "providers.azurerm.location",
        message: 'unknown Azure location "mars"; use a region name such as eastus2, westeurope or uksouth',
      },
      { path: "providers.azurerm.tenant_id", message: GUID_MESSAGE },
      { path: "providers.azurerm.subscription_id", message: "must be a string, not the number 42" },
      {
        path: "providers.azurerm.region",
        message: "unknown key; allowed keys here: location, tenant_id, subscription_id",
      },
      { path: "colour", message: "unknown key; allowed keys here: name, org_name, providers, modules" },
    ],
  },
  {
    title: "fails on an empty module list",
    input: specDocument([]),
    problems: [{ path: "modules", message: "must list at least a base module" }],
  },
  {
    title: "fails on unknown, other-cloud and shapeless modules",
    input: specDocument([{ type: "base" }, { type: "postgress" }, { type: "aws-eks" }, 7, { name: "x" }]),
    problems: [
      {
        path: "modules[1].type",
        message:
          'unknown module type "postgress"; use one of base, k8s-cluster, postgres, redis, k8s-base, external-ssl-cert, dns, storage',
      },
      {
        path: "modules[2].type",
        message:
          '"aws-eks" is an Opta module for another cloud; this service builds Azure modules: base, k8s-cluster, postgres, redis, k8s-base, external-ssl-cert, dns, storage',
      },
      { path: "modules[3]", message: "must be a mapping with a type, e.g. { type: base }" },
      {
        path: "modules[4].type",
        message:
          "is required; use one of base, k8s-cluster, postgres, redis, k8s-base, external-ssl-cert, dns, storage",
      },
    ],
  },
  {
    title: "fails on data modules and a cluster without a base module",
    input: specDocument([{ type: "k8s-cluster" }, { type: "postgres", name: "db" }, { type: "redis" }]),
    problems: [
      {
        path: "modules[0].type",
        message:
          'a k8s-cluster module needs a base module (its network and Key Vault); add "- type: base" to modules',
      },
      {
        path: "modules[1].type",
        message:
          'a postgres module needs a base module (its network and Key Vault); add "- type: base" to modules',
      },
      {
        path: "modules[2].type",
        message:
          'a redis module needs a base module (its network and Key Vault); add "- type: base" to modules',
      },
    ],
  },
  {
    title: "fails on duplicate module names and a second base or cluster",
    input: specDocument([
      { type: "base" },
      { type: "k8s-cluster" },
      { type: "postgres", name: "data" },
      { type: "redis", name: "data" },
      { type: "k8s-cluster", name: "second" },
      { type: "base", name: "other" },
    ]),
    problems: [
      {
        path: "modules[3].name",
        message: 'duplicate module name "data" (modules[2] has it too); give each module a unique name',
      },
      { path: "modules[4].type", message: "only one k8s-cluster module is allowed (modules[1] is one)" },
      { path: "modules[5].type", message: "only one base module is allowed (modules[0] is one)" },
    ],
  },
  {
    title: "fails on an unnamed module sharing its type-name with a named one",
    input: specDocument([{ type: "base" }, { type: "redis" }, { type: "postgres", name: "redis" }]),
    problems: [
      {
        path: "modules[2].name",
        message: 'duplicate module name "redis" (modules[1] has it too); give each module a unique name',
      },
    ],
  },
  {
    title: "fails on bad module names",
    input: specDocument([
      { type: "base", name: "Base!" },
      { type: "redis", name: "9lives" },
    ]),
    problems: [
      { path: "modules[0].name", message: NAME_MESSAGE },
      { path: "modules[1].name", message: NAME_MESSAGE },
    ],
  },
  {
    title: "fails on CIDR syntax and host bits",
    input: specDocument([{ type: "base", vnet_cidr: "10.0.0.1/16", nodes_subnet_cidr: "10.0.0.0/33" }]),
    problems: [
      {
        path: "modules[0].vnet_cidr",
        message: '"10.0.0.1/16" has host bits set; write the network address 10.0.0.0/16',
      },
      {
        path: "modules[0].nodes_subnet_cidr",
        message: '"10.0.0.0/33" is not an IPv4 CIDR such as 10.0.0.0/16',
      },
    ],
  },
  {
    title: "fails on subnets outside the VNet or overlapping each other",
    input: specDocument([
      {
        type: "base",
        vnet_cidr: "10.0.0.0/16",
        nodes_subnet_cidr: "10.1.0.0/18",
        private_endpoints_subnet_cidr: "10.0.64.0/24",
        postgres_subnet_cidr: "10.0.64.128/25",
      },
    ]),
    problems: [
      { path: "modules[0].nodes_subnet_cidr", message: "10.1.0.0/18 is not inside vnet_cidr (10.0.0.0/16)" },
      {
        path: "modules[0].postgres_subnet_cidr",
        message:
          "10.0.64.128/25 overlaps private_endpoints_subnet_cidr (10.0.64.0/24); choose a range apart from it",
      },
    ],
  },
  {
    title: "fails on subnets too small for PostgreSQL or for the cluster's largest size",
    input: specDocument([
      {
        type: "base",
        vnet_cidr: "10.0.0.0/24",
        nodes_subnet_cidr: "10.0.0.0/28",
        private_endpoints_subnet_cidr: "10.0.0.64/26",
        postgres_subnet_cidr: "10.0.0.128/29",
      },
      { type: "k8s-cluster", min_nodes: 3, max_nodes: 11 },
    ]),
    problems: [
      {
        path: "modules[0].postgres_subnet_cidr",
        message: "10.0.0.128/29 is too small; PostgreSQL flexible server needs a /28 or larger",
      },
      {
        path: "modules[0].nodes_subnet_cidr",
        message: "10.0.0.0/28 has 11 usable addresses; max_nodes 11 needs 12 (one more for upgrades)",
      },
    ],
  },
  {
    title: "fails on a VNet too small for the default subnets",
    input: specDocument([{ type: "base", vnet_cidr: "10.0.0.0/24", nodes_subnet_cidr: "10.0.0.0/25" }]),
    problems: [
      {
        path: "modules[0].vnet_cidr",
        message:
          "a VNet smaller than /20 leaves no room for the default subnets; set private_endpoints_subnet_cidr, postgres_subnet_cidr explicitly",
      },
    ],
  },
  {
    title: "fails on service and pod CIDRs overlapping the VNet, each other or AKS's reserved ranges",
    input: specDocument([
      { type: "base" },
      {
        type: "k8s-cluster",
        service_cidr: "10.0.128.0/20",
        dns_service_ip: "10.0.128.10",
        pod_cidr: "10.0.128.0/17",
      },
    ]),
    problems: [
      {
        path: "modules[1].service_cidr",
        message: "10.0.128.0/20 overlaps the VNet's vnet_cidr (10.0.0.0/16); choose a range apart from it",
      },
      {
        path: "modules[1].pod_cidr",
        message: "10.0.128.0/17 overlaps the VNet's vnet_cidr (10.0.0.0/16); choose a range apart from it",
      },
      {
        path: "modules[1].pod_cidr",
        message: "10.0.128.0/17 overlaps service_cidr (10.0.128.0/20); choose a range apart from it",
      },
    ],
  },
  {
    title: "fails on a pod CIDR inside a range AKS reserves",
    input: specDocument([{ type: "base" }, { type: "k8s-cluster", pod_cidr: "172.30.0.0/16" }]),
    problems: [
      { path: "modules[1].pod_cidr", message: "172.30.0.0/16 overlaps 172.30.0.0/16, which AKS reserves" },
    ],
  },
  {
    title: "fails on a DNS service address outside the service CIDR, malformed, or reserved",
    input: specDocument([{ type: "base" }, { type: "k8s-cluster", dns_service_ip: "172.17.0.10" }]),
    problems: [
      {
        path: "modules[1].dns_service_ip",
        message: "172.17.0.10 is not inside service_cidr (172.16.0.0/16)",
      },
    ],
  },
  {
    title: "fails on a malformed DNS service address",
    input: specDocument([{ type: "base" }, { type: "k8s-cluster", dns_service_ip: "172.16.0.256" }]),
    problems: [
      {
        path: "modules[1].dns_service_ip",
        message: '"172.16.0.256" is not an IPv4 address such as 172.16.0.10',
      },
    ],
  },
  {
    title: "fails on the service CIDR's first address as DNS service address",
    input: specDocument([{ type: "base" }, { type: "k8s-cluster", dns_service_ip: "172.16.0.1" }]),
    problems: [
      {
        path: "modules[1].dns_service_ip",
        message: "172.16.0.1 is reserved in service_cidr; use a later address such as 172.16.0.10",
      },
    ],
  },
  {
    title: "fails on Kubernetes versions that are malformed, unquoted or outside the support window",
    input: specDocument([{ type: "base" }, { type: "k8s-cluster", kubernetes_version: "1.29" }]),
    problems: [
      {
        path: "modules[1].kubernetes_version",
        message:
          "Kubernetes 1.29 is outside AKS's support window; this service would use 1.35, a current minor (supported: 1.34, 1.35, 1.36)",
      },
    ],
  },
  {
    title: "fails on an unquoted Kubernetes version",
    input:
      "name: s\norg_name: o\nproviders: {azurerm: {location: eastus, tenant_id: 22222222-2222-4222-8222-222222222222, subscription_id: 11111111-1111-4111-8111-111111111111}}\nmodules:\n  - type: base\n  - type: k8s-cluster\n    kubernetes_version: 1.30\n",
    problems: [
      {
        path: "modules[1].kubernetes_version",
        message: 'must be a quoted string such as "1.35" (YAML reads an unquoted 1.3 as a number)',
      },
    ],
  },
  {
    title: "fails on a Kubernetes version that is not a version",
    input: specDocument([{ type: "base" }, { type: "k8s-cluster", kubernetes_version: "latest" }]),
    problems: [
      {
        path: "modules[1].kubernetes_version",
        message: '"latest" is not a Kubernetes version such as 1.35 or 1.35.2',
      },
    ],
  },
  {
    title: "fails on node counts out of range or inverted",
    input: specDocument([{ type: "base" }, { type: "k8s-cluster", min_nodes: 0, max_nodes: 1001 }]),
    problems: [
      { path: "modules[1].min_nodes", message: "must be at least 1" },
      { path: "modules[1].max_nodes", message: "must be at most 1000 (AKS's limit per node pool)" },
    ],
  },
  {
    title: "fails when max_nodes is below min_nodes",
    input: specDocument([{ type: "base" }, { type: "k8s-cluster", min_nodes: 4, max_nodes: 2 }]),
    problems: [{ path: "modules[1].max_nodes", message: "must be at least min_nodes (4); it is 2" }],
  },
  {
    title: "fails on fractional node counts, bad zones and an unknown VM size",
    input: specDocument([
      { type: "base" },
      { type: "k8s-cluster", min_nodes: 1.5, zones: ["1", "1", 4], node_instance_type: "Standard_X9" },
    ]),
    problems: [
      { path: "modules[1].min_nodes", message: "must be a whole number" },
      {
        path: "modules[1].node_instance_type",
        message:
          'unknown VM size "Standard_X9"; use a size such as Standard_D4s_v5, Standard_D8s_v5, Standard_E4s_v5',
      },
      { path: "modules[1].zones[2]", message: "must be an availability zone: 1, 2 or 3" },
    ],
  },
  {
    title: "fails on repeated zones",
    input: specDocument([{ type: "base" }, { type: "k8s-cluster", zones: ["1", 1] }]),
    problems: [{ path: "modules[1].zones", message: "must not repeat a zone" }],
  },
  {
    title: "fails on PostgreSQL SKUs, versions, sizes and retention Azure does not offer",
    input: specDocument([
      { type: "base" },
      {
        type: "postgres",
        engine_version: 11,
        sku_name: "GP_Gen5_4",
        storage_gb: 10,
        backup_retention_days: 3,
        geo_redundant_backup: "yes",
        database: "1st",
      },
      { type: "postgres", name: "other", sku_name: "Standard_Q1" },
    ]),
    problems: [
      {
        path: "modules[1].engine_version",
        message:
          "PostgreSQL 11 is not offered for new flexible servers; this service would use 17, the current major (offered: 14, 15, 16, 17, 18)",
      },
      {
        path: "modules[1].sku_name",
        message:
          '"GP_Gen5_4" is a Single Server SKU (General Purpose, 4 vCores), and Single Server is retired; the nearest flexible server SKU is Standard_D4ds_v5 (GeneralPurpose, 4 vCores)',
      },
      {
        path: "modules[1].storage_gb",
        message: "must be one of 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32767 (GiB)",
      },
      { path: "modules[1].backup_retention_days", message: "must be at least 7 days" },
      { path: "modules[1].geo_redundant_backup", message: 'must be true or false, not the string "yes"' },
      {
        path: "modules[1].database",
        message: "must be 1–63 letters, digits and underscores, not starting with a digit",
      },
      {
        path: "modules[2].sku_name",
        message:
          'unknown flexible server SKU "Standard_Q1"; use one such as Standard_B2s, Standard_D2ds_v5 or Standard_E4ds_v5',
      },
    ],
  },
  {
    title: "fails on high availability with a Burstable SKU",
    input: specDocument([
      { type: "base" },
      { type: "postgres", sku_name: "Standard_B2s", high_availability: true },
    ]),
    problems: [
      {
        path: "modules[1].high_availability",
        message:
          "zone-redundant high availability needs a GeneralPurpose or MemoryOptimized sku_name; Standard_B2s is Burstable",
      },
    ],
  },
  {
    title: "fails on Redis tiers, families and capacities that do not go together",
    input: specDocument([
      { type: "base" },
      { type: "redis", sku_name: "Premium", family: "C", capacity: 6 },
      { type: "redis", name: "other", sku_name: "enterprise" },
    ]),
    problems: [
      { path: "modules[1].family", message: "the Premium tier uses family P" },
      { path: "modules[1].capacity", message: "Premium offers capacities 1, 2, 3, 4, 5" },
      {
        path: "modules[2].sku_name",
        message:
          "must be an Azure Cache for Redis tier (Basic, Standard, Premium) or an Azure Managed Redis SKU such as Balanced_B3, MemoryOptimized_M20 or ComputeOptimized_X5",
      },
    ],
  },
  {
    title: "fails on Kubernetes secrets without a cluster",
    input: specDocument([
      { type: "base" },
      { type: "postgres", kubernetes_secret: { namespace: "apps" } },
      { type: "redis", kubernetes_secret: true },
    ]),
    problems: [
      {
        path: "modules[1].kubernetes_secret",
        message: "there is no k8s-cluster module to put the secret in; add one, or remove kubernetes_secret",
      },
      {
        path: "modules[2].kubernetes_secret",
        message: "there is no k8s-cluster module to put the secret in; add one, or remove kubernetes_secret",
      },
    ],
  },
  {
    title: "fails on bad Kubernetes secret placements and two modules writing one Secret",
    input: specDocument([
      { type: "base" },
      { type: "k8s-cluster" },
      { type: "postgres", kubernetes_secret: { namespace: "Apps_1", extra: 1 } },
      { type: "redis", kubernetes_secret: { name: "shared" } },
      { type: "redis", name: "cache2", kubernetes_secret: { name: "shared" } },
      { type: "redis", name: "cache3", kubernetes_secret: "yes" },
    ]),
    problems: [
      {
        path: "modules[2].kubernetes_secret.namespace",
        message: "must be a Kubernetes namespace: lower-case letters, digits and hyphens",
      },
      {
        path: "modules[2].kubernetes_secret.extra",
        message: "unknown key; allowed keys here: namespace, name, keys",
      },
      {
        path: "modules[4].kubernetes_secret",
        message: "modules[3] already writes the Kubernetes Secret staging/shared; choose another name",
      },
      {
        path: "modules[5].kubernetes_secret",
        message: "must be true, false, or a mapping with namespace, name and/or keys",
      },
    ],
  },
  {
    title: "fails on misspelt keys, suggesting the likely one",
    input: specDocument([{ type: "base" }, { type: "k8s-cluster", max_node: 4, Zones: ["1"] }]),
    problems: [
      { path: "modules[1].max_node", message: "unknown key; did you mean max_nodes?" },
      { path: "modules[1].Zones", message: "unknown key; did you mean zones?" },
    ],
  },
  {
    title: "fails on unknown module keys, naming the allowed ones",
    input: specDocument([{ type: "base", subnet_cidr: "10.0.0.0/17" }]),
    problems: [
      {
        path: "modules[0].subnet_cidr",
        message:
          "unknown key; allowed keys here: type, name, vnet_cidr, nodes_subnet_cidr, private_endpoints_subnet_cidr, postgres_subnet_cidr, private_ipv4_cidr_block, subnet_ipv4_cidr_block, container_registry",
      },
    ],
  },
];

describe("validateSpec", () => {
  for (const { title, input } of VALID) {
    it(`accepts ${title}`, () => {
      const result = validateSpec(input);
      assert.deepEqual(result.ok ? [] : result.problems, []);
      assert.equal(result.ok, true);
    });
  }

  for (const { title, input, problems } of INVALID) {
    it(title, () => {
      const result = validateSpec(input);
      assert.equal(result.ok, false);
      assert.deepEqual(result.ok ? [] : result.problems, problems);
    });
  }

  it("skips Opta modules it does not build, with a warning, and still accepts the spec", () => {
    const result = validateSpec(
      specDocument([{ type: "base" }, { type: "k8s-service" }, { type: "helm-chart" }]),
    );
    assert.equal(result.ok, true);
    assert.deepEqual(result.ok ? result.spec.modules.map((module) => module.type) : [], ["base"]);
    assert.deepEqual(result.warnings, [
      {
        path: "modules[1].type",
        message:
          'Opta module type "k8s-service" is not built by this service and is skipped; it builds base, k8s-cluster, postgres, redis, k8s-base, external-ssl-cert, dns, storage',
      },
      {
        path: "modules[2].type",
        message:
          'Opta module type "helm-chart" is not built by this service and is skipped; it builds base, k8s-cluster, postgres, redis, k8s-base, external-ssl-cert, dns, storage',
      },
    ]);
  });

  it("fails when every listed module is skipped", () => {
    const result = validateSpec(specDocument([{ type: "k8s-service" }]));
    assert.equal(result.ok, false);
    assert.deepEqual(result.ok ? [] : result.problems, [
      { path: "modules", message: "must list at least a base module (every listed module is skipped)" },
    ]);
  });

  it("accepts the same spec as YAML text, JSON text and a parsed value", () => {
    const document = fullSpecDocument();
    const fromValue = validateSpec(document);
    const fromJson = validateSpec(JSON.stringify(document));
    assert.equal(fromValue.ok, true);
    assert.deepEqual(fromJson, fromValue);
  });

  it("names modules after their type when unnamed, and normalises Opta's lower-case Redis tier", () => {
    const result = validateSpec(specDocument([{ type: "base" }, { type: "redis", sku_name: "standard" }]));
    assert.ok(result.ok);
    const redis = result.spec.modules[1]!;
    assert.equal(redis.name, "redis");
    assert.equal(redis.type === "redis" && redis.sku_name, "Standard");
  });

  it("puts each data module's Kubernetes Secret in the environment's namespace by default", () => {
    const result = validateSpec(fullSpecDocument());
    assert.ok(result.ok);
    const placements = result.spec.modules.flatMap((module) =>
      module.type === "postgres" || module.type === "redis" ? [[module.name, module.kubernetes_secret]] : [],
    );
    assert.deepEqual(placements, [
      ["db", { namespace: "staging", name: "db-connection" }],
      ["cache", { namespace: "staging", name: "cache-connection" }],
    ]);
  });

  it("places no Kubernetes Secret when the spec has no cluster", () => {
    const result = validateSpec(specDocument([{ type: "base" }, { type: "postgres" }]));
    assert.ok(result.ok);
    const postgres = result.spec.modules[1]!;
    assert.equal(postgres.type === "postgres" && postgres.kubernetes_secret, false);
  });
});
