/**
 * planEnvironment: determinism, a sound DAG with only real dependencies, the secure defaults of
 * README.md ("What an environment is") in the SDK bodies, secret steps per data module, and pinned defaults.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ManagedCluster } from "@azure/arm-containerservice";
import type { Server } from "@azure/arm-postgresql-flexible";
import { canonicalHash, canonicalJson } from "../../lib/plan/canonical-json";
import { isPlanContextError } from "../../lib/plan/errors";
import { isSpecValidationError } from "../../lib/spec/errors";
import { topologicalOrder } from "../../lib/plan/graph";
import { planEnvironment } from "../../lib/plan/plan";
import { summarizePlan } from "../../lib/plan/summary";
import type { Plan, PlanNode } from "../../lib/plan/types";
import type { EnvironmentSpec } from "../../lib/spec/types";
import { validateSpec } from "../../lib/spec/validate";
import { fullSpecDocument, SUBSCRIPTION_ID, specDocument } from "../spec/fixtures";

const PRINCIPAL = "33333333-3333-4333-8333-333333333333";
const CONTEXT = {
  provisionerPrincipalId: PRINCIPAL,
  provisionerIpRanges: ["203.0.113.0/24", "198.51.100.7"],
};

function spec(document: unknown = fullSpecDocument()): EnvironmentSpec {
  const result = validateSpec(document);
  assert.deepEqual(result.ok ? [] : result.problems, []);
  assert.ok(result.ok);
  return result.spec;
}

/** A node's desired body as the SDK model it is documented to be. */
function sdkBody<T>(node: PlanNode): T {
  return node.desired as unknown as T;
}

function nodeOf(plan: Plan, key: string): PlanNode {
  const found = plan.nodes.find((node) => node.key === key);
  assert.ok(found, `the plan has no node ${key}; it has ${plan.nodes.map((node) => node.key).join(", ")}`);
  return found;
}

const FULL = planEnvironment(spec(), CONTEXT);

describe("planEnvironment determinism", () => {
  it("gives byte-identical JSON for the same spec and context", () => {
    const again = planEnvironment(spec(), { ...CONTEXT });
    assert.equal(JSON.stringify(again), JSON.stringify(FULL));
  });

  it("does not depend on the order of the provisioner's IP ranges", () => {
    const reordered = planEnvironment(spec(), {
      ...CONTEXT,
      provisionerIpRanges: [...CONTEXT.provisionerIpRanges].reverse(),
    });
    assert.equal(reordered.hash, FULL.hash);
  });

  it("hashes the canonical JSON of everything but the hash", () => {
    const { hash, ...body } = FULL;
    assert.equal(hash, canonicalHash(body));
    assert.match(hash, /^[0-9a-f]{64}$/);
  });

  it("changes its hash when the spec changes", () => {
    const document = fullSpecDocument();
    (document.modules as Record<string, unknown>[])[1]!.max_nodes = 9;
    assert.notEqual(planEnvironment(spec(document), CONTEXT).hash, FULL.hash);
  });

  it("writes canonical JSON with sorted keys at every level", () => {
    assert.equal(
      canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: null } }),
      '{"a":{"c":null,"d":[{"y":2,"z":1}]},"b":1}',
    );
  });
});

