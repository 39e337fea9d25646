/**
 * Microsoft.DBforPostgreSQL flexible servers 2025-08-01
 * (`postgresql/resource-manager/Microsoft.DBforPostgreSQL/stable/2025-08-01/`): Servers.json (`Server`,
 * `ServerForPatch`), Databases.json, Configurations.json (PUT and PATCH take `ConfigurationForUpdate`),
 * AdministratorsMicrosoftEntra.json (`AdministratorMicrosoftEntra`; its PUT body,
 * `AdministratorMicrosoftEntraAdd`, is the same less `objectId`, which the path names).
 * Write-only members (`x-ms-secret`, or a mutability without `read`): the admin password, `createMode`,
 * `pointInTimeUTC`, a replica's `promoteMode` and `promoteOption`.
 */
import { arr, bool, int, map, obj, ro, req, secret, str, type ApiVersionSchema } from "../schema.js";
import { proxyResource, systemData } from "./common.js";

export const POSTGRES_API_VERSION = "2025-08-01";
const SOURCE = "postgresql/resource-manager/Microsoft.DBforPostgreSQL/stable/2025-08-01";

const storage = obj("Storage", {
  storageSizeGB: int,
  autoGrow: str,
  tier: str,
  iops: int,
  throughput: int,
  type: str,
});
const authConfig = obj("AuthConfig", { activeDirectoryAuth: str, passwordAuth: str, tenantId: str });
const dataEncryption = obj("DataEncryption", {
  primaryKeyURI: str,
  primaryUserAssignedIdentityId: str,
  geoBackupKeyURI: str,
  geoBackupUserAssignedIdentityId: str,
  type: str,
  primaryEncryptionKeyStatus: ro(str),
  geoBackupEncryptionKeyStatus: ro(str),
});
const backup = obj("Backup", {
  backupRetentionDays: int,
  geoRedundantBackup: str,
  earliestRestoreDate: ro(str),
});
const network = obj("Network", {
  publicNetworkAccess: str,
  delegatedSubnetResourceId: str,
  privateDnsZoneArmResourceId: str,
});
const highAvailability = obj("HighAvailability", {
  mode: str,
  state: ro(str),
  standbyAvailabilityZone: str,
});
const maintenanceWindow = obj("MaintenanceWindow", {
  customWindow: str,
  startHour: int,
  startMinute: int,
  dayOfWeek: int,
});
const replica = obj("Replica", {
  role: str,
  capacity: ro(int),
  replicationState: ro(str),
  promoteMode: secret(str),
  promoteOption: secret(str),
});
const cluster = obj("Cluster", { clusterSize: int, defaultDatabaseName: str });
const identity = obj("UserAssignedIdentity", {
  userAssignedIdentities: map(obj("UserIdentity", { principalId: str, clientId: str })),
  principalId: str,
  type: req(str),
  tenantId: ro(str),
});
const privateEndpointConnection = obj("PrivateEndpointConnection", {
  ...proxyResource.properties,
  properties: obj("PrivateEndpointConnectionProperties", {
    groupIds: ro(arr(str)),
    privateEndpoint: obj("PrivateEndpoint", { id: ro(str) }),
    privateLinkServiceConnectionState: obj("PrivateLinkServiceConnectionState", {
      status: str,
      description: str,
      actionsRequired: str,
    }),
    provisioningState: ro(str),
  }),
});

export const flexibleServer = obj("Server", {
  id: ro(str),
  name: ro(str),
  type: ro(str),
  systemData,
  tags: map(str),
  location: req(str),
  sku: req(obj("Sku", { name: req(str), tier: req(str) })),
  identity,
  properties: obj("ServerProperties", {
    administratorLogin: str,
    administratorLoginPassword: secret(str),
    version: str,
    minorVersion: ro(str),
    state: ro(str),
    fullyQualifiedDomainName: ro(str),
    storage,
    authConfig,
    dataEncryption,
    backup,
    network,
    highAvailability,
    maintenanceWindow,
    sourceServerResourceId: str,
    pointInTimeUTC: secret(str),
    availabilityZone: str,
    replicationRole: str,
    replicaCapacity: ro(int),
    replica,
    createMode: secret(str),
    privateEndpointConnections: ro(arr(privateEndpointConnection)),
    cluster,
  }),
});

const serverForPatch = obj("ServerForPatch", {
  sku: obj("SkuForPatch", { name: str, tier: str }),
  identity,
  tags: map(str),
  properties: obj("ServerPropertiesForPatch", {
    administratorLogin: str,
    administratorLoginPassword: secret(str),
    version: str,
    storage,
    backup: obj("BackupForPatch", {
      backupRetentionDays: int,
      geoRedundantBackup: str,
      earliestRestoreDate: ro(str),
    }),
    highAvailability: obj("HighAvailabilityForPatch", {
      mode: str,
      state: ro(str),
      standbyAvailabilityZone: str,
    }),
    maintenanceWindow: obj("MaintenanceWindowForPatch", {
      customWindow: str,
      startHour: int,
      startMinute: int,
      dayOfWeek: int,
    }),
    authConfig: obj("AuthConfigForPatch", { activeDirectoryAuth: str, passwordAuth: str, tenantId: str }),
    dataEncryption,
    createMode: secret(str),
    replicationRole: str,
    replica,
    network,
    cluster,
  }),
});

export const database = obj("Database", {
  ...proxyResource.properties,
  properties: obj("DatabaseProperties", { charset: str, collation: str }),
});

const configurationProperties = obj("ConfigurationProperties", {
  value: str,
  description: ro(str),
  defaultValue: ro(str),
  dataType: ro(str),
  allowedValues: ro(str),
  source: str,
  isDynamicConfig: ro(bool),
  isReadOnly: ro(bool),
  isConfigPendingRestart: ro(bool),
  unit: ro(str),
  documentationLink: ro(str),
});

export const configuration = obj("Configuration", {
  ...proxyResource.properties,
  properties: configurationProperties,
});

const configurationForUpdate = obj("ConfigurationForUpdate", { properties: configurationProperties });

export const administrator = obj("AdministratorMicrosoftEntra", {
  ...proxyResource.properties,
  properties: req(
    obj("AdministratorMicrosoftEntraProperties", {
      principalType: str,
      principalName: str,
      objectId: str,
      tenantId: str,
    }),
  ),
});

export const POSTGRES_SCHEMAS = {
  flexibleServer: {
    apiVersion: POSTGRES_API_VERSION,
    resource: flexibleServer,
    patch: serverForPatch,
    source: `${SOURCE}/Servers.json`,
  },
  database: { apiVersion: POSTGRES_API_VERSION, resource: database, source: `${SOURCE}/Databases.json` },
  configuration: {
    apiVersion: POSTGRES_API_VERSION,
    resource: configuration,
    patch: configurationForUpdate,
    source: `${SOURCE}/Configurations.json`,
  },
  administrator: {
    apiVersion: POSTGRES_API_VERSION,
    resource: administrator,
    source: `${SOURCE}/AdministratorsMicrosoftEntra.json`,
  },
} as const satisfies Record<string, ApiVersionSchema>;
