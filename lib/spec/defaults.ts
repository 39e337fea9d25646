/**
 * Every default of the environment spec, in one place (README.md and docs/spec.md: secure, zone-spanning, current
 * versions). The schema reads the static ones from here; the derived ones (subnet layout inside the
 * user's VNet, the Kubernetes namespace) are computed here too. Whatever a spec leaves out and a default
 * fills is pinned into the plan (`plan.pinnedDefaults`), so a later release with other defaults never
 * changes an existing environment silently.
 */
import { firstFreeBlock, formatCidr, overlaps, parseCidr, subBlock, type Ipv4Block } from "./cidr";

/** Defaults of the `base` module. */
export const BASE_DEFAULTS = {
  /** The VNet's address space. */
  vnet_cidr: "10.0.0.0/16",
  /**
   * A private Premium container registry in the environment (as Opta's base module made), pulled from
   * by the cluster's kubelet identity.
   */
  container_registry: true,
} as const;

/** Defaults of the `k8s-cluster` module. */
export const CLUSTER_DEFAULTS = {
  /** A current, well-supported minor; AKS picks the newest patch of it. */
  kubernetes_version: "1.35",
  /** Autoscaler lower bound, one node per zone (Opta's default). */
  min_nodes: 3,
  /** Autoscaler upper bound. */
  max_nodes: 5,
  /** 4 vCPU / 16 GiB, premium-storage capable. */
  node_instance_type: "Standard_D4s_v5",
  /** OS disk size in GiB (AKS's own default). */
  node_disk_size: 128,
  /** The node pool spans all three availability zones. */
  zones: ["1", "2", "3"],
  /**
   * Service CIDR outside the default VNet (AKS's own default, 10.0.0.0/16, would collide with it) and
   * outside the pod CIDR.
   */
  service_cidr: "172.16.0.0/16",
  /** The cluster DNS service address: the 10th address of `service_cidr`, as AKS conventionally uses. */
  dns_service_ip: "172.16.0.10",
  /** Overlay pod CIDR (Azure CNI overlay's default); pods never take VNet addresses. */
  pod_cidr: "10.244.0.0/16",
  /** Extra CIDRs allowed to reach the public API server, besides the provisioner's own. */
  authorized_ip_ranges: [] as string[],
} as const;

/** Defaults of a `postgres` module. */
export const POSTGRES_DEFAULTS = {
  /** The current PostgreSQL major version. */
  engine_version: "17",
  /** General purpose, 2 vCPU: the smallest tier that supports zone-redundant high availability. */
  sku_name: "Standard_D2ds_v5",
  /** Storage in GiB (flexible server's smallest size). */
  storage_gb: 32,
  /** Days of point-in-time restore. */
  backup_retention_days: 7,
  /** Backups are copied to the paired region. */
  geo_redundant_backup: true,
  /** No standby replica unless asked for; `true` adds a zone-redundant standby. */
  high_availability: false,
  /** The database created on the server (Opta's default). */
  database: "main",
  /** Clients log in with the generated administrator login and password, kept in Key Vault and the Kubernetes Secret. */
  auth: "password",
} as const;

/**
 * Defaults of a `redis` module: Azure Managed Redis, sized as Opta's Standard C2 (built as Balanced_B3,
 * Microsoft's equivalent), with access keys. Azure Cache for Redis is retiring, and tenants that had
 * none before 2026-04-01 can no longer create one (docs/azure-facts.md#azure-managed-redis).
 */
export const REDIS_DEFAULTS = {
  /** The service that builds the cache. */
  engine: "azure-managed-redis",
  /** An Azure Cache for Redis tier (Opta's sizing), mapped to a Managed Redis SKU by Microsoft's table. */
  sku_name: "Standard",
  family: "C",
  capacity: 2,
  /** Clients authenticate with the database's access key, kept in Key Vault and the Kubernetes Secret. */
  auth: "access-key",
} as const;

/** Defaults of a `storage` module. */
export const STORAGE_DEFAULTS = {
  /** No container unless listed. */
  containers: [] as string[],
  /** Zone-redundant: the account survives a zone outage (Opta had no storage module). */
  sku: "Standard_ZRS",
  /** Blob versioning: every overwrite keeps the previous version. */
  versioning: true,
  /** Days deleted blobs and containers can be restored. */
  soft_delete_days: 7,
} as const;

/** Default CIDRs of the three subnets inside a VNet. */
export interface SubnetLayout {
  readonly nodes_subnet_cidr: string;
  readonly private_endpoints_subnet_cidr: string;
  readonly postgres_subnet_cidr: string;
}

