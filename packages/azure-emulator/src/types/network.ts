/**
 * Microsoft.Network: VNets and their subnets, NSGs, public IPs, NAT gateways, private endpoints and
 * their DNS zone groups. Writes answer with Azure-AsyncOperation, deletes with Location.
 */
import { NETWORK_SCHEMAS } from "../arm-schema/index.js";
import { valueAt, valuesAt } from "../body-path.js";
import {
  rangeWithin,
  rangesOverlap,
  readAddressPrefix,
  type AddressRange,
} from "../azure-facts/address-prefixes.js";
import { badRequest } from "../errors.js";
import { idKey } from "../resource-path.js";
import type { ProviderEnv, ResourceTypeSpec, WriteContext } from "../resource-type.js";
import type { StoredResource } from "../store.js";
import {
  allocatePrivateIp,
  customDnsConfigs,
  decoratedConnections,
  privateIpOf,
  zoneGroupRecordSets,
} from "./private-link.js";
import { propertiesOf, referencesTo, stableGuid, stableHash } from "./shared.js";

export const VNET_TYPE = "Microsoft.Network/virtualNetworks";
export const SUBNET_TYPE = "Microsoft.Network/virtualNetworks/subnets";
const NAT_GATEWAY_TYPE = "Microsoft.Network/natGateways";
const NSG_TYPE = "Microsoft.Network/networkSecurityGroups";
const PUBLIC_IP_TYPE = "Microsoft.Network/publicIPAddresses";
const PUBLIC_IP_PREFIX_TYPE = "Microsoft.Network/publicIPPrefixes";
const PRIVATE_DNS_ZONE_TYPE = "Microsoft.Network/privateDnsZones";

/** ARM network names: 1-80 chars, alphanumerics, underscores, periods, hyphens; ends alphanumeric or `_`. */
const NETWORK_NAME = /^[A-Za-z0-9][-\w.]{0,78}[\w]$|^[A-Za-z0-9]$/;

const network = {
  putStyle: "azure-async-operation",
  // updateTags (PATCH) answers at once on the network provider.
  patchStyle: "sync",
  deleteStyle: "location",
  namePattern: NETWORK_NAME,
} as const;

function prefixesOf(body: Record<string, unknown>, single: string, many: string): string[] {
  return [valueAt(body, single), ...valuesAt(body, many)].filter((p): p is string => typeof p === "string");
}

function parsePrefixes(prefixes: readonly string[], where: string): AddressRange[] {
  return prefixes.map((prefix) => {
    const reading = readAddressPrefix(prefix);
    if (reading.kind === "range") return reading.range;
    // ARM refuses a prefix with host bits set and names the network address it expected.
    if (reading.kind === "host-bits-set") {
      throw badRequest(
        "InvalidCIDRNotation",
        `The address prefix ${prefix} of ${where} has an invalid CIDR notation. For the given prefix length, the address prefix should be ${reading.networkPrefix}.`,
      );
    }
    throw badRequest(
      "InvalidAddressPrefixFormat",
      `Address prefix ${prefix} of ${where} is not a valid CIDR.`,
    );
  });
}

/** Checks a subnet's prefixes against the VNet's address space and its sibling subnets. */
function checkSubnetPrefixes(
  subnetName: string,
  subnetBody: Record<string, unknown>,
  vnetBody: Record<string, unknown>,
  siblings: readonly { name: string; body: Record<string, unknown> }[],
): void {
  const prefixes = prefixesOf(subnetBody, "properties.addressPrefix", "properties.addressPrefixes[]");
  if (prefixes.length === 0) {
    throw badRequest("InvalidRequestFormat", `Subnet ${subnetName} needs properties.addressPrefix.`);
  }
  const ranges = parsePrefixes(prefixes, `subnet ${subnetName}`);
  const space = parsePrefixes(
    valuesAt(vnetBody, "properties.addressSpace.addressPrefixes[]").map(String),
    "the VNet",
  );
  for (const [i, range] of ranges.entries()) {
    if (!space.some((outer) => rangeWithin(range, outer))) {
      throw badRequest(
        "NetcfgSubnetRangeOutsideVnet",
        `Subnet '${subnetName}' is not valid because its IP address range ${prefixes[i]} is outside the IP address range of virtual network.`,
      );
    }
    for (const sibling of siblings) {
      const other = prefixesOf(sibling.body, "properties.addressPrefix", "properties.addressPrefixes[]");
      const clash = other.find((p) => {
        const reading = readAddressPrefix(p);
        return reading.kind === "range" && rangesOverlap(reading.range, range);
      });
      if (clash !== undefined) {
        throw badRequest(
          "NetcfgSubnetRangesOverlap",
          `Subnet '${subnetName}' is not valid because its IP address range overlaps with that of an existing subnet '${sibling.name}' (${clash}).`,
        );
      }
    }
  }
}

