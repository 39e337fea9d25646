/**
 * The data modules' nodes. PostgreSQL: a flexible server with private access (delegated subnet +
 * private DNS zone, public access off), its database and the TLS settings, written one after another
 * because the server refuses parallel configuration writes. Redis: Azure Managed Redis (a cluster and
 * its database) or Azure Cache for Redis, private (public access off, TLS 1.2), reached through a
 * private endpoint with a DNS zone group.
 */
import type { PostgresModule, RedisModule } from "../spec/types";
import { privateEndpointNodes, type NetworkRefs, type NodeRef } from "./network";
import { SpecValidationError } from "../spec/errors";
import { FACT, factOf } from "./facts";
import { armId, environmentResourceName, makeNode, tagsOf, type PlanningScope } from "./node";
import type { PlanNode } from "./types";

/** Server parameters that enforce encrypted connections, applied in this order. */
export const POSTGRES_TLS_CONFIGURATIONS: readonly { readonly name: string; readonly value: string }[] = [
  { name: "require_secure_transport", value: "on" },
  { name: "ssl_min_protocol_version", value: "TLSv1.2" },
];

/**
 * The generated administrator login of a server: `<module>_admin` (hyphens become underscores).
 * Deterministic, since Azure cannot change it later. Module names start with a letter, and the `_admin`
 * suffix keeps clear of Azure's reserved logins (`admin`, `root`, …); only the `pg_` prefix, which
 * PostgreSQL reserves, needs a guard.
 */
export function postgresAdminLogin(module: string): string {
  const login = `${module.toLowerCase().replace(/[^a-z0-9_]/g, "_")}_admin`.slice(0, 63);
  return login.startsWith("pg_") ? `u${login}`.slice(0, 63) : login;
}

/** What the secret steps need from a data module. */
export interface DataRefs {
  /** The resource whose connection facts are written. */
  readonly source: NodeRef;
  /**
   * Keys the secrets wait for: the resource, its database and, with `auth: entra`, the node that makes
   * the workload identity a user (clients given the Secret can then log in).
   */
  readonly readyKeys: readonly string[];
  /**
   * The user clients log in as when it is not the server's administrator login: with `auth: entra`,
   * the workload identity's name (PostgreSQL names an Entra administrator's role after it).
   */
  readonly user?: string;
}

/** The workload identity a module with `auth: entra` needs; validation refuses `entra` without a cluster. */
function entraIdentity(module: string, identity: NodeRef | undefined): NodeRef {
  if (!identity) {
    throw new SpecValidationError([
      {
        path: "modules",
        message: `${module}: auth: entra needs the environment's workload identity, which exists only with a k8s-cluster module`,
      },
    ]);
  }
  return identity;
}

/**
 * The principal type of the workload identity as a server's Entra administrator: a managed identity is a
 * service principal (docs/azure-facts.md#postgresql-entra-authentication).
 */
export const POSTGRES_ENTRA_PRINCIPAL_TYPE = "ServicePrincipal";

/**
 * Plans a PostgreSQL module. With `auth: entra` the server has Entra authentication on and password
 * authentication off (no administrator login, no password generated or stored), and the environment's
 * workload identity (`workloadIdentity`) is made its Entra administrator.
 */
