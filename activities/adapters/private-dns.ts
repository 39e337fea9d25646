/** Adapters for private DNS zones and their VNet links. */
import { childAdapter, topLevelAdapter } from "./shapes";
import type { ArmAdapter } from "./types";

/**
 * Private DNS writes are long-running; their status lives under `privateDnsOperationStatuses`
 * (`Azure-AsyncOperation`) and `privateDnsOperationResults` (`Location`), read by the check step.
 */
const PRIVATE_DNS_OPERATION_READS = [
  "Microsoft.Network/privateDnsOperationStatuses/read",
  "Microsoft.Network/privateDnsOperationResults/read",
];

export const privateDnsZoneAdapter: ArmAdapter = topLevelAdapter(
  "Microsoft.Network/privateDnsZones",
  (c) => c.privateDns.privateZones,
  {
    permissions: {
      actions: [
        "Microsoft.Network/privateDnsZones/read",
        "Microsoft.Network/privateDnsZones/write",
        "Microsoft.Network/privateDnsZones/delete",
        ...PRIVATE_DNS_OPERATION_READS,
      ],
    },
  },
);

export const privateDnsZoneVnetLinkAdapter: ArmAdapter = childAdapter(
  "Microsoft.Network/privateDnsZones/virtualNetworkLinks",
  (c) => c.privateDns.virtualNetworkLinks,
  {
    permissions: {
      actions: [
        "Microsoft.Network/privateDnsZones/virtualNetworkLinks/read",
        "Microsoft.Network/privateDnsZones/virtualNetworkLinks/write",
        "Microsoft.Network/privateDnsZones/virtualNetworkLinks/delete",
        // Linked access: the link's body names the VNet it joins.
        "Microsoft.Network/virtualNetworks/join/action",
        ...PRIVATE_DNS_OPERATION_READS,
      ],
    },
  },
);