/** Why a subnet cannot go: the resources that use it (private endpoints, servers, clusters). */
function inUseReason(resource: StoredResource, env: ProviderEnv): string | undefined {
  const users = referencesTo(env.store, resource.id);
  if (users.length === 0) return undefined;
  return `Subnet ${resource.name} is in use by ${users.map((u) => u.id).join(", ")} and cannot be deleted. In order to delete the subnet, delete all the resources within the subnet.`;
}

const IN_USE_SUBNET = "InUseSubnetCannotBeDeleted";

/** The network provider's `resourceGuid`, fixed for the life of the resource. */
const resourceGuid = (resource: StoredResource) => ({
  properties: { resourceGuid: stableGuid(resource.id) },
});

/** A subnet's policies as the spec defaults them (`Disabled` for endpoints, `Enabled` for link services). */
const SUBNET_DEFAULTS = {
  privateEndpointNetworkPolicies: "Disabled",
  privateLinkServiceNetworkPolicies: "Enabled",
} as const;

/** `[{ id }]` of the resources of `type` whose body mentions `id` (read-only back references). */
function usedBy(env: ProviderEnv, id: string, type: string): { id: string }[] {
  return referencesTo(env.store, id)
    .filter((r) => r.type.toLowerCase() === type.toLowerCase())
    .map((r) => ({ id: r.id }));
}

function embeddedSubnets(body: Record<string, unknown>): { name: string; body: Record<string, unknown> }[] {
  return valuesAt(body, "properties.subnets[]").map((entry) => {
    const subnet = entry as Record<string, unknown>;
    return { name: String(subnet.name ?? ""), body: { properties: subnet.properties ?? {} } };
  });
}

export const virtualNetworkSpec: ResourceTypeSpec = {
  schemas: [NETWORK_SCHEMAS.virtualNetwork],
  ...network,
  type: VNET_TYPE,
  tracked: true,
  inUseCode: IN_USE_SUBNET,
  required: ["properties.addressSpace.addressPrefixes"],
  validate({ body, existing, env }: WriteContext) {
    const listed = embeddedSubnets(body);
    for (const [i, subnet] of listed.entries()) {
      if (!subnet.name)
        throw badRequest("InvalidRequestFormat", "Each subnet of properties.subnets needs a name.");
      checkSubnetPrefixes(subnet.name, subnet.body, body, listed.slice(0, i));
    }
    if (!existing) return;
    // A PUT replaces the subnet list: an omitted subnet is deleted, which ARM refuses when it is in use.
    const keep = new Set(listed.map((s) => s.name.toLowerCase()));
    for (const child of env.store.children(existing.id, SUBNET_TYPE)) {
      if (keep.has(child.name.toLowerCase())) continue;
      const reason = inUseReason(child, env);
      if (reason) throw badRequest(IN_USE_SUBNET, reason);
    }
  },
  async afterWrite(resource, env) {
    const listed = embeddedSubnets(resource.body);
    const keep = new Set(listed.map((s) => s.name.toLowerCase()));
    for (const child of env.store.children(resource.id, SUBNET_TYPE)) {
      if (!keep.has(child.name.toLowerCase())) await env.removeResource(child.id);
    }
    for (const subnet of listed) {
      env.putResource(
        SUBNET_TYPE,
        `${resource.id}/subnets/${subnet.name}`,
        subnet.name,
        resource.id,
        subnet.body,
      );
    }
    // Subnets live as children; the VNet's answer lists them from there.
    const { subnets: _subnets, ...properties } = propertiesOf(resource.body);
    resource.body = { ...resource.body, properties };
  },
  renderExtra: (resource, env) => ({
    properties: {
      subnets: env.store.children(resource.id, SUBNET_TYPE).map((s) => ({
        id: s.id,
        name: s.name,
        type: SUBNET_TYPE,
        etag: s.etag,
        properties: { ...SUBNET_DEFAULTS, ...propertiesOf(s.body), provisioningState: s.provisioningState },
      })),
    },
  }),
  defaults: () => ({ properties: { virtualNetworkPeerings: [] } }),
  synthesize: resourceGuid,
};

