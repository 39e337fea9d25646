/**
 * Microsoft.Cache Redis (Azure Cache for Redis). Its SDK polls the resource's provisioningState (no LRO
 * header); `listKeys` returns the access keys, which no resource body ever carries.
 *
 * Retiring: since 2026-04-01 a tenant that had no Azure Cache for Redis may not create one. Azure's
 * refusal of the Enterprise tiers is documented (400 `BadRequest`, "Creation of new Azure Cache for
 * Redis Enterprise resources is no longer supported. … please create Azure Managed Redis instead.",
 * Azure/azure-sdk-for-java#50073); the one for Basic, Standard and Premium is not published, and is
 * modelled on it. It is answered while a `new-customer-create-refused` fault matches (off by default).
 */
import { randomBytes } from "node:crypto";
import type { ResourceTypeSpec } from "../resource-type.js";

export const redisSpec: ResourceTypeSpec = {
  type: "Microsoft.Cache/redis",
  putStyle: "provisioning-state",
  deleteStyle: "location",
  tracked: true,
  // 1-63 letters, digits and single hyphens; starts and ends with a letter or digit.
  namePattern: /^(?!.*--)[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?$/,
  globalNameTakenCode: "NameNotAvailable",
  required: ["properties.sku.name", "properties.sku.family", "properties.sku.capacity"],
  newCustomerRefusal: {
    status: 400,
    code: "BadRequest",
    message:
      "Creation of new Azure Cache for Redis resources is no longer supported for new customers. Azure Cache for Redis is retiring, please create Azure Managed Redis instead.",
  },
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
