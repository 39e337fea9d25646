/**
 * Microsoft.Cache Redis 2024-11-01 (`redis/resource-manager/Microsoft.Cache/stable/2024-11-01/redis.json`):
 * PUT takes `RedisCreateParameters`, GET answers `RedisResource`, PATCH takes `RedisUpdateParameters`.
 * `redisConfiguration` has `additionalProperties`: any key is accepted there.
 */
import { any, arr, bool, int, map, obj, ro, req, str, type ApiVersionSchema } from "../schema.js";
import { managedServiceIdentity, proxyResource, systemData } from "./common.js";

export const REDIS_API_VERSION = "2024-11-01";
const SOURCE = "redis/resource-manager/Microsoft.Cache/stable/2024-11-01/redis.json";

const sku = obj("Sku", { name: req(str), family: req(str), capacity: req(int) });

/** `RedisCommonProperties`, shared by create, update and answers. */
const commonProperties = {
  redisConfiguration: any,
  redisVersion: str,
  enableNonSslPort: bool,
  replicasPerMaster: int,
  replicasPerPrimary: int,
  tenantSettings: map(str),
  shardCount: int,
  minimumTlsVersion: str,
  publicNetworkAccess: str,
  updateChannel: str,
  disableAccessKeyAuthentication: bool,
  zonalAllocationPolicy: str,
} as const;

/** common-types v3 `PrivateEndpointConnection`, as a cache lists them (read-only). */
const privateEndpointConnection = obj("PrivateEndpointConnection", {
  ...proxyResource.properties,
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

export const redisResource = obj("RedisResource", {
  id: ro(str),
  name: ro(str),
  type: ro(str),
  systemData,
  location: req(str),
  tags: map(str),
  zones: arr(str),
  identity: managedServiceIdentity,
  properties: req(
    obj("RedisProperties", {
      ...commonProperties,
      sku: req(sku),
      subnetId: str,
      staticIP: str,
      provisioningState: ro(str),
      hostName: ro(str),
      port: ro(int),
      sslPort: ro(int),
      accessKeys: ro(obj("RedisAccessKeys", { primaryKey: ro(str), secondaryKey: ro(str) })),
      linkedServers: ro(arr(obj("RedisLinkedServer", { id: ro(str) }))),
      instances: ro(
        arr(
          obj("RedisInstanceDetails", {
            sslPort: ro(int),
            nonSslPort: ro(int),
            zone: ro(str),
            shardId: ro(int),
            isMaster: ro(bool),
            isPrimary: ro(bool),
          }),
        ),
      ),
      privateEndpointConnections: ro(arr(privateEndpointConnection)),
    }),
  ),
});

const redisUpdate = obj("RedisUpdateParameters", {
  tags: map(str),
  identity: managedServiceIdentity,
  properties: obj("RedisUpdateProperties", { ...commonProperties, sku }),
});

export const REDIS_SCHEMAS = {
  redis: { apiVersion: REDIS_API_VERSION, resource: redisResource, patch: redisUpdate, source: SOURCE },
} as const satisfies Record<string, ApiVersionSchema>;
