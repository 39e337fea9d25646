/**
 * A hand-made plan for one environment (org `acme`, environment `staging`): every node kind, with
 * `desired` bodies in the SDK model shapes lib/plan/types.ts documents. Used until (and besides) the
 * planner's own output, so the activities are tested against the contract, not against one planner.
 */
import {
  DEFAULT_EMULATOR_PRINCIPAL_ID,
  DEFAULT_EMULATOR_TENANT_ID,
} from "@azure-env-provisioner/azure-emulator";
import type { JsonObject, NodeKind, PlanNode, Stage } from "../../lib/plan/types";

export const SUBSCRIPTION_ID = "00000000-0000-0000-0000-000000000000";
export const LOCATION = "westeurope";

const tags = { org: "acme", environment: "staging", "managed-by": "azure-env-provisioner" };
const KEY_VAULT_SECRETS_OFFICER = "b86a8fe4-44ce-4948-aee5-eccb2c155cd7";
const AKS_RBAC_CLUSTER_ADMIN = "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b";

/** Ids and names of one sample environment in resource group `rg`. */
export function sampleIds(rg: string) {
  const rgId = `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/${rg}`;
  const net = `${rgId}/providers/Microsoft.Network`;
  const vnet = `${net}/virtualNetworks/staging-vnet`;
  const suffix = rg.replace(/[^a-z0-9]/g, "").slice(-6);
  return {
    rg: rgId,
    vnet,
    subnetNodes: `${vnet}/subnets/nodes`,
    subnetEndpoints: `${vnet}/subnets/endpoints`,
    subnetPostgres: `${vnet}/subnets/postgres`,
    nsg: `${net}/networkSecurityGroups/staging-nodes-nsg`,
    pip: `${net}/publicIPAddresses/staging-nat-ip`,
    nat: `${net}/natGateways/staging-nat`,
    dnsPostgres: `${net}/privateDnsZones/staging.private.postgres.database.azure.com`,
    dnsVault: `${net}/privateDnsZones/privatelink.vaultcore.azure.net`,
    vaultName: `kv-staging-${suffix}`,
    vault: `${rgId}/providers/Microsoft.KeyVault/vaults/kv-staging-${suffix}`,
    cluster: `${rgId}/providers/Microsoft.ContainerService/managedClusters/staging-aks`,
    server: `${rgId}/providers/Microsoft.DBforPostgreSQL/flexibleServers/pg-staging-${suffix}`,
    redis: `${rgId}/providers/Microsoft.Cache/redis/redis-staging-${suffix}`,
    dnsManagedRedis: `${net}/privateDnsZones/privatelink.redis.azure.net`,
    managedRedis: `${rgId}/providers/Microsoft.Cache/redisEnterprise/amr-staging-${suffix}`,
  };
}

function node(
  key: string,
  kind: NodeKind,
  stage: Stage,
  id: string,
  desired: JsonObject,
  dependsOn: string[],
  immutable: string[] = [],
): PlanNode {
  const module = key.split("/")[0] ?? key;
  const name = id.split("/").pop() ?? key;
  return { key, kind, module, stage, name, id, dependsOn, desired, immutable, estimatedDurationSec: 1 };
}

