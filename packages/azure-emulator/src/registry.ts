/** The registry: every resource type the emulator serves, by lower-case ARM type. */
import type { ResourceTypeSpec } from "./resource-type.js";
import { managedClusterSpec } from "./types/aks.js";
import { roleAssignmentSpec } from "./types/authorization.js";
import { containerRegistrySpec } from "./types/container-registry.js";
import { aRecordSetSpec, dnsZoneSpec } from "./types/dns.js";
import { vaultSpec } from "./types/keyvault.js";
import {
  natGatewaySpec,
  networkSecurityGroupSpec,
  privateDnsZoneGroupSpec,
  privateEndpointSpec,
  publicIpAddressSpec,
  subnetSpec,
  virtualNetworkSpec,
} from "./types/network.js";
import {
  flexibleServerAdministratorSpec,
  flexibleServerConfigurationSpec,
  flexibleServerDatabaseSpec,
  flexibleServerSpec,
} from "./types/postgres.js";
import { privateDnsZoneSpec, virtualNetworkLinkSpec } from "./types/private-dns.js";
import {
  managedRedisAccessPolicyAssignmentSpec,
  managedRedisClusterSpec,
  managedRedisDatabaseSpec,
} from "./types/managed-redis.js";
import { redisSpec } from "./types/redis.js";
import { federatedCredentialSpec, userAssignedIdentitySpec } from "./types/msi.js";
import { resourceGroupSpec } from "./types/resources.js";
import { blobContainerSpec, blobServiceSpec, storageAccountSpec } from "./types/storage.js";

/** Every served type. */
export const RESOURCE_TYPE_SPECS: readonly ResourceTypeSpec[] = [
  resourceGroupSpec,
  virtualNetworkSpec,
  subnetSpec,
  networkSecurityGroupSpec,
  publicIpAddressSpec,
  natGatewaySpec,
  privateEndpointSpec,
  privateDnsZoneGroupSpec,
  privateDnsZoneSpec,
  virtualNetworkLinkSpec,
  managedClusterSpec,
  flexibleServerSpec,
  flexibleServerDatabaseSpec,
  flexibleServerConfigurationSpec,
  flexibleServerAdministratorSpec,
  redisSpec,
  managedRedisClusterSpec,
  managedRedisDatabaseSpec,
  managedRedisAccessPolicyAssignmentSpec,
  vaultSpec,
  roleAssignmentSpec,
  dnsZoneSpec,
  aRecordSetSpec,
  containerRegistrySpec,
  storageAccountSpec,
  blobServiceSpec,
  blobContainerSpec,
  userAssignedIdentitySpec,
  federatedCredentialSpec,
];

/** Specs by lower-case ARM type. */
export type TypeRegistry = ReadonlyMap<string, ResourceTypeSpec>;

export function createTypeRegistry(specs: readonly ResourceTypeSpec[] = RESOURCE_TYPE_SPECS): TypeRegistry {
  return new Map(specs.map((spec) => [spec.type.toLowerCase(), spec]));
}
