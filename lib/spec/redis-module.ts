/**
 * The rules of a `redis` module between its keys: which engine builds it, how its size is read (an
 * Azure Cache for Redis tier with family and capacity, mapped to Azure Managed Redis by Microsoft's
 * table, or a Managed Redis SKU), high availability and authentication. One function, used when a spec
 * is validated and again when a recorded engine is pinned (`pinned-engines.ts`), so both agree.
 * Facts and sources: docs/azure-facts.md#azure-managed-redis.
 */
import { managedRedisSkuFor, REDIS_SKUS } from "./azure-catalog";
import { REDIS_DEFAULTS } from "./defaults";
import type { RedisModuleInput } from "./schema";
import type { RedisModule, SpecProblem } from "./types";

/** The engine of Azure Managed Redis, the default. */
export const MANAGED_REDIS_ENGINE = "azure-managed-redis";
/** The engine of Azure Cache for Redis, for tenants that may still create it. */
export const CACHE_FOR_REDIS_ENGINE = "azure-cache-for-redis";

/** The keys that size a cache the Azure Cache for Redis way. */
const TIER_KEYS = ["sku_name", "family", "capacity"] as const;

/** A redis module's fields as its keys resolve them (the caller adds name and Kubernetes Secret). */
export type ResolvedRedisFields = Omit<RedisModule, "type" | "name" | "kubernetes_secret">;

/** What resolving a redis module gives: its fields when nothing is wrong, and what to tell the user. */
export interface RedisResolution {
  readonly fields: ResolvedRedisFields;
  readonly problems: SpecProblem[];
  readonly warnings: SpecProblem[];
}

function isTier(sku: string): sku is keyof typeof REDIS_SKUS {
  return Object.hasOwn(REDIS_SKUS, sku);
}

/**
 * Resolves a redis module's keys.
 * @param path the module's path (`modules[3]`), which problems and warnings are reported under
 * @param input the module as its schema output it (static defaults applied)
 * @param given the keys the spec wrote (warnings speak only of what the user wrote)
 */
export function resolveRedisModule(
  path: string,
  input: RedisModuleInput,
  given: ReadonlySet<string>,
): RedisResolution {
  const problems: SpecProblem[] = [];
  const warnings: SpecProblem[] = [];
  const at = (key: string) => `${path}.${key}`;
  const managed = input.engine === MANAGED_REDIS_ENGINE;
  let sizing: Pick<ResolvedRedisFields, "family" | "capacity">;
  let managedSku: string | undefined;
  let highAvailabilityDefault = true;

  if (isTier(input.sku_name)) {
    const tier = REDIS_SKUS[input.sku_name];
    const family = input.family ?? tier.family;
    const capacity = input.capacity ?? REDIS_DEFAULTS.capacity;
    sizing = { family, capacity };
    if (family !== tier.family)
      problems.push({ path: at("family"), message: `the ${input.sku_name} tier uses family ${tier.family}` });
    if (!tier.capacities.includes(capacity)) {
      problems.push({
        path: at("capacity"),
        message: `${input.sku_name} offers capacities ${tier.capacities.join(", ")}`,
      });
    }
    const mapping = managedRedisSkuFor(input.sku_name, family, capacity);
    if (managed && mapping) {
      managedSku = mapping.sku;
      highAvailabilityDefault = mapping.highAvailability;
      const written = TIER_KEYS.filter((key) => given.has(key));
      if (written.length > 0) {
        const availability = mapping.highAvailability
          ? ""
          : ", without high availability, as Microsoft advises for a former Basic cache (no replica)";
        warnings.push({
          path: at(written[0]!),
          message: `${input.sku_name} ${family}${capacity} is an Azure Cache for Redis size; Azure Managed Redis builds it as ${mapping.sku} (Microsoft's equivalent, ${mapping.additionalMemoryPercent}% more memory)${availability}. Write sku_name: ${mapping.sku} (or another Managed Redis SKU) to say so, or engine: ${CACHE_FOR_REDIS_ENGINE} to keep Azure Cache for Redis`,
        });
      }
    }
  } else {
    // A Managed Redis SKU names its own size: a family or capacity would size something else.
    sizing = {};
    managedSku = input.sku_name;
    for (const key of ["family", "capacity"] as const) {
      if (input[key] !== undefined) {
        problems.push({
          path: at(key),
          message: `sizes an Azure Cache for Redis tier; ${input.sku_name} is an Azure Managed Redis SKU with its own size: remove ${key}`,
        });
      }
    }
    if (!managed) {
      problems.push({
        path: at("sku_name"),
        message: `${input.sku_name} is an Azure Managed Redis SKU; engine ${CACHE_FOR_REDIS_ENGINE} takes a tier (Basic, Standard, Premium) with family and capacity. Write engine: ${MANAGED_REDIS_ENGINE}, or a tier`,
      });
    }
  }

  if (!managed) {
    if (input.high_availability !== undefined) {
      problems.push({
        path: at("high_availability"),
        message: `applies to Azure Managed Redis only; with engine ${CACHE_FOR_REDIS_ENGINE} the tier decides (Standard and Premium have a replica, Basic none)`,
      });
    }
    if (input.auth === "entra") {
      problems.push({
        path: at("auth"),
        message: `entra is built for engine ${MANAGED_REDIS_ENGINE} only; with ${CACHE_FOR_REDIS_ENGINE} clients use the access key (auth: access-key)`,
      });
    }
    if (given.has("engine")) {
      warnings.push({
        path: at("engine"),
        message:
          "Azure Cache for Redis is retiring (Basic, Standard and Premium are turned off on 2028-09-30), and a tenant that had no such cache before 2026-04-01 can no longer create one; Azure Managed Redis (engine: azure-managed-redis) is its successor",
      });
    }
    return {
      fields: { engine: input.engine, sku_name: input.sku_name, ...sizing, auth: input.auth },
      problems,
      warnings,
    };
  }
  return {
    fields: {
      engine: input.engine,
      sku_name: input.sku_name,
      ...sizing,
      high_availability: input.high_availability ?? highAvailabilityDefault,
      auth: input.auth,
      ...(managedSku !== undefined ? { managed_redis_sku: managedSku } : {}),
    },
    problems,
    warnings,
  };
}
