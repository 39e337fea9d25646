/**
 * What Azure offers where, as the emulator's own tables (written from Azure's documentation, never
 * imported from the provisioner, so the emulator can refuse what the provisioner wrongly expects):
 * regions and their availability zones, VM sizes with their quota family and vCPUs, AKS Kubernetes
 * versions, PostgreSQL flexible server editions, SKUs, versions and storage sizes, and default quotas.
 * Admin settings (`subscriptions/settings.ts`) withdraw offers or change quotas per subscription to make
 * Azure refuse; these tables are what a subscription gets by default. Read 2026-11.
 */

/**
 * Regions and their availability zones ("Azure regions with availability zones",
 * https://learn.microsoft.com/azure/reliability/regions-list). A region with an empty list has no zones:
 * zonal deployments there are refused.
 */
export const REGION_ZONES: Readonly<Record<string, readonly string[]>> = Object.fromEntries([
  ...[
    "australiaeast",
    "austriaeast",
    "belgiumcentral",
    "brazilsouth",
    "canadacentral",
    "centralindia",
    "centralus",
    "chilecentral",
    "eastasia",
    "eastus",
    "eastus2",
    "francecentral",
    "germanywestcentral",
    "indonesiacentral",
    "israelcentral",
    "italynorth",
    "japaneast",
    "japanwest",
    "koreacentral",
    "malaysiawest",
    "mexicocentral",
    "newzealandnorth",
    "northeurope",
    "norwayeast",
    "polandcentral",
    "qatarcentral",
    "southafricanorth",
    "southcentralus",
    "southeastasia",
    "spaincentral",
    "swedencentral",
    "switzerlandnorth",
    "uaenorth",
    "uksouth",
    "westeurope",
    "westus2",
    "westus3",
  ].map((region) => [region, ["1", "2", "3"]] as const),
  ...[
    "australiacentral",
    "australiacentral2",
    "australiasoutheast",
    "brazilsoutheast",
    "canadaeast",
    "francesouth",
    "germanynorth",
    "jioindiacentral",
    "jioindiawest",
    "koreasouth",
    "northcentralus",
    "norwaywest",
    "southafricawest",
    "southindia",
    "swedensouth",
    "switzerlandwest",
    "uaecentral",
    "ukwest",
    "westcentralus",
    "westindia",
    "westus",
  ].map((region) => [region, []] as const),
]);

/** True for a region of {@link REGION_ZONES} (names compared without spaces, case-insensitively). */
export function isKnownRegion(location: string): boolean {
  return normalizeRegion(location) in REGION_ZONES;
}

/** `East US 2` ⇒ `eastus2`, as ARM normalizes location names. */
export function normalizeRegion(location: string): string {
  return location.replace(/\s+/g, "").toLowerCase();
}

/** A VM size: its name, the quota family its vCPUs count against, and its vCPUs. */
export interface VmSizeOffer {
  readonly name: string;
  /** The compute usage name (`Microsoft.Compute/locations/{l}/usages`), e.g. `standardDSv5Family`. */
  readonly family: string;
  readonly vCPUs: number;
  readonly memoryGB: number;
}

/**
 * Series as Azure names them: size-name pattern, usage family and the sizes (vCPUs) of each; memory per
 * vCPU. From the VM size series pages (https://learn.microsoft.com/azure/virtual-machines/sizes/overview)
 * and the family names `az vm list-usage` reports ("Standard DSv5 Family vCPUs" ⇒ `standardDSv5Family`).
 */
