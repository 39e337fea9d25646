/** Microsoft.Network private DNS zones and their VNet links (location `global`). */
import { PRIVATE_DNS_SCHEMAS } from "../arm-schema/index.js";
import { valueAt, valuesAt } from "../body-path.js";
import { badRequest } from "../errors.js";
import { idKey } from "../resource-path.js";
import type { ResourceTypeSpec } from "../resource-type.js";
import { VNET_TYPE } from "./network.js";
import { zoneGroupRecordSets } from "./private-link.js";
import { stableHash } from "./shared.js";

const ZONE_GROUP_TYPE = "Microsoft.Network/privateEndpoints/privateDnsZoneGroups";

export const PRIVATE_DNS_ZONE_TYPE = "Microsoft.Network/privateDnsZones";
export const VNET_LINK_TYPE = "Microsoft.Network/privateDnsZones/virtualNetworkLinks";

const zoneNameOf = (zoneId: string): string => (zoneId.split("/").at(-1) ?? "").toLowerCase();

/** `a.example.com` overlaps `example.com` (and itself): one is a suffix of the other at a label boundary. */
const namespacesOverlap = (a: string, b: string): boolean =>
  a === b || a.endsWith(`.${b}`) || b.endsWith(`.${a}`);

/**
 * A zone's limits ("Azure DNS limits" — private DNS zones: 25,000 record sets per zone, 1,000 virtual
 * network links per zone, 100 of them with auto-registration,
 * https://learn.microsoft.com/azure/dns/dns-zones-records#limits and
 * https://learn.microsoft.com/azure/azure-resource-manager/management/azure-subscription-service-limits#azure-private-dns-limits).
 */
const ZONE_LIMITS = {
  maxNumberOfRecordSets: 25000,
  maxNumberOfVirtualNetworkLinks: 1000,
  maxNumberOfVirtualNetworkLinksWithRegistration: 100,
} as const;

/** Writes answer 202 with `Azure-AsyncOperation` and `Location`, as the spec's examples show. */
const privateDns = {
  putStyle: "accepted-async-operation",
  deleteStyle: "accepted-async-operation",
  tracked: true,
  globalLocation: true,
} as const;

export const privateDnsZoneSpec: ResourceTypeSpec = {
  schemas: [PRIVATE_DNS_SCHEMAS.privateZone],
  ...privateDns,
  type: PRIVATE_DNS_ZONE_TYPE,
  // A DNS name: labels of letters, digits and hyphens, at least two labels.
  namePattern:
    /^(?=.{1,253}$)([A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?\.)+[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?$/,
  synthesize: (resource) => ({ properties: { ...ZONE_LIMITS, internalId: stableHash(resource.id, 24) } }),
  // The counters follow what is in the zone: the SOA record set every zone has, the A records of private
  // endpoints' zone groups, and the links.
  renderExtra: (resource, env) => {
    const links = env.store.children(resource.id, VNET_LINK_TYPE);
    const records = env.store.ofType(ZONE_GROUP_TYPE).flatMap((group) =>
      valuesAt(group.body, "properties.privateDnsZoneConfigs[].properties.privateDnsZoneId")
        .filter((id) => typeof id === "string" && idKey(id) === idKey(resource.id))
        .flatMap(() => zoneGroupRecordSets(group, env.store, resource.id)),
    );
    return {
      properties: {
        numberOfRecordSets: 1 + records.length,
        numberOfVirtualNetworkLinks: links.length,
        numberOfVirtualNetworkLinksWithRegistration: links.filter(
          (link) => valueAt(link.body, "properties.registrationEnabled") === true,
        ).length,
      },
    };
  },
};

export const virtualNetworkLinkSpec: ResourceTypeSpec = {
  schemas: [PRIVATE_DNS_SCHEMAS.virtualNetworkLink],
  ...privateDns,
  type: VNET_LINK_TYPE,
  required: ["properties.virtualNetwork.id"],
  references: [{ path: "properties.virtualNetwork.id", type: VNET_TYPE }],
  validate({ parentId, body, env }) {
    // docs/azure-facts.md#failure-case-9: one VNet cannot resolve two zones whose namespaces overlap.
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