describe("planEnvironment DAG", () => {
  it("lists nodes in topological order with unique keys and known dependencies", () => {
    assert.deepEqual(
      topologicalOrder(FULL.nodes).map((node) => node.key),
      FULL.nodes.map((node) => node.key),
    );
  });

  it("depends only on what each resource really needs", () => {
    const dependencies = (key: string) => nodeOf(FULL, key).dependsOn;
    assert.deepEqual(dependencies("cache/cluster"), ["base/resource-group"]);
    assert.deepEqual(dependencies("cache/database"), ["cache/cluster"]);
    assert.deepEqual(dependencies("cache/private-endpoint"), [
      "base/dns-zone-managed-redis",
      "base/subnet-private-endpoints",
      "cache/cluster",
    ]);
    assert.deepEqual(dependencies("cache/dns-zone-group"), [
      "base/dns-zone-managed-redis",
      "cache/private-endpoint",
    ]);
    assert.deepEqual(dependencies("cache/key-vault-secrets"), [
      "base/key-vault",
      "base/role-vault-secrets-officer",
      "cache/cluster",
      "cache/database",
    ]);
    assert.deepEqual(dependencies("db/server"), [
      "base/dns-link-postgres",
      "base/key-vault",
      "base/role-vault-secrets-officer",
      "base/subnet-postgres",
    ]);
    assert.deepEqual(dependencies("k8s-cluster/cluster"), ["base/subnet-nodes"]);
    assert.deepEqual(dependencies("base/subnet-nodes"), ["base/nat-gateway", "base/nsg-nodes", "base/vnet"]);
    // The environment's namespace is made once, before anything is written into it.
    assert.deepEqual(dependencies("db/kubernetes-secret"), [
      "db/key-vault-secrets",
      "k8s-cluster/cluster",
      "k8s-cluster/namespace",
      "k8s-cluster/role-cluster-admin",
    ]);
    assert.deepEqual(dependencies("k8s-cluster/namespace"), [
      "k8s-cluster/cluster",
      "k8s-cluster/role-cluster-admin",
    ]);
  });

  it("chains PostgreSQL configuration writes one after another", () => {
    assert.deepEqual(nodeOf(FULL, "db/configuration-require-secure-transport").dependsOn, ["db/server"]);
    assert.deepEqual(nodeOf(FULL, "db/configuration-ssl-min-protocol-version").dependsOn, [
      "db/configuration-require-secure-transport",
    ]);
  });

  it("puts Azure Managed Redis and its connection secrets on the critical path of the full environment", () => {
    const summary = summarizePlan(FULL);
    assert.deepEqual(summary.criticalPath.keys, [
      "base/resource-group",
      "cache/cluster",
      "cache/database",
      "cache/key-vault-secrets",
      "cache/kubernetes-secret",
    ]);
    assert.equal(summary.estimatedBuildSec, 1 + 600 + 60 + 15 + 15);
    assert.deepEqual(
      summary.stages.map((stage) => [stage.stage, stage.nodeCount]),
      [
        ["network", 25],
        ["cluster", 6],
        ["data", 8],
        ["secrets", 6],
      ],
    );
  });

  it("starts the cache right after the resource group, long before the network is done", () => {
    const schedule = new Map(summarizePlan(FULL).schedule.map((entry) => [entry.key, entry]));
    assert.equal(schedule.get("cache/cluster")!.startSec, schedule.get("base/resource-group")!.finishSec);
  });
});