const SERIES: readonly {
  readonly name: (vCPUs: number) => string;
  readonly family: string;
  readonly sizes: readonly number[];
  readonly memoryPerVcpuGB: number;
}[] = [
  ...(
    [
      ["_v5", "standardDv5Family", 4],
      ["s_v5", "standardDSv5Family", 4],
      ["ds_v5", "standardDDSv5Family", 4],
      ["as_v5", "standardDASv5Family", 4],
      ["ads_v5", "standardDADSv5Family", 4],
      ["s_v6", "standardDSv6Family", 4],
      ["ds_v6", "standardDDSv6Family", 4],
      ["as_v6", "standardDASv6Family", 4],
      ["ads_v6", "standardDADSv6Family", 4],
      ["_v4", "standardDv4Family", 4],
      ["s_v4", "standardDSv4Family", 4],
      ["ds_v4", "standardDDSv4Family", 4],
      ["_v3", "standardDv3Family", 4],
      ["s_v3", "standardDSv3Family", 4],
    ] as const
  ).map(([suffix, family, memory]) => ({
    name: (n: number) => `Standard_D${n}${suffix}`,
    family,
    sizes: [2, 4, 8, 16, 32, 48, 64, 96],
    memoryPerVcpuGB: memory,
  })),
  ...(
    [
      ["_v3", "standardEv3Family"],
      ["s_v3", "standardESv3Family"],
      ["s_v4", "standardESv4Family"],
      ["ds_v4", "standardEDSv4Family"],
      ["s_v5", "standardESv5Family"],
      ["ds_v5", "standardEDSv5Family"],
      ["as_v5", "standardEASv5Family"],
      ["ads_v5", "standardEADSv5Family"],
      ["s_v6", "standardESv6Family"],
      ["ds_v6", "standardEDSv6Family"],
    ] as const
  ).map(([suffix, family]) => ({
    name: (n: number) => `Standard_E${n}${suffix}`,
    family,
    sizes: [2, 4, 8, 16, 20, 32, 48, 64, 96],
    memoryPerVcpuGB: 8,
  })),
  {
    name: (n: number) => `Standard_F${n}s_v2`,
    family: "standardFSv2Family",
    sizes: [2, 4, 8, 16, 32, 48, 64, 72],
    memoryPerVcpuGB: 2,
  },
  {
    name: (n: number) => `Standard_B${n}ms`,
    family: "standardBSFamily",
    sizes: [1, 2, 4, 8, 12, 16, 20],
    memoryPerVcpuGB: 4,
  },
  // D-series v2: D2 has 2 vCPUs, D3 4, D4 8, D5 16.
  {
    name: (n: number) => `Standard_D${{ 2: 2, 4: 3, 8: 4, 16: 5 }[n] ?? n}_v2`,
    family: "standardDv2Family",
    sizes: [2, 4, 8, 16],
    memoryPerVcpuGB: 3.5,
  },
];

/** Every VM size the emulator offers, by exact (case-sensitive) name. */
export const VM_SIZES: ReadonlyMap<string, VmSizeOffer> = new Map(
  [
    ...SERIES.flatMap((series) =>
      series.sizes.map((vCPUs) => ({
        name: series.name(vCPUs),
        family: series.family,
        vCPUs,
        memoryGB: vCPUs * series.memoryPerVcpuGB,
      })),
    ),
    { name: "Standard_B2s", family: "standardBSFamily", vCPUs: 2, memoryGB: 4 },
  ].map((offer) => [offer.name, offer]),
);

/**
 * AKS Kubernetes versions offered in every region: minors with their patches and support plans
 * (`KubernetesOfficial` is the standard plan; a minor only in `AKSLongTermSupport` needs the Premium
 * tier). From the AKS release calendar (https://learn.microsoft.com/azure/aks/supported-kubernetes-versions)
 * as of 2026-11: three minors in standard support, the oldest also in long-term support.
 */
export const AKS_VERSIONS: readonly {
  readonly minor: string;
  readonly patches: readonly string[];
  readonly supportPlans: readonly ("KubernetesOfficial" | "AKSLongTermSupport")[];
  readonly isDefault?: boolean;
  readonly isPreview?: boolean;
}[] = [
  { minor: "1.33", patches: ["1.33.4", "1.33.6"], supportPlans: ["AKSLongTermSupport"] },
  {
    minor: "1.34",
    patches: ["1.34.1", "1.34.2", "1.34.3"],
    supportPlans: ["KubernetesOfficial", "AKSLongTermSupport"],
  },
  { minor: "1.35", patches: ["1.35.0", "1.35.1"], supportPlans: ["KubernetesOfficial"], isDefault: true },
  { minor: "1.36", patches: ["1.36.0"], supportPlans: ["KubernetesOfficial"] },
];

