/**
 * What Azure offers, as lists the validator checks specs against. These lists go stale as Azure moves;
 * each says when it was last checked, and updating one is a data change, never a code change.
 */

/** Public-cloud region names (`az account list-locations`), checked 2026-11. */
export const KNOWN_LOCATIONS: readonly string[] = [
  "australiacentral",
  "australiacentral2",
  "australiaeast",
  "australiasoutheast",
  "austriaeast",
  "belgiumcentral",
  "brazilsouth",
  "brazilsoutheast",
  "canadacentral",
  "canadaeast",
  "centralindia",
  "centralus",
  "chilecentral",
  "eastasia",
  "eastus",
  "eastus2",
  "francecentral",
  "francesouth",
  "germanynorth",
  "germanywestcentral",
  "indonesiacentral",
  "israelcentral",
  "italynorth",
  "japaneast",
  "japanwest",
  "jioindiacentral",
  "jioindiawest",
  "koreacentral",
  "koreasouth",
  "malaysiawest",
  "mexicocentral",
  "newzealandnorth",
  "northcentralus",
  "northeurope",
  "norwayeast",
  "norwaywest",
  "polandcentral",
  "qatarcentral",
  "southafricanorth",
  "southafricawest",
  "southcentralus",
  "southindia",
  "southeastasia",
  "spaincentral",
  "swedencentral",
  "swedensouth",
  "switzerlandnorth",
  "switzerlandwest",
  "uaecentral",
  "uaenorth",
  "uksouth",
  "ukwest",
  "westcentralus",
  "westeurope",
  "westindia",
  "westus",
  "westus2",
  "westus3",
];

/**
 * Kubernetes minors AKS supports (standard support window, N-2), checked 2026-11 against the AKS release
 * calendar. A spec may name a minor (`1.34`) or a patch (`1.34.2`) of one of them.
 */
export const SUPPORTED_KUBERNETES_MINORS: readonly string[] = ["1.34", "1.35", "1.36"];

/** Cartesian product of size numbers and suffixes: `Standard_D` × [2, 4] × [`s_v5`] ⇒ `Standard_D2s_v5`, …. */
function vmSizes(prefix: string, sizes: readonly number[], suffixes: readonly string[]): string[] {
  return suffixes.flatMap((suffix) => sizes.map((size) => `${prefix}${size}${suffix}`));
}

const D_SIZES = [2, 4, 8, 16, 32, 48, 64, 96];
const E_SIZES = [2, 4, 8, 16, 20, 32, 48, 64, 96];

/**
 * VM sizes accepted for AKS nodes: general purpose (D), memory optimised (E), compute optimised (F) and
 * burstable (B) families of current generations with at least 2 vCPUs, AKS's minimum for a system pool.
 */
export const KNOWN_NODE_VM_SIZES: readonly string[] = [
  ...vmSizes("Standard_D", [2, 3, 4, 5], ["_v2"]),
  ...vmSizes("Standard_D", D_SIZES, [
    "_v3",
    "s_v3",
    "_v4",
    "s_v4",
    "ds_v4",
    "_v5",
    "s_v5",
    "ds_v5",
    "as_v5",
    "ads_v5",
    "s_v6",
    "ds_v6",
    "as_v6",
    "ads_v6",
  ]),
  ...vmSizes("Standard_E", E_SIZES, [
    "_v3",
    "s_v3",
    "s_v4",
    "ds_v4",
    "s_v5",
    "ds_v5",
    "as_v5",
    "ads_v5",
    "s_v6",
    "ds_v6",
  ]),
  ...vmSizes("Standard_F", [2, 4, 8, 16, 32, 48, 64, 72], ["s_v2"]),
  ...vmSizes("Standard_B", [2, 4, 8, 12, 16, 20], ["ms"]),
];

/** PostgreSQL flexible server compute tiers, in the SDK's spelling. */
export type PostgresTier = "Burstable" | "GeneralPurpose" | "MemoryOptimized";

/** PostgreSQL flexible server SKUs with their tier (the tier follows from the VM family). */
export const KNOWN_POSTGRES_SKUS: Readonly<Record<string, PostgresTier>> = Object.fromEntries([
  ...["Standard_B1ms", "Standard_B2s", ...vmSizes("Standard_B", [2, 4, 8, 12, 16, 20], ["ms"])].map(
    (sku) => [sku, "Burstable"] as const,
  ),
  ...vmSizes("Standard_D", [2, 4, 8, 16, 32, 48, 64, 96], ["s_v3", "ds_v4", "ds_v5", "ads_v5"]).map(
    (sku) => [sku, "GeneralPurpose"] as const,
  ),
  ...vmSizes("Standard_E", [2, 4, 8, 16, 20, 32, 48, 64, 96], ["s_v3", "ds_v4", "ds_v5", "ads_v5"]).map(
    (sku) => [sku, "MemoryOptimized"] as const,
  ),
]);

