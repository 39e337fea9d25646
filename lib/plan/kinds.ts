/**
 * Facts per node kind: the ARM resource type it creates (the latency model and ids are keyed by it) and
 * the properties Azure refuses to change after creation.
 */
import { latencyOf } from "../latency-model";
import type { NodeKind } from "./types";

/**
 * ARM resource type per kind. Data-plane steps have pseudo types under their parent; the latency model
 * does not list them, so they get its default (seconds, like any small write).
 */
export const ARM_TYPE_BY_KIND: Readonly<Record<NodeKind, string>> = {
  resourceGroup: "Microsoft.Resources/resourceGroups",
  virtualNetwork: "Microsoft.Network/virtualNetworks",
  subnet: "Microsoft.Network/virtualNetworks/subnets",
  networkSecurityGroup: "Microsoft.Network/networkSecurityGroups",
  publicIpAddress: "Microsoft.Network/publicIPAddresses",
  natGateway: "Microsoft.Network/natGateways",
  privateDnsZone: "Microsoft.Network/privateDnsZones",
  privateDnsZoneVnetLink: "Microsoft.Network/privateDnsZones/virtualNetworkLinks",
  keyVault: "Microsoft.KeyVault/vaults",
  roleAssignment: "Microsoft.Authorization/roleAssignments",
  privateEndpoint: "Microsoft.Network/privateEndpoints",
  privateDnsZoneGroup: "Microsoft.Network/privateEndpoints/privateDnsZoneGroups",
  managedCluster: "Microsoft.ContainerService/managedClusters",
  postgresFlexibleServer: "Microsoft.DBforPostgreSQL/flexibleServers",
  postgresDatabase: "Microsoft.DBforPostgreSQL/flexibleServers/databases",
  postgresConfiguration: "Microsoft.DBforPostgreSQL/flexibleServers/configurations",
  postgresEntraAdministrator: "Microsoft.DBforPostgreSQL/flexibleServers/administrators",
  redisCache: "Microsoft.Cache/redis",
  managedRedisCluster: "Microsoft.Cache/redisEnterprise",
  managedRedisDatabase: "Microsoft.Cache/redisEnterprise/databases",
  managedRedisAccessPolicyAssignment: "Microsoft.Cache/redisEnterprise/databases/accessPolicyAssignments",
  keyVaultSecrets: "Microsoft.KeyVault/vaults/secrets",
  kubernetesSecret: "Kubernetes/secrets",
  dnsZone: "Microsoft.Network/dnsZones",
  dnsRecordSet: "Microsoft.Network/dnsZones/A",
  kubernetesObject: "Kubernetes/objects",
  tlsCertificate: "Microsoft.KeyVault/vaults/certificates",
  containerRegistry: "Microsoft.ContainerRegistry/registries",
  storageAccount: "Microsoft.Storage/storageAccounts",
  blobService: "Microsoft.Storage/storageAccounts/blobServices",
  blobContainer: "Microsoft.Storage/storageAccounts/blobServices/containers",
  userAssignedIdentity: "Microsoft.ManagedIdentity/userAssignedIdentities",
  federatedIdentityCredential:
    "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials",
};

/** Median create duration of a kind, in seconds, from the one latency model. */
export function estimatedCreateSec(kind: NodeKind): number {
  return latencyOf(ARM_TYPE_BY_KIND[kind]).createP50Sec;
}

/**
 * Paths into `desired` that Azure cannot change once the resource exists (changing them means a new
 * resource). One-way switches (soft delete, purge protection, AAD integration) are listed too: Azure
 * refuses to turn them back off.
 */
