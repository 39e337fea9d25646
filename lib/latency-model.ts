/**
 * The one latency model of the project: how long Azure takes, per resource type, with its sources
 * in docs/azure-facts.md#durations. The planner uses it for estimates and the critical path; the
 * emulator uses it, multiplied by its time scale, for operation durations. Seconds on real Azure.
 */

/** Durations of one resource type's operations on real Azure. */
export interface OperationLatency {
  /** Median create (PUT until `Succeeded`). */
  readonly createP50Sec: number;
  /** 95th percentile create. */
  readonly createP95Sec: number;
  /** Median update of an existing resource. */
  readonly updateP50Sec: number;
  /** Median delete. */
  readonly deleteP50Sec: number;
  /** A sensible interval between status polls while an operation runs. */
  readonly pollIntervalSec: number;
}

const latency = (
  createP50Sec: number,
  createP95Sec: number,
  updateP50Sec: number,
  deleteP50Sec: number,
  pollIntervalSec: number,
): OperationLatency => ({ createP50Sec, createP95Sec, updateP50Sec, deleteP50Sec, pollIntervalSec });

/**
 * Latency by ARM resource type (lower-case). Types not listed use {@link DEFAULT_LATENCY}.
 * Sources: terraform-provider-azurerm acceptance-test logs and Azure maintainers' statements, as
 * listed in docs/azure-facts.md#durations; where no measurement exists, the model's own values, marked Unconfirmed there.
 */
export const LATENCY_BY_ARM_TYPE: Readonly<Record<string, OperationLatency>> = {
  // A resource group PUT is synchronous; its DELETE cascades and takes as long as its slowest child.
  "microsoft.resources/resourcegroups": latency(1, 1, 1, 60, 5),
  "microsoft.network/virtualnetworks": latency(10, 15, 10, 10, 5),
  "microsoft.network/virtualnetworks/subnets": latency(10, 15, 10, 10, 5),
  "microsoft.network/networksecuritygroups": latency(15, 30, 10, 15, 5),
  "microsoft.network/publicipaddresses": latency(15, 30, 10, 15, 5),
  "microsoft.network/natgateways": latency(15, 30, 15, 15, 5),
  "microsoft.network/privatednszones": latency(35, 60, 20, 35, 10),
  "microsoft.network/privatednszones/virtualnetworklinks": latency(30, 60, 30, 30, 10),
  "microsoft.network/privateendpoints": latency(60, 90, 30, 60, 10),
  "microsoft.network/privateendpoints/privatednszonegroups": latency(20, 40, 20, 20, 5),
  // Key Vault create is 2-3 minutes; its data plane may refuse writes for minutes more (firewall/RBAC).
  "microsoft.keyvault/vaults": latency(120, 180, 30, 30, 15),
  "microsoft.authorization/roleassignments": latency(2, 5, 2, 2, 2),
  "microsoft.containerservice/managedclusters": latency(480, 1200, 300, 600, 30),
  "microsoft.dbforpostgresql/flexibleservers": latency(420, 720, 240, 300, 30),
  "microsoft.dbforpostgresql/flexibleservers/databases": latency(20, 40, 20, 20, 5),
  "microsoft.dbforpostgresql/flexibleservers/configurations": latency(15, 30, 15, 15, 5),
  // An Entra administrator: the model's own values (no measurement found; Unconfirmed).
  "microsoft.dbforpostgresql/flexibleservers/administrators": latency(30, 90, 30, 30, 5),
  // "20+ minutes is typical" for Azure Cache for Redis; deletes take 10+ minutes.
  "microsoft.cache/redis": latency(1200, 3600, 600, 600, 60),
  // Azure Managed Redis: "several minutes" is all Azure says; an estimate from acceptance tests (870 s
  // for create, check and delete) and a client timeout raised past 30 minutes.
  "microsoft.cache/redisenterprise": latency(600, 1800, 300, 300, 30),
  "microsoft.cache/redisenterprise/databases": latency(60, 180, 60, 60, 10),
  // An access-policy assignment: the model's own values (no measurement found; Unconfirmed).
  "microsoft.cache/redisenterprise/databases/accesspolicyassignments": latency(30, 120, 30, 30, 10),
  // Public DNS zones and record sets answer their PUT at once (200/201); a zone's DELETE is accepted (202).
  // Container registries: seconds to a minute (docs/azure-facts.md#durations).
  "microsoft.containerregistry/registries": latency(30, 60, 20, 30, 5),
  // Storage accounts: seconds; the blob service and containers are synchronous writes
  // (docs/azure-facts.md#durations).
  "microsoft.storage/storageaccounts": latency(25, 60, 10, 5, 5),
  "microsoft.storage/storageaccounts/blobservices": latency(1, 2, 1, 1, 1),
  "microsoft.storage/storageaccounts/blobservices/containers": latency(1, 2, 1, 1, 1),
  // Managed identities and federated credentials are synchronous writes (docs/azure-facts.md#durations).
  "microsoft.managedidentity/userassignedidentities": latency(2, 5, 2, 2, 2),
  "microsoft.managedidentity/userassignedidentities/federatedidentitycredentials": latency(2, 5, 2, 2, 2),
  "microsoft.network/dnszones": latency(5, 15, 5, 30, 5),
  "microsoft.network/dnszones/a": latency(2, 5, 2, 2, 2),
};

/** Used for types the model does not list. */
export const DEFAULT_LATENCY: OperationLatency = latency(15, 30, 15, 15, 5);

/** Latency of an ARM resource type (case-insensitive), falling back to {@link DEFAULT_LATENCY}. */
export function latencyOf(armType: string): OperationLatency {
  return LATENCY_BY_ARM_TYPE[armType.toLowerCase()] ?? DEFAULT_LATENCY;
}
