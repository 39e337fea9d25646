/**
 * Microsoft.Cache/redisEnterprise (Azure Managed Redis) and its databases, as the REST API (api-version
 * 2026-09-01, azure-rest-api-specs `specification/redisenterprise/…/RedisEnterprise`) describes them:
 *
 * - Long-running operations: PUT answers 201/200 + `Azure-AsyncOperation` + `Retry-After` and the final
 *   state is read from the resource itself (`final-state-via: original-uri`); PATCH and DELETE answer
 *   202 + `Azure-AsyncOperation` + `Location` (+ `Retry-After`).
 * - A cluster needs `sku.name` (one of the Balanced, Memory Optimized, Compute Optimized or Flash
 *   Optimized SKUs) and, on create, `properties.publicNetworkAccess`; names are 1–60 letters, digits and
 *   single hyphens, unique in their region (the host is `<name>.<region>.redis.azure.net`, read-only).
 *   High availability is on unless disabled; with it, a cluster in a region with zones is zone-redundant
 *   (`redundancyMode` `ZR`). The retired Enterprise SKUs are refused on create, as Azure has refused them
 *   since 2026-04-01.
 * - A database: the client protocol (`Encrypted` by default), `port` (10000 here) and `modules` are set
 *   at create only; `clusteringPolicy` changes only away from `NoCluster`; `accessKeysAuthentication`
 *   is `Disabled` by default; `listKeys` returns the access keys, which no body carries.
 */
import { randomBytes } from "node:crypto";
import { REDIS_ENTERPRISE_SCHEMAS } from "../arm-schema/index.js";
import { isRecord, valueAt } from "../body-path.js";
import { badRequest, conflict } from "../errors.js";
import { idKey } from "../resource-path.js";
import type { ProviderEnv, ResourceTypeSpec, WriteContext } from "../resource-type.js";
import type { StoredResource } from "../store.js";
import { privateEndpointConnectionsOf } from "./private-link.js";
import { locationOf, propertiesOf } from "./shared.js";

export const MANAGED_REDIS_CLUSTER_TYPE = "Microsoft.Cache/redisEnterprise";
export const MANAGED_REDIS_DATABASE_TYPE = `${MANAGED_REDIS_CLUSTER_TYPE}/databases`;

/** Cluster and database names: 1–60 letters and digits in groups joined by single hyphens (the REST spec's pattern). */
const NAME = /^(?=.{1,60}$)[A-Za-z0-9]+(-[A-Za-z0-9]+)*$/;

/** The Azure Managed Redis SKUs of the REST API's `SkuName`. */
const MANAGED_SKU = new RegExp(
  "^(" +
    [
      "Balanced_B(0|1|3|5|10|20|50|100|150|250|350|500|700|1000)",
      "MemoryOptimized_M(10|20|50|100|150|250|350|500|700|1000|1500|2000)",
      "ComputeOptimized_X(3|5|10|20|50|100|150|250|350|500|700)",
      "FlashOptimized_A(250|500|700|1000|1500|2000|4500)",
    ].join("|") +
    ")$",
  "i",
);

/** The Enterprise and Enterprise Flash SKUs, retired: Azure refuses new ones since 2026-04-01. */
const RETIRED_SKU = /^(Enterprise_E\d+|EnterpriseFlash_F\d+)$/i;

/** Azure's refusal of a new Enterprise cluster (Azure/azure-sdk-for-java#50073). */
const ENTERPRISE_RETIRED_MESSAGE =
  "Creation of new Azure Cache for Redis Enterprise resources is no longer supported. Azure Cache for Redis Enterprise is retiring, please create Azure Managed Redis instead.";

const ENABLED_DISABLED = ["Enabled", "Disabled"];

const managedRedis = {
  putStyle: "azure-async-operation",
  patchStyle: "accepted-async-operation",
  deleteStyle: "azure-async-operation",
  namePattern: NAME,
} as const;

/** 400 when `value` is present and not one of `allowed` (ARM enums match case-insensitively). */
function checkEnum(body: Record<string, unknown>, path: string, allowed: readonly string[]): void {
  const value = valueAt(body, path);
  if (value === undefined || value === null) return;
  if (typeof value !== "string" || !allowed.some((a) => a.toLowerCase() === value.toLowerCase())) {
    throw badRequest(
      "InvalidRequestContent",
      `The value '${String(value)}' of '${path}' is invalid; allowed values: ${allowed.join(", ")}.`,
    );
  }
}

