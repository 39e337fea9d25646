/** Which adapter serves each ARM node kind of the plan. */
import type { NodeKind } from "../../lib/plan/types";
import { containerRegistryAdapter } from "./container-registry";
import { dnsRecordSetAdapter, dnsZoneAdapter } from "./dns";
import { keyVaultAdapter } from "./key-vault";
import { managedClusterAdapter } from "./managed-cluster";
import { federatedIdentityCredentialAdapter, userAssignedIdentityAdapter } from "./managed-identity";
import {
  natGatewayAdapter,
  networkSecurityGroupAdapter,
  privateDnsZoneGroupAdapter,
  privateEndpointAdapter,
  publicIpAddressAdapter,
  subnetAdapter,
  virtualNetworkAdapter,
} from "./network";
import {
  postgresConfigurationAdapter,
  postgresDatabaseAdapter,
  postgresEntraAdministratorAdapter,
  postgresFlexibleServerAdapter,
} from "./postgres";
import { privateDnsZoneAdapter, privateDnsZoneVnetLinkAdapter } from "./private-dns";
import {
  managedRedisAccessPolicyAssignmentAdapter,
  managedRedisClusterAdapter,
  managedRedisDatabaseAdapter,
} from "./managed-redis";
import { redisCacheAdapter } from "./redis";
import { resourceGroupAdapter, roleAssignmentAdapter } from "./resources";
import { blobContainerAdapter, blobServiceAdapter, storageAccountAdapter } from "./storage";
import type { ArmAdapter } from "./types";

/** The plan's node kinds that are data-plane steps (Key Vault, Kubernetes), not ARM resources. */
export type DataPlaneNodeKind =
  "keyVaultSecrets" | "kubernetesSecret" | "kubernetesObject" | "tlsCertificate";

/** The plan's node kinds that are ARM resources (the others are data-plane steps). */
export type ArmNodeKind = Exclude<NodeKind, DataPlaneNodeKind>;

/** One adapter per ARM node kind. */
export const ARM_ADAPTERS: Readonly<Record<ArmNodeKind, ArmAdapter>> = {
  resourceGroup: resourceGroupAdapter,
  virtualNetwork: virtualNetworkAdapter,
  subnet: subnetAdapter,
  networkSecurityGroup: networkSecurityGroupAdapter,
  publicIpAddress: publicIpAddressAdapter,
  natGateway: natGatewayAdapter,
  privateDnsZone: privateDnsZoneAdapter,
  privateDnsZoneVnetLink: privateDnsZoneVnetLinkAdapter,
  keyVault: keyVaultAdapter,
  roleAssignment: roleAssignmentAdapter,
  privateEndpoint: privateEndpointAdapter,
  privateDnsZoneGroup: privateDnsZoneGroupAdapter,
  managedCluster: managedClusterAdapter,
  postgresFlexibleServer: postgresFlexibleServerAdapter,
  postgresDatabase: postgresDatabaseAdapter,
  postgresConfiguration: postgresConfigurationAdapter,
  postgresEntraAdministrator: postgresEntraAdministratorAdapter,
  redisCache: redisCacheAdapter,
  managedRedisCluster: managedRedisClusterAdapter,
  managedRedisDatabase: managedRedisDatabaseAdapter,
  managedRedisAccessPolicyAssignment: managedRedisAccessPolicyAssignmentAdapter,
  dnsZone: dnsZoneAdapter,
  dnsRecordSet: dnsRecordSetAdapter,
  containerRegistry: containerRegistryAdapter,
  storageAccount: storageAccountAdapter,
  blobService: blobServiceAdapter,
  blobContainer: blobContainerAdapter,
  userAssignedIdentity: userAssignedIdentityAdapter,
  federatedIdentityCredential: federatedIdentityCredentialAdapter,
};

/** True for node kinds the generic ARM step handles. */
export function isArmNodeKind(kind: NodeKind): kind is ArmNodeKind {
  return kind in ARM_ADAPTERS;
}
