/**
 * Microsoft.ContainerRegistry 2025-11-01
 * (`containerregistry/resource-manager/Microsoft.ContainerRegistry/Registry/stable/2025-11-01/containerregistry.json`,
 * the api-version `@azure/arm-containerregistry` 12 sends): registries. PUT takes and GET answers
 * `Registry`; PATCH takes `RegistryUpdateParameters`. The nested policies (quarantine, trust, retention,
 * export, soft delete) and the customer-managed-key encryption are kept at their first level only.
 */
import {
  any,
  arr,
  bool,
  map,
  obj,
  ro,
  req,
  str,
  type ApiVersionSchema,
  type ObjectSchema,
} from "../schema.js";
import { managedServiceIdentity, proxyResource, systemData } from "./common.js";

export const CONTAINER_REGISTRY_API_VERSION = "2025-11-01";
const SOURCE =
  "containerregistry/resource-manager/Microsoft.ContainerRegistry/Registry/stable/2025-11-01/containerregistry.json";

/** `Sku`: the name is required (Basic, Standard, Premium; Classic is retired), the tier is the service's. */
const sku = obj("Sku", { name: req(str), tier: ro(str) });

/** `NetworkRuleSet`: the default action and the IP rules (Premium only). */
const networkRuleSet = obj("NetworkRuleSet", {
  defaultAction: req(str),
  ipRules: arr(obj("IPRule", { action: str, value: req(str) })),
});

/** `PrivateEndpointConnection`, as a registry lists them (read-only). */
const privateEndpointConnection = obj("PrivateEndpointConnection", {
  ...proxyResource.properties,
  properties: obj("PrivateEndpointConnectionProperties", {
    privateEndpoint: obj("PrivateEndpoint", { id: str }),
    privateLinkServiceConnectionState: obj("PrivateLinkServiceConnectionState", {
      status: str,
      description: str,
      actionsRequired: str,
    }),
    provisioningState: ro(str),
  }),
});

/** `RegistryProperties` members a caller may write (shared by PUT and PATCH). */
const writableProperties = {
  adminUserEnabled: bool,
  networkRuleSet,
  policies: any,
  encryption: any,
  dataEndpointEnabled: bool,
  publicNetworkAccess: str,
  networkRuleBypassOptions: str,
  networkRuleBypassAllowedForTasks: bool,
  anonymousPullEnabled: bool,
  roleAssignmentMode: str,
} as const;

export const registry: ObjectSchema = obj("Registry", {
  id: ro(str),
  name: ro(str),
  type: ro(str),
  systemData,
  location: req(str),
  tags: map(str),
  sku: req(sku),
  identity: managedServiceIdentity,
  properties: obj("RegistryProperties", {
    ...writableProperties,
    // Zone redundancy is set at create only (RegistryUpdateParameters has no such member).
    zoneRedundancy: str,
    loginServer: ro(str),
    creationDate: ro(str),
    provisioningState: ro(str),
    status: ro(obj("Status", { displayStatus: ro(str), message: ro(str), timestamp: ro(str) })),
    dataEndpointHostNames: ro(arr(str)),
    privateEndpointConnections: ro(arr(privateEndpointConnection)),
  }),
});

export const registryUpdate: ObjectSchema = obj("RegistryUpdateParameters", {
  identity: managedServiceIdentity,
  tags: map(str),
  sku,
  properties: obj("RegistryPropertiesUpdateParameters", writableProperties),
});

export const CONTAINER_REGISTRY_SCHEMAS = {
  registry: {
    apiVersion: CONTAINER_REGISTRY_API_VERSION,
    resource: registry,
    patch: registryUpdate,
    source: SOURCE,
  },
} as const satisfies Record<string, ApiVersionSchema>;