export const subnetSpec: ResourceTypeSpec = {
  schemas: [NETWORK_SCHEMAS.subnet],
  ...network,
  type: SUBNET_TYPE,
  parentBusy: { status: 429, code: "RetryableErrorDueToAnotherOperation" },
  references: [
    { path: "properties.natGateway.id", type: NAT_GATEWAY_TYPE },
    { path: "properties.networkSecurityGroup.id", type: NSG_TYPE },
  ],
  validate({ id, name, parentId, body, env }) {
    const vnet = env.store.get(parentId);
    if (!vnet) return;
    const siblings = env.store.children(parentId, SUBNET_TYPE).filter((s) => idKey(s.id) !== idKey(id));
    checkSubnetPrefixes(name, body, vnet.body, siblings);
  },
  inUseCode: IN_USE_SUBNET,
  defaults: () => ({ properties: SUBNET_DEFAULTS }),
  renderExtra: (resource, env) => {
    const endpoints = usedBy(env, resource.id, "Microsoft.Network/privateEndpoints");
    return endpoints.length === 0 ? {} : { properties: { privateEndpoints: endpoints } };
  },
};

/**
 * The six rules every NSG has, lowest priority last ("Default security rules",
 * https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview#default-security-rules).
 */
const DEFAULT_SECURITY_RULES = [
  [
    "AllowVnetInBound",
    "Allow inbound traffic from all VMs in VNET",
    "VirtualNetwork",
    "VirtualNetwork",
    "Allow",
    65000,
    "Inbound",
  ],
  [
    "AllowAzureLoadBalancerInBound",
    "Allow inbound traffic from azure load balancer",
    "AzureLoadBalancer",
    "*",
    "Allow",
    65001,
    "Inbound",
  ],
  ["DenyAllInBound", "Deny all inbound traffic", "*", "*", "Deny", 65500, "Inbound"],
  [
    "AllowVnetOutBound",
    "Allow outbound traffic from all VMs to all VMs in VNET",
    "VirtualNetwork",
    "VirtualNetwork",
    "Allow",
    65000,
    "Outbound",
  ],
  [
    "AllowInternetOutBound",
    "Allow outbound traffic from all VMs to Internet",
    "*",
    "Internet",
    "Allow",
    65001,
    "Outbound",
  ],
  ["DenyAllOutBound", "Deny all outbound traffic", "*", "*", "Deny", 65500, "Outbound"],
] as const;

export const networkSecurityGroupSpec: ResourceTypeSpec = {
  schemas: [NETWORK_SCHEMAS.networkSecurityGroup],
  ...network,
  type: NSG_TYPE,
  tracked: true,
  inUseCode: "InUseNetworkSecurityGroupCannotBeDeleted",
  defaults: () => ({ properties: { securityRules: [], flushConnection: false } }),
  synthesize: (resource) => ({
    properties: {
      ...resourceGuid(resource).properties,
      defaultSecurityRules: DEFAULT_SECURITY_RULES.map(
        ([name, description, source, destination, access, priority, direction]) => ({
          name,
          id: `${resource.id}/defaultSecurityRules/${name}`,
          type: `${NSG_TYPE}/defaultSecurityRules`,
          etag: `W/"${stableGuid(`${resource.id}/${name}`)}"`,
          properties: {
            provisioningState: "Succeeded",
            description,
            protocol: "*",
            sourcePortRange: "*",
            destinationPortRange: "*",
            sourceAddressPrefix: source,
            destinationAddressPrefix: destination,
            access,
            priority,
            direction,
          },
        }),
      ),
    },
  }),
  renderExtra: (resource, env) => {
    const rules = valuesAt(resource.body, "properties.securityRules[]").map((entry) => {
      const rule = entry as { name?: string; properties?: Record<string, unknown> };
      return {
        ...rule,
        id: `${resource.id}/securityRules/${rule.name ?? ""}`,
        type: `${NSG_TYPE}/securityRules`,
        etag: resource.etag,
        properties: { ...rule.properties, provisioningState: resource.provisioningState },
      };
    });
    const subnets = usedBy(env, resource.id, SUBNET_TYPE);
    return { properties: { securityRules: rules, ...(subnets.length > 0 ? { subnets } : {}) } };
  },
};