/** PostgreSQL major versions flexible server offers for new servers, checked 2026-11. */
export const SUPPORTED_POSTGRES_VERSIONS: readonly string[] = ["14", "15", "16", "17", "18"];

/** Storage sizes (GiB) flexible server offers; other sizes are refused by Azure. */
export const POSTGRES_STORAGE_SIZES_GIB: readonly number[] = [
  32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32767,
];

/** Azure Cache for Redis tiers and the SKU family and capacities each accepts. */
export const REDIS_SKUS: Readonly<
  Record<
    "Basic" | "Standard" | "Premium",
    { readonly family: "C" | "P"; readonly capacities: readonly number[] }
  >
> = {
  Basic: { family: "C", capacities: [0, 1, 2, 3, 4, 5, 6] },
  Standard: { family: "C", capacities: [0, 1, 2, 3, 4, 5, 6] },
  Premium: { family: "P", capacities: [1, 2, 3, 4, 5] },
};

/**
 * Azure Managed Redis SKUs (`Microsoft.Cache/redisEnterprise` `sku.name`, `<tier>_<size>`): the
 * Balanced, Memory Optimized, Compute Optimized and Flash Optimized values of the REST API's `SkuName`
 * (api-version 2026-09-01), checked 2026-11. The retired Enterprise and Enterprise Flash SKUs are left
 * out: Azure no longer creates them.
 */
export const MANAGED_REDIS_SKUS: readonly string[] = [
  ...[0, 1, 3, 5, 10, 20, 50, 100, 150, 250, 350, 500, 700, 1000].map((size) => `Balanced_B${size}`),
  ...[10, 20, 50, 100, 150, 250, 350, 500, 700, 1000, 1500, 2000].map((size) => `MemoryOptimized_M${size}`),
  ...[3, 5, 10, 20, 50, 100, 150, 250, 350, 500, 700].map((size) => `ComputeOptimized_X${size}`),
  ...[250, 500, 700, 1000, 1500, 2000, 4500].map((size) => `FlashOptimized_A${size}`),
];

/** One row of Microsoft's mapping from an Azure Cache for Redis size to an Azure Managed Redis SKU. */
export interface ManagedRedisSkuMapping {
  readonly tier: keyof typeof REDIS_SKUS;
  readonly family: "C" | "P";
  readonly capacity: number;
  /** The Azure Managed Redis SKU Microsoft names for it. */
  readonly sku: string;
  /** How much more memory the Managed Redis SKU has, in percent of the cache's, as Microsoft's table says. */
  readonly additionalMemoryPercent: number;
  /** Off only for a former Basic cache, which had no replica ("use non High Availability option"). */
  readonly highAvailability: boolean;
}

/**
 * Microsoft's published mapping ("Migrate your Basic, Standard, or Premium cache to Azure Managed
 * Redis", docs/azure-facts.md#azure-managed-redis), checked 2026-11. Where Microsoft lists two SKUs
 * (C4, C5, P2, P3) this service takes the one with more memory than the cache had: the other has 8 %
 * less and fits only a cache that never filled up, which a planner cannot know.
 */
const CACHE_TO_MANAGED: readonly (readonly [
  family: "C" | "P",
  capacity: number,
  sku: string,
  extra: number,
])[] = [
  ["C", 0, "Balanced_B0", 50],
  ["C", 1, "Balanced_B1", 0],
  ["C", 2, "Balanced_B3", 17],
  ["C", 3, "Balanced_B5", 0],
  ["C", 4, "MemoryOptimized_M20", 46],
  ["C", 5, "MemoryOptimized_M50", 57],
  ["C", 6, "MemoryOptimized_M50", 12],
  ["P", 1, "Balanced_B5", 0],
  ["P", 2, "Balanced_B20", 46],
  ["P", 3, "Balanced_B50", 57],
  ["P", 4, "Balanced_B50", 12],
  ["P", 5, "Balanced_B100", 0],
];

/** Every Azure Cache for Redis size with the Azure Managed Redis SKU that replaces it. */
export const MANAGED_REDIS_SKU_MAPPING: readonly ManagedRedisSkuMapping[] = (
  Object.keys(REDIS_SKUS) as (keyof typeof REDIS_SKUS)[]
).flatMap((tier) =>
  CACHE_TO_MANAGED.filter(
    ([family, capacity]) =>
      family === REDIS_SKUS[tier].family && REDIS_SKUS[tier].capacities.includes(capacity),
  ).map(([family, capacity, sku, additionalMemoryPercent]) => ({
    tier,
    family,
    capacity,
    sku,
    additionalMemoryPercent,
    highAvailability: tier !== "Basic",
  })),
);

/** The mapping row of an Azure Cache for Redis size; undefined for sizes Azure does not offer. */
export function managedRedisSkuFor(
  tier: string,
  family: string,
  capacity: number,
): ManagedRedisSkuMapping | undefined {
  return MANAGED_REDIS_SKU_MAPPING.find(
    (row) => row.tier === tier && row.family === family && row.capacity === capacity,
  );
}