describe("planEnvironment resources", () => {
  it("tags every ARM resource with org, environment, module and managed-by", () => {
    for (const node of FULL.nodes) {
      if (!("tags" in node.desired)) continue;
      assert.deepEqual(node.desired.tags, {
        org: "acme",
        environment: "staging",
        module: node.module,
        "managed-by": "azure-env-provisioner",
      });
    }
    const tagged = FULL.nodes.filter((node) => "tags" in node.desired).map((node) => node.kind);
    for (const kind of [
      "resourceGroup",
      "virtualNetwork",
      "keyVault",
      "managedCluster",
      "postgresFlexibleServer",
      "managedRedisCluster",
    ]) {
      assert.ok(tagged.includes(kind as PlanNode["kind"]), `${kind} carries tags`);
    }
  });

  it("gives every node an ARM id under the subscription and resource group", () => {
    for (const node of FULL.nodes) {
      assert.ok(
        node.id.startsWith(`/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/${FULL.resourceGroup}`),
        node.id,
      );
    }
    assert.equal(new Set(FULL.nodes.map((node) => node.id)).size, FULL.nodes.length);
  });

  it("builds the node subnet with the NAT gateway and the PostgreSQL subnet delegated", () => {
    const nat = nodeOf(FULL, "base/nat-gateway");
    assert.deepEqual(nodeOf(FULL, "base/subnet-nodes").desired.natGateway, { id: nat.id });
    assert.deepEqual(nodeOf(FULL, "base/subnet-postgres").desired.delegations, [
      { name: "postgres", serviceName: "Microsoft.DBforPostgreSQL/flexibleServers" },
    ]);
    assert.equal("subnets" in nodeOf(FULL, "base/vnet").desired, false);
    assert.deepEqual(nodeOf(FULL, "base/nat-ip").desired.zones, ["1", "2", "3"]);
  });

  it("locks the Key Vault down: RBAC, soft delete, purge protection, firewall allowing only the provisioner", () => {
    const vault = nodeOf(FULL, "base/key-vault");
    assert.match(vault.name, /^kv-acme-staging-[0-9a-f]{8}$/);
    const properties = vault.desired.properties as Record<string, unknown>;
    assert.equal(properties.enableRbacAuthorization, true);
    assert.equal(properties.enableSoftDelete, true);
    assert.equal(properties.enablePurgeProtection, true);
    assert.deepEqual(properties.networkAcls, {
      defaultAction: "Deny",
      bypass: "None",
      ipRules: [{ value: "198.51.100.7/32" }, { value: "203.0.113.0/24" }],
      virtualNetworkRules: [],
    });
    const role = nodeOf(FULL, "base/role-vault-secrets-officer");
    assert.equal(role.desired.principalId, PRINCIPAL);
    assert.ok(String(role.desired.roleDefinitionId).endsWith("/b86a8fe4-44ce-4948-aee5-eccb2c155cd7"));
    assert.ok(role.id.startsWith(`${vault.id}/providers/Microsoft.Authorization/roleAssignments/`));
  });

  it("builds AKS private by default: NAT egress, CNI overlay, Entra ID RBAC, no local accounts, workload identity", () => {
    // Read through the SDK's own model type, so a misspelt field name fails to compile.
    const cluster = sdkBody<ManagedCluster>(nodeOf(FULL, "k8s-cluster/cluster"));
    assert.equal(cluster.disableLocalAccounts, true);
    assert.deepEqual(cluster.aadProfile, {
      managed: true,
      enableAzureRbac: true,
      tenantID: "22222222-2222-4222-8222-222222222222",
    });
    assert.equal(cluster.networkProfile?.outboundType, "userAssignedNATGateway");
    assert.equal(cluster.networkProfile?.networkPluginMode, "overlay");
    assert.equal(cluster.oidcIssuerProfile?.enabled, true);
    assert.equal(cluster.securityProfile?.workloadIdentity?.enabled, true);
    assert.deepEqual(cluster.apiServerAccessProfile?.authorizedIPRanges, [
      "198.51.100.7/32",
      "203.0.113.0/24",
    ]);
    const pool = cluster.agentPoolProfiles?.[0];
    assert.ok(pool, "one node pool");
    assert.deepEqual(
      [pool.availabilityZones, pool.enableAutoScaling, pool.minCount, pool.maxCount],
      [["1", "2", "3"], true, 3, 5],
    );
    assert.equal(pool.vnetSubnetID, nodeOf(FULL, "base/subnet-nodes").id);
    const role = nodeOf(FULL, "k8s-cluster/role-cluster-admin");
    assert.ok(String(role.desired.roleDefinitionId).endsWith("/b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b"));
  });

  it("adds the spec's authorized ranges to the provisioner's", () => {
    const document = specDocument([
      { type: "base" },
      { type: "k8s-cluster", authorized_ip_ranges: ["192.0.2.128/25"] },
    ]);
    const cluster = sdkBody<ManagedCluster>(
      nodeOf(planEnvironment(spec(document), CONTEXT), "k8s-cluster/cluster"),
    );
    assert.deepEqual(cluster.apiServerAccessProfile?.authorizedIPRanges, [
      "192.0.2.128/25",
      "198.51.100.7/32",
      "203.0.113.0/24",
    ]);
  });

  it("builds PostgreSQL with private access only, TLS enforced, and geo-redundant 7-day backups", () => {
    const server = sdkBody<Server>(nodeOf(FULL, "db/server"));
    assert.deepEqual(server.network, {
      publicNetworkAccess: "Disabled",
      delegatedSubnetResourceId: nodeOf(FULL, "base/subnet-postgres").id,
      privateDnsZoneArmResourceId: nodeOf(FULL, "base/dns-zone-postgres").id,
    });
    assert.equal(nodeOf(FULL, "base/dns-zone-postgres").name, "staging.private.postgres.database.azure.com");
    assert.deepEqual(server.backup, { backupRetentionDays: 7, geoRedundantBackup: "Enabled" });
    assert.equal(server.version, "17");
    assert.equal(server.administratorLogin, "db_admin");
    assert.equal("administratorLoginPassword" in server, false);
    assert.deepEqual(nodeOf(FULL, "db/configuration-require-secure-transport").desired, {
      value: "on",
      source: "user-override",
    });
    assert.deepEqual(nodeOf(FULL, "db/configuration-ssl-min-protocol-version").desired, {
      value: "TLSv1.2",
      source: "user-override",
    });
  });

  it("builds Azure Managed Redis Balanced_B3 (Opta's Standard C2) highly available, TLS 1.2 only, no public access", () => {
    const cluster = nodeOf(FULL, "cache/cluster");
    assert.match(
      cluster.id,
      /\/providers\/Microsoft\.Cache\/redisEnterprise\/amr-acme-staging-cache-[0-9a-f]{8}$/,
    );
    assert.deepEqual(cluster.desired.sku, { name: "Balanced_B3" });
    assert.deepEqual(cluster.desired.properties, {
      highAvailability: "Enabled",
      minimumTlsVersion: "1.2",
      publicNetworkAccess: "Disabled",
    });
    assert.deepEqual(nodeOf(FULL, "cache/database").desired.properties, {
      clientProtocol: "Encrypted",
      port: 10000,
      clusteringPolicy: "OSSCluster",
      evictionPolicy: "VolatileLRU",
      accessKeysAuthentication: "Enabled",
    });
    assert.deepEqual(nodeOf(FULL, "cache/private-endpoint").desired.privateLinkServiceConnections, [
      {
        name: nodeOf(FULL, "cache/private-endpoint").name,
        privateLinkServiceId: cluster.id,
        groupIds: ["redisEnterprise"],
      },
    ]);
    assert.deepEqual(nodeOf(FULL, "cache/dns-zone-group").desired.privateDnsZoneConfigs, [
      {
        name: "privatelink-redis-azure-net",
        privateDnsZoneId: nodeOf(FULL, "base/dns-zone-managed-redis").id,
      },
    ]);
  });

  it("lists what Azure cannot change after creation", () => {
    assert.ok(nodeOf(FULL, "k8s-cluster/cluster").immutable.includes("dnsPrefix"));
    assert.ok(nodeOf(FULL, "k8s-cluster/cluster").immutable.includes("networkProfile.podCidr"));
    assert.ok(nodeOf(FULL, "db/server").immutable.includes("administratorLogin"));
    assert.ok(nodeOf(FULL, "db/server").immutable.includes("network.delegatedSubnetResourceId"));
    for (const node of FULL.nodes) {
      for (const path of node.immutable) {
        const value = path
          .split(".")
          .reduce<unknown>((at, part) => (at as Record<string, unknown> | undefined)?.[part], node.desired);
        assert.notEqual(value, undefined, `${node.key}: immutable path ${path} is not in desired`);
      }
    }
  });
});

