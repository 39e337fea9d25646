/**
 * A `storage` module's nodes: a StorageV2 account reached with Microsoft Entra ID only (shared keys off,
 * so no account key is ever in use), blob public access off, public network access off, TLS 1.2,
 * infrastructure encryption; its blob service with versioning and soft delete (blobs and containers); its
 * containers (private); a private endpoint (group `blob`) resolved by `privatelink.blob.core.windows.net`;
 * and, with a cluster, a Kubernetes Secret in the environment's namespace holding only the account's
 * name and blob endpoint — no key exists to put there. Facts and sources: docs/azure-facts.md#storage.
 */
import { defaultSecretNamespace } from "../spec/defaults";
import type { StorageModule } from "../spec/types";
import type { ClusterRefs } from "./cluster";
import { kubernetesObject, labelsOf } from "./kubernetes";
import { privateEndpointNodes, type NetworkRefs, type NodeRef } from "./network";
import { armId, environmentResourceName, makeNode, tagsOf, type PlanningScope } from "./node";
import type { PlanNode } from "./types";

/** The private endpoint group (sub-resource) of a storage account's blob endpoint. */
export const STORAGE_BLOB_PRIVATE_LINK_GROUP = "blob";

/** The blob endpoint of an account (`https://<name>.blob.core.windows.net/`, Azure's public cloud). */
export function blobEndpointOf(accountName: string): string {
  return `https://${accountName}.blob.core.windows.net/`;
}

/** Keys of a storage module's Kubernetes Secret: `<module>_storage_account`, `<module>_blob_endpoint`. */
export function storageSecretKeys(module: string): { readonly account: string; readonly endpoint: string } {
  const prefix = module.replace(/-/g, "_");
  return { account: `${prefix}_storage_account`, endpoint: `${prefix}_blob_endpoint` };
}

/** What other planners need of a storage module. */
export interface StorageRefs {
  readonly account: NodeRef;
}

/** Plans a storage module. */
export function planStorage(
  scope: PlanningScope,
  spec: StorageModule,
  network: NetworkRefs,
  cluster: ClusterRefs | undefined,
): { nodes: PlanNode[]; refs: StorageRefs } {
  const module = spec.name;
  const name = environmentResourceName(scope, "storageAccount", "st", module, [module]);
  const id = armId(scope, "Microsoft.Storage", ["storageAccounts", name]);
  const account = makeNode({
    kind: "storageAccount",
    module,
    part: "account",
    stage: "data",
    name,
    id,
    dependsOn: [network.resourceGroup.key],
    desired: {
      location: scope.location,
      tags: tagsOf(scope, module),
      sku: { name: spec.sku },
      kind: "StorageV2",
      accessTier: "Hot",
      allowBlobPublicAccess: false,
      allowSharedKeyAccess: false,
      defaultToOAuthAuthentication: true,
      publicNetworkAccess: "Disabled",
      minimumTlsVersion: "TLS1_2",
      enableHttpsTrafficOnly: true,
      networkRuleSet: { defaultAction: "Deny", bypass: "None", ipRules: [], virtualNetworkRules: [] },
      encryption: {
        keySource: "Microsoft.Storage",
        requireInfrastructureEncryption: true,
        services: {
          blob: { enabled: true, keyType: "Account" },
          file: { enabled: true, keyType: "Account" },
        },
      },
    },
  });
  const retention = { enabled: true, days: spec.soft_delete_days };
  const blobService = makeNode({
    kind: "blobService",
    module,
    part: "blob-service",
    stage: "data",
    name: "default",
    id: `${id}/blobServices/default`,
    dependsOn: [account.key],
    desired: {
      isVersioningEnabled: spec.versioning,
      deleteRetentionPolicy: retention,
      containerDeleteRetentionPolicy: retention,
    },
  });
  const containers = spec.containers.map((container) =>
    makeNode({
      kind: "blobContainer",
      module,
      part: `container-${container}`,
      stage: "data",
      name: container,
      id: `${id}/blobServices/default/containers/${container}`,
      // After the service's soft delete is on: a container deleted later is kept restorable.
      dependsOn: [account.key, blobService.key],
      desired: { publicAccess: "None" },
    }),
  );
  const ref: NodeRef = { key: account.key, id, name };
  const endpoint = privateEndpointNodes(
    scope,
    network.privateEndpointsSubnet,
    module,
    { name: `${module}-blob`, partPrefix: "" },
    ref,
    STORAGE_BLOB_PRIVATE_LINK_GROUP,
    network.zones.blob!.zone,
    "data",
  );
  const nodes = [account, blobService, ...containers, ...endpoint];
  if (cluster) nodes.push(...storageSecretNodes(scope, spec, name, cluster));
  return { nodes, refs: { account: ref } };
}

/** The Secret naming the account and its endpoint, in the environment's namespace (planned by `plan.ts`). */
function storageSecretNodes(
  scope: PlanningScope,
  spec: StorageModule,
  accountName: string,
  cluster: ClusterRefs,
): PlanNode[] {
  const module = spec.name;
  const namespace = defaultSecretNamespace(scope.spec.name);
  const labels = labelsOf(scope, module);
  const keys = storageSecretKeys(module);
  const secret = kubernetesObject(cluster.cluster, {
    module,
    part: "kubernetes-secret",
    stage: "secrets",
    ownership: "object",
    object: {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: module, namespace, labels },
      type: "Opaque",
      // Names, not credentials: apps authenticate with their workload identity. `data` (base64), as the
      // API server answers it, so a re-apply compares equal.
      data: {
        [keys.account]: Buffer.from(accountName).toString("base64"),
        [keys.endpoint]: Buffer.from(blobEndpointOf(accountName)).toString("base64"),
      },
    },
    dependsOn: [cluster.adminRole.key],
  });
  return [secret];
}