function checkCluster({ id, name, body, existing, env }: WriteContext): void {
  const sku = String(valueAt(body, "sku.name") ?? "");
  if (!existing && RETIRED_SKU.test(sku)) throw badRequest("BadRequest", ENTERPRISE_RETIRED_MESSAGE);
  if (!MANAGED_SKU.test(sku) && !(existing && RETIRED_SKU.test(sku))) {
    throw badRequest(
      "BadRequest",
      `The SKU '${sku}' is not an Azure Managed Redis SKU (Balanced_B*, MemoryOptimized_M*, ComputeOptimized_X*, FlashOptimized_A*).`,
    );
  }
  checkEnum(body, "properties.publicNetworkAccess", ENABLED_DISABLED);
  checkEnum(body, "properties.highAvailability", ENABLED_DISABLED);
  // TLS 1.0 and 1.1 are "completely obsolete -- you cannot use them" (the REST spec's TlsVersion).
  checkEnum(body, "properties.minimumTlsVersion", ["1.2"]);
  if (!existing) {
    const location = String(body.location ?? "")
      .replace(/\s+/g, "")
      .toLowerCase();
    const taken = env.store
      .ofType(MANAGED_REDIS_CLUSTER_TYPE)
      .find(
        (other) =>
          other.name.toLowerCase() === name.toLowerCase() &&
          idKey(other.id) !== idKey(id) &&
          locationOf(other) === location,
      );
    if (taken) {
      throw conflict(
        "NameNotAvailable",
        `The name '${name}' is already in use in ${location}: its host name ${name.toLowerCase()}.${location}.redis.azure.net must be unique in the region.`,
      );
    }
  }
}

/** The resource state Azure Managed Redis reports beside provisioningState. */
function resourceStateOf(resource: StoredResource): string {
  switch (resource.provisioningState) {
    case "Succeeded":
      return "Running";
    case "Failed":
      return "CreateFailed";
    default:
      return resource.provisioningState;
  }
}

function clusterExtra(resource: StoredResource, env: ProviderEnv): Record<string, unknown> {
  const highAvailability = String(propertiesOf(resource.body).highAvailability ?? "Enabled");
  return {
    properties: {
      // Every region the emulator serves has zones: a highly available cluster is zone-redundant.
      redundancyMode: highAvailability.toLowerCase() === "enabled" ? "ZR" : "None",
      resourceState: resourceStateOf(resource),
      privateEndpointConnections: privateEndpointConnectionsOf(resource, env, false),
    },
  };
}

export const managedRedisClusterSpec: ResourceTypeSpec = {
  ...managedRedis,
  type: MANAGED_REDIS_CLUSTER_TYPE,
  schemas: [REDIS_ENTERPRISE_SCHEMAS.cluster],
  tracked: true,
  // `sku.name` is required by the definition table; `properties` is optional there, but a create without
  // `publicNetworkAccess` is refused whether `properties` is sent or not.
  required: ["properties.publicNetworkAccess"],
  readOnlyPaths: [
    "kind",
    "properties.hostName",
    "properties.redundancyMode",
    "properties.resourceState",
    "properties.redisVersion",
    "properties.privateEndpointConnections",
  ],
  createDefaults: { "properties.highAvailability": "Enabled", "properties.minimumTlsVersion": "1.2" },
  validate: checkCluster,
  synthesize: (resource) => ({
    kind: "v2",
    properties: {
      hostName: `${resource.name.toLowerCase()}.${locationOf(resource)}.redis.azure.net`,
      redisVersion: "7.4",
    },
  }),
  renderExtra: clusterExtra,
};

/** Database properties set at create only (the REST spec's Read/Create visibility). */
const CREATE_ONLY = ["properties.port", "properties.modules", "properties.geoReplication.groupNickname"];