describe("planEnvironment secrets", () => {
  it("writes Opta's keys to Key Vault and to one Kubernetes Secret per data module", () => {
    const vault = nodeOf(FULL, "base/key-vault");
    assert.deepEqual(nodeOf(FULL, "db/key-vault-secrets").desired, {
      vaultName: vault.name,
      vaultId: vault.id,
      source: "postgres",
      sourceId: nodeOf(FULL, "db/server").id,
      secretNames: {
        db_db_host: "db-db-host",
        db_db_user: "db-db-user",
        db_db_password: "db-db-password",
        db_db_name: "db-db-name",
      },
    });
    const secret = nodeOf(FULL, "cache/kubernetes-secret");
    assert.equal(
      secret.id,
      `${nodeOf(FULL, "k8s-cluster/cluster").id}/namespaces/staging/secrets/cache-connection`,
    );
    assert.deepEqual(secret.desired.keys, {
      cache_cache_host: "cache-cache-host",
      cache_cache_port: "cache-cache-port",
      cache_cache_auth_token: "cache-cache-auth-token",
    });
    assert.deepEqual(nodeOf(FULL, "cache/key-vault-secrets").desired.source, "managedRedis");
    assert.equal(nodeOf(FULL, "cache/key-vault-secrets").desired.sourceId, nodeOf(FULL, "cache/cluster").id);
    assert.equal(secret.desired.namespace, "staging");
  });

  it("plans no Kubernetes Secret without a cluster, or when a module opts out", () => {
    const withoutCluster = planEnvironment(
      spec(specDocument([{ type: "base" }, { type: "postgres" }])),
      CONTEXT,
    );
    assert.deepEqual(
      withoutCluster.nodes.filter((node) => node.stage === "secrets").map((node) => node.key),
      ["postgres/key-vault-secrets"],
    );
    const optedOut = planEnvironment(
      spec(
        specDocument([
          { type: "base" },
          { type: "k8s-cluster" },
          { type: "redis", kubernetes_secret: false },
        ]),
      ),
      CONTEXT,
    );
    assert.equal(
      optedOut.nodes.some((node) => node.kind === "kubernetesSecret"),
      false,
    );
  });

  it("never holds a secret value", () => {
    const text = JSON.stringify(FULL);
    assert.equal(/password"\s*:\s*"(?!db-db-password)/i.test(text), false);
    assert.equal(text.includes("administratorLoginPassword"), false);
  });
});

