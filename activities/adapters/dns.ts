/**
 * Adapters for Azure DNS public zones and their A record sets (arm-dns, api-version 2018-05-01). Both
 * PUTs answer at once (200/201); a zone's DELETE is a long-running operation, a record set's is not.
 */
import type { RecordSet, Zone } from "@azure/arm-dns";
import { FACT } from "../../lib/plan/facts";
import { nameAt } from "./shapes";
import { asModel, type ArmAdapter } from "./types";

/** The record type this service writes: A records to the ingress's IPv4 address. */
const RECORD_TYPE = "A";

/**
 * A zone's DELETE answers 202 with an `Azure-AsyncOperation` URL under `dnsoperationstatuses` and a
 * `Location` URL under `dnsoperationresults`, which the check step reads (docs/deploy.md#least-privilege).
 */
const DNS_OPERATION_READS = [
  "Microsoft.Network/dnsoperationstatuses/read",
  "Microsoft.Network/dnsoperationresults/read",
];

export const dnsZoneAdapter: ArmAdapter = {
  armType: "Microsoft.Network/dnsZones",
  permissions: {
    actions: [
      "Microsoft.Network/dnsZones/read",
      "Microsoft.Network/dnsZones/write",
      "Microsoft.Network/dnsZones/delete",
      ...DNS_OPERATION_READS,
    ],
  },
  // Where the registrar must delegate the domain: Azure assigns the name servers at create.
  facts: { [FACT.nameServers]: ["nameServers"] },
  get: (c, id) => c.dns.zones.get(id.resourceGroup, nameAt(id.names, 0)),
  write: ({ clients, id }, body, options) =>
    clients.dns.zones.createOrUpdate(id.resourceGroup, nameAt(id.names, 0), asModel<Zone>(body), options),
  remove: (c, id, options) => c.dns.zones.beginDelete(id.resourceGroup, nameAt(id.names, 0), options),
};

export const dnsRecordSetAdapter: ArmAdapter = {
  armType: "Microsoft.Network/dnsZones/A",
  permissions: {
    actions: [
      "Microsoft.Network/dnsZones/A/read",
      "Microsoft.Network/dnsZones/A/write",
      "Microsoft.Network/dnsZones/A/delete",
      ...DNS_OPERATION_READS,
    ],
  },
  facts: { fqdn: ["fqdn"] },
  get: (c, id) =>
    c.dns.recordSets.get(id.resourceGroup, nameAt(id.names, 0), nameAt(id.names, 1), RECORD_TYPE),
  write: ({ clients, id }, body, options) =>
    clients.dns.recordSets.createOrUpdate(
      id.resourceGroup,
      nameAt(id.names, 0),
      nameAt(id.names, 1),
      RECORD_TYPE,
      asModel<RecordSet>(body),
      options,
    ),
  remove: (c, id, options) =>
    c.dns.recordSets.delete(id.resourceGroup, nameAt(id.names, 0), nameAt(id.names, 1), RECORD_TYPE, options),
};
