/**
 * How long Azure's resource providers take to finish a long-running operation, and the `Retry-After` they
 * send while it runs: the emulator's own table, kept apart from the provisioner's latency model so the
 * emulator can show the provisioner's estimates wrong instead of echoing them.
 *
 * Azure documents these durations only in words ("a few minutes", "a while"); the seconds below are the
 * medians observed in public terraform-provider-azurerm acceptance-test runs and the Azure services'
 * own statements, each cited beside its entry. Durations are real-Azure seconds; the emulator multiplies
 * them by its time scale.
 *
 * How the waiting works on ARM (202/201 + `Azure-AsyncOperation` or `Location`, the client polls, and
 * `Retry-After` says how many seconds to wait between polls): "Track asynchronous Azure operations",
 * https://learn.microsoft.com/azure/azure-resource-manager/management/async-operations
 */

/** One resource type's operations on real Azure, in seconds. */
export interface OperationDurations {
  /** From the accepted PUT of a new resource until `provisioningState` is `Succeeded`. */
  readonly createSec: number;
  /** From the accepted PUT or PATCH of an existing resource until it is `Succeeded` again. */
  readonly updateSec: number;
  /** From the accepted DELETE until the resource is gone. */
  readonly deleteSec: number;
  /** The `Retry-After` the provider answers while an operation runs (the last poll may come sooner). */
  readonly retryAfterSec: number;
}

const durations = (
  createSec: number,
  updateSec: number,
  deleteSec: number,
  retryAfterSec: number,
): OperationDurations => ({ createSec, updateSec, deleteSec, retryAfterSec });