describe("planEnvironment against the field failure cases of docs/azure-facts.md", () => {
  it("(8) creates the PostgreSQL server only after its delegated subnet and its linked private DNS zone", () => {
    const server = nodeOf(FULL, "db/server");
    assert.ok(server.dependsOn.includes("base/subnet-postgres"));
    assert.ok(server.dependsOn.includes("base/dns-link-postgres"));
    assert.ok(nodeOf(FULL, "base/dns-link-postgres").dependsOn.includes("base/dns-zone-postgres"));
    assert.match(nodeOf(FULL, "base/dns-zone-postgres").name, /\.postgres\.database\.azure\.com$/);
  });

  it("(8) serializes the PostgreSQL configuration writes", () => {
    const configurations = FULL.nodes.filter((node) => node.kind === "postgresConfiguration");
    configurations.slice(1).forEach((node, index) => {
      assert.deepEqual(node.dependsOn, [configurations[index]!.key]);
    });
  });

  it("(9) links each private DNS zone to the VNet under its exact Private Link name", () => {
    const zones = FULL.nodes.filter((node) => node.kind === "privateDnsZone").map((node) => node.name);
    assert.deepEqual(zones.sort(), [
      "privatelink.azurecr.io",
      "privatelink.redis.azure.net",
      "privatelink.vaultcore.azure.net",
      "staging.private.postgres.database.azure.com",
    ]);
    const links = FULL.nodes.filter((node) => node.kind === "privateDnsZoneVnetLink");
    assert.equal(links.length, zones.length);
    for (const link of links)
      assert.deepEqual(link.desired.virtualNetwork, { id: nodeOf(FULL, "base/vnet").id });
  });

  it("(10) creates AKS only after the NAT gateway is associated with the node subnet", () => {
    const subnet = nodeOf(FULL, "base/subnet-nodes");
    assert.deepEqual(subnet.desired.natGateway, { id: nodeOf(FULL, "base/nat-gateway").id });
    assert.ok(subnet.dependsOn.includes("base/nat-gateway"));
    assert.ok(nodeOf(FULL, "k8s-cluster/cluster").dependsOn.includes(subnet.key));
  });

  it("(4) names every resource deterministically, so a rerun adopts instead of duplicating", () => {
    const again = planEnvironment(spec(), CONTEXT);
    assert.deepEqual(
      again.nodes.map((node) => node.id),
      FULL.nodes.map((node) => node.id),
    );
  });
});