export const publicIpAddressSpec: ResourceTypeSpec = {
  schemas: [NETWORK_SCHEMAS.publicIpAddress],
  ...network,
  type: PUBLIC_IP_TYPE,
  tracked: true,
  inUseCode: "PublicIPAddressInUseCannotBeDeleted",
  // Without a SKU a public IP is Basic; Basic defaults to Dynamic allocation, Standard is always Static
  // ("Public IP addresses" — SKU, allocation method, idle timeout 4 minutes,
  // https://learn.microsoft.com/azure/virtual-network/ip-services/public-ip-addresses).
  defaults: (resource) => {
    const sku = String(valueAt(resource.body, "sku.name") ?? "Basic");
    return {
      sku: { name: "Basic", tier: "Regional" },
      properties: {
        publicIPAllocationMethod: sku === "Basic" ? "Dynamic" : "Static",
        publicIPAddressVersion: "IPv4",
        idleTimeoutInMinutes: 4,
      },
    };
  },
  // A Static IP gets its address at create (derived from the id, so it is stable); a Dynamic one only
  // once something uses it, which nothing the emulator serves does.
  synthesize: (resource) => {
    const sku = String(valueAt(resource.body, "sku.name") ?? "Basic");
    const method =
      valueAt(resource.body, "properties.publicIPAllocationMethod") ??
      (sku === "Basic" ? "Dynamic" : "Static");
    const octets = (stableHash(resource.id, 6).match(/../g) ?? []).map((h) => (parseInt(h, 16) % 254) + 1);
    return {
      properties: {
        ...resourceGuid(resource).properties,
        ...(method === "Static" ? { ipAddress: `20.${octets.join(".")}` } : {}),
      },
    };
  },
  renderExtra: (resource, env) => {
    const [natGateway] = usedBy(env, resource.id, NAT_GATEWAY_TYPE);
    return natGateway ? { properties: { natGateway } } : {};
  },
};

export const natGatewaySpec: ResourceTypeSpec = {
  schemas: [NETWORK_SCHEMAS.natGateway],
  ...network,
  type: NAT_GATEWAY_TYPE,
  tracked: true,
  inUseCode: "InUseNatGatewayCannotBeDeleted",
  references: [
    { path: "properties.publicIpAddresses[].id", type: PUBLIC_IP_TYPE, sameLocation: true },
    { path: "properties.publicIpAddressesV6[].id", type: PUBLIC_IP_TYPE, sameLocation: true },
    { path: "properties.publicIpPrefixes[].id", type: PUBLIC_IP_PREFIX_TYPE, sameLocation: true },
    { path: "properties.publicIpPrefixesV6[].id", type: PUBLIC_IP_PREFIX_TYPE, sameLocation: true },
  ],
  // "The default idle timeout is 4 minutes" (NAT gateway resource, https://learn.microsoft.com/azure/nat-gateway/nat-gateway-resource).
  defaults: () => ({ properties: { idleTimeoutInMinutes: 4 } }),
  synthesize: resourceGuid,
  renderExtra: (resource, env) => {
    const subnets = referencesTo(env.store, resource.id).filter((r) => r.type === SUBNET_TYPE);
    return subnets.length === 0 ? {} : { properties: { subnets: subnets.map((s) => ({ id: s.id })) } };
  },
};

/**
 * The private link sub-resources (group ids) a first-party target offers, by its lower-case type: Key
 * Vault `vault`, Azure Cache for Redis `redisCache`, Azure Managed Redis `redisEnterprise`, Container Registry `registry`, Storage `blob` ("Private
 * Link resource" table of Azure's private endpoint overview; the Azure Managed Redis private link page).
 */
const PRIVATE_LINK_GROUPS: Readonly<Record<string, string>> = {
  "microsoft.keyvault/vaults": "vault",
  "microsoft.cache/redis": "redisCache",
  "microsoft.cache/redisenterprise": "redisEnterprise",
  "microsoft.containerregistry/registries": "registry",
  "microsoft.storage/storageaccounts": "blob",
};

/**
 * The SKU a target must have to take a private endpoint: a container registry's Premium tier ("Azure
 * Container Registry service tiers"; "Connect privately to an Azure container registry using Azure Private
 * Link": "available in the Premium container registry service tier"). Azure's error code is not published;
 * the emulator answers its own `PremiumSkuRequired`, as for the registry's other Premium-only features.
 */
const PRIVATE_LINK_SKU: Readonly<Record<string, string>> = {
  "microsoft.containerregistry/registries": "Premium",
};

interface LinkConnection {
  readonly name?: string;
  readonly properties?: { readonly privateLinkServiceId?: string; readonly groupIds?: readonly string[] };
}

/**
 * Each connection names exactly one group id its target offers. Codes: `MissingParameterOnPrivateLinkServiceConnection`
 * and `OnlyOneGroupIdPermitted` are Azure's; for a group id the target does not offer the emulator
 * answers `InvalidPrivateLinkGroupId` (Azure's code is not published; its message says "Invalid groupId").
 */
