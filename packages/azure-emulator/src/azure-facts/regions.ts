/**
 * The Azure public-cloud regions, by the name ARM uses (`eastus`, not `East US`): what a tracked resource's
 * `location` may be. ARM refuses any other with 400 `LocationNotAvailableForResourceType`.
 *
 * Source: "List of Azure regions", https://learn.microsoft.com/azure/reliability/regions-list (the
 * `Programmatic name` column), and the `az account list-locations` names it mirrors. Regions announced
 * after this list was written are refused until added here.
 */
const REGIONS = [
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
  "centraluseuap",
  "chilecentral",
  "denmarkeast",
  "eastasia",
  "eastus",
  "eastus2",
  "eastus2euap",
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
  "southeastasia",
  "southindia",
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
] as const;

const KNOWN = new Set<string>(REGIONS);

/** True for a public-cloud region name (any case and spacing: `East US 2` is `eastus2`). */
export function isAzureRegion(location: string): boolean {
  return KNOWN.has(location.replace(/\s+/g, "").toLowerCase());
}

/** The list ARM names in its refusal. */
export const AZURE_REGIONS: readonly string[] = REGIONS;