export const IMMUTABLE_PATHS_BY_KIND: Readonly<Record<NodeKind, readonly string[]>> = {
  resourceGroup: ["location"],
  virtualNetwork: ["location"],
  subnet: [],
  networkSecurityGroup: ["location"],
  publicIpAddress: ["location", "sku.name", "sku.tier", "zones", "publicIPAddressVersion"],
  natGateway: ["location", "sku.name"],
  privateDnsZone: [],
  privateDnsZoneVnetLink: ["virtualNetwork.id"],
  keyVault: [
    "location",
    "properties.enableSoftDelete",
    "properties.softDeleteRetentionInDays",
    "properties.enablePurgeProtection",
  ],
  roleAssignment: ["roleDefinitionId", "principalId"],
  privateEndpoint: ["location", "subnet.id", "privateLinkServiceConnections"],
  privateDnsZoneGroup: [],
  managedCluster: [
    "location",
    "dnsPrefix",
    "aadProfile.managed",
    "networkProfile.networkPlugin",
    "networkProfile.networkPluginMode",
    "networkProfile.podCidr",
    "networkProfile.serviceCidr",
    "networkProfile.dnsServiceIP",
    "agentPoolProfiles.0.name",
    "agentPoolProfiles.0.vmSize",
    "agentPoolProfiles.0.osDiskSizeGB",
    "agentPoolProfiles.0.availabilityZones",
    "agentPoolProfiles.0.vnetSubnetID",
  ],
  postgresFlexibleServer: [
    "location",
    "administratorLogin",
    "network.publicNetworkAccess",
    "network.delegatedSubnetResourceId",
    "network.privateDnsZoneArmResourceId",
    "backup.geoRedundantBackup",
  ],
  postgresDatabase: ["charset", "collation"],
  postgresConfiguration: [],
  // A different principal is a different administrator (its object id is the resource's name).
  postgresEntraAdministrator: ["objectId"],
  redisCache: ["location"],
  managedRedisCluster: ["location"],
  // The port is set at create only; the clustering policy changes only away from NoCluster, which the
  // plan never uses (docs/azure-facts.md#azure-managed-redis).
  managedRedisDatabase: ["properties.port", "properties.clusteringPolicy"],
  managedRedisAccessPolicyAssignment: [],
  keyVaultSecrets: [],
  kubernetesSecret: [],
  dnsZone: ["location"],
  dnsRecordSet: [],
  kubernetesObject: [],
  tlsCertificate: [],
  // Zone redundancy is chosen at create (docs/azure-facts.md#container-registry).
  containerRegistry: ["location", "zoneRedundancy"],
  // Infrastructure encryption is chosen at create (docs/azure-facts.md#storage).
  storageAccount: ["location", "kind", "encryption.requireInfrastructureEncryption"],
  blobService: [],
  blobContainer: [],
  userAssignedIdentity: ["location"],
  federatedIdentityCredential: [],
};

/**
 * A change Azure refuses only in some circumstances, beyond {@link IMMUTABLE_PATHS_BY_KIND}:
 * - `growOnly`: the value may grow but never shrink (a number);
 * - `fixedWhileInUse`: the value cannot change while the live resource is in use, which it is when any of
 *   `inUseWhen` (paths into the live, SDK-shaped resource) holds a non-empty list.
 */
export interface ChangeRule {
  /** Dot path into `desired`. */
  readonly path: string;
  readonly rule: "growOnly" | "fixedWhileInUse";
  readonly inUseWhen?: readonly string[];
  /** Why Azure refuses, for the user. */
  readonly reason: string;
}

/**
 * Conditional change rules per kind. PostgreSQL flexible server storage "can only be scaled up"
 * (https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-storage); a subnet's address range
 * cannot change while NICs, private endpoints or delegated services use it (`InUseSubnetCannotBeUpdated`,
 * https://learn.microsoft.com/azure/virtual-network/virtual-network-manage-subnet#change-subnet-settings).
 */
export const CHANGE_RULES_BY_KIND: Readonly<Partial<Record<NodeKind, readonly ChangeRule[]>>> = {
  postgresFlexibleServer: [
    {
      path: "storage.storageSizeGB",
      rule: "growOnly",
      reason: "flexible server storage can grow but never shrink",
    },
  ],
  subnet: [
    {
      path: "addressPrefix",
      rule: "fixedWhileInUse",
      inUseWhen: ["ipConfigurations", "privateEndpoints", "serviceAssociationLinks"],
      reason: "a subnet's address range cannot change while anything uses it",
    },
  ],
};
