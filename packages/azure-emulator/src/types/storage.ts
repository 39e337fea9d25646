/**
 * Microsoft.Storage accounts, their blob service and blob containers.
 *
 * Facts (docs/azure-facts.md#storage):
 * - an account PUT answers 202 with `Location`, or 200 with the account when it exists with the same
 *   properties (`StorageAccounts_Create`); DELETE is synchronous (200/204); the blob service's
 *   properties and containers are written synchronously (`storage.json`, `blob.json`: no
 *   `x-ms-long-running-operation` on them);
 * - an account answers when its keys were made (`keyCreationTime.key1`/`key2`) and, per encrypted
 *   service, when its encryption was enabled (`lastEnabledTime`); the blob service answers its account's
 *   SKU (`BlobServiceProperties.sku`, read-only);
 * - account names are 3-24 lower-case letters and digits, unique across Azure (the endpoints are
 *   `<name>.<service>.core.windows.net`); a taken name answers 409 `StorageAccountAlreadyTaken`;
 * - the blob service is a singleton named `default`; container names are 3-63 lower-case letters, digits
 *   and single hyphens, starting with a letter or digit;
 * - infrastructure encryption is chosen at create only;
 * - a private endpoint's group id is `blob` (`privatelink.blob.core.windows.net`), see `network.ts`.
 */
import { STORAGE_SCHEMAS } from "../arm-schema/index.js";
import { valueAt } from "../body-path.js";
import { badRequest } from "../errors.js";
import type { ResourceTypeSpec, WriteContext } from "../resource-type.js";
import type { StoredResource } from "../store.js";
import { privateEndpointConnectionsOf } from "./private-link.js";
import { locationOf } from "./shared.js";

export const STORAGE_ACCOUNT_TYPE = "Microsoft.Storage/storageAccounts";
export const BLOB_SERVICE_TYPE = "Microsoft.Storage/storageAccounts/blobServices";
export const BLOB_CONTAINER_TYPE = "Microsoft.Storage/storageAccounts/blobServices/containers";

const TLS_VERSIONS = ["TLS1_0", "TLS1_1", "TLS1_2", "TLS1_3"];

function validateAccount({ body, existing }: WriteContext): void {
  const tls = valueAt(body, "properties.minimumTlsVersion");
  if (tls !== undefined && !TLS_VERSIONS.includes(String(tls))) {
    throw badRequest(
      "InvalidRequestPropertyValue",
      `The value '${String(tls)}' is not allowed for minimumTlsVersion.`,
    );
  }
  if (!existing) return;
  const path = "properties.encryption.requireInfrastructureEncryption";
  const before = valueAt(existing.body, path) === true;
  const after = valueAt(body, path);
  if (after !== undefined && (after === true) !== before) {
    throw badRequest(
      "InvalidRequestPropertyValue",
      "requireInfrastructureEncryption can only be set when the storage account is created.",
    );
  }
}

const endpointsOf = (resource: StoredResource) => {
  const name = resource.name.toLowerCase();
  const url = (service: string) => `https://${name}.${service}.core.windows.net/`;
  return {
    blob: url("blob"),
    queue: url("queue"),
    table: url("table"),
    file: url("file"),
    dfs: url("dfs"),
    web: `https://${name}.z13.web.core.windows.net/`,
  };
};

/** `Sku.tier`: Premium for the Premium SKUs, else Standard. */
const tierOf = (account: StoredResource): string =>
  String(valueAt(account.body, "sku.name") ?? "").startsWith("Premium") ? "Premium" : "Standard";

