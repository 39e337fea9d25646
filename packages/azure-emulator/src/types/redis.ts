/**
 * Microsoft.Cache Redis. Its SDK polls the resource's provisioningState (no LRO header); `listKeys`
 * returns the access keys, which no resource body ever carries.
 */
import { REDIS_SCHEMAS } from "../arm-schema/index.js";
import { randomBytes } from "node:crypto";
import type { ResourceTypeSpec } from "../resource-type.js";

export const redisSpec: ResourceTypeSpec = {
  schemas: [REDIS_SCHEMAS.redis],
  type: "Microsoft.Cache/redis",
  putStyle: "provisioning-state",
  deleteStyle: "location",
  tracked: true,
  // 1-63 letters, digits and single hyphens; starts and ends with a letter or digit.
  namePattern: /^(?!.*--)[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?$/,
  globalNameTakenCode: "NameNotAvailable",
  required: ["properties.sku.name", "properties.sku.family", "properties.sku.capacity"],
  synthesize: (resource) => ({
    properties: {
      hostName: `${resource.name.toLowerCase()}.redis.cache.windows.net`,
      port: 6379,
      sslPort: 6380,
      redisVersion: "6.0",
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