export function planPostgres(
  scope: PlanningScope,
  spec: PostgresModule,
  network: NetworkRefs,
  workloadIdentity?: NodeRef,
): { nodes: PlanNode[]; refs: DataRefs } {
  const module = spec.name;
  const entra = spec.auth === "entra";
  const tenantId = scope.spec.providers.azurerm.tenant_id;
  const name = environmentResourceName(scope, "postgresFlexibleServer", "pg", module, [module]);
  const id = armId(scope, "Microsoft.DBforPostgreSQL", ["flexibleServers", name]);
  const zone = network.zones.postgres!;
  const server = makeNode({
    kind: "postgresFlexibleServer",
    module,
    part: "server",
    stage: "data",
    name,
    id,
    // Private access needs the delegated subnet and the zone linked to the VNet before creation; the
    // generated admin password is written to Key Vault first, so the vault and the writer role too
    // (a server with Entra authentication has no password).
    dependsOn: [
      network.postgresSubnet.key,
      zone.link.key,
      ...(entra ? [] : [network.vault.key, network.vaultWriterRole.key]),
    ],
    desired: {
      location: scope.location,
      tags: tagsOf(scope, module),
      sku: { name: spec.sku_name, tier: spec.sku_tier },
      version: spec.engine_version,
      ...(entra
        ? { authConfig: { activeDirectoryAuth: "Enabled", passwordAuth: "Disabled", tenantId } }
        : {
            administratorLogin: postgresAdminLogin(module),
            authConfig: { passwordAuth: "Enabled", activeDirectoryAuth: "Disabled" },
          }),
      storage: { storageSizeGB: spec.storage_gb, autoGrow: "Enabled" },
      backup: {
        backupRetentionDays: spec.backup_retention_days,
        geoRedundantBackup: spec.geo_redundant_backup ? "Enabled" : "Disabled",
      },
      network: {
        publicNetworkAccess: "Disabled",
        delegatedSubnetResourceId: network.postgresSubnet.id,
        privateDnsZoneArmResourceId: zone.zone.id,
      },
      ...(spec.high_availability ? { highAvailability: { mode: "ZoneRedundant" } } : {}),
    },
  });
  const database = makeNode({
    kind: "postgresDatabase",
    module,
    part: "database",
    stage: "data",
    name: spec.database,
    id: `${id}/databases/${spec.database}`,
    dependsOn: [server.key],
    desired: { charset: "UTF8", collation: "en_US.utf8" },
  });
  const configurations: PlanNode[] = [];
  for (const { name: parameter, value } of POSTGRES_TLS_CONFIGURATIONS) {
    const previous = configurations.at(-1)?.key ?? server.key;
    configurations.push(
      makeNode({
        kind: "postgresConfiguration",
        module,
        part: `configuration-${parameter.replace(/_/g, "-")}`,
        stage: "data",
        name: parameter,
        id: `${id}/configurations/${parameter}`,
        // "Server is busy with another operation": one configuration write at a time.
        dependsOn: [previous],
        desired: { value, source: "user-override" },
      }),
    );
  }
  const source = { key: server.key, id, name };
  if (!entra) {
    return {
      nodes: [server, database, ...configurations],
      refs: { source, readyKeys: [server.key, database.key] },
    };
  }
  const identity = entraIdentity(module, workloadIdentity);
  const administrator = makeNode({
    kind: "postgresEntraAdministrator",
    module,
    part: "entra-administrator",
    stage: "data",
    // ARM names an administrator by its principal's object id, which only the identity's ensure reports:
    // the plan names it by the principal's name; the adapter addresses `administrators/<objectId>`
    // from the resolved `desired.objectId` (activities/adapters/postgres.ts).
    name: identity.name,
    id: `${id}/administrators/${identity.name}`,
    // After the last parameter write: the server takes one operation at a time.
    dependsOn: [configurations.at(-1)?.key ?? server.key, identity.key],
    desired: {
      objectId: factOf(identity.key, FACT.identityPrincipalId),
      principalType: POSTGRES_ENTRA_PRINCIPAL_TYPE,
      principalName: identity.name,
      tenantId,
    },
  });
  return {
    nodes: [server, database, ...configurations, administrator],
    refs: {
      source,
      readyKeys: [server.key, database.key, administrator.key],
      user: identity.name,
    },
  };
}

/** TLS port of an Azure Managed Redis database (the port Microsoft's documentation and examples use). */
export const MANAGED_REDIS_PORT = 10000;

/** The one database an Azure Managed Redis cluster holds. */
export const MANAGED_REDIS_DATABASE = "default";

/** The private endpoint group (sub-resource) of each Redis engine's resource. */
export const REDIS_PRIVATE_LINK_GROUP = {
  redisCache: "redisCache",
  managedRedis: "redisEnterprise",
} as const;

/**
 * Plans a Redis module with its engine: Azure Managed Redis, or Azure Cache for Redis. With `auth:
 * entra` (Managed Redis only) `workloadIdentity` is given access to the database.
 */
export function planRedis(
  scope: PlanningScope,
  spec: RedisModule,
  network: NetworkRefs,
  workloadIdentity?: NodeRef,
): { nodes: PlanNode[]; refs: DataRefs } {
  return spec.engine === "azure-cache-for-redis"
    ? planRedisCache(scope, spec, network)
    : planManagedRedis(scope, spec, network, workloadIdentity);
}

/**
 * The name of the access-policy assignment that gives the workload identity a Managed Redis database
 * (letters and digits only, the REST spec's pattern).
 */
export const MANAGED_REDIS_WORKLOAD_ASSIGNMENT = "workload";

/** The access policy Managed Redis defines: every command on every key (docs/azure-facts.md#azure-managed-redis). */
export const MANAGED_REDIS_ACCESS_POLICY = "default";

/**
 * Azure Cache for Redis (`engine: azure-cache-for-redis`): the cache with the non-TLS port off, TLS 1.2
 * and public access off, reached through a private endpoint. Kept unchanged for environments built with
 * it, so re-applying them writes nothing.
 */
