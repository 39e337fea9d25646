/**
 * Microsoft.DBforPostgreSQL flexible servers, their databases and configurations. Private access needs
 * a subnet delegated to flexible servers and a `*.postgres.database.azure.com` private DNS zone linked
 * to that subnet's VNet, as on Azure (docs/azure-facts.md#field-note-8).
 */
import { POSTGRES_SCHEMAS } from "../arm-schema/index.js";
import { valueAt } from "../body-path.js";
import { badRequest, notFound } from "../errors.js";
import { idKey } from "../resource-path.js";
import type { ResourceTypeSpec, WriteContext } from "../resource-type.js";
import { PRIVATE_DNS_ZONE_TYPE, VNET_LINK_TYPE } from "./private-dns.js";
import { SUBNET_TYPE } from "./network.js";
import { propertiesOf } from "./shared.js";

const POSTGRES_SERVICE = "Microsoft.DBforPostgreSQL/flexibleServers";

const postgres = { putStyle: "azure-async-operation", deleteStyle: "location" } as const;

/** Checks the delegated subnet and private DNS zone of a private-access server. */
function checkPrivateAccess({ body, env }: WriteContext): void {
  const subnetId = valueAt(body, "properties.network.delegatedSubnetResourceId");
  if (typeof subnetId !== "string") return;
  const subnet = env.store.get(subnetId);
  if (!subnet || subnet.type !== SUBNET_TYPE) {
    throw notFound("SubnetNotFound", `The subnet '${subnetId}' was not found.`);
  }
  const delegations = (propertiesOf(subnet.body).delegations ?? []) as {
    properties?: { serviceName?: string };
  }[];
  if (!delegations.some((d) => d.properties?.serviceName?.toLowerCase() === POSTGRES_SERVICE.toLowerCase())) {
    throw badRequest(
      "SubnetMissingRequiredDelegation",
      `Subnet '${subnet.name}' must be delegated to '${POSTGRES_SERVICE}' to host a flexible server.`,
    );
  }
  const zoneId = valueAt(body, "properties.network.privateDnsZoneArmResourceId");
  if (typeof zoneId !== "string") {
    throw badRequest(
      "PrivateDnsZoneRequired",
      "A server in a delegated subnet needs properties.network.privateDnsZoneArmResourceId.",
    );
  }
  const zone = env.store.get(zoneId);
  if (!zone || zone.type !== PRIVATE_DNS_ZONE_TYPE) {
    throw notFound("PrivateDnsZoneNotFound", `The private DNS zone '${zoneId}' was not found.`);
  }
  if (!zone.name.toLowerCase().endsWith(".postgres.database.azure.com")) {
    throw badRequest(
      "InvalidPrivateDnsZoneName",
      `The private DNS zone '${zone.name}' must end with '.postgres.database.azure.com'.`,
    );
  }
  const vnetId = idKey(subnet.parentId);
  const linked = env.store
    .children(zone.id, VNET_LINK_TYPE)
    .some(
      (link) => String(valueAt(link.body, "properties.virtualNetwork.id") ?? "").toLowerCase() === vnetId,
    );
  if (!linked) {
    throw badRequest(
      "PrivateDnsZoneNotLinkedToVnet",
      `The private DNS zone '${zone.name}' is not linked to the virtual network of subnet '${subnet.name}'.`,
    );
  }
}

export const flexibleServerSpec: ResourceTypeSpec = {
  schemas: [POSTGRES_SCHEMAS.flexibleServer],
  ...postgres,
  type: POSTGRES_SERVICE,
  tracked: true,
  // 3-63 lower-case letters, digits and hyphens; starts and ends with a letter or digit.
  namePattern: /^[a-z0-9][-a-z0-9]{1,61}[a-z0-9]$/,
  globalNameTakenCode: "ServerNameAlreadyExists",
  busyCode: "ServerBusy",
  required: ["sku.name"],
  writeOnly: ["properties.administratorLoginPassword"],
  references: [{ path: "properties.network.privateDnsZoneArmResourceId", type: PRIVATE_DNS_ZONE_TYPE }],
  validate(write) {
    if (!write.existing && valueAt(write.body, "properties.administratorLogin") === undefined) {
      throw badRequest(
        "InvalidParameterValue",
        "properties.administratorLogin is required to create a server.",
      );
    }
    checkPrivateAccess(write);
  },
  synthesize: (resource) => ({
    properties: {
      fullyQualifiedDomainName: `${resource.name.toLowerCase()}.postgres.database.azure.com`,
      state: "Ready",
    },
  }),
};

export const flexibleServerDatabaseSpec: ResourceTypeSpec = {
  schemas: [POSTGRES_SCHEMAS.database],
  ...postgres,
  type: `${POSTGRES_SERVICE}/databases`,
  namePattern: /^[A-Za-z_][\w$-]{0,62}$/,
  parentBusy: { status: 409, code: "ServerBusy" },
};

export const flexibleServerConfigurationSpec: ResourceTypeSpec = {
  schemas: [POSTGRES_SCHEMAS.configuration],
  ...postgres,
  type: `${POSTGRES_SERVICE}/configurations`,
  required: ["properties.value"],
  // "The server is busy with another operation": configuration writes must be serialized.
  parentBusy: { status: 409, code: "ServerBusy" },
  synthesize: () => ({ properties: { source: "user-override" } }),
};