/** The subnets in the order their defaults are laid out. */
const SUBNET_ORDER = ["nodes_subnet_cidr", "private_endpoints_subnet_cidr", "postgres_subnet_cidr"] as const;

/**
 * Lays the subnets out inside `vnetCidr`: the nodes take the first quarter of the VNet (Azure CNI overlay
 * gives nodes, not pods, VNet addresses), private endpoints and PostgreSQL's delegated subnet each take a
 * /24 (or a block 8 bits longer than the VNet's prefix, at most /28) at the start of the second quarter.
 * For 10.0.0.0/16: 10.0.0.0/18, 10.0.64.0/24, 10.0.65.0/24.
 *
 * Subnets in `given` are kept as they are, and a default place that would overlap one of them moves to
 * the first free block of the same size in the VNet: with Opta's single subnet 10.0.0.0/17 as the node
 * subnet, private endpoints get 10.0.128.0/24 and PostgreSQL 10.0.129.0/24. A spec whose given subnets
 * leave the default places free gets exactly the layout above.
 * @returns every subnet that fits (a key is missing when no room is left for it), or undefined when the
 *   VNet is too small for defaults (longer than /20) or not a valid CIDR.
 */
export function defaultSubnetLayout(
  vnetCidr: string,
  given: Partial<SubnetLayout> = {},
): Partial<SubnetLayout> | undefined {
  const parsed = parseCidr(vnetCidr);
  if (!parsed.ok || parsed.block.prefixLength > 20) return undefined;
  const vnet = parsed.block;
  const quarter = vnet.prefixLength + 2;
  const small = Math.min(Math.max(vnet.prefixLength + 8, 24), 28);
  const perQuarter = 2 ** (small - quarter);
  const preferred = {
    nodes_subnet_cidr: subBlock(vnet, quarter, 0),
    private_endpoints_subnet_cidr: subBlock(vnet, small, perQuarter),
    postgres_subnet_cidr: subBlock(vnet, small, perQuarter + 1),
  };
  const taken: Ipv4Block[] = [];
  for (const key of SUBNET_ORDER) {
    const cidr = given[key];
    const block = cidr === undefined ? undefined : parseCidr(cidr);
    if (block?.ok) taken.push(block.block);
  }
  const layout: { -readonly [K in keyof SubnetLayout]?: string } = {};
  for (const key of SUBNET_ORDER) {
    const cidr = given[key];
    if (cidr !== undefined) {
      layout[key] = cidr;
      continue;
    }
    let block = preferred[key];
    if (!block) continue;
    if (taken.some((other) => overlaps(other, block!)))
      block = firstFreeBlock(vnet, block.prefixLength, taken);
    if (!block) continue;
    taken.push(block);
    layout[key] = formatCidr(block);
  }
  return layout;
}

/** Default Kubernetes namespace of the data modules' secrets: the environment's name. */
export function defaultSecretNamespace(environmentName: string): string {
  return environmentName;
}

/** Default name of a data module's Kubernetes Secret. */
export function defaultSecretName(moduleName: string): string {
  return `${moduleName}-connection`;
}

/** Defaults of the `k8s-base` module (the environment's public entry and its service mesh). */
export const INGRESS_DEFAULTS = {
  /** One ingress controller replica set sized for a small environment (see `NGINX_SCALING`). */
  nginx_high_availability: false,
  /** Opta's name for "run the service mesh": on, as in Opta. */
  linkerd_enabled: true,
  /**
   * The Istio add-on revision: the newest this service knows, compatible with the default Kubernetes
   * minor (docs/azure-facts.md#ingress-and-service-mesh).
   */
  istio_revision: "asm-1-30",
} as const;

/** Defaults of a `dns` module. */
export const DNS_DEFAULTS = {
  /** The user has not yet pointed the registrar at the zone's name servers. */
  delegated: false,
  /** A records at the zone's apex and for every name under it, both to the ingress address. */
  a_records: ["@", "*"],
} as const;

/**
 * The ingress controller's replicas (the add-on's `NginxIngressController` `scaling`), by
 * `nginx_high_availability`. Opta ran one replica, or three and more when highly available; the add-on's
 * own default is two to a hundred. Here: two (the add-on's floor, so one zone may fail) up to ten, or
 * three (one per zone) up to thirty.
 */
export const NGINX_SCALING = {
  standard: { minReplicas: 2, maxReplicas: 10 },
  highAvailability: { minReplicas: 3, maxReplicas: 30 },
} as const;
