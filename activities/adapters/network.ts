/** Adapters for the network: VNet, subnets, NSG, public IP, NAT gateway, private endpoints and their DNS zone groups. */
import type { JsonObject, JsonValue } from "../../lib/plan/types";
import { FACT } from "../../lib/plan/facts";
import { childAdapter, topLevelAdapter } from "./shapes";
import type { ArmAdapter } from "./types";

export const virtualNetworkAdapter: ArmAdapter = topLevelAdapter(
  "Microsoft.Network/virtualNetworks",
  (c) => c.network.virtualNetworks,
  {
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
);

export const networkSecurityGroupAdapter: ArmAdapter = topLevelAdapter(
  "Microsoft.Network/networkSecurityGroups",
  (c) => c.network.networkSecurityGroups,
);

export const publicIpAddressAdapter: ArmAdapter = topLevelAdapter(
  "Microsoft.Network/publicIPAddresses",
  (c) => c.network.publicIPAddresses,
  // A static IP's address, assigned at create: what DNS records and NSG rules point at.
  { facts: { [FACT.ipAddress]: ["ipAddress"] } },
);

export const natGatewayAdapter: ArmAdapter = topLevelAdapter(
  "Microsoft.Network/natGateways",
  (c) => c.network.natGateways,
);

export const privateEndpointAdapter: ArmAdapter = topLevelAdapter(
  "Microsoft.Network/privateEndpoints",
  (c) => c.network.privateEndpoints,
);

export const privateDnsZoneGroupAdapter: ArmAdapter = childAdapter(
  "Microsoft.Network/privateEndpoints/privateDnsZoneGroups",
  (c) => c.network.privateDnsZoneGroups,
);
