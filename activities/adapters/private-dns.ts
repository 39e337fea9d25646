/** Adapters for private DNS zones and their VNet links. */
import { childAdapter, topLevelAdapter } from "./shapes";
import type { ArmAdapter } from "./types";

export const privateDnsZoneAdapter: ArmAdapter = topLevelAdapter(
  "Microsoft.Network/privateDnsZones",
  (c) => c.privateDns.privateZones,
);

export const privateDnsZoneVnetLinkAdapter: ArmAdapter = childAdapter(
  "Microsoft.Network/privateDnsZones/virtualNetworkLinks",
  (c) => c.privateDns.virtualNetworkLinks,
);
