/**
 * Microsoft.DBforPostgreSQL flexible servers, their databases and configurations. Private access needs
 * a subnet delegated to flexible servers and a `*.postgres.database.azure.com` private DNS zone linked
 * to that subnet's VNet, as on Azure (docs/azure-facts.md#failure-case-8).
 */
import { POSTGRES_SCHEMAS } from "../arm-schema/index.js";
import {
  diskTierOf,
  minorVersionOf,
  parameterMetadata,
  SERVER_PARAMETERS,
} from "../azure-facts/postgres-parameters.js";
import { valueAt } from "../body-path.js";
import { badRequest, notFound } from "../errors.js";
import { idKey } from "../resource-path.js";
import type { ResourceTypeSpec, WriteContext } from "../resource-type.js";
import type { StoredResource } from "../store.js";
import { PRIVATE_DNS_ZONE_TYPE, VNET_LINK_TYPE } from "./private-dns.js";
import { SUBNET_TYPE } from "./network.js";
import { privateEndpointConnectionsOf } from "./private-link.js";
import { propertiesOf } from "./shared.js";

const POSTGRES_SERVICE = "Microsoft.DBforPostgreSQL/flexibleServers";

/** Writes and deletes answer 202 with `Azure-AsyncOperation` and `Location` (Servers.json 2025-08-01). */
const postgres = { putStyle: "accepted-async-operation", deleteStyle: "accepted-async-operation" } as const;

/** A server's `state` for the emulator's provisioning state (the type has no provisioningState). */
const SERVER_STATE: Readonly<Record<string, string>> = {
  Creating: "Provisioning",
  Updating: "Updating",
  Deleting: "Dropping",
  Succeeded: "Ready",
  Failed: "Disabled",
};

const CONFIGURATION_TYPE = `${POSTGRES_SERVICE}/configurations`;

const skuNameOf = (server: StoredResource | undefined): string =>
  String(valueAt(server?.body, "sku.name") ?? "");

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

/** `Enabled`/`Disabled` of `authConfig.<member>`, in the body or else in the existing server, else Azure's default. */
function authSetting(write: WriteContext, member: "passwordAuth" | "activeDirectoryAuth"): string {
  const value =
    valueAt(write.body, `properties.authConfig.${member}`) ??
    valueAt(write.existing?.body, `properties.authConfig.${member}`) ??
    (member === "passwordAuth" ? "Enabled" : "Disabled");
  return String(value).toLowerCase();
}

/**
 * A server created with password authentication (on unless `authConfig.passwordAuth` is `Disabled`)
 * needs its administrator login and password; one with only Microsoft Entra authentication has neither
 * (docs/azure-facts.md#postgresql-entra-authentication).
 */
