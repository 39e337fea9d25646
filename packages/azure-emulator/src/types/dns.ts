/**
 * Microsoft.Network public DNS zones and their A record sets (api-version 2018-05-01). A zone's PUT
 * answers at once (200/201) with the four name servers Azure assigned it; its DELETE is long-running
 * (202 + Location). Record set PUTs and DELETEs answer at once. Record set names are relative to the
 * zone: `@` is the apex. Source: azure-rest-api-specs, `specification/dns/resource-manager/
 * Microsoft.Network/stable/2018-05-01/dns.json` and its `CreateOrUpdateZone` / `CreateOrUpdateARecordset`
 * examples; "Manage DNS records and record sets" (the `@` apex convention).
 */
import { valueAt, valuesAt } from "../body-path.js";
import { badRequest } from "../errors.js";
import type { ResourceTypeSpec } from "../resource-type.js";
import { DNS_SCHEMAS } from "../arm-schema/definitions/dns.js";
import { stableHash } from "./shared.js";

export const DNS_ZONE_TYPE = "Microsoft.Network/dnsZones";
export const A_RECORD_SET_TYPE = "Microsoft.Network/dnsZones/A";

/** A zone name: two or more DNS labels. */
const ZONE_NAME =
  /^(?=.{1,253}$)([A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?\.)+[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?$/;
/** A record set name relative to its zone: `@`, `*`, or labels (a leading `*.` allowed). */
const RECORD_NAME =
  /^(@|\*|(\*\.)?([A-Za-z0-9_]([-A-Za-z0-9_]{0,61}[A-Za-z0-9_])?)(\.[A-Za-z0-9_]([-A-Za-z0-9_]{0,61}[A-Za-z0-9_])?)*)$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

/** Azure DNS's name server domains; a zone gets one server in each, numbered by the zone's shard. */
const NAME_SERVER_DOMAINS = ["azure-dns.com", "azure-dns.net", "azure-dns.org", "azure-dns.info"];

export const dnsZoneSpec: ResourceTypeSpec = {
  schemas: [DNS_SCHEMAS.zone],
  type: DNS_ZONE_TYPE,
  putStyle: "sync",
  deleteStyle: "location",
  tracked: true,
  // ARM refuses any other location (LocationNotAvailableForResourceType), as for private DNS zones.
  globalLocation: true,
  namePattern: ZONE_NAME,
  validate({ body }) {
    const zoneType = valueAt(body, "properties.zoneType");
    if (zoneType !== undefined && zoneType !== "Public" && zoneType !== "Private") {
      throw badRequest("InvalidParameter", `zoneType '${String(zoneType)}' is not Public or Private.`);
    }
  },
  synthesize: (resource) => {
    const shard = (parseInt(stableHash(resource.id, 4), 16) % 9) + 1;
    return {
      properties: {
        maxNumberOfRecordSets: 10000,
        numberOfRecordSets: 2,
        nameServers: NAME_SERVER_DOMAINS.map((domain, index) => `ns${index + 1}-0${shard}.${domain}.`),
        zoneType: "Public",
      },
    };
  },
};

export const aRecordSetSpec: ResourceTypeSpec = {
  schemas: [DNS_SCHEMAS.recordSet],
  type: A_RECORD_SET_TYPE,
  putStyle: "sync",
  deleteStyle: "sync",
  namePattern: RECORD_NAME,
  validate({ body }) {
    const ttl = valueAt(body, "properties.TTL");
    if (
      ttl !== undefined &&
      (typeof ttl !== "number" || !Number.isInteger(ttl) || ttl < 0 || ttl > 2147483647)
    ) {
      throw badRequest("BadRequest", "The TTL must be a whole number of seconds between 0 and 2147483647.");
    }
    for (const address of valuesAt(body, "properties.ARecords[].ipv4Address")) {
      if (typeof address !== "string" || !IPV4.test(address)) {
        throw badRequest(
          "BadRequest",
          `The A record value '${String(address)}' is not a valid IPv4 address.`,
        );
      }
    }
  },
  renderExtra: (resource) => {
    const zone = resource.parentId.split("/").at(-1) ?? "";
    return { properties: { fqdn: resource.name === "@" ? `${zone}.` : `${resource.name}.${zone}.` } };
  },
};
