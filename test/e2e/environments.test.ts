/**
 * End to end: the real app in a devhost child process over real HTTP, real Azurite, the Azure emulator.
 * The tests run in order on one stack; each builds environments of its own names.
 */
import assert from "node:assert/strict";
import { setTimeout as delay } from "node:timers/promises";
import { after, before, describe, test } from "node:test";
import { TableClient, TableServiceClient } from "@azure/data-tables";
import { QueueClient } from "@azure/storage-queue";
import { BlobServiceClient } from "@azure/storage-blob";
import { AKS_AAD_SCOPE } from "../../lib/azure/clients";
import { parseResourceId } from "../../lib/azure/resource-id";
import type { KubernetesObjectApi } from "@kubernetes/client-node" with { "resolution-mode": "import" };
import { createTestCertificate, type RequestLogEntry } from "@azure-env-provisioner/azure-emulator";
import { createEnvironmentRecords, openTable, RECORD_TABLES } from "../../functions/records";
import type { ModuleSpec } from "../../lib/spec/types";
import { example, startE2eStack, TIME_SCALE, type E2eStack } from "./e2e-stack";
import {
  BUILD_TIMEOUT_MS,
  apply as applySpec,
  minimalSpec,
  stagingSpec,
  view as viewOf,
  type EnvironmentView,
  waitForEnd as waitForEndOf,
  buildWithFailingNatGateway,
} from "./environment-api";

interface ArmResource {
  id: string;
  type: string;
  name: string;
  zones?: string[];
  properties: Record<string, unknown>;
}

/**
 * Key Vault's firewall lag, in Azure seconds: some 12 s of real time at the suite's scale, so it still
 * holds when the first secret is written (about 6 s after the vault exists, behind the data services).
 */
const FIREWALL_LAG_SEC = 12 / TIME_SCALE;
/** 429s injected into one build, each PUT hit with probability 1/2. */
const STORM_SIZE = 15;

let stack: E2eStack;
/** Every PostgreSQL password and Redis key the builds made, for the final scan. */
const secretValues = new Set<string>();
/** Every base64 line of every private key uploaded with a certificate, for the final scan. */
const privateKeyLines = new Set<string>();
const DAY_MS = 24 * 3600 * 1000;

function rememberKey(privateKeyPem: string): void {
  for (const line of privateKeyPem.split("\n"))
    if (line && !line.startsWith("-----")) privateKeyLines.add(line);
}

/** A generic Kubernetes client on the cluster `clusterId`, as the provisioner's identity. */
async function clusterObjects(clusterId: string): Promise<KubernetesObjectApi> {
  const cluster = parseResourceId(clusterId);
  const credentials = await stack.clients.containerService.managedClusters.listClusterUserCredentials(
    cluster.resourceGroup,
    cluster.name,
  );
  const token = await stack.clients.credential.getToken(AKS_AAD_SCOPE);
  return stack.clients.kubernetesObjects(
    Buffer.from(credentials.kubeconfigs?.[0]?.value ?? []).toString("utf8"),
    token?.token ?? "",
  );
}

before(async () => {
  stack = await startE2eStack();
});
after(async () => {
  await stack?.stop();
});

const apply = (spec: string) => applySpec(stack, spec);
const view = (environmentId: string) => viewOf(stack, environmentId);
const waitForEnd = (environmentId: string, timeoutMs = BUILD_TIMEOUT_MS) =>
  waitForEndOf(stack, environmentId, timeoutMs);

/** Resources of the emulator's state dump whose id lies in `resourceGroup`. */
function resourcesIn(resourceGroup: string): ArmResource[] {
  const state = stack.emulator.admin.state() as { resources: ArmResource[] };
  const prefix = `/resourcegroups/${resourceGroup.toLowerCase()}`;
  return state.resources.filter((r) => r.id.toLowerCase().includes(prefix));
}

function only(resources: ArmResource[], type: string): ArmResource {
  const matching = resources.filter((r) => r.type.toLowerCase() === type.toLowerCase());
  assert.equal(matching.length, 1, `exactly one ${type}`);
  return matching[0]!;
}

function ofType(resources: ArmResource[], type: string): ArmResource[] {
  return resources.filter((r) => r.type.toLowerCase() === type.toLowerCase());
}

/** Writes to ARM: PUT, PATCH, DELETE, and POST actions other than `list*` reads (listKeys, credentials). */
function armWrites(entries: readonly RequestLogEntry[]): RequestLogEntry[] {
  return entries.filter(
    (e) =>
      e.category === "writes" && (e.method !== "POST" || !/\/list[A-Za-z]*$/.test(e.path)) && e.status < 400,
  );
}

function logSince(atMs: number): RequestLogEntry[] {
  return stack.emulator.admin.requestLog().filter((e) => e.atMs >= atMs);
}

/** Reads the environment's Key Vault secrets named in its outputs, through the real SDK client. */
async function keyVaultSecrets(
  outputs: NonNullable<EnvironmentView["outputs"]>,
): Promise<Map<string, string>> {
  const vault = stack.clients.secretClient(outputs.keyVaultUri ?? "");
  const values = new Map<string, string>();
  for (const module of Object.values(outputs.dataModules ?? {})) {
    for (const name of module.keyVaultSecretNames) {
      values.set(name, (await vault.getSecret(name)).value ?? "");
    }
  }
  return values;
}

/** Remembers the PostgreSQL passwords (Key Vault) and cache keys (listKeys) of what is in `resourceGroup`. */
async function collectSecrets(resourceGroup: string, kv: Map<string, string>): Promise<void> {
  for (const [name, value] of kv) if (/password|auth-token/.test(name) && value) secretValues.add(value);
  for (const cache of ofType(resourcesIn(resourceGroup), "Microsoft.Cache/redis")) {
    const keys = await stack.clients.redis.redis.listKeys(resourceGroup, cache.name);
    for (const key of [keys.primaryKey, keys.secondaryKey]) if (key) secretValues.add(key);
  }
  for (const cluster of ofType(resourcesIn(resourceGroup), "Microsoft.Cache/redisEnterprise")) {
    const keys = await stack.clients.managedRedis.databases.listKeys(resourceGroup, cluster.name, "default");
    for (const key of [keys.primaryKey, keys.secondaryKey]) if (key) secretValues.add(key);
  }
}

/**
 * Asserts the Azure Managed Redis posture of the one cache in `resources`, as the emulator stores it:
 * high availability (zone-redundant), TLS 1.2, public access off, a private endpoint (group
 * `redisEnterprise`) with its zone `privatelink.redis.azure.net`, the encrypted client protocol on port
 * 10000. @returns the cluster
 */