describe("planEnvironment environment", () => {
  it("names the environment <org>-<name> and pins the defaults the spec picked up", () => {
    assert.equal(FULL.environmentId, "acme-staging");
    assert.equal(FULL.formatVersion, 1);
    assert.deepEqual(FULL.pinnedDefaults, spec().appliedDefaults);
    assert.equal((FULL.pinnedDefaults["k8s-cluster"] as Record<string, unknown>).kubernetes_version, "1.35");
  });

  it("plans only the DNS zones the modules need", () => {
    const zonesOf = (base: Record<string, unknown>) =>
      planEnvironment(spec(specDocument([base])), CONTEXT)
        .nodes.filter((node) => node.kind === "privateDnsZone")
        .map((node) => node.name);
    assert.deepEqual(zonesOf({ type: "base", container_registry: false }), [
      "privatelink.vaultcore.azure.net",
    ]);
    assert.deepEqual(zonesOf({ type: "base" }).sort(), [
      "privatelink.azurecr.io",
      "privatelink.vaultcore.azure.net",
    ]);
  });

  it("fails on a hand-made spec without a base module, as validation would", () => {
    const withoutBase = { ...spec(), modules: spec().modules.filter((module) => module.type !== "base") };
    assert.throws(
      () => planEnvironment(withoutBase, CONTEXT),
      (error: unknown) =>
        isSpecValidationError(error) &&
        error.problems[0]?.path === "modules" &&
        error.problems[0]?.message === "must list at least a base module",
    );
  });

  it("fails on a provisioner principal that is not a GUID", () => {
    assert.throws(
      () => planEnvironment(spec(), { ...CONTEXT, provisionerPrincipalId: "" }),
      (error: unknown) => isPlanContextError(error) && /provisionerPrincipalId/.test(error.message),
    );
  });

  it("fails without a provisioner IP range, since the vault firewall would lock it out", () => {
    assert.throws(
      () => planEnvironment(spec(), { ...CONTEXT, provisionerIpRanges: [] }),
      (error: unknown) => isPlanContextError(error) && /at least one CIDR/.test(error.message),
    );
  });

  it("fails on a malformed provisioner IP range", () => {
    assert.throws(
      () => planEnvironment(spec(), { ...CONTEXT, provisionerIpRanges: ["10.0.0.1/8"] }),
      (error: unknown) =>
        isPlanContextError(error) &&
        error.message === 'provisionerIpRanges: "10.0.0.1/8" is not an IPv4 CIDR',
    );
  });
});

describe("planEnvironment container registry", () => {
  const FULL_PLAN = planEnvironment(spec(), CONTEXT);

  it("makes the base module's registry Premium, closed to the internet, without admin user or anonymous pull, zone-redundant", () => {
    const registry = nodeOf(FULL_PLAN, "base/container-registry");
    assert.equal(registry.kind, "containerRegistry");
    assert.match(registry.name, /^[a-z0-9]{5,50}$/);
    assert.deepEqual(registry.desired.sku, { name: "Premium" });
    assert.equal(registry.desired.adminUserEnabled, false);
    assert.equal(registry.desired.anonymousPullEnabled, false);
    assert.equal(registry.desired.publicNetworkAccess, "Disabled");
    assert.equal(registry.desired.networkRuleBypassOptions, "None");
    assert.equal(registry.desired.zoneRedundancy, "Enabled");
    assert.ok(registry.immutable.includes("zoneRedundancy"));
  });

  it("reaches it through a private endpoint (group registry) in the private-endpoints subnet, resolved by privatelink.azurecr.io", () => {
    const endpoint = nodeOf(FULL_PLAN, "base/container-registry-private-endpoint");
    assert.deepEqual(endpoint.desired.subnet, { id: nodeOf(FULL_PLAN, "base/subnet-private-endpoints").id });
    assert.deepEqual(endpoint.desired.privateLinkServiceConnections, [
      {
        name: endpoint.name,
        privateLinkServiceId: nodeOf(FULL_PLAN, "base/container-registry").id,
        groupIds: ["registry"],
      },
    ]);
    const group = nodeOf(FULL_PLAN, "base/container-registry-dns-zone-group");
    assert.deepEqual(group.desired.privateDnsZoneConfigs, [
      {
        name: "privatelink-azurecr-io",
        privateDnsZoneId: nodeOf(FULL_PLAN, "base/dns-zone-registry").id,
      },
    ]);
  });

  it("grants the cluster's kubelet identity AcrPull on the registry, read from the cluster once it exists", () => {
    const pull = nodeOf(FULL_PLAN, "k8s-cluster/role-kubelet-acr-pull");
    const registry = nodeOf(FULL_PLAN, "base/container-registry");
    assert.ok(pull.id.startsWith(`${registry.id}/providers/Microsoft.Authorization/roleAssignments/`));
    assert.equal(
      pull.desired.roleDefinitionId,
      `/subscriptions/${SUBSCRIPTION_ID}/providers/Microsoft.Authorization/roleDefinitions/7f951dda-4ed3-4680-a7ca-43fe172d538d`,
    );
    assert.deepEqual(pull.desired.principalId, {
      $fact: { node: "k8s-cluster/cluster", fact: "kubeletObjectId" },
    });
    assert.deepEqual(pull.dependsOn, ["base/container-registry", "k8s-cluster/cluster"]);
  });

  it("plans no registry, zone or AcrPull with container_registry: false", () => {
    const document = fullSpecDocument() as { modules: Record<string, unknown>[] };
    const modules = document.modules.map((module) =>
      module.type === "base" ? { ...module, container_registry: false } : module,
    );
    const plan = planEnvironment(spec({ ...document, modules }), CONTEXT);
    assert.deepEqual(
      plan.nodes.filter((node) => /registry|acr/.test(node.key)).map((node) => node.key),
      [],
    );
    assert.ok(!plan.nodes.some((node) => node.name === "privatelink.azurecr.io"));
  });
});

