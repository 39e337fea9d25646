/**
 * Microsoft.Storage (`storage/resource-manager/Microsoft.Storage/stable/<api-version>/storage.json` and
 * `blob.json`), at the api-version `@azure/arm-storage` 20.0.0 sends (2025-08-01): storage accounts (PUT takes
 * `StorageAccountCreateParameters`, GET answers `StorageAccount`), the blob service's properties and blob
 * containers. The nested network, encryption and policy models are kept to the members the emulator reads;
 * the rest are accepted as they are.
 */
import {
  any,
  arr,
  bool,
  int,
  map,
  obj,
  ro,
  req,
  str,
  type ApiVersionSchema,
  type ObjectSchema,
} from "../schema.js";
import { managedServiceIdentity, proxyResource, systemData } from "./common.js";

export const STORAGE_API_VERSION = "2025-08-01";
const SOURCE = `storage/resource-manager/Microsoft.Storage/stable/${STORAGE_API_VERSION}/storage.json`;
const BLOB_SOURCE = `storage/resource-manager/Microsoft.Storage/stable/${STORAGE_API_VERSION}/blob.json`;

const sku = obj("Sku", { name: req(str), tier: ro(str) });

/** `StorageAccountPropertiesCreateParameters` members a caller writes. */
const writableProperties = {
  accessTier: str,
  allowBlobPublicAccess: bool,
  allowSharedKeyAccess: bool,
  allowCrossTenantReplication: bool,
  defaultToOAuthAuthentication: bool,
  minimumTlsVersion: str,
  publicNetworkAccess: str,
  supportsHttpsTrafficOnly: bool,
  isHnsEnabled: bool,
  isSftpEnabled: bool,
  isLocalUserEnabled: bool,
  isNfsV3Enabled: bool,
  largeFileSharesState: str,
  dnsEndpointType: str,
  allowedCopyScope: str,
  networkAcls: obj("NetworkRuleSet", {
    bypass: str,
    defaultAction: req(str),
    ipRules: arr(obj("IPRule", { value: req(str), action: str })),
    virtualNetworkRules: arr(any),
    resourceAccessRules: arr(any),
  }),
  encryption: obj("Encryption", {
    services: any,
    keySource: str,
    requireInfrastructureEncryption: bool,
    keyvaultproperties: any,
    identity: any,
  }),
  customDomain: any,
  azureFilesIdentityBasedAuthentication: any,
  routingPreference: any,
  immutableStorageWithVersioning: any,
  keyPolicy: any,
  sasPolicy: any,
} as const;

/** A private endpoint connection as the account lists it (read-only). */
const privateEndpointConnection = obj("PrivateEndpointConnection", {
  ...proxyResource.properties,
  properties: obj("PrivateEndpointConnectionProperties", {
    privateEndpoint: obj("PrivateEndpoint", { id: ro(str) }),
    privateLinkServiceConnectionState: obj("PrivateLinkServiceConnectionState", {
      status: str,
      description: str,
      actionRequired: str,
    }),
    provisioningState: ro(str),
  }),
});

export const storageAccount: ObjectSchema = obj("StorageAccount", {
  id: ro(str),
  name: ro(str),
  type: ro(str),
  systemData,
  location: req(str),
  tags: map(str),
  sku: req(sku),
  kind: req(str),
  identity: managedServiceIdentity,
  extendedLocation: any,
  zones: arr(str),
  properties: obj("StorageAccountProperties", {
    ...writableProperties,
    provisioningState: ro(str),
    primaryEndpoints: ro(any),
    primaryLocation: ro(str),
    statusOfPrimary: ro(str),
    creationTime: ro(str),
    keyCreationTime: ro(any),
    privateEndpointConnections: ro(arr(privateEndpointConnection)),
  }),
});

const deleteRetention = obj("DeleteRetentionPolicy", {
  enabled: bool,
  days: int,
  allowPermanentDelete: bool,
});

export const blobServiceProperties: ObjectSchema = obj("BlobServiceProperties", {
  ...proxyResource.properties,
  sku: ro(sku),
  properties: obj("BlobServicePropertiesProperties", {
    cors: any,
    defaultServiceVersion: str,
    deleteRetentionPolicy: deleteRetention,
    isVersioningEnabled: bool,
    automaticSnapshotPolicyEnabled: bool,
    changeFeed: any,
    restorePolicy: any,
    containerDeleteRetentionPolicy: deleteRetention,
    lastAccessTimeTrackingPolicy: any,
  }),
});

export const blobContainer: ObjectSchema = obj("BlobContainer", {
  ...proxyResource.properties,
  etag: ro(str),
  properties: obj("ContainerProperties", {
    publicAccess: str,
    metadata: map(str),
    defaultEncryptionScope: str,
    denyEncryptionScopeOverride: bool,
    immutableStorageWithVersioning: any,
    enableNfsV3RootSquash: bool,
    enableNfsV3AllSquash: bool,
    lastModifiedTime: ro(str),
    leaseStatus: ro(str),
    leaseState: ro(str),
    hasImmutabilityPolicy: ro(bool),
    hasLegalHold: ro(bool),
    deleted: ro(bool),
    remainingRetentionDays: ro(int),
  }),
});

export const STORAGE_SCHEMAS = {
  storageAccount: { apiVersion: STORAGE_API_VERSION, resource: storageAccount, source: SOURCE },
  blobService: { apiVersion: STORAGE_API_VERSION, resource: blobServiceProperties, source: BLOB_SOURCE },
  blobContainer: { apiVersion: STORAGE_API_VERSION, resource: blobContainer, source: BLOB_SOURCE },
} as const satisfies Record<string, ApiVersionSchema>;
