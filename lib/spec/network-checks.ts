/**
 * Address-space rules between fields: subnets inside the VNet and apart from each other; the cluster's
 * service and pod CIDRs apart from the VNet, from each other and from the ranges AKS reserves; the DNS
 * service address inside the service CIDR. Only well-formed CIDRs reach here (the schema refuses the rest).
 */
import {
  containsAddress,
  containsBlock,
  formatIpv4,
  overlaps,
  parseCidr,
  parseIpv4,
  type Ipv4Block,
} from "./cidr";
import { quote } from "./quote";
import type { SpecProblem } from "./types";

/** A CIDR-valued field and where it sits in the spec. */
interface CidrField {
  readonly path: string;
  readonly key: string;
  readonly cidr: string;
}

/** The base module's resolved address plan. */
export interface NetworkFields {
  readonly basePath: string;
  readonly vnet_cidr: string;
  readonly subnets: readonly { readonly key: string; readonly cidr: string }[];
}

/** The cluster module's address fields. */
export interface ClusterNetworkFields {
  readonly clusterPath: string;
  readonly service_cidr: string;
  readonly pod_cidr: string;
  readonly dns_service_ip: string;
}

/** Ranges AKS reserves for itself; service and pod CIDRs must stay clear of them. */
export const AKS_RESERVED_CIDRS: readonly string[] = [
  "169.254.0.0/16",
  "172.30.0.0/16",
  "172.31.0.0/16",
  "192.0.2.0/24",
];

function block(cidr: string): Ipv4Block | undefined {
  const parsed = parseCidr(cidr);
  return parsed.ok ? parsed.block : undefined;
}

function overlapProblems(fields: readonly CidrField[]): SpecProblem[] {
  const problems: SpecProblem[] = [];
  fields.forEach((later, laterIndex) => {
    const laterBlock = block(later.cidr);
    fields.slice(0, laterIndex).forEach((earlier) => {
      const earlierBlock = block(earlier.cidr);
      if (laterBlock && earlierBlock && overlaps(laterBlock, earlierBlock)) {
        problems.push({
          path: later.path,
          message: `${later.cidr} overlaps ${earlier.key} (${earlier.cidr}); choose a range apart from it`,
        });
      }
    });
  });
  return problems;
}

/** Azure keeps five addresses of every subnet (network, gateway, two DNS, broadcast). */
export const AZURE_RESERVED_ADDRESSES_PER_SUBNET = 5;

/** PostgreSQL flexible server refuses a delegated subnet smaller than this prefix. */
export const POSTGRES_SUBNET_MAX_PREFIX = 28;

/** Usable addresses of a subnet on Azure. */
function usableAddresses(cidr: string): number | undefined {
  const parsed = block(cidr);
  return parsed ? 2 ** (32 - parsed.prefixLength) - AZURE_RESERVED_ADDRESSES_PER_SUBNET : undefined;
}

/**
 * Checks that the subnets are big enough for what goes in them: PostgreSQL needs a /28 or larger; the
 * node subnet needs an address per node at the autoscaler's maximum plus one for an upgrade's surge node
 * (with Azure CNI overlay, pods take no subnet addresses).
 */
export function checkSubnetSizes(
  network: NetworkFields,
  cluster: { path: string; max_nodes: number } | undefined,
): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const cidrOf = (key: string) => network.subnets.find((subnet) => subnet.key === key)?.cidr;
  const postgres = cidrOf("postgres_subnet_cidr");
  const postgresBlock = postgres ? block(postgres) : undefined;
  if (postgres && postgresBlock && postgresBlock.prefixLength > POSTGRES_SUBNET_MAX_PREFIX) {
    problems.push({
      path: `${network.basePath}.postgres_subnet_cidr`,
      message: `${postgres} is too small; PostgreSQL flexible server needs a /${POSTGRES_SUBNET_MAX_PREFIX} or larger`,
    });
  }
  const nodes = cidrOf("nodes_subnet_cidr");
  const usable = nodes ? usableAddresses(nodes) : undefined;
  if (cluster && nodes && usable !== undefined && usable < cluster.max_nodes + 1) {
    problems.push({
      path: `${network.basePath}.nodes_subnet_cidr`,
      message: `${nodes} has ${Math.max(usable, 0)} usable addresses; max_nodes ${cluster.max_nodes} needs ${cluster.max_nodes + 1} (one more for upgrades)`,
    });
  }
  return problems;
}

/** Checks the VNet's subnets: inside the VNet, not overlapping each other. */
export function checkSubnets(network: NetworkFields): SpecProblem[] {
  const vnet = block(network.vnet_cidr);
  if (!vnet) return [];
  const fields = network.subnets.map((subnet) => ({
    path: `${network.basePath}.${subnet.key}`,
    key: subnet.key,
    cidr: subnet.cidr,
  }));
  const outside = fields.flatMap((field): SpecProblem[] => {
    const subnet = block(field.cidr);
    return subnet && !containsBlock(vnet, subnet)
      ? [{ path: field.path, message: `${field.cidr} is not inside vnet_cidr (${network.vnet_cidr})` }]
      : [];
  });
  return [...outside, ...overlapProblems(fields)];
}

/** Checks the cluster's service/pod CIDRs and DNS service address against each other and the VNet. */
export function checkClusterNetwork(
  cluster: ClusterNetworkFields,
  network: NetworkFields | undefined,
): SpecProblem[] {
  const service: CidrField = {
    path: `${cluster.clusterPath}.service_cidr`,
    key: "service_cidr",
    cidr: cluster.service_cidr,
  };
  const pod: CidrField = { path: `${cluster.clusterPath}.pod_cidr`, key: "pod_cidr", cidr: cluster.pod_cidr };
  const problems: SpecProblem[] = [];
  const reserved = (field: CidrField): SpecProblem[] => {
    const fieldBlock = block(field.cidr);
    const hit = AKS_RESERVED_CIDRS.find((cidr) => fieldBlock && overlaps(fieldBlock, block(cidr)!));
    return hit ? [{ path: field.path, message: `${field.cidr} overlaps ${hit}, which AKS reserves` }] : [];
  };
  problems.push(...reserved(service), ...reserved(pod));
  const vnetField: CidrField[] = network
    ? [{ path: `${network.basePath}.vnet_cidr`, key: "the VNet's vnet_cidr", cidr: network.vnet_cidr }]
    : [];
  // Order matters only for which field carries the message: the cluster's fields do, since the VNet
  // is usually the older decision.
  problems.push(...overlapProblems([...vnetField, service, pod]));

  const dnsPath = `${cluster.clusterPath}.dns_service_ip`;
  const address = parseIpv4(cluster.dns_service_ip);
  const serviceBlock = block(cluster.service_cidr);
  if (address === undefined) {
    problems.push({
      path: dnsPath,
      message: `${quote(cluster.dns_service_ip)} is not an IPv4 address such as 172.16.0.10`,
    });
  } else if (serviceBlock && !containsAddress(serviceBlock, address)) {
    problems.push({
      path: dnsPath,
      message: `${cluster.dns_service_ip} is not inside service_cidr (${cluster.service_cidr})`,
    });
  } else if (serviceBlock && address - serviceBlock.base < 2) {
    // The network address is unusable and the first host address is the kubernetes service's own.
    problems.push({
      path: dnsPath,
      message: `${cluster.dns_service_ip} is reserved in service_cidr; use a later address such as ${formatIpv4(serviceBlock.base + 10)}`,
    });
  }
  return problems;
}