function checkGroupIds({ body, env }: WriteContext): void {
  for (const connection of valuesAt(body, "properties.privateLinkServiceConnections[]") as LinkConnection[]) {
    const targetId = connection.properties?.privateLinkServiceId;
    const target = typeof targetId === "string" ? env.store.get(targetId) : undefined;
    const offered = target ? PRIVATE_LINK_GROUPS[target.type.toLowerCase()] : undefined;
    if (!target || !offered) continue;
    const groupIds = connection.properties?.groupIds ?? [];
    if (groupIds.length === 0) {
      throw badRequest(
        "MissingParameterOnPrivateLinkServiceConnection",
        `Private link service connection ${connection.name ?? ""} is missing required parameter 'group Id'.`,
      );
    }
    if (groupIds.length > 1) {
      throw badRequest(
        "OnlyOneGroupIdPermitted",
        `Private link service connection ${connection.name ?? ""} has the following group Ids: ${groupIds.join(", ")}. Only one group Id is permitted when connecting to a first-party resource (${target.id}).`,
      );
    }
    if (groupIds[0]!.toLowerCase() !== offered.toLowerCase()) {
      throw badRequest(
        "InvalidPrivateLinkGroupId",
        `Call to ${target.type} failed. Error message: Invalid groupId '${groupIds[0]!}'; the resource offers '${offered}'.`,
      );
    }
    const sku = PRIVATE_LINK_SKU[target.type.toLowerCase()];
    const targetSku = String(valueAt(target.body, "sku.name") ?? "");
    if (sku && targetSku !== sku) {
      throw badRequest(
        "PremiumSkuRequired",
        `Call to ${target.type} failed. Error message: private endpoints need the ${sku} SKU; '${target.name}' is '${targetSku}'.`,
      );
    }
  }
}

export const privateEndpointSpec: ResourceTypeSpec = {
  schemas: [NETWORK_SCHEMAS.privateEndpoint],
  ...network,
  type: "Microsoft.Network/privateEndpoints",
  tracked: true,
  validate: checkGroupIds,
  required: ["properties.subnet.id"],
  references: [
    { path: "properties.subnet.id", type: SUBNET_TYPE },
    { path: "properties.privateLinkServiceConnections[].properties.privateLinkServiceId", type: "*" },
  ],
  defaults: () => ({
    properties: { manualPrivateLinkServiceConnections: [], applicationSecurityGroups: [] },
  }),
  synthesize: (resource) => ({
    properties: {
      networkInterfaces: [
        {
          id: `${resource.id.replace(/\/providers\/.*$/i, "")}/providers/Microsoft.Network/networkInterfaces/${String(valueAt(resource.body, "properties.customNetworkInterfaceName") ?? `${resource.name}.nic.${stableHash(resource.id)}`)}`,
        },
      ],
    },
  }),
  async afterWrite(resource, env) {
    if (resource.internal?.privateIp) return;
    const ip = allocatePrivateIp(
      env.store,
      String(valueAt(resource.body, "properties.subnet.id") ?? ""),
      resource.id,
    );
    if (ip) resource.internal = { ...resource.internal, privateIp: ip };
  },
  renderExtra: (resource, env) => {
    const ip = privateIpOf(resource);
    const connections = decoratedConnections(resource, "privateLinkServiceConnections");
    const manual = decoratedConnections(resource, "manualPrivateLinkServiceConnections");
    return {
      properties: {
        ...(connections ? { privateLinkServiceConnections: connections } : {}),
        ...(manual ? { manualPrivateLinkServiceConnections: manual } : {}),
        ...(ip ? { customDnsConfigs: customDnsConfigs(resource, env.store, ip) } : {}),
      },
    };
  },
};

export const privateDnsZoneGroupSpec: ResourceTypeSpec = {
  schemas: [NETWORK_SCHEMAS.privateDnsZoneGroup],
  ...network,
  type: "Microsoft.Network/privateEndpoints/privateDnsZoneGroups",
  references: [
    { path: "properties.privateDnsZoneConfigs[].properties.privateDnsZoneId", type: PRIVATE_DNS_ZONE_TYPE },
  ],
  renderExtra: (resource, env) => ({
    properties: {
      privateDnsZoneConfigs: valuesAt(resource.body, "properties.privateDnsZoneConfigs[]").map((entry) => {
        const config = entry as { name?: string; properties?: { privateDnsZoneId?: string } };
        const zoneId = config.properties?.privateDnsZoneId ?? "";
        return {
          ...config,
          properties: { ...config.properties, recordSets: zoneGroupRecordSets(resource, env.store, zoneId) },
        };
      }),
    },
  }),
};