function assertManagedRedisPosture(resources: ArmResource[]): ArmResource {
  const cluster = only(resources, "Microsoft.Cache/redisEnterprise");
  assert.deepEqual((cluster as unknown as { sku: { name: string } }).sku.name, "Balanced_B3");
  assert.equal(cluster.properties.highAvailability, "Enabled");
  assert.equal(cluster.properties.redundancyMode, "ZR");
  assert.equal(cluster.properties.minimumTlsVersion, "1.2");
  assert.equal(cluster.properties.publicNetworkAccess, "Disabled");
  const database = only(resources, "Microsoft.Cache/redisEnterprise/databases").properties;
  assert.equal(database.clientProtocol, "Encrypted");
  assert.equal(database.port, 10000);
  assert.equal(database.accessKeysAuthentication, "Enabled");
  const endpoint = ofType(resources, "Microsoft.Network/privateEndpoints").find((pe) =>
    (pe.properties.privateLinkServiceConnections as { properties: { privateLinkServiceId: string } }[]).some(
      (c) => c.properties.privateLinkServiceId.toLowerCase() === cluster.id.toLowerCase(),
    ),
  );
  assert.ok(endpoint, "the cluster has a private endpoint");
  assert.deepEqual(
    (endpoint.properties.privateLinkServiceConnections as { properties: { groupIds: string[] } }[])[0]!
      .properties.groupIds,
    ["redisEnterprise"],
  );
  const group = ofType(resources, "Microsoft.Network/privateEndpoints/privateDnsZoneGroups").find((g) =>
    g.id.toLowerCase().startsWith(`${endpoint.id.toLowerCase()}/`),
  );
  const zoneId = (
    group?.properties.privateDnsZoneConfigs as { properties: { privateDnsZoneId: string } }[]
  )[0]!.properties.privateDnsZoneId;
  assert.match(zoneId, /\/privateDnsZones\/privatelink\.redis\.azure\.net$/);
  assert.equal(ofType(resources, "Microsoft.Cache/redis").length, 0, "no Azure Cache for Redis");
  return cluster;
}

/**
 * The registry is closed (Premium, public access off, no admin user nor anonymous pull, zone-redundant),
 * reached through its private endpoint with the registry's and its data endpoint's records, the kubelet
 * identity holds AcrPull on it, and the outputs name its login server.
 */
function assertRegistryPosture(resources: ArmResource[], loginServer: string | undefined): void {
  const registry = only(resources, "Microsoft.ContainerRegistry/registries") as ArmResource & {
    sku: { name: string };
  };
  assert.equal(registry.sku.name, "Premium");
  assert.equal(registry.properties.publicNetworkAccess, "Disabled");
  assert.equal(registry.properties.adminUserEnabled, false);
  assert.equal(registry.properties.anonymousPullEnabled, false);
  assert.equal(registry.properties.zoneRedundancy, "Enabled");
  assert.equal(loginServer, registry.properties.loginServer);
  const endpoint = ofType(resources, "Microsoft.Network/privateEndpoints").find((pe) =>
    JSON.stringify(pe.properties).toLowerCase().includes(registry.id.toLowerCase()),
  );
  assert.ok(endpoint, "the registry has a private endpoint");
  const zone = ofType(resources, "Microsoft.Network/privateDnsZones").find(
    (z) => z.name === "privatelink.azurecr.io",
  );
  assert.equal(zone?.properties.numberOfRecordSets, 3, "SOA, the registry and its data endpoint");
  const aks = only(resources, "Microsoft.ContainerService/managedClusters").properties as {
    identityProfile: { kubeletidentity: { objectId: string } };
  };
  const pulls = ofType(resources, "Microsoft.Authorization/roleAssignments").filter((assignment) =>
    assignment.id.toLowerCase().startsWith(`${registry.id.toLowerCase()}/`),
  );
  assert.deepEqual(
    pulls.map((assignment) => [
      String(assignment.properties.roleDefinitionId).split("/").at(-1),
      assignment.properties.principalId,
    ]),
    [["7f951dda-4ed3-4680-a7ca-43fe172d538d", aks.identityProfile.kubeletidentity.objectId]],
    "AcrPull for the kubelet identity, and nothing else on the registry",
  );
}

