/**
 * The `keyVaultSecrets` step: writes one data module's connection facts (host, port, user, database,
 * TLS mode; for a cache host, TLS port and access key) from Azure into the environment's Key Vault. Values are
 * read from Azure inside the step and go straight to Key Vault; the step returns secret names and
 * versions.
 */
import type { AzureClients } from "../lib/azure/clients";
import type { StepPermissions } from "../lib/azure/permissions";
import { AzureError, classifyAzureError } from "../lib/azure/errors";
import { managedRedisRequest } from "./adapters/managed-redis";
import { parseResourceId } from "../lib/azure/resource-id";
import type { KeyVaultSecretsDesired, PlanNode } from "../lib/plan/types";
import type { WriteDone } from "./contract";
import { ensureSecretValue, readSecret, type SecretReference } from "../lib/secrets/vault-secrets";

/**
 * What the step's calls need: the vault's URI from ARM, then Key Vault reads and writes of secret values;
 * the connection facts are read from the module's service — the server and its databases for PostgreSQL,
 * the cache and its access keys for Redis (docs/deploy.md#least-privilege).
 */
export const KEY_VAULT_SECRETS_PERMISSIONS: StepPermissions = {
  actions: ["Microsoft.KeyVault/vaults/read"],
  dataActions: [
    "Microsoft.KeyVault/vaults/secrets/getSecret/action",
    "Microsoft.KeyVault/vaults/secrets/setSecret/action",
  ],
  variants: {
    postgres: {
      actions: [
        "Microsoft.DBforPostgreSQL/flexibleServers/read",
        "Microsoft.DBforPostgreSQL/flexibleServers/databases/read",
      ],
    },
    redis: { actions: ["Microsoft.Cache/redis/read", "Microsoft.Cache/redis/listKeys/action"] },
    managedRedis: {
      actions: [
        "Microsoft.Cache/redisEnterprise/read",
        "Microsoft.Cache/redisEnterprise/databases/read",
        "Microsoft.Cache/redisEnterprise/databases/listKeys/action",
      ],
    },
  },
  variantsOf: (node) => [String((node.desired as unknown as KeyVaultSecretsDesired).source)],
};

/** PostgreSQL's port; flexible servers always listen there. */
export const POSTGRES_PORT = 5432;

/** Databases every flexible server has; never the application's. */
const SYSTEM_DATABASES = new Set(["postgres", "azure_maintenance", "azure_sys", "template0", "template1"]);

/**
 * Which connection fact an Opta-compatible key names, by its suffix (`<module>_db_host` …). The admin
 * password is the server step's: it is written there before the server exists.
 */
const FACT_BY_SUFFIX: ReadonlyArray<readonly [suffix: string, fact: ConnectionFact]> = [
  ["_db_host", "host"],
  ["_db_port", "port"],
  ["_db_user", "user"],
  ["_db_name", "database"],
  ["_db_password", "adminPassword"],
  ["_db_sslmode", "sslmode"],
  ["_cache_host", "host"],
  ["_cache_port", "port"],
  ["_cache_ssl_port", "port"],
  ["_cache_auth_token", "accessKey"],
];

type ConnectionFact = "host" | "port" | "user" | "database" | "accessKey" | "adminPassword" | "sslmode";

/**
 * The TLS mode clients connect with: the server refuses unencrypted connections
 * (`require_secure_transport`, lib/plan/data.ts); `require` encrypts without asking clients for
 * Azure's CA certificates.
 */
export const POSTGRES_SSL_MODE = "require";

function factOf(optaKey: string): ConnectionFact {
  const match = FACT_BY_SUFFIX.find(([suffix]) => optaKey.endsWith(suffix));
  if (!match) {
    throw new AzureError({
      kind: "invalidRequest",
      code: "UnknownSecretKey",
      message: `no connection fact is known for secret key ${optaKey}`,
      retryable: false,
    });
  }
  return match[1];
}

/**
 * Reads the facts of a PostgreSQL server from ARM (the password is not among them: Azure never returns
 * it). The user is the server's administrator login, or the planned `user` (with `auth: entra`, the
 * workload identity's name: the server has no administrator login).
 */
async function postgresFacts(
  clients: AzureClients,
  sourceId: string,
  plannedUser: string | undefined,
): Promise<Partial<Record<ConnectionFact, string>>> {
  const id = parseResourceId(sourceId);
  // The source may name the server or one of its databases.
  const [serverName, databaseName] = [id.names[0] ?? id.name, id.names[1]];
  const server = await clients.postgres.servers.get(id.resourceGroup, serverName);
  let database = databaseName;
  if (!database) {
    for await (const db of clients.postgres.databases.listByServer(id.resourceGroup, serverName)) {
      if (db.name && !SYSTEM_DATABASES.has(db.name)) {
        database = db.name;
        break;
      }
    }
  }
  return {
    host: server.fullyQualifiedDomainName,
    port: String(POSTGRES_PORT),
    user: plannedUser ?? server.administratorLogin,
    database,
    sslmode: POSTGRES_SSL_MODE,
  };
}