/** By ARM resource type, lower-case. */
const BY_TYPE = new Map<string, OperationDurations>([
  // Resource group PUT answers 200/201 at once; DELETE answers 202 and removes every resource in the
  // group before it ends, so it lasts about as long as the slowest contained delete (a minute for the
  // network resources here). "Resource Groups - Create Or Update" and "- Delete",
  // https://learn.microsoft.com/rest/api/resources/resource-groups
  ["microsoft.resources/resourcegroups", durations(1, 1, 60, 5)],

  // Virtual networks and subnets: seconds ("Quickstart: Create a virtual network", the portal deploys one
  // in under a minute, https://learn.microsoft.com/azure/virtual-network/quick-create-portal); acceptance
  // tests measured 8 s (VNet) and 6 s (subnet). The network provider asks for polls every few seconds.
  ["microsoft.network/virtualnetworks", durations(10, 10, 10, 5)],
  ["microsoft.network/virtualnetworks/subnets", durations(10, 10, 10, 5)],
  // NSGs, public IPs and NAT gateways: no published measurement; they complete in seconds like the
  // other network resources ("Quickstart: Create a NAT gateway",
  // https://learn.microsoft.com/azure/nat-gateway/quickstart-create-nat-gateway-portal).
  ["microsoft.network/networksecuritygroups", durations(15, 10, 15, 5)],
  ["microsoft.network/publicipaddresses", durations(15, 10, 15, 5)],
  ["microsoft.network/natgateways", durations(15, 15, 15, 5)],

  // Private DNS zones are global resources; acceptance tests measured 35 s for a zone. VNet links take
  // about as long ("Quickstart: Create an Azure private DNS zone",
  // https://learn.microsoft.com/azure/dns/private-dns-getstarted-portal).
  ["microsoft.network/privatednszones", durations(35, 20, 35, 10)],
  ["microsoft.network/privatednszones/virtualnetworklinks", durations(30, 30, 30, 10)],
  // Private endpoints provision a NIC and the connection to the target service: about a minute (54 s in
  // acceptance tests). "Quickstart: Create a private endpoint",
  // https://learn.microsoft.com/azure/private-link/create-private-endpoint-portal
  ["microsoft.network/privateendpoints", durations(60, 30, 60, 10)],
  ["microsoft.network/privateendpoints/privatednszonegroups", durations(20, 20, 20, 5)],

  // Key Vault: a create takes two to three minutes; deleting soft-deletes (the vault and its name stay
  // reserved until purged). "Quickstart: Create a key vault",
  // https://learn.microsoft.com/azure/key-vault/general/quick-create-portal; "soft-delete overview",
  // https://learn.microsoft.com/azure/key-vault/general/soft-delete-overview
  ["microsoft.keyvault/vaults", durations(120, 30, 30, 15)],

  // Role assignments are written at once (201); it is their *effect* on the data planes that lags, up to
  // minutes, which the emulator models apart (`rolePropagationSec`). "Troubleshoot Azure RBAC",
  // https://learn.microsoft.com/azure/role-based-access-control/troubleshooting
  ["microsoft.authorization/roleassignments", durations(2, 2, 2, 2)],

  // AKS: the quickstart says a create completes after a few minutes — 6 to 20 in acceptance tests, 8 typical;
  // updates and deletes of a cluster take minutes too, and the provider asks for polls every 30 s or so.
  // "Quickstart: Deploy an AKS cluster using Azure CLI",
  // https://learn.microsoft.com/azure/aks/learn/quick-kubernetes-deploy-cli
  ["microsoft.containerservice/managedclusters", durations(480, 300, 600, 30)],

  // PostgreSQL flexible server: a deployment takes several minutes (457-643 s in acceptance-test runs);
  // its databases and configuration parameters take seconds. "Quickstart: Create an Azure Database for
  // PostgreSQL flexible server", https://learn.microsoft.com/azure/postgresql/flexible-server/quickstart-create-server
  ["microsoft.dbforpostgresql/flexibleservers", durations(420, 240, 300, 30)],
  ["microsoft.dbforpostgresql/flexibleservers/databases", durations(20, 20, 20, 5)],
  ["microsoft.dbforpostgresql/flexibleservers/configurations", durations(15, 15, 15, 5)],
  // A Microsoft Entra administrator: no figure is published; 30 s, an estimate.
  ["microsoft.dbforpostgresql/flexibleservers/administrators", durations(30, 30, 30, 5)],

  // Azure Cache for Redis: the quickstart warns that a cache takes a while to create — 20 minutes or more is typical
  // (acceptance tests: 1,500-2,200 s), deletes take ten minutes or more; the client polls the resource's
  // provisioningState. "Quickstart: Create an open-source Redis cache",
  // https://learn.microsoft.com/azure/azure-cache-for-redis/quickstart-create-redis
  ["microsoft.cache/redis", durations(1200, 600, 600, 60)],

  // Azure Managed Redis: "it takes several minutes for the Redis instance to create" — no figure is
  // documented ("Quickstart: Create an Azure Managed Redis instance",
  // https://learn.microsoft.com/azure/redis/quickstart-create-managed-redis). Acceptance tests that
  // create, check and delete a cluster with its database took 870 s in 2026
  // (hashicorp/terraform-provider-azurerm#32722), and the provider's create timeout was raised from 30
  // to 45 minutes after one ran out (#30932). The emulator takes 10 minutes, an estimate: about two
  // thirds of that whole test, the delete being the rest. Updates and deletes: 5 minutes, also
  // estimates. The database comes with the cluster's nodes: a minute, an estimate.
  ["microsoft.cache/redisenterprise", durations(600, 300, 300, 30)],
  ["microsoft.cache/redisenterprise/databases", durations(60, 60, 60, 10)],
  // An access-policy assignment: no figure is published; 30 s, an estimate.
  ["microsoft.cache/redisenterprise/databases/accesspolicyassignments", durations(30, 30, 30, 10)],

  // Public DNS zones: the PUT answers at once (200/201, "Zones - Create Or Update"); a DELETE is accepted
  // (202) and removes the zone and its record sets within seconds; record sets answer at once.
  // https://learn.microsoft.com/rest/api/dns/zones/create-or-update
  ["microsoft.network/dnszones", durations(1, 1, 10, 5)],
  ["microsoft.network/dnszones/a", durations(1, 1, 1, 1)],

  // Container registries: the quickstart's registry is ready "when the deployment succeeds", in well
  // under a minute; no published measurement, acceptance tests of a Premium registry take about 30 s to
  // create and as long to delete (an estimate). "Quickstart: Create an Azure container registry using the
  // Azure portal", https://learn.microsoft.com/azure/container-registry/container-registry-get-started-portal
  ["microsoft.containerregistry/registries", durations(30, 20, 30, 5)],

  // Storage accounts: "typically … within a few seconds" is all Azure says for the account's create; the
  // provider answers 202 with Retry-After 17 while it runs (spec example); deletes are synchronous. The
  // blob service's properties and containers are written synchronously.
  // "Create a storage account", https://learn.microsoft.com/azure/storage/common/storage-account-create
  ["microsoft.storage/storageaccounts", durations(25, 10, 5, 17)],
]);

/** For a type the table does not list: seconds, like most resources that are not compute or data. */
export const UNLISTED_TYPE_DURATIONS: OperationDurations = durations(15, 15, 15, 5);

/** The durations of an ARM resource type (any case). */
export function operationDurationsOf(armType: string): OperationDurations {
  return BY_TYPE.get(armType.toLowerCase()) ?? UNLISTED_TYPE_DURATIONS;
}