describe("end to end: the app over HTTP on Azurite and the emulator", () => {
  test("builds examples/staging.yaml: 202, then every resource private by default and the secrets in place", async () => {
    const accepted = await apply(example("staging.yaml"));
    assert.equal(accepted.status, 202, await accepted.clone().text());
    const ended = await waitForEnd("acme-staging");
    assert.equal(ended.lastOperation?.status, "succeeded", JSON.stringify(ended.resultSummary));
    assert.deepEqual(ended.resultSummary?.failures, []);

    const resources = resourcesIn("rg-acme-staging");
    const postgres = only(resources, "Microsoft.DBforPostgreSQL/flexibleServers").properties as {
      network: Record<string, string>;
    };
    assert.equal(postgres.network.publicNetworkAccess, "Disabled");
    const subnets = ofType(resources, "Microsoft.Network/virtualNetworks/subnets");
    const postgresSubnet = subnets.find(
      (s) => s.id.toLowerCase() === postgres.network.delegatedSubnetResourceId?.toLowerCase(),
    );
    assert.ok(postgresSubnet, "the server sits in one of the environment's subnets");
    assert.deepEqual(
      (postgresSubnet.properties.delegations as { properties: { serviceName: string } }[]).map(
        (d) => d.properties.serviceName,
      ),
      ["Microsoft.DBforPostgreSQL/flexibleServers"],
    );
    const zones = ofType(resources, "Microsoft.Network/privateDnsZones");
    assert.ok(
      zones.some((z) => z.id.toLowerCase() === postgres.network.privateDnsZoneArmResourceId?.toLowerCase()),
      "the server's private DNS zone is the environment's",
    );
    const configurations = Object.fromEntries(
      ofType(resources, "Microsoft.DBforPostgreSQL/flexibleServers/configurations").map((c) => [
        c.name,
        c.properties.value,
      ]),
    );
    assert.equal(configurations.require_secure_transport, "on");
    assert.equal(configurations.ssl_min_protocol_version, "TLSv1.2");
    assert.equal(ofType(resources, "Microsoft.DBforPostgreSQL/flexibleServers/databases").length, 1);

    assertManagedRedisPosture(resources);

    const aks = only(resources, "Microsoft.ContainerService/managedClusters").properties as {
      disableLocalAccounts: boolean;
      aadProfile: { managed: boolean; enableAzureRBAC: boolean };
      networkProfile: { outboundType: string };
      agentPoolProfiles: { availabilityZones: string[]; vnetSubnetID: string }[];
      apiServerAccessProfile: { authorizedIPRanges: string[] };
    };
    assert.equal(aks.disableLocalAccounts, true);
    assert.equal(aks.aadProfile.managed, true);
    assert.equal(aks.aadProfile.enableAzureRBAC, true);
    assert.equal(aks.networkProfile.outboundType, "userAssignedNATGateway");
    for (const pool of aks.agentPoolProfiles) assert.deepEqual(pool.availabilityZones, ["1", "2", "3"]);
    assert.ok(aks.apiServerAccessProfile.authorizedIPRanges.length > 0, "the API server is not open to all");
    const nodeSubnet = subnets.find(
      (s) => s.id.toLowerCase() === aks.agentPoolProfiles[0]!.vnetSubnetID.toLowerCase(),
    );
    assert.ok(
      (nodeSubnet?.properties.natGateway as { id?: string } | undefined)?.id,
      "nodes go out through the NAT gateway",
    );

    const vault = only(resources, "Microsoft.KeyVault/vaults").properties as {
      enableRbacAuthorization: boolean;
      enablePurgeProtection: boolean;
      networkAcls: { defaultAction: string };
    };
    assert.equal(vault.enableRbacAuthorization, true);
    assert.equal(vault.enablePurgeProtection, true);
    assert.equal(vault.networkAcls.defaultAction, "Deny");

    const vnet = only(resources, "Microsoft.Network/virtualNetworks");
    const links = ofType(resources, "Microsoft.Network/privateDnsZones/virtualNetworkLinks");
    for (const zone of zones) {
      const link = links.find((l) => l.id.toLowerCase().startsWith(`${zone.id.toLowerCase()}/`));
      assert.ok(link, `${zone.name} is linked to a VNet`);
      assert.equal(
        (link.properties.virtualNetwork as { id: string }).id.toLowerCase(),
        vnet.id.toLowerCase(),
      );
    }
    assert.equal(zones.length, 4, "PostgreSQL, Azure Managed Redis, Key Vault and container registry zones");
    for (const ip of ofType(resources, "Microsoft.Network/publicIPAddresses")) {
      assert.deepEqual(ip.zones, ["1", "2", "3"], ip.name);
    }
    assert.equal(
      ofType(resources, "Microsoft.Network/privateEndpoints").length,
      3,
      "Key Vault, Redis and the registry",
    );
    assertRegistryPosture(resources, ended.outputs?.containerRegistryLoginServer);
    assert.equal(ofType(resources, "Microsoft.Network/natGateways").length, 1);

    // The Kubernetes Secrets hold Opta's keys with exactly Key Vault's values.
    const outputs = ended.outputs!;
    const kv = await keyVaultSecrets(outputs);
    const cluster = parseResourceId(ofType(resources, "Microsoft.ContainerService/managedClusters")[0]!.id);
    const credentials = await stack.clients.containerService.managedClusters.listClusterUserCredentials(
      cluster.resourceGroup,
      cluster.name,
    );
    const token = await stack.clients.credential.getToken(AKS_AAD_SCOPE);
    const core = await stack.clients.kubernetes(
      Buffer.from(credentials.kubeconfigs?.[0]?.value ?? []).toString("utf8"),
      token?.token ?? "",
    );
    const expectedKeys: Record<string, string[]> = {
      db: ["db_db_host", "db_db_name", "db_db_password", "db_db_user"],
      cache: ["cache_cache_auth_token", "cache_cache_host", "cache_cache_port"],
    };
    for (const [module, keys] of Object.entries(expectedKeys)) {
      const where = outputs.dataModules?.[module]?.kubernetesSecret;
      assert.ok(where, `${module} has a Kubernetes Secret`);
      const secret = await core.readNamespacedSecret({ name: where.name, namespace: where.namespace });
      assert.deepEqual(Object.keys(secret.data ?? {}).sort(), keys);
      for (const key of keys) {
        const expected = kv.get(key.replace(/_/g, "-"));
        assert.ok(expected, `${key} is in Key Vault`);
        assert.equal(Buffer.from(secret.data?.[key] ?? "", "base64").toString("utf8"), expected, key);
      }
    }
    assert.equal(kv.get("cache-cache-port"), "10000", "Azure Managed Redis listens on 10000");
    await collectSecrets("rg-acme-staging", kv);
    assert.ok(secretValues.size >= 3, "the password and both Redis keys were read");
  });

  test("builds examples/private-data.yaml with no long-lived credential: registry and storage closed, shared keys off, AcrPull on the kubelet identity, a Secret naming the account only, a workload identity federated with the cluster's service account, PostgreSQL and Redis with auth: entra (the identity their Entra user, no password or key anywhere); re-applied with zero writes; destroyed to nothing", async () => {
    const accepted = await apply(example("private-data.yaml"));
    assert.equal(accepted.status, 202, await accepted.clone().text());
    const ended = await waitForEnd("acme-data");
    assert.equal(ended.lastOperation?.status, "succeeded", JSON.stringify(ended.resultSummary));
    const resources = resourcesIn("rg-acme-data");
    assertRegistryPosture(resources, ended.outputs?.containerRegistryLoginServer);

    const account = only(resources, "Microsoft.Storage/storageAccounts") as ArmResource & {
      kind: string;
      sku: { name: string };
    };
    assert.equal(account.kind, "StorageV2");
    assert.equal(account.sku.name, "Standard_ZRS");
    assert.equal(account.properties.allowSharedKeyAccess, false);
    assert.equal(account.properties.allowBlobPublicAccess, false);
    assert.equal(account.properties.publicNetworkAccess, "Disabled");
    assert.equal(account.properties.minimumTlsVersion, "TLS1_2");
    assert.equal(
      (account.properties.encryption as { requireInfrastructureEncryption: boolean })
        .requireInfrastructureEncryption,
      true,
    );
    const service = only(resources, "Microsoft.Storage/storageAccounts/blobServices");
    assert.equal(service.properties.isVersioningEnabled, true);
    assert.deepEqual(service.properties.deleteRetentionPolicy, {
      enabled: true,
      days: 7,
      allowPermanentDelete: false,
    });
    const containers = ofType(resources, "Microsoft.Storage/storageAccounts/blobServices/containers");
    assert.deepEqual(containers.map((c) => c.name).sort(), ["reports", "uploads"]);
    for (const container of containers) assert.equal(container.properties.publicAccess, "None");
    assert.ok(
      ofType(resources, "Microsoft.Network/privateEndpoints").some((pe) =>
        JSON.stringify(pe.properties).toLowerCase().includes(account.id.toLowerCase()),
      ),
      "the account has a private endpoint",
    );

    const cluster = parseResourceId(only(resources, "Microsoft.ContainerService/managedClusters").id);
    const credentials = await stack.clients.containerService.managedClusters.listClusterUserCredentials(
      cluster.resourceGroup,
      cluster.name,
    );
    const token = await stack.clients.credential.getToken(AKS_AAD_SCOPE);
    const core = await stack.clients.kubernetes(
      Buffer.from(credentials.kubeconfigs?.[0]?.value ?? []).toString("utf8"),
      token?.token ?? "",
    );
    const secret = await core.readNamespacedSecret({ name: "files", namespace: "data" });
    const data = Object.fromEntries(
      Object.entries(secret.data ?? {}).map(([key, value]) => [
        key,
        Buffer.from(value, "base64").toString("utf8"),
      ]),
    );
    assert.deepEqual(data, {
      files_storage_account: account.name,
      files_blob_endpoint: `https://${account.name}.blob.core.windows.net/`,
    });

    // Workload identity: the federated credential trusts the cluster's issuer for the workload service
    // account, the identity holds the data roles, and the service account names its client id.
    const identity = only(resources, "Microsoft.ManagedIdentity/userAssignedIdentities");
    const federation = only(
      resources,
      "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials",
    );
    const issuer = (
      only(resources, "Microsoft.ContainerService/managedClusters").properties as {
        oidcIssuerProfile: { issuerURL: string };
      }
    ).oidcIssuerProfile.issuerURL;
    assert.deepEqual(
      [federation.properties.issuer, federation.properties.subject, federation.properties.audiences],
      [issuer, "system:serviceaccount:data:workload", ["api://AzureADTokenExchange"]],
    );
    const grantsOf = (scopeId: string) =>
      ofType(resources, "Microsoft.Authorization/roleAssignments")
        .filter((r) => r.id.toLowerCase().startsWith(`${scopeId.toLowerCase()}/`))
        .filter((r) => r.properties.principalId === identity.properties.principalId)
        .map((r) => String(r.properties.roleDefinitionId).split("/").at(-1));
    assert.deepEqual(
      grantsOf(account.id),
      ["ba92f5b4-2d11-453d-a403-e96b0029c9fe"],
      "Storage Blob Data Contributor",
    );
    assert.deepEqual(
      grantsOf(only(resources, "Microsoft.KeyVault/vaults").id),
      ["4633458b-17de-408a-b874-0445c86b69e6"],
      "Key Vault Secrets User",
    );
    const serviceAccount = await core.readNamespacedServiceAccount({ name: "workload", namespace: "data" });
    assert.equal(
      serviceAccount.metadata?.annotations?.["azure.workload.identity/client-id"],
      identity.properties.clientId,
    );

    // auth: entra: the server has Entra authentication on and passwords off, no administrator login, the
    // workload identity as its Entra administrator (named by its object id, a service principal); the
    // cache's access keys are off and an access-policy assignment names the identity's object id.
    const principalId = identity.properties.principalId;
    const server = only(resources, "Microsoft.DBforPostgreSQL/flexibleServers");
    assert.deepEqual(server.properties.authConfig, {
      activeDirectoryAuth: "Enabled",
      passwordAuth: "Disabled",
      tenantId: "00000000-0000-0000-0000-000000000001",
    });
    assert.equal(server.properties.administratorLogin, undefined);
    const administrator = only(resources, "Microsoft.DBforPostgreSQL/flexibleServers/administrators");
    assert.deepEqual(
      [administrator.name, administrator.properties.principalType, administrator.properties.principalName],
      [principalId, "ServicePrincipal", identity.name],
    );
    assert.equal(
      only(resources, "Microsoft.Cache/redisEnterprise/databases").properties.accessKeysAuthentication,
      "Disabled",
    );
    const assignment = only(resources, "Microsoft.Cache/redisEnterprise/databases/accessPolicyAssignments");
    assert.deepEqual(assignment.properties.user, { objectId: principalId });
    // No password nor key anywhere: Key Vault holds where to connect and as whom.
    const vault = stack.clients.secretClient(ended.outputs?.keyVaultUri ?? "");
    const vaultSecrets: string[] = [];
    for await (const properties of vault.listPropertiesOfSecrets()) vaultSecrets.push(properties.name);
    assert.deepEqual(vaultSecrets.sort(), [
      "cache-cache-host",
      "cache-cache-port",
      "db-db-host",
      "db-db-name",
      "db-db-port",
      "db-db-sslmode",
      "db-db-user",
    ]);
    const connection = await core.readNamespacedSecret({ name: "db-connection", namespace: "data" });
    const connectionData = Object.fromEntries(
      Object.entries(connection.data ?? {}).map(([key, value]) => [
        key,
        Buffer.from(value, "base64").toString("utf8"),
      ]),
    );
    assert.deepEqual(connectionData, {
      db_db_host: `${server.name}.postgres.database.azure.com`,
      db_db_port: "5432",
      db_db_user: identity.name,
      db_db_name: "main",
      db_db_sslmode: "require",
    });

    const since = Date.now();
    const reapplied = await apply(example("private-data.yaml"));
    assert.equal(reapplied.status, 202, await reapplied.clone().text());
    const again = await waitForEnd("acme-data");
    assert.equal(again.lastOperation?.status, "succeeded", JSON.stringify(again.resultSummary));
    assert.deepEqual(armWrites(logSince(since)), [], "a re-apply writes nothing");

    const destroyed = await stack.api("environments/acme-data?keyVault=purge", { method: "DELETE" });
    assert.equal(destroyed.status, 202, await destroyed.clone().text());
    const gone = await waitForEnd("acme-data");
    assert.equal(gone.lastOperation?.action, "destroy");
    assert.equal(gone.lastOperation?.status, "succeeded", JSON.stringify(gone.resultSummary));
    assert.deepEqual(
      resourcesIn("rg-acme-data").map((r) => r.id),
      [],
    );
  });

  test("re-applies the same spec with zero ARM writes", async () => {
    const since = Date.now();
    const accepted = await apply(example("staging.yaml"));
    assert.equal(accepted.status, 202, await accepted.clone().text());
    const ended = await waitForEnd("acme-staging");
    assert.equal(ended.lastOperation?.status, "succeeded", JSON.stringify(ended.resultSummary));
    const writes = armWrites(logSince(since));
    assert.deepEqual(
      writes.map((w) => `${w.method} ${w.path} ${w.status}`),
      [],
      "a re-apply only reads",
    );
  });

  test("builds a minimal redis spec as Azure Managed Redis: highly available, TLS 1.2, private, encrypted on 10000", async () => {
    const spec = { ...minimalSpec("amr"), modules: [{ type: "base" }, { type: "redis" }] };
    const accepted = await apply(JSON.stringify(spec));
    assert.equal(accepted.status, 202, await accepted.clone().text());
    const ended = await waitForEnd("acme-amr");
    assert.equal(ended.lastOperation?.status, "succeeded", JSON.stringify(ended.resultSummary));
    const cluster = assertManagedRedisPosture(resourcesIn("rg-acme-amr"));
    const kv = await keyVaultSecrets(ended.outputs!);
    assert.equal(kv.get("redis-cache-host"), `${cluster.name}.westeurope.redis.azure.net`);
    assert.equal(kv.get("redis-cache-port"), "10000");
    await collectSecrets("rg-acme-amr", kv);
  });

  test("keeps Azure Cache for Redis for an environment built with it before engines existed: re-applied without engine it writes nothing; a switch previews as a HIGH-risk replacement and applies only when the spec asks", async () => {
    const specWith = (engine?: string) =>
      JSON.stringify({
        ...minimalSpec("legacy"),
        modules: [{ type: "base" }, { type: "redis", name: "cache", ...(engine ? { engine } : {}) }],
      });
    const built = await apply(specWith("azure-cache-for-redis"));
    assert.equal(built.status, 202, await built.clone().text());
    assert.equal((await waitForEnd("acme-legacy")).lastOperation?.status, "succeeded");
    const cache = only(resourcesIn("rg-acme-legacy"), "Microsoft.Cache/redis");

    // The record as a release before engines wrote it: no engine, no auth, anywhere.
    const records = createEnvironmentRecords(
      await openTable(stack.azurite.connectionString, RECORD_TABLES.environments),
    );
    const stored = (await records.get("acme-legacy"))!;
    const withoutEngine = <T extends object>(value: T): T =>
      Object.fromEntries(Object.entries(value).filter(([key]) => key !== "engine" && key !== "auth")) as T;
    const legacySpec = {
      ...stored.record.spec,
      modules: stored.record.spec.modules.map((module) =>
        module.type === "redis" ? (withoutEngine(module) as unknown as ModuleSpec) : module,
      ),
      appliedDefaults: Object.fromEntries(
        Object.entries(stored.record.spec.appliedDefaults).map(([name, keys]) => [name, withoutEngine(keys)]),
      ),
    };
    await records.save({ ...stored.record, spec: legacySpec }, stored.etag);

    // Re-applied with the engine left out: the cache is kept, and ARM gets no write at all.
    const since = Date.now();
    const again = await apply(specWith());
    assert.equal(again.status, 202, await again.clone().text());
    assert.equal((await waitForEnd("acme-legacy")).lastOperation?.status, "succeeded");
    assert.deepEqual(
      armWrites(logSince(since)).map((w) => `${w.method} ${w.path} ${w.status}`),
      [],
      "the pinned engine re-applies unchanged",
    );
    assert.equal(ofType(resourcesIn("rg-acme-legacy"), "Microsoft.Cache/redisEnterprise").length, 0);
    const repinned = (await records.get("acme-legacy"))!.record;
    assert.equal((repinned.pinnedDefaults.cache as { engine?: string }).engine, "azure-cache-for-redis");

    // The preview of an explicit switch: a replacement, HIGH risk, the data not migrated.
    const preview = async (spec: string) => {
      const response = await stack.api("environments/acme-legacy/plan", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: spec,
      });
      assert.equal(response.status, 200, await response.clone().text());
      return (await response.json()) as {
        changes: Record<string, number>;
        replacements?: { module: string; from: string; to: string; risk: string; dataMigrated: boolean }[];
        nodes: { key: string; change: string; risk?: string; replaces?: string[] }[];
      };
    };
    const switching = await preview(specWith("azure-managed-redis"));
    assert.deepEqual(
      switching.replacements?.map(({ module, from, to, risk, dataMigrated }) => ({
        module,
        from,
        to,
        risk,
        dataMigrated,
      })),
      [
        {
          module: "cache",
          from: "azure-cache-for-redis",
          to: "azure-managed-redis",
          risk: "high",
          dataMigrated: false,
        },
      ],
    );
    const replacing = switching.nodes.find((node) => node.key === "cache/cluster");
    assert.equal(replacing?.change, "replace");
    assert.equal(replacing?.risk, "high");
    assert.deepEqual(
      replacing?.replaces?.map((id) => id.toLowerCase()),
      [cache.id.toLowerCase()],
    );
    assert.equal(switching.changes.replace, 1);
    const keeping = await preview(specWith());
    assert.equal(keeping.replacements, undefined);
    assert.equal(keeping.nodes.find((node) => node.key === "cache/cache")?.change, "unchanged");

    // Applied when the spec asks: Azure Managed Redis is built; the old cache is left for its owner.
    const switched = await apply(specWith("azure-managed-redis"));
    assert.equal(switched.status, 202, await switched.clone().text());
    const ended = await waitForEnd("acme-legacy");
    assert.equal(ended.lastOperation?.status, "succeeded", JSON.stringify(ended.resultSummary));
    const resources = resourcesIn("rg-acme-legacy");
    assert.equal(ofType(resources, "Microsoft.Cache/redisEnterprise").length, 1);
    assert.equal(only(resources, "Microsoft.Cache/redis").id, cache.id, "the old cache is not deleted");
    await collectSecrets("rg-acme-legacy", await keyVaultSecrets(ended.outputs!));
  });

  test("fails an Azure Cache for Redis build Azure refuses to a new customer, saying to switch to engine: azure-managed-redis", async () => {
    stack.emulator.admin.addFaults([
      { match: { resourceType: "Microsoft.Cache/redis" }, effect: { kind: "new-customer-create-refused" } },
    ]);
    try {
      const spec = {
        ...minimalSpec("newcomer"),
        modules: [{ type: "base" }, { type: "redis", name: "cache", engine: "azure-cache-for-redis" }],
      };
      const accepted = await apply(JSON.stringify(spec));
      assert.equal(accepted.status, 202, await accepted.clone().text());
      const ended = await waitForEnd("acme-newcomer");
      assert.equal(ended.lastOperation?.status, "failed");
      const failure = ended.resultSummary?.failures.find((f) => f.nodeKey === "cache/cache") as
        { code: string; message?: string } | undefined;
      assert.equal(failure?.code, "BadRequest");
      assert.match(failure?.message ?? "", /no longer supported/);
      assert.match(failure?.message ?? "", /switch to engine: azure-managed-redis/);
    } finally {
      stack.emulator.admin.clearFaults();
    }
  });

  test("fails a bad spec with 400 problem+json listing every problem, starting nothing", async () => {
    const since = Date.now();
    const bad = example("minimal.yaml")
      .replace(/^name: dev$/m, "name: Not_A_Valid_Name!")
      .replace(/location: westeurope/, "location: 42")
      .concat("  - type: mongodb\n");
    const response = await apply(bad);
    assert.equal(response.status, 400);
    assert.match(response.headers.get("content-type") ?? "", /application\/problem\+json/);
    const problem = (await response.json()) as { problems: { path: string; message: string }[] };
    assert.ok(problem.problems.length >= 3, JSON.stringify(problem.problems));
    const paths = problem.problems.map((p) => p.path).join(" ");
    assert.match(paths, /name/);
    assert.match(paths, /location/);
    assert.match(paths, /modules/);
    await delay(500);
    assert.deepEqual(logSince(since), [], "nothing reached Azure");
  });

  test("answers 409 to a second apply while a build runs", async () => {
    const spec = JSON.stringify(minimalSpec("busy"));
    const first = await apply(spec);
    assert.equal(first.status, 202, await first.clone().text());
    const second = await apply(spec);
    assert.equal(second.status, 409, await second.clone().text());
    const ended = await waitForEnd("acme-busy");
    assert.equal(ended.lastOperation?.status, "succeeded", JSON.stringify(ended.resultSummary));
  });

  test("destroys an environment: nothing of it is left in the emulator", async () => {
    for (const id of ["acme-staging", "acme-busy"]) {
      const response = await stack.api(`environments/${id}?keyVault=purge`, { method: "DELETE" });
      assert.equal(response.status, 202, await response.clone().text());
    }
    for (const [id, group] of [
      ["acme-staging", "rg-acme-staging"],
      ["acme-busy", "rg-acme-busy"],
    ] as const) {
      const ended = await waitForEnd(id);
      assert.equal(ended.lastOperation?.action, "destroy");
      assert.equal(ended.lastOperation?.status, "succeeded", JSON.stringify(ended.resultSummary));
      assert.deepEqual(
        resourcesIn(group).map((r) => r.id),
        [],
        `${group} is empty`,
      );
    }
  });

  test("builds a queue batch: valid specs built, the invalid one recorded with its problems, the duplicate started once", async () => {
    const since = Date.now();
    const invalid = { ...minimalSpec("q-bad"), providers: { azurerm: { location: "westeurope" } } };
    const message = {
      action: "apply",
      environments: [minimalSpec("q-one"), minimalSpec("q-two"), invalid, minimalSpec("q-one")],
    };
    const queue = new QueueClient(stack.azurite.connectionString, "environment-requests");
    await queue.createIfNotExists();
    const sent = await queue.sendMessage(Buffer.from(JSON.stringify(message)).toString("base64"));

    const results = TableClient.fromConnectionString(
      stack.azurite.connectionString,
      "environmentRequestResults",
      {
        allowInsecureConnection: true,
      },
    );
    const rows = await waitForRows(results, sent.messageId, message.environments.length);
    const byIndex = rows.sort((a, b) => Number(a.rowKey) - Number(b.rowKey));
    assert.deepEqual(
      byIndex.map((r) => r.outcome),
      ["started", "started", "refused", "duplicate"],
      JSON.stringify(byIndex),
    );
    const refusedProblems = Object.entries(byIndex[2]!)
      .filter(([key]) => key.startsWith("problems"))
      .map(([, value]) => String(value))
      .join(" ");
    assert.match(refusedProblems, /subscription_id|tenant_id/, "the refusal says what is wrong");

    for (const id of ["acme-q-one", "acme-q-two"]) {
      const ended = await waitForEnd(id);
      assert.equal(ended.lastOperation?.status, "succeeded", JSON.stringify(ended.resultSummary));
    }
    const groupCreates = logSince(since).filter(
      (e) => e.method === "PUT" && e.status === 201 && /\/resourcegroups\/rg-acme-q-one$/i.test(e.path),
    );
    assert.equal(groupCreates.length, 1, "the duplicate started nothing more");
    assert.equal(
      (await stack.api("environments/acme-q-bad")).status,
      404,
      "the invalid spec started nothing",
    );
  });

  test("completes a build after SIGKILL of the devhost mid-build, with no duplicate ARM create", async () => {
    const since = Date.now();
    const accepted = await apply(stagingSpec("crash"));
    assert.equal(accepted.status, 202, await accepted.clone().text());
    const deadline = Date.now() + 60_000;
    for (;;) {
      const states = Object.values((await view("acme-crash")).progress?.nodes ?? {});
      if (
        states.includes("succeeded") &&
        states.includes("creating") &&
        states.filter((s) => s === "succeeded").length >= 5
      )
        break;
      assert.ok(Date.now() < deadline, "the build got under way");
      await delay(100);
    }
    await stack.restartDevhost("SIGKILL");
    const ended = await waitForEnd("acme-crash");
    assert.equal(ended.lastOperation?.status, "succeeded", JSON.stringify(ended.resultSummary));

    const creates = creatingPuts(logSince(since));
    const twice = [...creates].filter(([, count]) => count > 1);
    assert.deepEqual(twice, [], "no resource was created twice");
    assert.ok(creates.size >= 25, "the log saw the build's creates");
    await collectSecrets("rg-acme-crash", await keyVaultSecrets(ended.outputs!));
  });

  test("rides out a 429 storm and Key Vault's firewall lag after the vault is created", async () => {
    const since = Date.now();
    stack.emulator.admin.clearFaults();
    stack.emulator.admin.addFaults([
      {
        // Spread over the build's calls, as throttling is: a storm, not one call refused 15 times.
        // Retry-After 10 Azure seconds, scaled by the emulator like every duration.
        match: { method: "PUT" },
        probability: 0.5,
        times: STORM_SIZE,
        effect: { kind: "http", status: 429, code: "SubscriptionRequestsThrottled", retryAfterSec: 10 },
      },
      // Long enough (in Azure seconds, scaled) to still hold when the first secret is written.
      { effect: { kind: "keyvault-firewall-lag", durationSec: FIREWALL_LAG_SEC } },
    ]);
    try {
      const accepted = await apply(stagingSpec("stormy"));
      assert.equal(accepted.status, 202, await accepted.clone().text());
      const ended = await waitForEnd("acme-stormy");
      assert.equal(ended.lastOperation?.status, "succeeded", JSON.stringify(ended.resultSummary));
      const log = logSince(since);
      const stormLeft = stack.emulator.admin.listFaults().find((f) => f.rule.effect.kind === "http");
      const throttled = log.filter((e) => e.status === 429).length;
      assert.ok(
        throttled >= STORM_SIZE - (stormLeft?.remaining ?? 0) && throttled >= 8,
        `the storm hit ${throttled} times`,
      );
      assert.ok(
        log.some((e) => e.category === "keyvault" && e.status === 403),
        "the vault's firewall refused at first",
      );
      await collectSecrets("rg-acme-stormy", await keyVaultSecrets(ended.outputs!));
    } finally {
      stack.emulator.admin.clearFaults();
    }
  });

  test("waits out an AKS cluster still busy after its create (409 OperationNotAllowed) to update it", async () => {
    const clusterPath = /\/managedclusters\/aks-acme-stormy$/i;
    // Busy until the test has seen the update refused; clearing the rule then ends the busy spell.
    stack.emulator.admin.addFaults([{ effect: { kind: "aks-busy-after-create", durationSec: 1e9 } }]);
    const since = Date.now();
    try {
      const upgrade = stagingSpec("stormy").replace(
        /max_nodes: 6/,
        'max_nodes: 6\n    kubernetes_version: "1.36"',
      );
      const accepted = await apply(upgrade);
      assert.equal(accepted.status, 202, await accepted.clone().text());
      const deadline = Date.now() + 30_000;
      while (
        !logSince(since).some((e) => e.status === 409 && e.method === "PUT" && clusterPath.test(e.path))
      ) {
        assert.ok(Date.now() < deadline, "the update reached the busy cluster");
        await delay(50);
      }
      stack.emulator.admin.clearFaults();
      const ended = await waitForEnd("acme-stormy");
      assert.equal(ended.lastOperation?.status, "succeeded", JSON.stringify(ended.resultSummary));
      const clusterWrites = logSince(since).filter((e) => e.method !== "GET" && clusterPath.test(e.path));
      assert.ok(
        clusterWrites.some((e) => e.status === 409),
        `the cluster was busy at first: ${JSON.stringify(clusterWrites)}`,
      );
      assert.ok(
        clusterWrites.some((e) => e.status < 300),
        "then the update went through",
      );
      const cluster = only(resourcesIn("rg-acme-stormy"), "Microsoft.ContainerService/managedClusters");
      assert.equal(cluster.properties.kubernetesVersion, "1.36");
    } finally {
      stack.emulator.admin.clearFaults();
    }
  });

  test("scales the cluster's node pool in place when max_nodes changes", async () => {
    const accepted = await apply(
      stagingSpec("stormy").replace(/max_nodes: 6/, 'max_nodes: 7\n    kubernetes_version: "1.36"'),
    );
    assert.equal(accepted.status, 202, await accepted.clone().text());
    const ended = await waitForEnd("acme-stormy");
    assert.equal(ended.lastOperation?.status, "succeeded", JSON.stringify(ended.resultSummary));
    const cluster = only(resourcesIn("rg-acme-stormy"), "Microsoft.ContainerService/managedClusters");
    const pools = cluster.properties.agentPoolProfiles as { maxCount: number }[];
    assert.equal(pools[0]?.maxCount, 7);
  });

  test("fails a node whose operation ends Failed with Azure's code: dependents skipped, the rest done", async () => {
    const ended = await buildWithFailingNatGateway(stack, "broken");
    assert.equal(ended.lastOperation?.status, "failed");
    const failures = ended.resultSummary?.failures ?? [];
    assert.deepEqual(
      failures.map((f) => [f.nodeKey, f.code]),
      [["base/nat-gateway", "NatGatewayAllocationBroken"]],
    );
    const states = ended.resultSummary?.nodeStates ?? {};
    assert.equal(states.failed, 1);
    assert.ok((states.skipped ?? 0) > 0, `dependents skipped: ${JSON.stringify(states)}`);
    assert.ok((states.succeeded ?? 0) > 0, `independent nodes done: ${JSON.stringify(states)}`);
    assert.ok(
      resourcesIn("rg-acme-broken").some((r) => r.type === "Microsoft.KeyVault/vaults"),
      "the Key Vault, which does not need the NAT gateway, was built",
    );
  });

  test("builds examples/public.yaml: waits for the certificate, refuses an expired one, then serves the uploaded one on the static IP under STRICT mTLS, with DNS pointing at it", async () => {
    const accepted = await apply(example("public.yaml"));
    assert.equal(accepted.status, 202, await accepted.clone().text());
    // The build says what it waits for, and how to provide it.
    const deadline = Date.now() + BUILD_TIMEOUT_MS;
    let waiting: EnvironmentView["progress"];
    for (;;) {
      waiting = (await view("acme-shop")).progress;
      if (waiting?.waitingFor?.length) break;
      assert.ok(Date.now() < deadline, `the build never waited: ${JSON.stringify(waiting)}`);
      await delay(100);
    }
    assert.equal(waiting.nodes["external-ssl-cert/certificate"], "waiting");
    assert.match(
      waiting.waitingFor?.[0]?.reason ?? "",
      /PUT \/api\/environments\/acme-shop\/certificates\/external-ssl-cert/,
    );

    const upload = (bundlePem: string) =>
      stack.api("environments/acme-shop/certificates/external-ssl-cert", {
        method: "PUT",
        headers: { "content-type": "application/x-pem-file" },
        body: bundlePem,
      });
    const expired = createTestCertificate({
      dnsNames: ["*.shop.example.com"],
      notBefore: new Date(Date.now() - 90 * DAY_MS),
      notAfter: new Date(Date.now() - DAY_MS),
    });
    rememberKey(expired.privateKeyPem);
    const refused = await upload(expired.bundlePem);
    assert.equal(refused.status, 400);
    assert.equal(((await refused.json()) as { code?: string }).code, "CertificateExpired");

    const certificate = createTestCertificate({ dnsNames: ["shop.example.com", "*.shop.example.com"] });
    rememberKey(certificate.privateKeyPem);
    const uploaded = await upload(certificate.bundlePem);
    assert.equal(uploaded.status, 201, await uploaded.clone().text());
    const answer = (await uploaded.json()) as {
      keyVaultId: string;
      subjectAlternativeNames: string[];
      expiresOn: string;
      buildNotified: boolean;
    };
    assert.deepEqual(answer.subjectAlternativeNames, ["shop.example.com", "*.shop.example.com"]);
    assert.equal(answer.buildNotified, true);

    const ended = await waitForEnd("acme-shop");
    assert.equal(ended.lastOperation?.status, "succeeded", JSON.stringify(ended.resultSummary));
    const ingress = ended.outputs?.ingress;
    assert.ok(ingress?.ipAddress, "the outputs give the ingress's address");
    assert.equal(ingress.certificate?.keyVaultId, answer.keyVaultId);
    assert.equal(ingress.certificate?.expiresOn, answer.expiresOn);

    const resources = resourcesIn("rg-acme-shop");
    const cluster = only(resources, "Microsoft.ContainerService/managedClusters");
    const aks = cluster.properties as {
      ingressProfile: { webAppRouting: { enabled: boolean; identity?: { objectId?: string } } };
      serviceMeshProfile: { mode: string; istio: { revisions: string[] } };
    };
    assert.equal(aks.ingressProfile.webAppRouting.enabled, true);
    assert.ok(aks.ingressProfile.webAppRouting.identity?.objectId, "the add-on's identity is reported");
    assert.equal(aks.serviceMeshProfile.mode, "Istio");
    assert.equal(aks.serviceMeshProfile.istio.revisions.length, 1);

    const ip = ofType(resources, "Microsoft.Network/publicIPAddresses").find((r) =>
      r.name.endsWith("-ingress"),
    );
    assert.ok(ip, "the ingress has its own public IP");
    assert.equal(ip.properties.publicIPAllocationMethod, "Static");
    assert.deepEqual(ip.zones, ["1", "2", "3"]);
    assert.equal(ip.properties.ipAddress, ingress.ipAddress);

    const objects = await clusterObjects(cluster.id);
    const controller = (await objects.read({
      apiVersion: "approuting.kubernetes.azure.com/v1alpha1",
      kind: "NginxIngressController",
      metadata: { name: "nginx-public" },
    } as never)) as unknown as {
      spec: {
        loadBalancerAnnotations: Record<string, string>;
        defaultSSLCertificate: { keyVaultURI: string };
        scaling: { minReplicas: number };
      };
    };
    assert.equal(
      controller.spec.loadBalancerAnnotations["service.beta.kubernetes.io/azure-pip-name"],
      ip.name,
    );
    assert.equal(controller.spec.defaultSSLCertificate.keyVaultURI, answer.keyVaultId);
    assert.equal(controller.spec.scaling.minReplicas, 3, "nginx_high_availability");
    const mtls = (await objects.read({
      apiVersion: "security.istio.io/v1",
      kind: "PeerAuthentication",
      metadata: { name: "default", namespace: "shop" },
    } as never)) as unknown as { spec: unknown };
    assert.deepEqual(mtls.spec, { mtls: { mode: "STRICT" } });
    const namespace = await objects.read({
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: "shop" },
    } as never);
    assert.equal(namespace.metadata?.labels?.["istio.io/rev"], aks.serviceMeshProfile.istio.revisions[0]);

    const zone = only(resources, "Microsoft.Network/dnsZones");
    assert.equal(zone.name, "shop.example.com");
    // Azure answers them with a final dot; the outputs give them as registrars take them.
    assert.deepEqual(
      ingress.dns.nameServers,
      (zone.properties.nameServers as string[]).map((server) => server.replace(/\.$/, "")),
    );
    const records = ofType(resources, "Microsoft.Network/dnsZones/A");
    assert.deepEqual(records.map((record) => record.name).sort(), ["*", "@"]);
    for (const record of records)
      assert.deepEqual(record.properties.ARecords, [{ ipv4Address: ingress.ipAddress }], record.name);
  });

  test("leaves no secret value in Durable history, Azurite, the devhost's logs or any API answer", async () => {
    assert.ok(secretValues.size >= 6, "passwords and keys of several builds were collected");
    assert.ok(privateKeyLines.size >= 20, "the uploaded certificates' keys were collected");
    const places: [string, string][] = [
      ["devhost output", stack.devhostOutput()],
      ["API responses", stack.responseBodies.join("\n")],
    ];
    const instanceIds = await stack.instanceIds();
    for (const id of ["acme-staging", "acme-crash", "acme-stormy", "acme-q-one", "acme-shop"]) {
      assert.ok(instanceIds.includes(id), `${id}'s history is scanned`);
    }
    assert.ok(
      instanceIds.some((id) => id.startsWith("batch-")),
      "the queue batch's history is scanned",
    );
    for (const id of instanceIds) {
      places.push([`instance ${id}`, JSON.stringify(await stack.durableStatus(id))]);
    }
    places.push(["Azurite tables and blobs", await storageDump(stack.azurite.connectionString)]);
    // Secret names do cross the history (README.md, "How a build runs"): seeing them proves the scan read what matters.
    for (const [where, text] of places.filter(
      ([w]) => w === "instance acme-crash" || w.startsWith("Azurite"),
    )) {
      assert.ok(text.includes("db-db-password"), `${where} names the password's secret`);
    }
    for (const [where, text] of places) {
      assert.ok(text.length > 0, `${where} was read`);
      for (const value of secretValues)
        assert.equal(text.includes(value), false, `a secret value is in ${where}`);
      // No line of an uploaded private key: Key Vault holds it, nothing else.
      for (const line of privateKeyLines)
        assert.equal(text.includes(line), false, `a line of an uploaded private key is in ${where}`);
    }
  });
});

