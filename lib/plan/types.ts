/**
 * The plan: an environment as a DAG of resources. This file is the contract between the planner
 * (`lib/plan`), the activities (`activities/`, which ensure, check and delete one node at a time) and the
 * orchestrations (which schedule nodes as their dependencies finish). Plans are plain JSON so they can
 * cross Durable Functions history unchanged; a plan never holds a secret value.
 */

/** Progress views of the DAG. Stages are not barriers: a node starts as soon as its dependencies end. */
export type Stage = "network" | "cluster" | "data" | "secrets" | "ingress";

/**
 * Every kind of node the planner emits. ARM kinds map to one Azure resource type each; the last two are
 * steps on data planes (Key Vault secrets, Kubernetes secrets).
 *
 * `desired` holds, for ARM kinds, the body passed to the Azure SDK client that writes that resource, in
 * that client's model shape (HLC and modular clients flatten `properties`; Key Vault's
 * `VaultCreateOrUpdateParameters` keeps `properties` nested):
 *
 * | kind | SDK client and call |
 * |---|---|
 * | resourceGroup | arm-resources `resourceGroups.createOrUpdate(rg, desired)` |
 * | virtualNetwork | arm-network `virtualNetworks.beginCreateOrUpdate(rg, name, desired)` (no inline subnets) |
 * | subnet | arm-network `subnets.beginCreateOrUpdate(rg, vnet, name, desired)` |
 * | networkSecurityGroup | arm-network `networkSecurityGroups.beginCreateOrUpdate` |
 * | publicIpAddress | arm-network `publicIPAddresses.beginCreateOrUpdate` |
 * | natGateway | arm-network `natGateways.beginCreateOrUpdate` |
 * | privateDnsZone | arm-privatedns `privateZones.beginCreateOrUpdate(rg, zone, desired)` |
 * | privateDnsZoneVnetLink | arm-privatedns `virtualNetworkLinks.beginCreateOrUpdate(rg, zone, link, desired)` |
 * | keyVault | arm-keyvault `vaults.createOrUpdate(rg, name, desired)` |
 * | roleAssignment | arm-authorization `roleAssignments.create(scope, name, desired)` |
 * | privateEndpoint | arm-network `privateEndpoints.beginCreateOrUpdate` |
 * | privateDnsZoneGroup | arm-network `privateDnsZoneGroups.beginCreateOrUpdate(rg, pe, group, desired)` |
 * | managedCluster | arm-containerservice `managedClusters.createOrUpdate(rg, name, desired)` |
 * | postgresFlexibleServer | arm-postgresql-flexible `servers.beginCreateOrUpdate(rg, name, desired)`; the admin password is added by the activity, never planned |
 * | postgresDatabase | arm-postgresql-flexible `databases.beginCreate(rg, server, db, desired)` |
 * | postgresConfiguration | arm-postgresql-flexible `configurations.beginPut(rg, server, name, desired)` |
 * | postgresEntraAdministrator | arm-postgresql-flexible `administratorsMicrosoftEntra.beginCreateOrUpdate(rg, server, desired.objectId, desired)`: ARM names the administrator by its principal's object id, a fact known at build time, so the node's `name` and `id` name the principal by its name (`…/administrators/<principal name>`) and the adapter addresses `…/administrators/<objectId>` |
 * | redisCache | arm-rediscache `redis.beginCreate(rg, name, desired)` (Azure Cache for Redis) |
 * | managedRedisCluster | REST body of `PUT …/Microsoft.Cache/redisEnterprise/{name}` (properties nested), sent through the arm-redisenterprisecache client's pipeline: its models cannot express it (`activities/adapters/managed-redis.ts`) |
 * | managedRedisDatabase | REST body of `PUT …/redisEnterprise/{name}/databases/default`, likewise |
 * | managedRedisAccessPolicyAssignment | REST body of `PUT …/databases/default/accessPolicyAssignments/{name}`, likewise |
 * | keyVaultSecrets | see {@link KeyVaultSecretsDesired} |
 * | kubernetesSecret | see {@link KubernetesSecretDesired} |
 * | dnsZone | arm-dns `zones.createOrUpdate(rg, zone, desired)` |
 * | dnsRecordSet | arm-dns `recordSets.createOrUpdate(rg, zone, name, "A", desired)` |
 * | kubernetesObject | see {@link KubernetesObjectDesired} |
 * | tlsCertificate | see {@link TlsCertificateDesired} |
 * | containerRegistry | arm-containerregistry `registries.create(rg, name, desired)` (a modular client, `properties` flattened) |
 * | storageAccount | arm-storage `storageAccounts.create(rg, name, desired)` (a modular client, `properties` flattened) |
 * | blobService | arm-storage `blobServices.setServiceProperties(rg, account, desired)` (exists with its account) |
 * | blobContainer | arm-storage `blobContainers.create(rg, account, name, desired)` |
 * | userAssignedIdentity | arm-msi `userAssignedIdentities.createOrUpdate(rg, name, desired)` |
 * | federatedIdentityCredential | arm-msi `federatedIdentityCredentials.createOrUpdate(rg, identity, name, desired)` |
 *
 * A value of `desired` that only Azure knows once another node exists (a cluster identity's principal, a
 * public IP's address) is a {@link FactReference} to that node's reported facts, resolved just before
 * the write (`lib/plan/facts.ts`).
 */
