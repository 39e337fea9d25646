/**
 * Microsoft.Network public DNS 2018-05-01 (`dns/resource-manager/Microsoft.Network/stable/2018-05-01/dns.json`):
 * zones and record sets. Their `Resource` has no systemData; a zone's `etag` and a record set's are
 * writable (If-Match). Record set names are relative to the zone, `@` being the apex.
 */
import { arr, int, map, obj, ro, str, type ApiVersionSchema, type ObjectSchema } from "../schema.js";
import { subResource } from "./common.js";

export const DNS_API_VERSION = "2018-05-01";
const SOURCE = "dns/resource-manager/Microsoft.Network/stable/2018-05-01/dns.json";

export const zone: ObjectSchema = obj("Zone", {
  id: ro(str),
  name: ro(str),
  type: ro(str),
  tags: map(str),
  location: str,
  etag: str,
  properties: obj("ZoneProperties", {
    maxNumberOfRecordSets: ro(int),
    maxNumberOfRecordsPerRecordSet: ro(int),
    numberOfRecordSets: ro(int),
    nameServers: ro(arr(str)),
    zoneType: str,
    registrationVirtualNetworks: arr(subResource),
    resolutionVirtualNetworks: arr(subResource),
  }),
});

const records = {
  ARecords: arr(obj("ARecord", { ipv4Address: str })),
  AAAARecords: arr(obj("AaaaRecord", { ipv6Address: str })),
  MXRecords: arr(obj("MxRecord", { preference: int, exchange: str })),
  NSRecords: arr(obj("NsRecord", { nsdname: str })),
  PTRRecords: arr(obj("PtrRecord", { ptrdname: str })),
  SRVRecords: arr(obj("SrvRecord", { priority: int, weight: int, port: int, target: str })),
  TXTRecords: arr(obj("TxtRecord", { value: arr(str) })),
  CNAMERecord: obj("CnameRecord", { cname: str }),
  SOARecord: obj("SoaRecord", {
    host: str,
    email: str,
    serialNumber: int,
    refreshTime: int,
    retryTime: int,
    expireTime: int,
    minimumTTL: int,
  }),
  caaRecords: arr(obj("CaaRecord", { flags: int, tag: str, value: str })),
} as const;

export const recordSet: ObjectSchema = obj("RecordSet", {
  id: ro(str),
  name: ro(str),
  type: ro(str),
  etag: str,
  properties: obj("RecordSetProperties", {
    metadata: map(str),
    TTL: int,
    fqdn: ro(str),
    provisioningState: ro(str),
    targetResource: subResource,
    ...records,
  }),
});

export const DNS_SCHEMAS = {
  zone: { apiVersion: DNS_API_VERSION, resource: zone, source: SOURCE },
  recordSet: { apiVersion: DNS_API_VERSION, resource: recordSet, source: SOURCE },
} as const satisfies Record<string, ApiVersionSchema>;