/** Counts, per resource path, the PUTs that created it: answered 201, or 2xx while it did not exist. */
function creatingPuts(entries: readonly RequestLogEntry[]): Map<string, number> {
  const exists = new Map<string, boolean>();
  const creates = new Map<string, number>();
  for (const e of entries) {
    if (e.category !== "writes" && e.category !== "reads" && e.category !== "polls") continue;
    const path = e.path.toLowerCase();
    const ok = e.status >= 200 && e.status < 300;
    if (e.method === "GET" && ok) exists.set(path, true);
    if (e.method === "DELETE" && ok) exists.set(path, false);
    if (e.method === "PUT" && ok) {
      if (e.status === 201 || !exists.get(path)) creates.set(path, (creates.get(path) ?? 0) + 1);
      exists.set(path, true);
    }
  }
  return creates;
}

async function waitForRows(
  table: TableClient,
  partition: string,
  count: number,
): Promise<Record<string, unknown>[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const rows: Record<string, unknown>[] = [];
    try {
      for await (const row of table.listEntities({
        queryOptions: { filter: `PartitionKey eq '${partition}'` },
      })) {
        rows.push(row);
      }
    } catch {
      // The table appears with the first result.
    }
    if (rows.length >= count) return rows;
    if (Date.now() > deadline) throw new Error(`only ${rows.length} results for message ${partition}`);
    await delay(200);
  }
}

/** Every entity of every table and every blob of the storage account, as text. */
async function storageDump(connectionString: string): Promise<string> {
  const parts: string[] = [];
  const tables = TableServiceClient.fromConnectionString(connectionString, { allowInsecureConnection: true });
  for await (const table of tables.listTables()) {
    const client = TableClient.fromConnectionString(connectionString, table.name!, {
      allowInsecureConnection: true,
    });
    for await (const entity of client.listEntities()) parts.push(JSON.stringify(entity));
  }
  const blobs = BlobServiceClient.fromConnectionString(connectionString);
  for await (const container of blobs.listContainers()) {
    const client = blobs.getContainerClient(container.name);
    for await (const blob of client.listBlobsFlat()) {
      parts.push((await client.getBlobClient(blob.name).downloadToBuffer()).toString("utf8"));
    }
  }
  return parts.join("\n");
}
