/**
 * Adapters for storage accounts, their blob service and blob containers (a modular client, `properties`
 * flattened). The account's create is long-running (202 + `Location`); the blob service and containers are
 * synchronous writes; the blob service exists with its account (set, never created or deleted).
 */
import type {
  BlobContainer,
  BlobServiceProperties,
  StorageAccountCreateParameters,
} from "@azure/arm-storage";
import { nameAt } from "./shapes";
import { asModel, submitted, type ArmAdapter } from "./types";

/** Storage reports long-running operations under `Microsoft.Storage/locations/asyncoperations`. */
const STORAGE_OPERATION_READS = ["Microsoft.Storage/operations/read"];

export const storageAccountAdapter: ArmAdapter = {
  armType: "Microsoft.Storage/storageAccounts",
  permissions: {
    actions: [
      "Microsoft.Storage/storageAccounts/read",
      "Microsoft.Storage/storageAccounts/write",
      "Microsoft.Storage/storageAccounts/delete",
      ...STORAGE_OPERATION_READS,
    ],
  },
  facts: { blobEndpoint: ["primaryEndpoints.blob"] },
  get: (c, id) => c.storage.storageAccounts.getProperties(id.resourceGroup, id.name),
  write: ({ clients, id }, body, options) =>
    submitted(
      clients.storage.storageAccounts.create(
        id.resourceGroup,
        id.name,
        asModel<StorageAccountCreateParameters>(body),
        options,
      ),
    ),
  remove: (c, id, options) => c.storage.storageAccounts.delete(id.resourceGroup, id.name, options),
};

export const blobServiceAdapter: ArmAdapter = {
  armType: "Microsoft.Storage/storageAccounts/blobServices",
  // Built in: set, never created or deleted, so no delete action.
  permissions: {
    actions: [
      "Microsoft.Storage/storageAccounts/blobServices/read",
      "Microsoft.Storage/storageAccounts/blobServices/write",
      ...STORAGE_OPERATION_READS,
    ],
  },
  builtIn: true,
  get: (c, id) => c.storage.blobServices.getServiceProperties(id.resourceGroup, nameAt(id.names, 0)),
  write: ({ clients, id }, body, options) =>
    clients.storage.blobServices.setServiceProperties(
      id.resourceGroup,
      nameAt(id.names, 0),
      asModel<BlobServiceProperties>(body),
      options,
    ),
  remove: () => Promise.resolve(undefined),
};

export const blobContainerAdapter: ArmAdapter = {
  armType: "Microsoft.Storage/storageAccounts/blobServices/containers",
  permissions: {
    actions: [
      "Microsoft.Storage/storageAccounts/blobServices/containers/read",
      "Microsoft.Storage/storageAccounts/blobServices/containers/write",
      "Microsoft.Storage/storageAccounts/blobServices/containers/delete",
      ...STORAGE_OPERATION_READS,
    ],
  },
  get: (c, id) => c.storage.blobContainers.get(id.resourceGroup, nameAt(id.names, 0), nameAt(id.names, 2)),
  write: ({ clients, id }, body, options) =>
    clients.storage.blobContainers.create(
      id.resourceGroup,
      nameAt(id.names, 0),
      nameAt(id.names, 2),
      asModel<BlobContainer>(body),
      options,
    ),
  remove: (c, id, options) =>
    c.storage.blobContainers.delete(id.resourceGroup, nameAt(id.names, 0), nameAt(id.names, 2), options),
};
