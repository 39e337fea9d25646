/**
 * Private endpoints as the services on both ends answer them: the endpoint's private IP in its subnet,
 * its connections (auto-approved: the caller may manage the target), the DNS records its zone groups
 * hold, and the `privateEndpointConnections` the target resource lists.
 *
 * Facts: a subnet's first four addresses are Azure's, so the first endpoint gets `.4` ("Are there any
 * restrictions on using IP addresses within these subnets?", Azure Virtual Network FAQ,
 * https://learn.microsoft.com/azure/virtual-network/virtual-networks-faq); a connection to a resource the
 * caller has rights on is approved at once ("Manage Azure private endpoints" — automatic approval,
 * https://learn.microsoft.com/azure/private-link/manage-private-endpoint); a zone group writes an A record
 * named after the resource with TTL 10 ("Azure Private Endpoint private DNS zone values",
 * https://learn.microsoft.com/azure/private-link/private-endpoint-dns).
 */
import { valueAt, valuesAt } from "../body-path.js";
import { readAddressPrefix } from "../azure-facts/address-prefixes.js";
import { idKey } from "../resource-path.js";
import type { ProviderEnv } from "../resource-type.js";
import type { ResourceStore, StoredResource } from "../store.js";
import { locationOf, stableGuid } from "./shared.js";

export const PRIVATE_ENDPOINT_TYPE = "Microsoft.Network/privateEndpoints";
const FIRST_USABLE_OFFSET = 4;

/**
 * The public FQDNs a private endpoint to a target serves, by the target's type; none for types without
 * them here. A container registry's endpoint serves the registry and its regional data endpoint
 * `<name>.<region>.data.azurecr.io` (both reachable privately through it: "Connect privately to an Azure
 * container registry using Azure Private Link", "Azure Container Registry endpoint reference").
 */
const TARGET_FQDNS: Readonly<Record<string, (target: StoredResource) => readonly string[]>> = {
  "microsoft.keyvault/vaults": (t) => [`${t.name.toLowerCase()}.vault.azure.net`],
  "microsoft.cache/redis": (t) => [`${t.name.toLowerCase()}.redis.cache.windows.net`],
  "microsoft.dbforpostgresql/flexibleservers": (t) => [`${t.name.toLowerCase()}.postgres.database.azure.com`],
  "microsoft.containerregistry/registries": (t) => [
    `${t.name.toLowerCase()}.azurecr.io`,
    `${t.name.toLowerCase()}.${locationOf(t)}.data.azurecr.io`,
  ],
  "microsoft.storage/storageaccounts": (t) => [`${t.name.toLowerCase()}.blob.core.windows.net`],
};

/**
 * The record names a zone group writes for a target, relative to the zone: the target's name, and for a
 * container registry also its regional data endpoint `<name>.<region>.data` ("Connect privately to an
 * Azure container registry using Azure Private Link" — DNS configuration,
 * https://learn.microsoft.com/azure/container-registry/container-registry-private-link).
 */
const RECORD_NAMES: Readonly<Record<string, (target: StoredResource) => readonly string[]>> = {
  "microsoft.containerregistry/registries": (target) => [
    target.name.toLowerCase(),
    `${target.name.toLowerCase()}.${locationOf(target)}.data`,
  ],
};

const recordNamesOf = (target: StoredResource): readonly string[] =>
  RECORD_NAMES[target.type.toLowerCase()]?.(target) ?? [target.name.toLowerCase()];

function dotted(address: number): string {
  return [address >>> 24, (address >>> 16) & 0xff, (address >>> 8) & 0xff, address & 0xff].join(".");
}

/** The next free private IP of `subnetId` for a new endpoint (`.4`, then `.5`, … in creation order). */
export function allocatePrivateIp(
  store: ResourceStore,
  subnetId: string,
  selfId: string,
): string | undefined {
  const subnet = store.get(subnetId);
  const prefix = valueAt(subnet?.body, "properties.addressPrefix");
  if (typeof prefix !== "string") return undefined;
  const reading = readAddressPrefix(prefix);
  if (reading.kind !== "range") return undefined;
  const taken = store
    .ofType(PRIVATE_ENDPOINT_TYPE)
    .filter((pe) => idKey(pe.id) !== idKey(selfId))
    .map((pe) => privateIpOf(pe))
    .filter((ip): ip is string => ip !== undefined);
  for (let address = reading.range.first + FIRST_USABLE_OFFSET; address < reading.range.last; address++) {
    const candidate = dotted(address);
    if (!taken.includes(candidate)) return candidate;
  }
  return undefined;
}