describe("planEnvironment storage", () => {
  const withStorage = (storage: Record<string, unknown>) => {
    const document = fullSpecDocument() as { modules: Record<string, unknown>[] };
    return planEnvironment(
      spec({ ...document, modules: [...document.modules, { type: "storage", name: "files", ...storage }] }),
      CONTEXT,
    );
  };
  const PLAN = withStorage({ containers: ["uploads", "reports"] });

  it("makes a StorageV2 account reached with Entra ID only: shared keys, blob public access and public network access off, TLS 1.2, infrastructure encryption", () => {
    const account = nodeOf(PLAN, "files/account");
    assert.equal(account.kind, "storageAccount");
    assert.match(account.name, /^[a-z0-9]{3,24}$/);
    assert.equal(account.desired.kind, "StorageV2");
    assert.deepEqual(account.desired.sku, { name: "Standard_ZRS" });
    assert.equal(account.desired.allowSharedKeyAccess, false);
    assert.equal(account.desired.allowBlobPublicAccess, false);
    assert.equal(account.desired.publicNetworkAccess, "Disabled");
    assert.equal(account.desired.minimumTlsVersion, "TLS1_2");
    assert.equal(
      (account.desired.encryption as { requireInfrastructureEncryption: boolean })
        .requireInfrastructureEncryption,
      true,
    );
    assert.ok(account.immutable.includes("encryption.requireInfrastructureEncryption"));
  });

  it("turns versioning and soft delete (7 days) on by default, and follows the spec when it says otherwise", () => {
    assert.deepEqual(nodeOf(PLAN, "files/blob-service").desired, {
      isVersioningEnabled: true,
      deleteRetentionPolicy: { enabled: true, days: 7 },
      containerDeleteRetentionPolicy: { enabled: true, days: 7 },
    });
    const other = withStorage({ versioning: false, soft_delete_days: 30, sku: "Standard_GZRS" });
    assert.deepEqual(nodeOf(other, "files/blob-service").desired, {
      isVersioningEnabled: false,
      deleteRetentionPolicy: { enabled: true, days: 30 },
      containerDeleteRetentionPolicy: { enabled: true, days: 30 },
    });
    assert.deepEqual(nodeOf(other, "files/account").desired.sku, { name: "Standard_GZRS" });
  });

  it("creates each container private, and reaches the account through a private endpoint (group blob) on privatelink.blob.core.windows.net", () => {
    for (const container of ["uploads", "reports"]) {
      const node = nodeOf(PLAN, `files/container-${container}`);
      assert.equal(
        node.id,
        `${nodeOf(PLAN, "files/account").id}/blobServices/default/containers/${container}`,
      );
      assert.deepEqual(node.desired, { publicAccess: "None" });
    }
    const endpoint = nodeOf(PLAN, "files/private-endpoint");
    assert.deepEqual(
      (endpoint.desired.privateLinkServiceConnections as { groupIds: string[] }[])[0]!.groupIds,
      ["blob"],
    );
    assert.equal(nodeOf(PLAN, "base/dns-zone-blob").name, "privatelink.blob.core.windows.net");
    assert.ok(!planEnvironment(spec(), CONTEXT).nodes.some((node) => node.key === "base/dns-zone-blob"));
  });

  it("writes a Kubernetes Secret holding only the account's name and blob endpoint", () => {
    const secret = nodeOf(PLAN, "files/kubernetes-secret");
    const object = (
      secret.desired as { object: { data: Record<string, string>; metadata: { namespace: string } } }
    ).object;
    const account = nodeOf(PLAN, "files/account").name;
    assert.equal(object.metadata.namespace, "staging");
    assert.deepEqual(
      Object.fromEntries(
        Object.entries(object.data).map(([key, value]) => [
          key,
          Buffer.from(value, "base64").toString("utf8"),
        ]),
      ),
      { files_storage_account: account, files_blob_endpoint: `https://${account}.blob.core.windows.net/` },
    );
  });

  it("fails a storage module with a bad container name, a repeated container or soft delete beyond 365 days", () => {
    const problems = (storage: Record<string, unknown>) => {
      const document = fullSpecDocument() as { modules: Record<string, unknown>[] };
      const result = validateSpec({
        ...document,
        modules: [...document.modules, { type: "storage", name: "files", ...storage }],
      });
      return result.ok ? [] : result.problems.map((problem) => problem.path);
    };
    assert.deepEqual(problems({ containers: ["Bad_Name"] }), ["modules[4].containers[0]"]);
    assert.deepEqual(problems({ containers: ["a1b", "a1b"] }), ["modules[4].containers"]);
    assert.deepEqual(problems({ soft_delete_days: 400 }), ["modules[4].soft_delete_days"]);
  });
});

