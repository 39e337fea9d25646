/**
 * Adapter for Azure Cache for Redis (`engine: azure-cache-for-redis`). Azure is retiring it: since
 * 2026-04-01 a tenant that had no such cache may not create one, and Azure refuses the create. That
 * refusal is reported with what to do: switch the module to Azure Managed Redis
 * (docs/azure-facts.md#azure-managed-redis).
 */
import type { RedisCreateParameters, RedisUpdateParameters } from "@azure/arm-rediscache";
import { AzureError } from "../../lib/azure/errors";
import { asModel, type ArmAdapter } from "./types";

/**
 * How Azure words its refusal of a retired Redis create. Azure's documented refusal is the Enterprise
 * tiers' (400 `BadRequest`, "Creation of new Azure Cache for Redis Enterprise resources is no longer
 * supported. … please create Azure Managed Redis instead."); the one a new customer gets for Basic,
 * Standard or Premium is **Unconfirmed** and read as the same words: a refusal that says creation is no
 * longer supported (or speaks of new customers or retirement) and points to Azure Managed Redis.
 */
const NEW_CUSTOMER_REFUSAL = /(no longer (supported|available|allowed)|new customers?|retir)/i;
const POINTS_TO_MANAGED_REDIS = /azure managed redis/i;

/** What the user sees: Azure's words, then why and what to write instead. */
export const SWITCH_ENGINE_HINT =
  "This tenant may no longer create Azure Cache for Redis (Azure refuses tenants that had none before 2026-04-01): switch to engine: azure-managed-redis in the spec's redis module (its data is not migrated; see docs/spec.md#redis-a-cache).";

/** The refusal of a new customer's create, explained; anything else as Azure gave it. */
export function explainRedisCacheRefusal(
  error: AzureError,
  action: "create" | "update",
): AzureError | undefined {
  if (action !== "create" || error.statusCode === 429 || error.retryable) return undefined;
  if (!NEW_CUSTOMER_REFUSAL.test(error.azureMessage) || !POINTS_TO_MANAGED_REDIS.test(error.azureMessage))
    return undefined;
  return new AzureError({
    ...error.toSummary(),
    kind: "invalidRequest",
    retryable: false,
    message: `${error.azureMessage} ${SWITCH_ENGINE_HINT}`,
  });
}

export const redisCacheAdapter: ArmAdapter = {
  armType: "Microsoft.Cache/redis",
  permissions: {
    actions: [
      "Microsoft.Cache/redis/read",
      "Microsoft.Cache/redis/write",
      "Microsoft.Cache/redis/delete",
      // The provider documents three status resources for its long-running operations; which one a
      // given create, update or delete answers with is not documented per operation, so all three.
      "Microsoft.Cache/locations/asyncOperations/read",
      "Microsoft.Cache/locations/operationsStatus/read",
      "Microsoft.Cache/locations/operationResults/read",
    ],
  },
  facts: { host: ["hostName"] },
  explainError: explainRedisCacheRefusal,
  get: (c, id) => c.redis.redis.get(id.resourceGroup, id.name),
  write: ({ clients, id, mode }, body, options) =>
    mode === "create"
      ? clients.redis.redis.beginCreate(
          id.resourceGroup,
          id.name,
          asModel<RedisCreateParameters>(body),
          options,
        )
      : // Redis takes updates as PATCH; its serializer keeps only the updatable fields of the desired body.
        clients.redis.redis.beginUpdate(
          id.resourceGroup,
          id.name,
          asModel<RedisUpdateParameters>(body),
          options,
        ),
  remove: (c, id, options) => c.redis.redis.beginDelete(id.resourceGroup, id.name, options),
};