/** The private IP an endpoint got at create. */
export function privateIpOf(endpoint: StoredResource): string | undefined {
  return endpoint.internal?.privateIp;
}

/** The resources an endpoint connects to (its connections' `privateLinkServiceId`s that exist). */
export function targetsOf(endpoint: StoredResource, store: ResourceStore): StoredResource[] {
  return [
    ...valuesAt(endpoint.body, "properties.privateLinkServiceConnections[].properties.privateLinkServiceId"),
    ...valuesAt(
      endpoint.body,
      "properties.manualPrivateLinkServiceConnections[].properties.privateLinkServiceId",
    ),
  ]
    .map((id) => (typeof id === "string" ? store.get(id) : undefined))
    .filter((r): r is StoredResource => r !== undefined);
}

/** An endpoint's `customDnsConfigs`: the target's public name resolving to the endpoint's IP. */
export function customDnsConfigs(endpoint: StoredResource, store: ResourceStore, ip: string): unknown[] {
  return targetsOf(endpoint, store)
    .flatMap((target) => TARGET_FQDNS[target.type.toLowerCase()]?.(target) ?? [])
    .map((fqdn) => ({ fqdn, ipAddresses: [ip] }));
}

const APPROVED = { status: "Approved", description: "Auto-Approved", actionsRequired: "None" };

/** An endpoint's connections as the network provider answers them: ids, type, state. */
export function decoratedConnections(endpoint: StoredResource, member: string): unknown[] | undefined {
  const connections = valueAt(endpoint.body, `properties.${member}`);
  if (!Array.isArray(connections)) return undefined;
  return connections.map((entry) => {
    const connection = entry as { name?: string; properties?: Record<string, unknown> };
    const name = connection.name ?? endpoint.name;
    return {
      ...connection,
      name,
      id: `${endpoint.id}/${member}/${name}`,
      type: `${PRIVATE_ENDPOINT_TYPE}/${member}`,
      etag: endpoint.etag,
      properties: {
        ...connection.properties,
        provisioningState: endpoint.provisioningState,
        privateLinkServiceConnectionState:
          connection.properties?.privateLinkServiceConnectionState ?? APPROVED,
      },
    };
  });
}

/**
 * The `privateEndpointConnections` a target resource lists: one per endpoint connected to it.
 * `withEtag`: Key Vault's entries carry an `etag`; the common-types ones have the ARM envelope instead.
 */
export function privateEndpointConnectionsOf(
  target: StoredResource,
  env: ProviderEnv,
  withEtag: boolean,
): unknown[] {
  return env.store
    .ofType(PRIVATE_ENDPOINT_TYPE)
    .filter((pe) => targetsOf(pe, env.store).some((t) => idKey(t.id) === idKey(target.id)))
    .map((pe) => {
      const name = `${pe.name}.${stableGuid(`${pe.id}/${target.id}`)}`;
      const id = `${target.id}/privateEndpointConnections/${name}`;
      return {
        id,
        ...(withEtag ? { etag: pe.etag } : { name, type: `${target.type}/privateEndpointConnections` }),
        properties: {
          provisioningState: "Succeeded",
          privateEndpoint: { id: pe.id },
          privateLinkServiceConnectionState: APPROVED,
        },
      };
    });
}

/** The A records a zone group's configs hold: the target's name, in each zone, to the endpoint's IP. */
export function zoneGroupRecordSets(group: StoredResource, store: ResourceStore, zoneId: string): unknown[] {
  const endpoint = store.get(group.parentId);
  if (!endpoint) return [];
  const ip = privateIpOf(endpoint);
  const zoneName = zoneId.split("/").at(-1) ?? "";
  return targetsOf(endpoint, store).flatMap((target) =>
    recordNamesOf(target).map((recordSetName) => ({
      recordType: "A",
      recordSetName,
      fqdn: `${recordSetName}.${zoneName}`,
      ttl: 10,
      ipAddresses: ip ? [ip] : [],
      provisioningState: "Succeeded",
    })),
  );
}