describe("planEnvironment workload identity", () => {
  const document = fullSpecDocument() as { modules: Record<string, unknown>[] };
  const PLAN = planEnvironment(
    spec({ ...document, modules: [...document.modules, { type: "storage", name: "files" }] }),
    CONTEXT,
  );

  it("makes one identity per environment, federated with the cluster's OIDC issuer for the workload service account of the environment's namespace", () => {
    const identity = nodeOf(PLAN, "k8s-cluster/workload-identity");
    assert.equal(identity.kind, "userAssignedIdentity");
    assert.equal(identity.name, "id-acme-staging-workload");
    const federation = nodeOf(PLAN, "k8s-cluster/workload-identity-federation");
    assert.equal(federation.id, `${identity.id}/federatedIdentityCredentials/kubernetes-workload`);
    assert.deepEqual(federation.desired, {
      issuer: { $fact: { node: "k8s-cluster/cluster", fact: "oidcIssuerUrl" } },
      subject: "system:serviceaccount:staging:workload",
      audiences: ["api://AzureADTokenExchange"],
    });
  });

  it("grants it Key Vault Secrets User on the vault and Storage Blob Data Contributor on each storage account, by its principal", () => {
    const roleOf = (key: string) => {
      const node = nodeOf(PLAN, key);
      return [String(node.desired.roleDefinitionId).split("/").at(-1), node.desired.principalId];
    };
    const principal = { $fact: { node: "k8s-cluster/workload-identity", fact: "principalId" } };
    assert.deepEqual(roleOf("k8s-cluster/role-workload-vault-secrets-user"), [
      "4633458b-17de-408a-b874-0445c86b69e6",
      principal,
    ]);
    assert.deepEqual(roleOf("k8s-cluster/role-workload-blob-files"), [
      "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
      principal,
    ]);
    assert.ok(
      nodeOf(PLAN, "k8s-cluster/role-workload-blob-files").id.startsWith(
        `${nodeOf(PLAN, "files/account").id}/`,
      ),
    );
  });

  it("writes the service account annotated with the identity's client id, and none without a cluster", () => {
    const account = nodeOf(PLAN, "k8s-cluster/workload-service-account");
    const object = (account.desired as { object: { kind: string; metadata: Record<string, unknown> } })
      .object;
    assert.equal(object.kind, "ServiceAccount");
    assert.equal(object.metadata.namespace, "staging");
    assert.deepEqual(object.metadata.annotations, {
      "azure.workload.identity/client-id": {
        $fact: { node: "k8s-cluster/workload-identity", fact: "clientId" },
      },
    });
    const networkOnly = planEnvironment(spec(specDocument([{ type: "base" }])), CONTEXT);
    assert.ok(!networkOnly.nodes.some((node) => node.kind === "userAssignedIdentity"));
  });
});
