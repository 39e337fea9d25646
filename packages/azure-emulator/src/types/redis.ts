/**
 * Microsoft.Cache Redis (Azure Cache for Redis). Its SDK polls the resource's provisioningState (no LRO
 * header); `listKeys` returns the access keys, which only the answer to a write carries besides.
 *
 * Retiring: since 2026-04-01 a tenant that had no Azure Cache for Redis may not create one. Azure's
 * refusal of the Enterprise tiers is documented (400 `BadRequest`, "Creation of new Azure Cache for
 * Redis Enterprise resources is no longer supported. … please create Azure Managed Redis instead.",
 * Azure/azure-sdk-for-java#50073); the one for Basic, Standard and Premium is not published, and is
 * modelled on it. It is answered while a `new-customer-create-refused` fault matches (off by default).
 */
import { randomBytes } from "node:crypto";
import { REDIS_SCHEMAS } from "../arm-schema/index.js";
import { redisConfigurationDefaults, redisVersionOf } from "../azure-facts/redis-caches.js";
import { valueAt } from "../body-path.js";
import type { ResourceTypeSpec } from "../resource-type.js";
import type { StoredResource } from "../store.js";
import { privateEndpointConnectionsOf } from "./private-link.js";

const skuOf = (resource: StoredResource) => ({
  name: String(valueAt(resource.body, "properties.sku.name") ?? "Standard"),
  family: String(valueAt(resource.body, "properties.sku.family") ?? "C"),
  capacity: Number(valueAt(resource.body, "properties.sku.capacity") ?? 1),
});

/** Replicas per primary: none on Basic, one unless asked otherwise on Standard and Premium. */
function replicasOf(resource: StoredResource): number {
  const asked =
    valueAt(resource.body, "properties.replicasPerPrimary") ??
    valueAt(resource.body, "properties.replicasPerMaster");
  if (typeof asked === "number") return asked;
  return skuOf(resource).name === "Basic" ? 0 : 1;
}

/**
 * One entry per node: each shard's primary then its replicas, ports counting up from 15000 (TLS) and
 * 13000 (plain) as the spec's example answers; `shardId` only for clustered caches, `zone` only when
 * the cache is pinned to zones.
 */
function instancesOf(resource: StoredResource): unknown[] {
  const shardCount = valueAt(resource.body, "properties.shardCount");
  const shards = typeof shardCount === "number" && shardCount > 0 ? shardCount : 1;
  const zones = (valueAt(resource.body, "zones") ?? []) as string[];
  const perShard = 1 + replicasOf(resource);
  return Array.from({ length: shards * perShard }, (_, index) => {
    const primary = index % perShard === 0;
    return {
      sslPort: 15000 + index,
      nonSslPort: 13000 + index,
      ...(zones.length > 0 ? { zone: zones[index % zones.length] } : {}),
      ...(typeof shardCount === "number" ? { shardId: Math.floor(index / perShard) } : {}),
      isMaster: primary,
      isPrimary: primary,
    };
  });
}

export const redisSpec: ResourceTypeSpec = {
  schemas: [REDIS_SCHEMAS.redis],
  type: "Microsoft.Cache/redis",
  putStyle: "provisioning-state",
  deleteStyle: "location",
  tracked: true,
  // 1-63 letters, digits and single hyphens; starts and ends with a letter or digit.
  namePattern: /^(?!.*--)[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?$/,
  globalNameTakenCode: "NameNotAvailable",
  newCustomerRefusal: {
    status: 400,
    code: "BadRequest",
    message:
      "Creation of new Azure Cache for Redis resources is no longer supported for new customers. Azure Cache for Redis is retiring, please create Azure Managed Redis instead.",
  },
  defaults: (resource) => {
    const replicas = replicasOf(resource);
    const zones = (valueAt(resource.body, "zones") ?? []) as string[];
    return {
      tags: {},
      properties: {
        enableNonSslPort: false,
        minimumTlsVersion: "1.2",
        publicNetworkAccess: "Enabled",
        disableAccessKeyAuthentication: false,
        updateChannel: "Stable",
        // "If 'zonalAllocationPolicy' is not passed, it will be set to 'UserDefined' when zones are passed
        // in, otherwise … 'Automatic' in regions where zones are supported" (redis.json 2024-11-01).
        zonalAllocationPolicy: zones.length > 0 ? "UserDefined" : "Automatic",
        replicasPerMaster: replicas,
        replicasPerPrimary: replicas,
        redisConfiguration: redisConfigurationDefaults(skuOf(resource)),
      },
    };
  },
  synthesize: (resource) => ({
    properties: {
      hostName: `${resource.name.toLowerCase()}.redis.cache.windows.net`,
      port: 6379,
      sslPort: 6380,
      redisVersion: redisVersionOf(valueAt(resource.body, "properties.redisVersion")),
      linkedServers: [],
    },
  }),
  renderExtra: (resource, env) => {
    const connections = privateEndpointConnectionsOf(resource, env, false);
    return {
      properties: {
        instances: instancesOf(resource),
        ...(connections.length > 0 ? { privateEndpointConnections: connections } : {}),
      },
    };
  },
  // "The keys of the Redis cache - not set if this object is not the response to Create or Update"
  // (redis.json `RedisProperties.accessKeys`).
  writeAnswerExtra: (resource) => ({
    properties: {
      accessKeys: { primaryKey: resource.secrets.primaryKey, secondaryKey: resource.secrets.secondaryKey },
    },
  }),
  makeSecrets: () => ({
    primaryKey: randomBytes(32).toString("base64"),
    secondaryKey: randomBytes(32).toString("base64"),
  }),
  actions: {
    listkeys: (resource) => ({
      status: 200,
      body: { primaryKey: resource.secrets.primaryKey, secondaryKey: resource.secrets.secondaryKey },
    }),
  },
};