function checkDatabase({ body, existing, parentId, id, env }: WriteContext): void {
  checkEnum(body, "properties.clientProtocol", ["Encrypted", "Plaintext"]);
  checkEnum(body, "properties.clusteringPolicy", ["EnterpriseCluster", "OSSCluster", "NoCluster"]);
  checkEnum(body, "properties.accessKeysAuthentication", ENABLED_DISABLED);
  checkEnum(body, "properties.evictionPolicy", [
    "AllKeysLFU",
    "AllKeysLRU",
    "AllKeysRandom",
    "VolatileLRU",
    "VolatileLFU",
    "VolatileTTL",
    "VolatileRandom",
    "NoEviction",
  ]);
  const persistence = valueAt(body, "properties.persistence");
  if (isRecord(persistence) && persistence.aofEnabled === true && persistence.rdbEnabled === true) {
    throw badRequest("BadRequest", "At most one of AOF and RDB persistence may be enabled.");
  }
  if (!existing) {
    const others = env.store
      .children(parentId, MANAGED_REDIS_DATABASE_TYPE)
      .filter((database) => idKey(database.id) !== idKey(id));
    if (others.length > 0) {
      throw badRequest(
        "BadRequest",
        `The cluster already has the database '${others[0]!.name}'; an Azure Managed Redis cluster holds one database.`,
      );
    }
    return;
  }
  for (const path of CREATE_ONLY) {
    const before = JSON.stringify(valueAt(existing.body, path) ?? null);
    const after = JSON.stringify(valueAt(body, path) ?? null);
    if (before !== after) {
      throw badRequest(
        "BadRequest",
        `'${path}' can only be set when the database is created (it is ${before}); delete and recreate the database to change it.`,
      );
    }
  }
  const policyBefore = String(valueAt(existing.body, "properties.clusteringPolicy") ?? "");
  const policyAfter = String(valueAt(body, "properties.clusteringPolicy") ?? "");
  if (
    policyBefore.toLowerCase() !== policyAfter.toLowerCase() &&
    policyBefore.toLowerCase() !== "nocluster"
  ) {
    throw badRequest(
      "BadRequest",
      `The clustering policy ${policyBefore} cannot be changed without deleting the database; only NoCluster can be changed.`,
    );
  }
}

export const managedRedisDatabaseSpec: ResourceTypeSpec = {
  ...managedRedis,
  type: MANAGED_REDIS_DATABASE_TYPE,
  schemas: [REDIS_ENTERPRISE_SCHEMAS.database],
  readOnlyPaths: ["properties.resourceState", "properties.redisVersion"],
  createDefaults: {
    "properties.clientProtocol": "Encrypted",
    "properties.port": 10000,
    "properties.clusteringPolicy": "OSSCluster",
    "properties.evictionPolicy": "VolatileLRU",
    "properties.accessKeysAuthentication": "Disabled",
  },
  validate: checkDatabase,
  synthesize: () => ({ properties: { redisVersion: "7.4" } }),
  renderExtra: (resource) => ({ properties: { resourceState: resourceStateOf(resource) } }),
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

export const MANAGED_REDIS_ACCESS_POLICY_ASSIGNMENT_TYPE = `${MANAGED_REDIS_DATABASE_TYPE}/accessPolicyAssignments`;

/** An access policy's name (the REST spec's pattern on `accessPolicyName`). */
const ACCESS_POLICY_NAME = /^([a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]|[a-zA-Z0-9])$/;

function checkAccessPolicyAssignment({ body }: WriteContext): void {
  const policy = valueAt(body, "properties.accessPolicyName");
  if (policy !== undefined && !ACCESS_POLICY_NAME.test(String(policy))) {
    throw badRequest("BadRequest", `The access policy name '${String(policy)}' is invalid.`);
  }
}

/**
 * A Microsoft Entra principal made a user of a database (`AccessPolicyAssignment.tsp`, 2026-09-01):
 * names of 1–60 letters and digits; `properties.user` required; PUT (create or replace, no PATCH)
 * answers 200/201 with `Azure-AsyncOperation`, the final state read from the resource; DELETE answers
 * 202 with `Azure-AsyncOperation` and `Location`. `accessPolicyName` is deprecated and always answered
 * `default`; `accessString` defaults to `+@all ~*`.
 */
export const managedRedisAccessPolicyAssignmentSpec: ResourceTypeSpec = {
  type: MANAGED_REDIS_ACCESS_POLICY_ASSIGNMENT_TYPE,
  schemas: [REDIS_ENTERPRISE_SCHEMAS.accessPolicyAssignment],
  putStyle: "azure-async-operation",
  deleteStyle: "accepted-async-operation",
  namePattern: /^[A-Za-z0-9]{1,60}$/,
  required: ["properties.user"],
  readOnlyPaths: ["properties.provisioningError"],
  createDefaults: { "properties.accessString": "+@all ~*" },
  validate: checkAccessPolicyAssignment,
  synthesize: () => ({ properties: { accessPolicyName: "default" } }),
};
