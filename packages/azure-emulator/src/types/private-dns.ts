/** Microsoft.Network private DNS zones and their VNet links (location `global`). */
import { PRIVATE_DNS_SCHEMAS } from "../arm-schema/index.js";
import { valueAt } from "../body-path.js";
import { badRequest } from "../errors.js";
import type { ResourceTypeSpec } from "../resource-type.js";
import { VNET_TYPE } from "./network.js";

export const PRIVATE_DNS_ZONE_TYPE = "Microsoft.Network/privateDnsZones";
export const VNET_LINK_TYPE = "Microsoft.Network/privateDnsZones/virtualNetworkLinks";

const zoneNameOf = (zoneId: string): string => (zoneId.split("/").at(-1) ?? "").toLowerCase();

/** `a.example.com` overlaps `example.com` (and itself): one is a suffix of the other at a label boundary. */
const namespacesOverlap = (a: string, b: string): boolean =>
  a === b || a.endsWith(`.${b}`) || b.endsWith(`.${a}`);

export const privateDnsZoneSpec: ResourceTypeSpec = {
  schemas: [PRIVATE_DNS_SCHEMAS.privateZone],
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
  schemas: [PRIVATE_DNS_SCHEMAS.virtualNetworkLink],
  type: VNET_LINK_TYPE,
  putStyle: "azure-async-operation",
  deleteStyle: "location",
  tracked: true,
  required: ["properties.virtualNetwork.id"],
  references: [{ path: "properties.virtualNetwork.id", type: VNET_TYPE }],
  validate({ parentId, body, env }) {
    // docs/azure-facts.md#field-note-9: one VNet cannot resolve two zones whose namespaces overlap.
    const vnetId = String(valueAt(body, "properties.virtualNetwork.id") ?? "").toLowerCase();
    const zone = zoneNameOf(parentId);
    const clash = env.store
      .ofType(VNET_LINK_TYPE)
      .filter(
        (link) => String(valueAt(link.body, "properties.virtualNetwork.id") ?? "").toLowerCase() === vnetId,
      )
      .map((link) => zoneNameOf(link.parentId))
      .find((other) => other !== zone && namespacesOverlap(other, zone));
    if (clash !== undefined) {
      throw badRequest(
        "VirtualNetworkLinkNamespaceOverlap",
        `A virtual network cannot be linked to multiple zones with overlapping namespaces: '${zone}' overlaps '${clash}', which is already linked.`,
      );
    }
  },
  synthesize: () => ({ properties: { virtualNetworkLinkState: "Completed" } }),
};
