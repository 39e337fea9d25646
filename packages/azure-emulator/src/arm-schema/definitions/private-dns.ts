/**
 * Microsoft.Network private DNS 2020-06-01 (`privatedns/resource-manager/Microsoft.Network/stable/2020-06-01/privatedns.json`):
 * zones and virtual network links. Their `Resource` has no systemData; `etag` is writable (If-Match).
 */
import { bool, int, map, obj, ro, str, type ApiVersionSchema, type ObjectSchema } from "../schema.js";
import { subResource } from "./common.js";

export const PRIVATE_DNS_API_VERSION = "2020-06-01";
const SOURCE = "privatedns/resource-manager/Microsoft.Network/stable/2020-06-01/privatedns.json";

const trackedResource = {
  id: ro(str),
  name: ro(str),
  type: ro(str),
  tags: map(str),
  location: str,
  etag: str,
} as const;

export const privateZone: ObjectSchema = obj("PrivateZone", {
  ...trackedResource,
  properties: obj("PrivateZoneProperties", {
    maxNumberOfRecordSets: ro(int),
    numberOfRecordSets: ro(int),
    maxNumberOfVirtualNetworkLinks: ro(int),
    numberOfVirtualNetworkLinks: ro(int),
    maxNumberOfVirtualNetworkLinksWithRegistration: ro(int),
    numberOfVirtualNetworkLinksWithRegistration: ro(int),
    provisioningState: ro(str),
    internalId: ro(str),
  }),
});

export const virtualNetworkLink: ObjectSchema = obj("VirtualNetworkLink", {
  ...trackedResource,
  properties: obj("VirtualNetworkLinkProperties", {
    virtualNetwork: subResource,
    registrationEnabled: bool,
    virtualNetworkLinkState: ro(str),
    provisioningState: ro(str),
  }),
});

export const PRIVATE_DNS_SCHEMAS = {
  privateZone: { apiVersion: PRIVATE_DNS_API_VERSION, resource: privateZone, source: SOURCE },
  virtualNetworkLink: { apiVersion: PRIVATE_DNS_API_VERSION, resource: virtualNetworkLink, source: SOURCE },
} as const satisfies Record<string, ApiVersionSchema>;
