/**
 * Microsoft.Cache/redisEnterprise (Azure Managed Redis) 2026-09-01, read from the service's TypeSpec
 * (`redisenterprise/resource-manager/Microsoft.Cache/RedisEnterprise/`: `Cluster.tsp`, `Database.tsp`,
 * `models.tsp`, versions in `main.tsp`); the generated `stable/2026-09-01/redisenterprise.json` was not in
 * the index, so members are those of `models.tsp` as of the 2026-05-01-preview additions, which 2026-09-01
 * follows.
 *
 * - A cluster is a `TrackedResource<ClusterCreateProperties>` with `kind` (read-only), `sku` (required),
 *   `zones` and the legacy `ManagedServiceIdentity` v4. No `etag`. `ClusterCreateProperties` requires
 *   `publicNetworkAccess`; PATCH takes `ClusterUpdate` (sku, properties, identity, tags), where it is
 *   optional.
 * - A database is a `ProxyResource<DatabaseCreateProperties>`; PATCH takes `DatabaseUpdate` (properties).
 *   `port`, `modules` and `geoReplication` have Read/Create visibility: a PATCH does not define them.
 */
import { arr, bool, int, map, obj, ro, req, str, type ApiVersionSchema } from "../schema.js";
import { managedServiceIdentity, proxyResource, trackedResource } from "./common.js";

export const REDIS_ENTERPRISE_API_VERSION = "2026-09-01";
const SOURCE =
  "redisenterprise/resource-manager/Microsoft.Cache/RedisEnterprise/{Cluster,Database,models}.tsp (2026-09-01; the generated stable/2026-09-01/redisenterprise.json was not available)";

const sku = obj("Sku", { name: req(str), capacity: int });

/** common-types v6 `PrivateEndpointConnection`, as a cluster lists them (read-only). */
const privateEndpointConnection = obj("PrivateEndpointConnection", {
  ...proxyResource.properties,
  properties: obj("PrivateEndpointConnectionProperties", {
    groupIds: ro(arr(str)),
    privateEndpoint: obj("PrivateEndpoint", { id: ro(str) }),
    privateLinkServiceConnectionState: req(
      obj("PrivateLinkServiceConnectionState", { status: str, description: str, actionsRequired: str }),
    ),
    provisioningState: ro(str),
  }),
});

const maintenanceConfiguration = obj("MaintenanceConfiguration", {
  maintenanceWindows: arr(
    obj("MaintenanceWindow", {
      type: req(str),
      duration: req(str),
      startHourUtc: req(int),
      schedule: req(obj("MaintenanceWindowSchedule", { dayOfWeek: str })),
    }),
  ),
});

const encryption = obj("ClusterPropertiesEncryption", {
  customerManagedKeyEncryption: obj("ClusterPropertiesEncryptionCustomerManagedKeyEncryption", {
    keyEncryptionKeyIdentity: obj("ClusterPropertiesEncryptionCustomerManagedKeyEncryptionKeyIdentity", {
      userAssignedIdentityResourceId: str,
      identityType: str,
    }),
    keyEncryptionKeyUrl: str,
  }),
});

/** `ClusterProperties`: what create, update and answers share. */
const clusterProperties = {
  highAvailability: str,
  minimumTlsVersion: str,
  encryption,
  maintenanceConfiguration,
  hostName: ro(str),
  provisioningState: ro(str),
  redundancyMode: ro(str),
  resourceState: ro(str),
  redisVersion: ro(str),
  privateEndpointConnections: ro(arr(privateEndpointConnection)),
  migratedEndpoint: ro(str),
} as const;

export const redisEnterpriseCluster = obj("Cluster", {
  ...trackedResource.properties,
  location: req(str),
  kind: ro(str),
  sku: req(sku),
  zones: arr(str),
  identity: managedServiceIdentity,
  properties: obj("ClusterCreateProperties", { ...clusterProperties, publicNetworkAccess: req(str) }),
});

const clusterUpdate = obj("ClusterUpdate", {
  sku,
  properties: obj("ClusterUpdateProperties", { ...clusterProperties, publicNetworkAccess: str }),
  identity: managedServiceIdentity,
  tags: map(str),
});

/** `DatabaseProperties` members every body has (create, update, answer). */
const databaseProperties = {
  clientProtocol: str,
  provisioningState: ro(str),
  resourceState: ro(str),
  clusteringPolicy: str,
  evictionPolicy: str,
  persistence: obj("Persistence", {
    aofEnabled: bool,
    rdbEnabled: bool,
    aofFrequency: str,
    rdbFrequency: str,
  }),
  redisVersion: ro(str),
  deferUpgrade: str,
  accessKeysAuthentication: str,
  notifyKeyspaceEvents: str,
} as const;

const linkedDatabase = obj("LinkedDatabase", { id: str, state: ro(str) });

export const redisEnterpriseDatabase = obj("Database", {
  ...proxyResource.properties,
  properties: obj("DatabaseCreateProperties", {
    ...databaseProperties,
    // Read/Create visibility: set at create, answered after.
    port: int,
    modules: arr(obj("Module", { name: req(str), args: str, version: ro(str) })),
    geoReplication: obj("DatabasePropertiesGeoReplication", {
      groupNickname: str,
      linkedDatabases: arr(linkedDatabase),
    }),
  }),
});

const databaseUpdate = obj("DatabaseUpdate", {
  properties: obj("DatabaseUpdateProperties", databaseProperties),
});

/**
 * `AccessPolicyAssignment.tsp` and `models.tsp`: a Microsoft Entra principal made a user of a database.
 * `user` is required; `accessPolicyName` is deprecated (always answered `default`) in favour of
 * `accessString` (added in 2026-05-01-preview, `+@all ~*` when not given).
 */
export const redisEnterpriseAccessPolicyAssignment = obj("AccessPolicyAssignment", {
  ...proxyResource.properties,
  properties: obj("AccessPolicyAssignmentProperties", {
    provisioningState: ro(str),
    accessPolicyName: str,
    accessString: str,
    provisioningError: ro(
      obj("AccessPolicyAssignmentProvisioningError", { code: req(str), message: req(str), target: str }),
    ),
    user: req(obj("AccessPolicyAssignmentPropertiesUser", { objectId: str })),
  }),
});

export const REDIS_ENTERPRISE_SCHEMAS = {
  cluster: {
    apiVersion: REDIS_ENTERPRISE_API_VERSION,
    resource: redisEnterpriseCluster,
    patch: clusterUpdate,
    source: SOURCE,
  },
  database: {
    apiVersion: REDIS_ENTERPRISE_API_VERSION,
    resource: redisEnterpriseDatabase,
    patch: databaseUpdate,
    source: SOURCE,
  },
  accessPolicyAssignment: {
    apiVersion: REDIS_ENTERPRISE_API_VERSION,
    resource: redisEnterpriseAccessPolicyAssignment,
    source:
      "redisenterprise/resource-manager/Microsoft.Cache/RedisEnterprise/{AccessPolicyAssignment,models}.tsp (2026-09-01)",
  },
} as const satisfies Record<string, ApiVersionSchema>;