type Facts = Partial<Record<ConnectionFact, string>>;

/** Reads the facts of an Azure Cache for Redis from ARM, its access key with `listKeys`. */
async function redisFacts(clients: AzureClients, sourceId: string, needsKey: boolean): Promise<Facts> {
  const id = parseResourceId(sourceId);
  const cache = await clients.redis.redis.get(id.resourceGroup, id.name);
  const keys = needsKey ? await clients.redis.redis.listKeys(id.resourceGroup, id.name) : undefined;
  return {
    host: cache.hostName,
    // Only the TLS port (6380): the non-TLS port is disabled.
    port: cache.sslPort !== undefined ? String(cache.sslPort) : undefined,
    accessKey: keys?.primaryKey,
  };
}

/** The one database of an Azure Managed Redis cluster. */
const MANAGED_REDIS_DATABASE = "default";

/**
 * Reads the facts of an Azure Managed Redis cluster from ARM: the host from the cluster, the port
 * (10000) from its database, the access key with `databases.listKeys` — asked only when a secret needs
 * it (a cache with Entra authentication has none to write). The cluster and the database are read as
 * the adapters read them, as REST bodies (`activities/adapters/managed-redis.ts`).
 */
async function managedRedisFacts(
  clients: AzureClients,
  clusterId: string,
  needsKey: boolean,
): Promise<Facts> {
  const id = parseResourceId(clusterId);
  const read = async (resourceId: string) =>
    (await managedRedisRequest(clients, "GET", resourceId)).body as
      { properties?: { hostName?: string; port?: number } } | undefined;
  const cluster = await read(clusterId);
  const database = await read(`${clusterId}/databases/${MANAGED_REDIS_DATABASE}`);
  const keys = needsKey
    ? await clients.managedRedis.databases.listKeys(id.resourceGroup, id.name, MANAGED_REDIS_DATABASE)
    : undefined;
  const port = database?.properties?.port;
  return {
    host: cluster?.properties?.hostName,
    port: port !== undefined ? String(port) : undefined,
    accessKey: keys?.primaryKey,
  };
}

/** The facts of the module's data resource, by where they come from. */
function factsOf(clients: AzureClients, desired: KeyVaultSecretsDesired): Promise<Facts> {
  const needsKey = Object.keys(desired.secretNames).some((key) => factOf(key) === "accessKey");
  switch (desired.source) {
    case "postgres":
      return postgresFacts(clients, desired.sourceId, desired.user);
    case "redis":
      return redisFacts(clients, desired.sourceId, needsKey);
    case "managedRedis":
      return managedRedisFacts(clients, desired.sourceId, needsKey);
  }
}

/** The Key Vault secrets steps over `clients`. */
export function createKeyVaultSecretsSteps(clients: AzureClients) {
  const retry = () => ({ budgetMs: clients.keyVaultPropagationBudgetMs });

  /**
   * Writes the module's connection facts to Key Vault; values already current are not written again.
   * @throws AzureError (classified), e.g. `authorization` still retryable when Key Vault kept refusing
   *   past the propagation budget
   */
  async function ensure(node: PlanNode): Promise<WriteDone> {
    const desired = node.desired as unknown as KeyVaultSecretsDesired;
    let facts: Facts;
    try {
      facts = await factsOf(clients, desired);
    } catch (error) {
      throw classifyAzureError(error, desired.sourceId);
    }
    const vault = await clients.secretClientForVault(desired.vaultId);
    const secrets: SecretReference[] = [];
    for (const [optaKey, secretName] of Object.entries(desired.secretNames)) {
      const fact = factOf(optaKey);
      if (fact === "adminPassword") {
        // Written by the server step before the server was created; here it is only confirmed.
        const current = await readSecret(vault, secretName, retry());
        if (!current) {
          throw new AzureError({
            kind: "notFound",
            code: "AdminPasswordSecretMissing",
            message: `secret ${secretName} should have been written when ${desired.sourceId} was created`,
            retryable: false,
            target: node.id,
          });
        }
        secrets.push({ name: secretName, version: current.version, written: false });
        continue;
      }
      const value = facts[fact];
      if (value === undefined || value === "") {
        throw new AzureError({
          kind: "notFound",
          code: "ConnectionFactUnavailable",
          message: `${desired.sourceId} does not report its ${fact} yet`,
          retryable: true,
          retryAfterMs: 10_000,
          target: node.id,
        });
      }
      secrets.push(await ensureSecretValue(vault, secretName, value, retry()));
    }
    const written = secrets.some((s) => s.written);
    return {
      nodeKey: node.key,
      resourceId: node.id,
      // `unchanged` when every secret already held its value: nothing was written.
      outcome: written ? "succeeded" : "unchanged",
      action: written ? "update" : "none",
      secrets,
    };
  }

  return { ensure };
}

/** The Key Vault secrets steps, as {@link createKeyVaultSecretsSteps} builds them. */
export type KeyVaultSecretsSteps = ReturnType<typeof createKeyVaultSecretsSteps>;