/** A PostgreSQL flexible server compute tier and its SKUs. */
export interface PostgresEdition {
  readonly name: "Burstable" | "GeneralPurpose" | "MemoryOptimized";
  readonly defaultSkuName: string;
  readonly skus: readonly { readonly name: string; readonly vCores: number }[];
  /** High-availability modes its SKUs support (Burstable: none). */
  readonly haModes: readonly ("SameZone" | "ZoneRedundant")[];
}

const pgSkus = (prefix: string, suffixes: readonly string[], sizes: readonly number[]) =>
  suffixes.flatMap((suffix) => sizes.map((n) => ({ name: `${prefix}${n}${suffix}`, vCores: n })));

/**
 * PostgreSQL flexible server compute (https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-compute):
 * Burstable B-series without high availability, General Purpose D-series and Memory Optimized E-series
 * with same-zone and zone-redundant high availability.
 */
export const POSTGRES_EDITIONS: readonly PostgresEdition[] = [
  {
    name: "Burstable",
    defaultSkuName: "Standard_B1ms",
    skus: [
      { name: "Standard_B1ms", vCores: 1 },
      { name: "Standard_B2s", vCores: 2 },
      ...pgSkus("Standard_B", ["ms"], [2, 4, 8, 12, 16, 20]),
    ],
    haModes: [],
  },
  {
    name: "GeneralPurpose",
    defaultSkuName: "Standard_D2ds_v5",
    skus: pgSkus("Standard_D", ["s_v3", "ds_v4", "ds_v5", "ads_v5"], [2, 4, 8, 16, 32, 48, 64, 96]),
    haModes: ["SameZone", "ZoneRedundant"],
  },
  {
    name: "MemoryOptimized",
    defaultSkuName: "Standard_E2ds_v5",
    skus: pgSkus("Standard_E", ["s_v3", "ds_v4", "ds_v5", "ads_v5"], [2, 4, 8, 16, 20, 32, 48, 64, 96]),
    haModes: ["SameZone", "ZoneRedundant"],
  },
];

/**
 * PostgreSQL major versions offered to new servers (version policy,
 * https://learn.microsoft.com/azure/postgresql/configure-maintain/concepts-version-policy), as of 2026-11.
 */
export const POSTGRES_VERSIONS: readonly string[] = ["14", "15", "16", "17", "18"];

/** Premium SSD storage sizes of flexible server, in GiB (32 GiB to 32 TiB). */
export const POSTGRES_STORAGE_GIB: readonly number[] = [
  32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32767,
];

/**
 * Quotas a subscription has by default, per region. Azure's defaults depend on the offer (a new
 * pay-as-you-go subscription may start with 10 vCPUs a family, enterprise ones with hundreds; "Azure
 * subscription and service limits", https://learn.microsoft.com/azure/azure-resource-manager/management/azure-subscription-service-limits);
 * the emulator's are generous so a local stack never runs out by accident, and admin settings lower them.
 */
export const DEFAULT_QUOTAS = {
  /** `cores`: Total Regional vCPUs. */
  regionalVcpus: 1000,
  /** Each VM family's vCPUs. */
  familyVcpus: 500,
  /** `virtualMachines`. */
  virtualMachines: 25_000,
  /** `PublicIPAddresses` and `IPv4StandardSkuPublicIpAddresses`. */
  publicIpAddresses: 1000,
} as const;

/**
 * Resource providers a subscription has registered by default: every namespace the emulator serves. The
 * first two are registered in every subscription and cannot be unregistered ("Azure resource providers
 * and types", https://learn.microsoft.com/azure/azure-resource-manager/management/resource-providers-and-types).
 */
export const ALWAYS_REGISTERED_NAMESPACES: readonly string[] = [
  "Microsoft.Resources",
  "Microsoft.Authorization",
];

/** How long a provider registration runs before it is `Registered`, in Azure seconds (**Unconfirmed**: "a few minutes"). */
export const PROVIDER_REGISTRATION_SEC = 60;