function planRedisCache(
  scope: PlanningScope,
  spec: RedisModule,
  network: NetworkRefs,
): { nodes: PlanNode[]; refs: DataRefs } {
  const module = spec.name;
  const name = environmentResourceName(scope, "redisCache", "redis", module, [module]);
  const cache = makeNode({
    kind: "redisCache",
    module,
    part: "cache",
    stage: "data",
    name,
    id: armId(scope, "Microsoft.Cache", ["redis", name]),
    // Only the resource group: the 20+ minute create starts at once; networking attaches afterwards.
    dependsOn: [network.resourceGroup.key],
    desired: {
      location: scope.location,
      tags: tagsOf(scope, module),
      // A tier always has its family and capacity (redis-module.ts resolves them).
      sku: { name: spec.sku_name, family: spec.family!, capacity: spec.capacity! },
      enableNonSslPort: false,
      minimumTlsVersion: "1.2",
      publicNetworkAccess: "Disabled",
    },
  });
  const source = { key: cache.key, id: cache.id, name };
  const endpoint = privateEndpointNodes(
    scope,
    network.privateEndpointsSubnet,
    module,
    { name: module, partPrefix: "" },
    source,
    REDIS_PRIVATE_LINK_GROUP.redisCache,
    network.zones.redis!.zone,
    "data",
  );
  return { nodes: [cache, ...endpoint], refs: { source, readyKeys: [cache.key] } };
}

/**
 * Azure Managed Redis (the default): a cluster (its SKU mapped from the spec, high availability, which
 * makes it zone-redundant in a region with zones, TLS 1.2, public network access off) with its one
 * database (TLS-encrypted client protocol on port 10000, access keys on unless clients use Entra ID),
 * reached through a private endpoint (group `redisEnterprise`) resolved by `privatelink.redis.azure.net`.
 */
function planManagedRedis(
  scope: PlanningScope,
  spec: RedisModule,
  network: NetworkRefs,
  workloadIdentity: NodeRef | undefined,
): { nodes: PlanNode[]; refs: DataRefs } {
  const module = spec.name;
  const name = environmentResourceName(scope, "managedRedisCluster", "amr", module, [module]);
  const id = armId(scope, "Microsoft.Cache", ["redisEnterprise", name]);
  const cluster = makeNode({
    kind: "managedRedisCluster",
    module,
    part: "cluster",
    stage: "data",
    name,
    id,
    // Only the resource group: the create starts at once; networking attaches afterwards.
    dependsOn: [network.resourceGroup.key],
    desired: {
      location: scope.location,
      tags: tagsOf(scope, module),
      sku: { name: spec.managed_redis_sku ?? spec.sku_name },
      properties: {
        highAvailability: spec.high_availability === false ? "Disabled" : "Enabled",
        minimumTlsVersion: "1.2",
        publicNetworkAccess: "Disabled",
      },
    },
  });
  const database = makeNode({
    kind: "managedRedisDatabase",
    module,
    part: "database",
    stage: "data",
    name: MANAGED_REDIS_DATABASE,
    id: `${id}/databases/${MANAGED_REDIS_DATABASE}`,
    dependsOn: [cluster.key],
    desired: {
      properties: {
        clientProtocol: "Encrypted",
        port: MANAGED_REDIS_PORT,
        clusteringPolicy: "OSSCluster",
        evictionPolicy: "VolatileLRU",
        // Off with Entra ID: nothing may then connect with a key; the workload identity is given the
        // database by an access-policy assignment (docs/spec.md#redis-a-cache).
        accessKeysAuthentication: spec.auth === "entra" ? "Disabled" : "Enabled",
      },
    },
  });
  const source = { key: cluster.key, id, name };
  // Its own endpoint name: an environment switching engines keeps its old endpoint to the old cache.
  const endpoint = privateEndpointNodes(
    scope,
    network.privateEndpointsSubnet,
    module,
    { name: `${module}-amr`, partPrefix: "" },
    source,
    REDIS_PRIVATE_LINK_GROUP.managedRedis,
    network.zones.managedRedis!.zone,
    "data",
  );
  if (spec.auth !== "entra") {
    return {
      nodes: [cluster, database, ...endpoint],
      refs: { source, readyKeys: [cluster.key, database.key] },
    };
  }
  const identity = entraIdentity(module, workloadIdentity);
  const assignment = makeNode({
    kind: "managedRedisAccessPolicyAssignment",
    module,
    part: "access-policy-workload",
    stage: "data",
    name: MANAGED_REDIS_WORKLOAD_ASSIGNMENT,
    id: `${database.id}/accessPolicyAssignments/${MANAGED_REDIS_WORKLOAD_ASSIGNMENT}`,
    dependsOn: [database.key, identity.key],
    desired: {
      properties: {
        accessPolicyName: MANAGED_REDIS_ACCESS_POLICY,
        user: { objectId: factOf(identity.key, FACT.identityPrincipalId) },
      },
    },
  });
  return {
    nodes: [cluster, database, assignment, ...endpoint],
    refs: { source, readyKeys: [cluster.key, database.key, assignment.key] },
  };
}
