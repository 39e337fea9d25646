/** Adapter for Azure Cache for Redis. */
import type { RedisCreateParameters, RedisUpdateParameters } from "@azure/arm-rediscache";
import { asModel, type ArmAdapter } from "./types";

export const redisCacheAdapter: ArmAdapter = {
  armType: "Microsoft.Cache/redis",
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