export const storageAccountSpec: ResourceTypeSpec = {
  schemas: [STORAGE_SCHEMAS.storageAccount],
  type: STORAGE_ACCOUNT_TYPE,
  putStyle: "location",
  patchStyle: "sync",
  deleteStyle: "sync",
  tracked: true,
  namePattern: /^[a-z0-9]{3,24}$/,
  // Both codes and messages: ARM's "Resolve errors for storage account names" (docs/azure-facts.md#preflight).
  globalNameTakenCode: "StorageAccountAlreadyTaken",
  unchangedPutAnswersAtOnce: true,
  nameInAnotherResourceGroup: {
    code: "StorageAccountInAnotherResourceGroup",
    message: (name) => `The account ${name} is already in another resource group in this subscription.`,
  },
  required: ["sku.name", "kind"],
  validate: validateAccount,
  defaults: () => ({
    tags: {},
    properties: {
      accessTier: "Hot",
      allowBlobPublicAccess: false,
      minimumTlsVersion: "TLS1_2",
      publicNetworkAccess: "Enabled",
      supportsHttpsTrafficOnly: true,
      networkAcls: { bypass: "AzureServices", defaultAction: "Allow", ipRules: [], virtualNetworkRules: [] },
      encryption: {
        services: {
          blob: { enabled: true, keyType: "Account" },
          file: { enabled: true, keyType: "Account" },
        },
        keySource: "Microsoft.Storage",
        requireInfrastructureEncryption: false,
      },
    },
  }),
  synthesize: (resource) => ({
    sku: { tier: tierOf(resource) },
    properties: {
      keyCreationTime: {
        key1: new Date(resource.createdAtMs).toISOString(),
        key2: new Date(resource.createdAtMs).toISOString(),
      },
      // Blob and file data are always encrypted (Azure Storage encryption cannot be turned off).
      encryption: {
        services: {
          blob: { lastEnabledTime: new Date(resource.createdAtMs).toISOString() },
          file: { lastEnabledTime: new Date(resource.createdAtMs).toISOString() },
        },
      },
      primaryEndpoints: endpointsOf(resource),
      primaryLocation: locationOf(resource),
      statusOfPrimary: "available",
      creationTime: new Date(resource.createdAtMs).toISOString(),
    },
  }),
  renderExtra: (resource, env) => ({
    properties: { privateEndpointConnections: privateEndpointConnectionsOf(resource, env, false) },
  }),
  // The blob service exists with its account (a GET answers it at once; setting its properties answers 200).
  afterWrite: async (resource, env) => {
    const id = `${resource.id}/blobServices/default`;
    if (!env.store.get(id)) env.putResource(BLOB_SERVICE_TYPE, id, "default", resource.id, {});
  },
};

export const blobServiceSpec: ResourceTypeSpec = {
  schemas: [STORAGE_SCHEMAS.blobService],
  type: BLOB_SERVICE_TYPE,
  putStyle: "sync",
  deleteStyle: "sync",
  // "The name of the blob Service within the specified storage account. Blob Service Name must be 'default'".
  namePattern: /^default$/,
  // The blob service exists with its account: the spec has no DELETE for it.
  noDelete: true,
  // Its SKU is its account's, as the account has it now.
  renderExtra: (resource, env) => {
    const account = env.store.get(resource.parentId);
    return account
      ? { sku: { name: String(valueAt(account.body, "sku.name") ?? ""), tier: tierOf(account) } }
      : {};
  },
  defaults: () => ({
    properties: {
      cors: { corsRules: [] },
      deleteRetentionPolicy: { enabled: false, allowPermanentDelete: false },
      isVersioningEnabled: false,
    },
  }),
  validate({ body }) {
    for (const path of ["properties.deleteRetentionPolicy", "properties.containerDeleteRetentionPolicy"]) {
      const days = valueAt(body, `${path}.days`);
      if (valueAt(body, `${path}.enabled`) === true && (typeof days !== "number" || days < 1 || days > 365)) {
        throw badRequest(
          "InvalidRequestPropertyValue",
          `${path}.days must be between 1 and 365 when the policy is enabled.`,
        );
      }
    }
  },
};

export const blobContainerSpec: ResourceTypeSpec = {
  schemas: [STORAGE_SCHEMAS.blobContainer],
  type: BLOB_CONTAINER_TYPE,
  putStyle: "sync",
  deleteStyle: "sync",
  namePattern: /^(?!.*--)[a-z0-9][-a-z0-9]{1,61}[a-z0-9]$/,
  validate({ body, parentId, env }) {
    const account = env.store.get(parentId.split("/blobServices/")[0] ?? "");
    const publicAccess = String(valueAt(body, "properties.publicAccess") ?? "None");
    if (
      publicAccess !== "None" &&
      account &&
      valueAt(account.body, "properties.allowBlobPublicAccess") !== true
    ) {
      throw badRequest("PublicAccessNotPermitted", "Public access is not permitted on this storage account.");
    }
  },
  defaults: () => ({ properties: { publicAccess: "None", metadata: {} } }),
  synthesize: (resource) => ({
    properties: {
      lastModifiedTime: new Date(resource.createdAtMs).toISOString(),
      leaseStatus: "Unlocked",
      leaseState: "Available",
      hasImmutabilityPolicy: false,
      hasLegalHold: false,
      deleted: false,
      remainingRetentionDays: 0,
    },
  }),
};
