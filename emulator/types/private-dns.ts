/** Microsoft.Network private DNS zones and their VNet links (location `global`). */
import { badRequest } from "../errors.js";
import type { ResourceTypeSpec } from "../resource-type.js";
import { VNET_TYPE } from "./network.js";

export const PRIVATE_DNS_ZONE_TYPE = "Microsoft.Network/privateDnsZones";
export const VNET_LINK_TYPE = "Microsoft.Network/privateDnsZones/virtualNetworkLinks";

export const privateDnsZoneSpec: ResourceTypeSpec = {
  type: PRIVATE_DNS_ZONE_TYPE,
  putStyle: "azure-async-operation",
  deleteStyle: "location",
  tracked: true,
  // A DNS name: labels of letters, digits and hyphens, at least two labels.
  namePattern:
    /^(?=.{1,253}$)([A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?\.)+[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?$/,
  validate({ body }) {
    if (typeof body.location === "string" && body.location.toLowerCase() !== "global") {
      throw badRequest(
        "InvalidLocation",
        "Private DNS zones are global resources; location must be 'global'.",
      );
    }
  },
  synthesize: () => ({ properties: { maxNumberOfRecordSets: 25000, numberOfRecordSets: 1 } }),
};

export const virtualNetworkLinkSpec: ResourceTypeSpec = {
  type: VNET_LINK_TYPE,
  putStyle: "azure-async-operation",
  deleteStyle: "location",
  tracked: true,
  required: ["properties.virtualNetwork.id"],
  references: [{ path: "properties.virtualNetwork.id", type: VNET_TYPE }],
  synthesize: () => ({ properties: { virtualNetworkLinkState: "Completed" } }),
};