export type NodeKind =
  | "resourceGroup"
  | "virtualNetwork"
  | "subnet"
  | "networkSecurityGroup"
  | "publicIpAddress"
  | "natGateway"
  | "privateDnsZone"
  | "privateDnsZoneVnetLink"
  | "keyVault"
  | "roleAssignment"
  | "privateEndpoint"
  | "privateDnsZoneGroup"
  | "managedCluster"
  | "postgresFlexibleServer"
  | "postgresDatabase"
  | "postgresConfiguration"
  | "postgresEntraAdministrator"
  | "redisCache"
  | "managedRedisCluster"
  | "managedRedisDatabase"
  | "managedRedisAccessPolicyAssignment"
  | "keyVaultSecrets"
  | "kubernetesSecret"
  | "dnsZone"
  | "dnsRecordSet"
  | "kubernetesObject"
  | "tlsCertificate"
  | "containerRegistry"
  | "storageAccount"
  | "blobService"
  | "blobContainer"
  | "userAssignedIdentity"
  | "federatedIdentityCredential";

/** JSON values, the only things a plan may hold. */
export type JsonValue =
  string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };
export type JsonObject = { readonly [key: string]: JsonValue };

/** One resource (or data-plane step) of the environment. */
export interface PlanNode {
  /** Unique within the plan, stable across plans of the same spec: `<module>/<part>`, e.g. `base/vnet`, `db/server`. */
  readonly key: string;
  readonly kind: NodeKind;
  /** The spec module this node belongs to (its `name`, or its type when unnamed, e.g. `base`). */
  readonly module: string;
  readonly stage: Stage;
  /** The Azure resource name (for data-plane steps: the Kubernetes Secret's or the secret set's name). */
  readonly name: string;
  /**
   * ARM resource id. Data-plane steps use a stable pseudo id under their parent resource:
   * `<vault id>/secretSets/<module>` and `<cluster id>/namespaces/<ns>/secrets/<name>`.
   */
  readonly id: string;
  /** Keys of the nodes that must have succeeded first. Only real dependencies. */
  readonly dependsOn: readonly string[];
  /** Desired state, in the SDK model shape documented on {@link NodeKind}. */
  readonly desired: JsonObject;
  /**
   * Property paths (dot-separated, into `desired`) that Azure cannot change after creation. A live
   * resource differing in one of them is reported, never silently re-created.
   */
  readonly immutable: readonly string[];
  /** Median duration on real Azure for creating this node, in seconds, from the latency model. */
  readonly estimatedDurationSec: number;
}

/**
 * `desired` of a `keyVaultSecrets` node: the connection facts of one data module, written to the
 * environment's Key Vault by the activity (values are read from Azure inside the activity; only names
 * are planned).
 */