function checkCredentials(write: WriteContext): void {
  if (write.existing || authSetting(write, "passwordAuth") !== "enabled") return;
  for (const path of ["properties.administratorLogin", "properties.administratorLoginPassword"]) {
    if (valueAt(write.request, path) === undefined) {
      throw badRequest(
        "InvalidParameterValue",
        `${path} is required to create a server with password authentication (authConfig.passwordAuth Enabled).`,
      );
    }
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
  writeOnly: ["properties.administratorLoginPassword"],
  references: [{ path: "properties.network.privateDnsZoneArmResourceId", type: PRIVATE_DNS_ZONE_TYPE }],
  validate(write) {
    checkCredentials(write);
    checkPrivateAccess(write);
  },
  defaults: (resource) => {
    const storageSizeGB = Number(valueAt(resource.body, "properties.storage.storageSizeGB") ?? 128);
    const delegated = valueAt(resource.body, "properties.network.delegatedSubnetResourceId") !== undefined;
    return {
      properties: {
        authConfig: { activeDirectoryAuth: "Disabled", passwordAuth: "Enabled" },
        availabilityZone: "1",
        backup: { backupRetentionDays: 7, geoRedundantBackup: "Disabled" },
        dataEncryption: { type: "SystemManaged" },
        highAvailability: { mode: "Disabled" },
        maintenanceWindow: { customWindow: "Disabled", dayOfWeek: 0, startHour: 0, startMinute: 0 },
        network: { publicNetworkAccess: delegated ? "Disabled" : "Enabled" },
        replica: { role: "Primary" },
        replicationRole: "Primary",
        storage: { autoGrow: "Disabled", type: "", storageSizeGB, ...diskTierOf(storageSizeGB) },
      },
    };
  },
  synthesize: (resource) => {
    const haMode = String(valueAt(resource.body, "properties.highAvailability.mode") ?? "Disabled");
    return {
      properties: {
        fullyQualifiedDomainName: `${resource.name.toLowerCase()}.postgres.database.azure.com`,
        minorVersion: minorVersionOf(String(valueAt(resource.body, "properties.version") ?? "")),
        replicaCapacity: 5,
        replica: { capacity: 5 },
        backup: { earliestRestoreDate: new Date(resource.createdAtMs).toISOString() },
        highAvailability: { state: haMode === "Disabled" ? "NotEnabled" : "Healthy" },
      },
    };
  },
  renderExtra: (resource, env) => {
    const connections = privateEndpointConnectionsOf(resource, env, false);
    return {
      properties: {
        state: SERVER_STATE[resource.provisioningState] ?? "Ready",
        ...(connections.length > 0 ? { privateEndpointConnections: connections } : {}),
      },
    };
  },
  // Every server parameter exists from the server's creation, at its default.
  async afterWrite(resource, env) {
    if (env.store.children(resource.id, CONFIGURATION_TYPE).length > 0) return;
    for (const [name, parameter] of Object.entries(SERVER_PARAMETERS)) {
      const value = parameter.defaultValue(skuNameOf(resource));
      env.putResource(CONFIGURATION_TYPE, `${resource.id}/configurations/${name}`, name, resource.id, {
        properties: { value, source: "system-default" },
      });
    }
  },
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
  type: CONFIGURATION_TYPE,
  // Server parameters are set, never deleted: Configurations.json has no DELETE.
  noDelete: true,
  required: ["properties.value"],
  // "The server is busy with another operation": configuration writes must be serialized.
  parentBusy: { status: 409, code: "ServerBusy" },
  defaults: () => ({ properties: { source: "user-override" } }),
  // The parameter's metadata, for the server's size; names outside the table answer without it.
  renderExtra: (resource, env) => {
    const parameter = SERVER_PARAMETERS[resource.name];
    if (!parameter) return {};
    const {
      value: _value,
      source: _source,
      ...metadata
    } = parameterMetadata(parameter, skuNameOf(env.store.get(resource.parentId)));
    return { properties: metadata };
  },
};

const ADMINISTRATOR_TYPE = `${POSTGRES_SERVICE}/administrators`;

/** The principal types `AdministratorMicrosoftEntraPropertiesForAdd` allows. */
const PRINCIPAL_TYPES = ["Unknown", "User", "Group", "ServicePrincipal"];

/**
 * An Entra administrator needs Microsoft Entra authentication on its server (Unconfirmed code:
 * docs/azure-facts.md#postgresql-entra-authentication), and a known principal type.
 */
function checkAdministrator({ body, parentId, env }: WriteContext): void {
  const server = env.store.get(parentId);
  const activeDirectoryAuth = String(
    valueAt(server?.body, "properties.authConfig.activeDirectoryAuth") ?? "",
  );
  if (activeDirectoryAuth.toLowerCase() !== "enabled") {
    throw badRequest(
      "AadAuthenticationNotEnabled",
      `Microsoft Entra authentication is not enabled on server '${server?.name ?? parentId}'; set properties.authConfig.activeDirectoryAuth to Enabled before adding Microsoft Entra administrators.`,
    );
  }
  const principalType = valueAt(body, "properties.principalType");
  if (
    principalType !== undefined &&
    !PRINCIPAL_TYPES.some((type) => type.toLowerCase() === String(principalType).toLowerCase())
  ) {
    throw badRequest(
      "InvalidParameterValue",
      `The value '${String(principalType)}' of 'properties.principalType' is invalid; allowed values: ${PRINCIPAL_TYPES.join(", ")}.`,
    );
  }
}

/**
 * A server's Microsoft Entra administrator (AdministratorsMicrosoftEntra.json): named by its
 * principal's object id, which the answer repeats as `properties.objectId`; PUT and DELETE answer 202
 * with `Azure-AsyncOperation` and `Location`. The server takes one Entra principal operation at a time
 * and refuses them while it is busy (`AadAuthOperationCannotBePerformedWhenServerIsNotAccessible`, 409).
 */
export const flexibleServerAdministratorSpec: ResourceTypeSpec = {
  schemas: [POSTGRES_SCHEMAS.administrator],
  ...postgres,
  type: ADMINISTRATOR_TYPE,
  parentBusy: { status: 409, code: "AadAuthOperationCannotBePerformedWhenServerIsNotAccessible" },
  readOnlyPaths: ["properties.objectId"],
  validate: checkAdministrator,
  synthesize: (resource) => ({ properties: { objectId: resource.name } }),
};
