/** Adapters for the network: VNet, subnets, NSG, public IP, NAT gateway, private endpoints and their DNS zone groups. */
import type { JsonObject, JsonValue } from "../../lib/plan/types";
import { FACT } from "../../lib/plan/facts";
import { childAdapter, topLevelAdapter } from "./shapes";
import type { ArmAdapter } from "./types";

/** `Microsoft.KeyVault/vaults` for `/subscriptions/…/providers/Microsoft.KeyVault/vaults/kv-1`. */
const providerTypeOf = (id: string): string => {
  const match = /\/providers\/([^/]+)\/([^/]+)\//i.exec(id);
  return match ? `${match[1]}/${match[2]}` : `(no provider type in ${id})`;
};

/**
 * Network writes are long-running: ARM answers with an `Azure-AsyncOperation` URL under
 * `locations/{l}/operations` and a `Location` URL under `locations/{l}/operationResults`, which the check
 * step reads (docs/deploy.md#operation-status-reads).
 */
const NETWORK_OPERATION_READS = [
  "Microsoft.Network/locations/operations/read",
  "Microsoft.Network/locations/operationResults/read",
];

export const virtualNetworkAdapter: ArmAdapter = topLevelAdapter(
  "Microsoft.Network/virtualNetworks",
  (c) => c.network.virtualNetworks,
  {
    permissions: {
      actions: [
        "Microsoft.Network/virtualNetworks/read",
        "Microsoft.Network/virtualNetworks/write",
        "Microsoft.Network/virtualNetworks/delete",
        ...NETWORK_OPERATION_READS,
      ],
    },
    // Subnets are nodes of their own; the VNet's live subnet list is theirs, not a VNet difference.
    compare: { ignoredPaths: ["subnets"] },
    async prepareBody({ node, live }) {
      // A VNet PUT replaces the subnet list: without the live subnets ARM would try to delete them
      // (and fail with InUseSubnetCannotBeDeleted, or succeed and cut the cluster off).
      const subnets = live?.subnets;
      const body: JsonObject =
        Array.isArray(subnets) && subnets.length > 0
          ? { ...node.desired, subnets: subnets as unknown as JsonValue }
          : node.desired;
      return { body };
    },
  },
);

export const subnetAdapter: ArmAdapter = childAdapter(
  "Microsoft.Network/virtualNetworks/subnets",
  (c) => c.network.subnets,
  {
    permissions: {
      actions: [
        "Microsoft.Network/virtualNetworks/subnets/read",
        "Microsoft.Network/virtualNetworks/subnets/write",
        "Microsoft.Network/virtualNetworks/subnets/delete",
        // Linked access: a subnet body that names an NSG or a NAT gateway joins them.
        "Microsoft.Network/networkSecurityGroups/join/action",
        "Microsoft.Network/natGateways/join/action",
        ...NETWORK_OPERATION_READS,
      ],
    },
  },
);

export const networkSecurityGroupAdapter: ArmAdapter = topLevelAdapter(
  "Microsoft.Network/networkSecurityGroups",
  (c) => c.network.networkSecurityGroups,
  {
    permissions: {
      actions: [
        "Microsoft.Network/networkSecurityGroups/read",
        "Microsoft.Network/networkSecurityGroups/write",
        "Microsoft.Network/networkSecurityGroups/delete",
        ...NETWORK_OPERATION_READS,
      ],
    },
  },
);

export const publicIpAddressAdapter: ArmAdapter = topLevelAdapter(
  "Microsoft.Network/publicIPAddresses",
  (c) => c.network.publicIPAddresses,
  {
    permissions: {
      actions: [
        "Microsoft.Network/publicIPAddresses/read",
        "Microsoft.Network/publicIPAddresses/write",
        "Microsoft.Network/publicIPAddresses/delete",
        ...NETWORK_OPERATION_READS,
      ],
    },
    // A static IP's address, assigned at create: what DNS records and NSG rules point at.
    facts: { [FACT.ipAddress]: ["ipAddress"] },
  },
);

export const natGatewayAdapter: ArmAdapter = topLevelAdapter(
  "Microsoft.Network/natGateways",
  (c) => c.network.natGateways,
  {
    permissions: {
      actions: [
        "Microsoft.Network/natGateways/read",
        "Microsoft.Network/natGateways/write",
        "Microsoft.Network/natGateways/delete",
        // Linked access: the gateway's body names its public IP.
        "Microsoft.Network/publicIPAddresses/join/action",
        ...NETWORK_OPERATION_READS,
      ],
    },
  },
);

/**
 * A private endpoint joins its subnet, gets a network interface the Network provider creates in the same
 * resource group (deleted with the group), and is approved automatically only when the caller may approve
 * connections on the target; the approval action is the target provider's, hence one variant per target
 * type the planner connects (docs/deploy.md#private-endpoints).
 */
export const privateEndpointAdapter: ArmAdapter = topLevelAdapter(
  "Microsoft.Network/privateEndpoints",
  (c) => c.network.privateEndpoints,
  {
    permissions: {
      actions: [
        "Microsoft.Network/privateEndpoints/read",
        "Microsoft.Network/privateEndpoints/write",
        "Microsoft.Network/privateEndpoints/delete",
        "Microsoft.Network/virtualNetworks/subnets/join/action",
        "Microsoft.Network/networkInterfaces/read",
        "Microsoft.Network/networkInterfaces/write",
        "Microsoft.Network/networkInterfaces/delete",
        "Microsoft.Network/locations/availablePrivateEndpointTypes/read",
        ...NETWORK_OPERATION_READS,
      ],
      variants: {
        "Microsoft.KeyVault/vaults": {
          actions: ["Microsoft.KeyVault/vaults/PrivateEndpointConnectionsApproval/action"],
        },
        "Microsoft.Cache/redis": {
          actions: ["Microsoft.Cache/redis/PrivateEndpointConnectionsApproval/action"],
        },
        "Microsoft.Cache/redisEnterprise": {
          actions: ["Microsoft.Cache/redisEnterprise/PrivateEndpointConnectionsApproval/action"],
        },
        "Microsoft.ContainerRegistry/registries": {
          actions: ["Microsoft.ContainerRegistry/registries/privateEndpointConnectionsApproval/action"],
        },
        "Microsoft.Storage/storageAccounts": {
          actions: ["Microsoft.Storage/storageAccounts/PrivateEndpointConnectionsApproval/action"],
        },
      },
      variantsOf: (node) => {
        const connections = node.desired.privateLinkServiceConnections;
        if (!Array.isArray(connections)) return [];
        return connections.map((connection) => {
          const target = (connection as { privateLinkServiceId?: unknown }).privateLinkServiceId;
          return typeof target === "string" ? providerTypeOf(target) : "(no privateLinkServiceId)";
        });
      },
    },
  },
);

export const privateDnsZoneGroupAdapter: ArmAdapter = childAdapter(
  "Microsoft.Network/privateEndpoints/privateDnsZoneGroups",
  (c) => c.network.privateDnsZoneGroups,
  {
    permissions: {
      actions: [
        "Microsoft.Network/privateEndpoints/privateDnsZoneGroups/read",
        "Microsoft.Network/privateEndpoints/privateDnsZoneGroups/write",
        "Microsoft.Network/privateEndpoints/privateDnsZoneGroups/delete",
        // Linked access: the group writes the endpoint's A record into the zone it names.
        "Microsoft.Network/privateDnsZones/join/action",
        ...NETWORK_OPERATION_READS,
      ],
    },
  },
);
