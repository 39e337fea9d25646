/** Adapter for Azure Cache for Redis. */
import type { RedisCreateParameters, RedisUpdateParameters } from "@azure/arm-rediscache";
import { asModel, type ArmAdapter } from "./types";

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
