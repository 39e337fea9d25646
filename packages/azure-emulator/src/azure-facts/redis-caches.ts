/**
 * Azure Cache for Redis facts the emulator answers with: which Redis a version request gets, and the
 * settings a cache reports for its size.
 *
 * - `redisVersion` takes a major version ("4", "6") or "latest"; the cache reports the full version it
 *   runs. The spec's example answers "4" with `4.0.14` (redis.json 2024-11-01,
 *   examples/RedisCacheCreate.json); "Supported versions: 4.0, 6.0 (latest)"
 *   (https://learn.microsoft.com/azure/azure-cache-for-redis/cache-how-to-version). The 6.0 patch level
 *   answered is **Unconfirmed** (Azure rolls it forward).
 * - `maxclients` per size: "Azure Cache for Redis limits — connected clients"
 *   (https://learn.microsoft.com/azure/azure-cache-for-redis/cache-planning-faq#azure-cache-for-redis-performance).
 * - `maxmemory-reserved`, `maxmemory-delta` and `maxfragmentationmemory-reserved` default to about 10 %
 *   of the cache's memory, in MB ("Memory management",
 *   https://learn.microsoft.com/azure/azure-cache-for-redis/cache-best-practices-memory-management);
 *   the exact numbers Azure picks per size are **Unconfirmed**.
 */

const FULL_VERSION: Readonly<Record<string, string>> = { "4": "4.0.14", "6": "6.0.20" };

/** The version a cache reports for what was asked ("4", "4.0", "6", "latest", nothing). */
export function redisVersionOf(asked: unknown): string {
  const major = typeof asked === "string" ? asked.split(".")[0] : undefined;
  return (major !== undefined && FULL_VERSION[major]) || (FULL_VERSION["6"] ?? "6.0");
}

/** Memory (GB) and client limit per family and capacity. */
const SIZES: Readonly<Record<string, readonly (readonly [number, number])[]>> = {
  C: [
    [0.25, 256],
    [1, 1000],
    [2.5, 2000],
    [6, 5000],
    [13, 10000],
    [26, 15000],
    [53, 20000],
  ],
  P: [
    [0, 0],
    [6, 7500],
    [13, 15000],
    [26, 30000],
    [53, 40000],
    [120, 40000],
  ],
};

/** The `redisConfiguration` entries a cache of `sku` reports without being asked. */
export function redisConfigurationDefaults(sku: {
  family: string;
  capacity: number;
}): Record<string, string> {
  const [memoryGb, clients] = SIZES[sku.family]?.[sku.capacity] ?? [1, 1000];
  const tenPercentMb = String(Math.round(memoryGb * 1024 * 0.1));
  return {
    maxclients: String(clients),
    "maxmemory-reserved": tenPercentMb,
    "maxmemory-delta": tenPercentMb,
    "maxfragmentationmemory-reserved": tenPercentMb,
  };
}