export interface KeyVaultSecretsDesired {
  readonly vaultName: string;
  readonly vaultId: string;
  /**
   * Where the facts come from: `postgres` (a flexible server), `redis` (an Azure Cache for Redis) or
   * `managedRedis` (an Azure Managed Redis cluster and its `default` database).
   */
  readonly source: "postgres" | "redis" | "managedRedis";
  /** ARM id of the data resource whose facts are written (for `managedRedis`, the cluster). */
  readonly sourceId: string;
  /** Key Vault secret name for each Opta-compatible key, e.g. `{ "db_db_host": "db-db-host" }`. */
  readonly secretNames: { readonly [optaKey: string]: string };
  /**
   * The user clients log in as, when it is not the server's administrator login: for a PostgreSQL
   * server with `auth: entra`, the workload identity's name. A name, never a credential.
   */
  readonly user?: string;
}

/** `desired` of a `kubernetesSecret` node: one Kubernetes Secret per data module. */
export interface KubernetesSecretDesired {
  readonly clusterId: string;
  readonly namespace: string;
  readonly secretName: string;
  readonly vaultName: string;
  readonly vaultId: string;
  /** Kubernetes Secret key ⇒ Key Vault secret name, e.g. `{ "db_db_password": "db-db-password" }`. */
  readonly keys: { readonly [secretKey: string]: string };
  readonly labels: { readonly [label: string]: string };
}

/**
 * A value of `desired` known only once another node has been ensured: fact `fact` of node `node` (a
 * dependency), as its ensure reported it (`ResourceFacts`). Plain JSON, so plans stay JSON.
 */
export type FactReference = {
  readonly $fact: { readonly node: string; readonly fact: string };
};

/** A Kubernetes object as the plan writes it: apiVersion, kind, metadata and the rest of its body. */
export interface KubernetesObjectBody {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: { readonly [label: string]: string };
    readonly annotations?: { readonly [annotation: string]: string };
  };
  readonly [field: string]: JsonValue;
}

/**
 * What part of a Kubernetes object a node owns:
 * - `object`: all of it; created, and replaced whenever a field it sets differs;
 * - `labels`: only the labels it sets; created when absent, else the labels are merged in (an object
 *   others write too, such as a namespace);
 * - `ifAbsent`: created when absent, never changed.
 */
export type KubernetesOwnership = "object" | "labels" | "ifAbsent";

/** `desired` of a `kubernetesObject` node: one object on the cluster's API server. */
export interface KubernetesObjectDesired {
  readonly clusterId: string;
  readonly ownership: KubernetesOwnership;
  readonly object: KubernetesObjectBody;
}

/**
 * `desired` of a `tlsCertificate` node: the certificate the ingress serves, read from Key Vault (never
 * its key). Uploaded to the environment's vault under `certificateName`, or kept elsewhere by the user
 * (`certificateId`); a build whose uploaded certificate is missing waits for the upload.
 */
export interface TlsCertificateDesired {
  /** The environment's id, for the upload route users are pointed at. */
  readonly environmentId: string;
  readonly vaultId: string;
  readonly vaultName: string;
  readonly certificateName: string;
  /** The domain the certificate must cover. */
  readonly domain: string;
  /** The user's own certificate, by its Key Vault id (a version may follow the name). */
  readonly certificateId?: string;
}

/** The whole plan for one environment. Byte-identical for the same spec and pinned defaults. */
export interface Plan {
  readonly formatVersion: 1;
  /** Environment id: `<org_name>-<name>`; also the Durable instance id of its builds. */
  readonly environmentId: string;
  readonly org: string;
  readonly environment: string;
  readonly subscriptionId: string;
  readonly location: string;
  readonly resourceGroup: string;
  /** The defaults applied when the spec was planned, so a later release never changes them silently. */
  readonly pinnedDefaults: JsonObject;
  /** Nodes in a topological order (dependencies first, ties broken by key). */
  readonly nodes: readonly PlanNode[];
  /** Hex SHA-256 of the canonical JSON of everything above; identifies the plan. */
  readonly hash: string;
}
