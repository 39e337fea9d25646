/**
 * Microsoft.KeyVault 2026-02-01 (`keyvault/resource-manager/Microsoft.KeyVault/stable/2026-02-01/openapi.json`):
 * vaults (PUT takes `VaultCreateOrUpdateParameters`, GET answers `Vault`, PATCH takes
 * `VaultPatchParameters`) and deleted vaults. `createMode` is create/update only: never answered.
 */
import { arr, bool, int, map, obj, ro, req, secret, str, type ApiVersionSchema } from "../schema.js";
import { systemData } from "./common.js";

export const KEY_VAULT_API_VERSION = "2026-02-01";
const SOURCE = "keyvault/resource-manager/Microsoft.KeyVault/stable/2026-02-01/openapi.json";

const sku = obj("Sku", { family: req(str), name: req(str) });
const accessPolicyEntry = obj("AccessPolicyEntry", {
  tenantId: req(str),
  objectId: req(str),
  applicationId: str,
  permissions: req(
    obj("Permissions", { keys: arr(str), secrets: arr(str), certificates: arr(str), storage: arr(str) }),
  ),
});
const networkRuleSet = obj("NetworkRuleSet", {
  bypass: str,
  defaultAction: str,
  ipRules: arr(obj("IPRule", { value: req(str) })),
  virtualNetworkRules: arr(
    obj("VirtualNetworkRule", { id: req(str), ignoreMissingVnetServiceEndpoint: bool }),
  ),
});
const privateEndpointConnectionItem = obj("PrivateEndpointConnectionItem", {
  id: str,
  etag: str,
  properties: obj("PrivateEndpointConnectionProperties", {
    privateEndpoint: obj("PrivateEndpoint", { id: ro(str) }),
    privateLinkServiceConnectionState: obj("PrivateLinkServiceConnectionState", {
      status: str,
      description: str,
      actionsRequired: str,
    }),
    provisioningState: ro(str),
  }),
});

const vaultProperties = obj("VaultProperties", {
  tenantId: req(str),
  sku: req(sku),
  accessPolicies: arr(accessPolicyEntry),
  vaultUri: str,
  hsmPoolResourceId: ro(str),
  enabledForDeployment: bool,
  enabledForDiskEncryption: bool,
  enabledForTemplateDeployment: bool,
  enableSoftDelete: bool,
  softDeleteRetentionInDays: int,
  enableRbacAuthorization: bool,
  createMode: secret(str),
  enablePurgeProtection: bool,
  networkAcls: networkRuleSet,
  provisioningState: str,
  privateEndpointConnections: ro(arr(privateEndpointConnectionItem)),
  publicNetworkAccess: str,
});

/** `Vault` (what GET answers) with `VaultCreateOrUpdateParameters`' `location` and `properties` required. */
export const vault = obj("Vault", {
  id: ro(str),
  name: ro(str),
  type: ro(str),
  systemData,
  location: req(str),
  tags: map(str),
  properties: req(vaultProperties),
});

const vaultPatch = obj("VaultPatchParameters", {
  tags: map(str),
  properties: obj("VaultPatchProperties", {
    tenantId: str,
    sku,
    accessPolicies: arr(accessPolicyEntry),
    enabledForDeployment: bool,
    enabledForDiskEncryption: bool,
    enabledForTemplateDeployment: bool,
    enableSoftDelete: bool,
    enableRbacAuthorization: bool,
    softDeleteRetentionInDays: int,
    createMode: secret(str),
    enablePurgeProtection: bool,
    networkAcls: networkRuleSet,
    publicNetworkAccess: str,
  }),
});

/** `DeletedVault`: answered only, never written. */
export const deletedVault = obj("DeletedVault", {
  id: ro(str),
  name: ro(str),
  type: ro(str),
  properties: obj("DeletedVaultProperties", {
    vaultId: ro(str),
    location: ro(str),
    deletionDate: ro(str),
    scheduledPurgeDate: ro(str),
    tags: ro(map(str)),
    purgeProtectionEnabled: ro(bool),
  }),
});

export const KEY_VAULT_SCHEMAS = {
  vault: { apiVersion: KEY_VAULT_API_VERSION, resource: vault, patch: vaultPatch, source: SOURCE },
  deletedVault: { apiVersion: KEY_VAULT_API_VERSION, resource: deletedVault, source: SOURCE },
} as const satisfies Record<string, ApiVersionSchema>;