/** The nodes of the sample environment, dependencies first. */
export function samplePlanNodes(rg: string): PlanNode[] {
  const ids = sampleIds(rg);
  const secretsOfficer = `/subscriptions/${SUBSCRIPTION_ID}/providers/Microsoft.Authorization/roleDefinitions/${KEY_VAULT_SECRETS_OFFICER}`;
  const clusterAdmin = `/subscriptions/${SUBSCRIPTION_ID}/providers/Microsoft.Authorization/roleDefinitions/${AKS_RBAC_CLUSTER_ADMIN}`;
  return [
    node("base/rg", "resourceGroup", "network", ids.rg, { location: LOCATION, tags }, []),
    node(
      "base/vnet",
      "virtualNetwork",
      "network",
      ids.vnet,
      { location: LOCATION, tags, addressSpace: { addressPrefixes: ["10.0.0.0/16"] } },
      ["base/rg"],
      ["location"],
    ),
    node(
      "base/nsg",
      "networkSecurityGroup",
      "network",
      ids.nsg,
      { location: LOCATION, tags, securityRules: [] },
      ["base/rg"],
    ),
    node(
      "base/nat-ip",
      "publicIpAddress",
      "network",
      ids.pip,
      {
        location: LOCATION,
        tags,
        sku: { name: "Standard" },
        publicIPAllocationMethod: "Static",
        zones: ["1", "2", "3"],
      },
      ["base/rg"],
      ["location", "sku", "zones"],
    ),
    node(
      "base/nat",
      "natGateway",
      "network",
      ids.nat,
      { location: LOCATION, tags, sku: { name: "Standard" }, publicIpAddresses: [{ id: ids.pip }] },
      ["base/nat-ip"],
      ["location"],
    ),
    node(
      "base/subnet-nodes",
      "subnet",
      "network",
      ids.subnetNodes,
      { addressPrefix: "10.0.0.0/20", networkSecurityGroup: { id: ids.nsg }, natGateway: { id: ids.nat } },
      ["base/vnet", "base/nsg", "base/nat"],
    ),
    node(
      "base/subnet-endpoints",
      "subnet",
      "network",
      ids.subnetEndpoints,
      { addressPrefix: "10.0.16.0/24", privateEndpointNetworkPolicies: "Disabled" },
      ["base/subnet-nodes"],
    ),
    node(
      "base/subnet-postgres",
      "subnet",
      "network",
      ids.subnetPostgres,
      {
        addressPrefix: "10.0.17.0/24",
        delegations: [{ name: "postgres", serviceName: "Microsoft.DBforPostgreSQL/flexibleServers" }],
      },
      ["base/subnet-endpoints"],
    ),
    node("base/dns-postgres", "privateDnsZone", "network", ids.dnsPostgres, { location: "global", tags }, [
      "base/rg",
    ]),
    node(
      "base/dns-postgres-link",
      "privateDnsZoneVnetLink",
      "network",
      `${ids.dnsPostgres}/virtualNetworkLinks/staging-vnet`,
      { location: "global", virtualNetwork: { id: ids.vnet }, registrationEnabled: false },
      ["base/dns-postgres", "base/vnet"],
    ),
    node("base/dns-vault", "privateDnsZone", "network", ids.dnsVault, { location: "global", tags }, [
      "base/rg",
    ]),
    node(
      "base/vault",
      "keyVault",
      "network",
      ids.vault,
      {
        location: LOCATION,
        tags,
        properties: {
          tenantId: DEFAULT_EMULATOR_TENANT_ID,
          sku: { family: "A", name: "standard" },
          enableRbacAuthorization: true,
          enableSoftDelete: true,
          softDeleteRetentionInDays: 7,
          enablePurgeProtection: true,
          networkAcls: {
            defaultAction: "Deny",
            bypass: "AzureServices",
            ipRules: [{ value: "203.0.113.0/24" }],
          },
        },
      },
      ["base/rg"],
      ["location", "properties.tenantId"],
    ),
    node(
      "base/vault-role",
      "roleAssignment",
      "network",
      `${ids.vault}/providers/Microsoft.Authorization/roleAssignments/6f0c9a53-5c3b-4f5f-9d6c-1b2a3c4d5e6f`,
      {
        roleDefinitionId: secretsOfficer,
        principalId: DEFAULT_EMULATOR_PRINCIPAL_ID,
        principalType: "ServicePrincipal",
      },
      ["base/vault"],
      ["roleDefinitionId", "principalId"],
    ),
    node(
      "base/vault-pe",
      "privateEndpoint",
      "network",
      `${ids.rg}/providers/Microsoft.Network/privateEndpoints/staging-vault-pe`,
      {
        location: LOCATION,
        tags,
        subnet: { id: ids.subnetEndpoints },
        privateLinkServiceConnections: [
          { name: "vault", privateLinkServiceId: ids.vault, groupIds: ["vault"] },
        ],
      },
      ["base/vault", "base/subnet-endpoints"],
    ),
    node(
      "base/vault-pe-dns",
      "privateDnsZoneGroup",
      "network",
      `${ids.rg}/providers/Microsoft.Network/privateEndpoints/staging-vault-pe/privateDnsZoneGroups/default`,
      { privateDnsZoneConfigs: [{ name: "vault", privateDnsZoneId: ids.dnsVault }] },
      ["base/vault-pe", "base/dns-vault"],
    ),
    node(
      "k8s/cluster",
      "managedCluster",
      "cluster",
      ids.cluster,
      {
        location: LOCATION,
        tags,
        identity: { type: "SystemAssigned" },
        dnsPrefix: "acme-staging",
        kubernetesVersion: "1.33",
        agentPoolProfiles: [
          {
            name: "default",
            mode: "System",
            vmSize: "Standard_D4s_v5",
            count: 3,
            minCount: 3,
            maxCount: 5,
            enableAutoScaling: true,
            availabilityZones: ["1", "2", "3"],
            vnetSubnetID: ids.subnetNodes,
          },
        ],
        networkProfile: {
          networkPlugin: "azure",
          networkPluginMode: "overlay",
          outboundType: "userAssignedNATGateway",
          serviceCidr: "172.16.0.0/16",
          dnsServiceIP: "172.16.0.10",
          podCidr: "192.168.0.0/16",
        },
        aadProfile: { managed: true, enableAzureRbac: true },
        disableLocalAccounts: true,
      },
      ["base/subnet-nodes"],
      ["location", "dnsPrefix", "networkProfile.networkPlugin"],
    ),
    node(
      "k8s/cluster-role",
      "roleAssignment",
      "cluster",
      `${ids.cluster}/providers/Microsoft.Authorization/roleAssignments/7a1d0b64-6d4c-4a6a-8e7d-2c3b4d5e6f70`,
      {
        roleDefinitionId: clusterAdmin,
        principalId: DEFAULT_EMULATOR_PRINCIPAL_ID,
        principalType: "ServicePrincipal",
      },
      ["k8s/cluster"],
      ["roleDefinitionId", "principalId"],
    ),
    node(
      "db/server",
      "postgresFlexibleServer",
      "data",
      ids.server,
      {
        location: LOCATION,
        tags,
        sku: { name: "Standard_D2ds_v5", tier: "GeneralPurpose" },
        version: "17",
        administratorLogin: "dbadmin",
        storage: { storageSizeGB: 128 },
        backup: { backupRetentionDays: 7, geoRedundantBackup: "Enabled" },
        network: {
          delegatedSubnetResourceId: ids.subnetPostgres,
          privateDnsZoneArmResourceId: ids.dnsPostgres,
          publicNetworkAccess: "Disabled",
        },
      },
      ["base/subnet-postgres", "base/dns-postgres-link", "base/vault-role"],
      ["location", "administratorLogin", "network.delegatedSubnetResourceId"],
    ),
    node(
      "db/database",
      "postgresDatabase",
      "data",
      `${ids.server}/databases/app`,
      { charset: "UTF8", collation: "en_US.utf8" },
      ["db/server"],
    ),
    node(
      "db/config-secure-transport",
      "postgresConfiguration",
      "data",
      `${ids.server}/configurations/require_secure_transport`,
      { value: "on", source: "user-override" },
      ["db/database"],
    ),
    node(
      "db/config-tls",
      "postgresConfiguration",
      "data",
      `${ids.server}/configurations/ssl_min_protocol_version`,
      { value: "TLSv1.2", source: "user-override" },
      // Chained after the other parameter: the server takes one parameter write at a time.
      ["db/config-secure-transport"],
    ),
    node(
      "cache/redis",
      "redisCache",
      "data",
      ids.redis,
      {
        location: LOCATION,
        tags,
        sku: { name: "Standard", family: "C", capacity: 2 },
        enableNonSslPort: false,
        minimumTlsVersion: "1.2",
        publicNetworkAccess: "Disabled",
      },
      ["base/rg"],
      ["location"],
    ),
    node(
      "base/dns-managed-redis",
      "privateDnsZone",
      "network",
      ids.dnsManagedRedis,
      { location: "global", tags },
      ["base/rg"],
    ),
    node(
      "amr/cluster",
      "managedRedisCluster",
      "data",
      ids.managedRedis,
      {
        location: LOCATION,
        tags,
        sku: { name: "Balanced_B3" },
        properties: {
          highAvailability: "Enabled",
          minimumTlsVersion: "1.2",
          publicNetworkAccess: "Disabled",
        },
      },
      ["base/rg"],
      ["location"],
    ),
    node(
      "amr/database",
      "managedRedisDatabase",
      "data",
      `${ids.managedRedis}/databases/default`,
      {
        properties: {
          clientProtocol: "Encrypted",
          port: 10000,
          clusteringPolicy: "OSSCluster",
          evictionPolicy: "VolatileLRU",
          accessKeysAuthentication: "Enabled",
        },
      },
      ["amr/cluster"],
      ["properties.port", "properties.clusteringPolicy"],
    ),
    node(
      "amr/pe",
      "privateEndpoint",
      "data",
      `${ids.rg}/providers/Microsoft.Network/privateEndpoints/staging-amr-pe`,
      {
        location: LOCATION,
        tags,
        subnet: { id: ids.subnetEndpoints },
        privateLinkServiceConnections: [
          { name: "amr", privateLinkServiceId: ids.managedRedis, groupIds: ["redisEnterprise"] },
        ],
      },
      ["amr/cluster", "base/subnet-endpoints"],
    ),
    node(
      "amr/pe-dns",
      "privateDnsZoneGroup",
      "data",
      `${ids.rg}/providers/Microsoft.Network/privateEndpoints/staging-amr-pe/privateDnsZoneGroups/default`,
      { privateDnsZoneConfigs: [{ name: "managed-redis", privateDnsZoneId: ids.dnsManagedRedis }] },
      ["amr/pe", "base/dns-managed-redis"],
    ),
    node(
      "db/secrets",
      "keyVaultSecrets",
      "secrets",
      `${ids.vault}/secretSets/db`,
      {
        vaultName: ids.vaultName,
        vaultId: ids.vault,
        source: "postgres",
        sourceId: ids.server,
        secretNames: {
          db_db_host: "db-db-host",
          db_db_user: "db-db-user",
          db_db_password: "db-db-password",
          db_db_name: "db-db-name",
        },
      },
      ["db/database", "base/vault-role"],
    ),
    node(
      "cache/secrets",
      "keyVaultSecrets",
      "secrets",
      `${ids.vault}/secretSets/cache`,
      {
        vaultName: ids.vaultName,
        vaultId: ids.vault,
        source: "redis",
        sourceId: ids.redis,
        secretNames: {
          cache_cache_host: "cache-cache-host",
          cache_cache_port: "cache-cache-port",
          cache_cache_auth_token: "cache-cache-auth-token",
        },
      },
      ["cache/redis", "base/vault-role"],
    ),
    node(
      "amr/secrets",
      "keyVaultSecrets",
      "secrets",
      `${ids.vault}/secretSets/amr`,
      {
        vaultName: ids.vaultName,
        vaultId: ids.vault,
        source: "managedRedis",
        sourceId: ids.managedRedis,
        secretNames: {
          amr_cache_host: "amr-cache-host",
          amr_cache_port: "amr-cache-port",
          amr_cache_auth_token: "amr-cache-auth-token",
        },
      },
      ["amr/database", "base/vault-role"],
    ),
    ...(["db", "cache"] as const).map((module) =>
      node(
        `${module}/k8s-secret`,
        "kubernetesSecret",
        "secrets",
        `${ids.cluster}/namespaces/staging/secrets/${module}-secrets`,
        {
          clusterId: ids.cluster,
          namespace: "staging",
          secretName: `${module}-secrets`,
          vaultName: ids.vaultName,
          vaultId: ids.vault,
          keys:
            module === "db"
              ? {
                  db_db_host: "db-db-host",
                  db_db_user: "db-db-user",
                  db_db_password: "db-db-password",
                  db_db_name: "db-db-name",
                }
              : {
                  cache_cache_host: "cache-cache-host",
                  cache_cache_port: "cache-cache-port",
                  cache_cache_auth_token: "cache-cache-auth-token",
                },
          labels: { "app.kubernetes.io/managed-by": "azure-env-provisioner", "acme.io/module": module },
        },
        [`${module}/secrets`, "k8s/cluster-role"],
      ),
    ),
  ];
}
