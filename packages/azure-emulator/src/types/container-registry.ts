/**
 * Microsoft.ContainerRegistry registries. PUT and PATCH answer 200/201 with `Azure-AsyncOperation`;
 * DELETE answers 202 with `Location` (the REST spec's `x-ms-long-running-operation-options`: create and
 * update end "via azure-async-operation", delete "via location").
 *
 * Facts (docs/azure-facts.md#container-registry):
 * - names are 5-50 letters and digits, unique across Azure: the login server is `<name>.azurecr.io`
 *   ("Naming rules — Microsoft.ContainerRegistry", resource-name-rules);
 * - private endpoints, network rules, public network access Disabled and zone redundancy need the
 *   Premium tier ("Azure Container Registry service tiers", container-registry-skus);
 * - zone redundancy is chosen at create and cannot change ("Enable zone redundancy in Azure Container
 *   Registry", zone-redundancy);
 * - a private endpoint's zone group holds two records: the registry and its regional data endpoint
 *   `<name>.<region>.data` ("Connect privately to an Azure container registry using Azure Private Link",
 *   container-registry-private-link), see `private-link.ts`.
 * Azure's error codes for the Premium-only refusals are not published; the emulator answers 400 with its
 * own codes, named as such.
 */
import { CONTAINER_REGISTRY_SCHEMAS } from "../arm-schema/index.js";
import { valueAt } from "../body-path.js";
import { badRequest } from "../errors.js";
import type { ResourceTypeSpec, WriteContext } from "../resource-type.js";
import { privateEndpointConnectionsOf } from "./private-link.js";

export const CONTAINER_REGISTRY_TYPE = "Microsoft.ContainerRegistry/registries";

/** The members only the Premium tier may turn on, with the value that needs it. */
const PREMIUM_ONLY: readonly { readonly path: string; readonly needs: (value: unknown) => boolean }[] = [
  { path: "properties.zoneRedundancy", needs: (value) => value === "Enabled" },
  { path: "properties.publicNetworkAccess", needs: (value) => value === "Disabled" },
  { path: "properties.networkRuleSet.defaultAction", needs: (value) => value === "Deny" },
];

function validateRegistry({ body, existing }: WriteContext): void {
  const sku = String(valueAt(body, "sku.name") ?? "");
  for (const rule of PREMIUM_ONLY) {
    const value = valueAt(body, rule.path);
    if (sku !== "Premium" && rule.needs(value)) {
      throw badRequest(
        "PremiumSkuRequired",
        `'${rule.path.replace(/^properties\./, "")}: ${String(value)}' is only supported on the Premium SKU; the registry's SKU is '${sku}'.`,
      );
    }
  }
  if (existing) {
    const before = valueAt(existing.body, "properties.zoneRedundancy") ?? "Disabled";
    const after = valueAt(body, "properties.zoneRedundancy") ?? before;
    if (before !== after) {
      throw badRequest(
        "ZoneRedundancyCannotBeUpdated",
        `Zone redundancy of registry '${existing.name}' is set at creation and cannot be changed (it is '${String(before)}').`,
      );
    }
  }
}

export const containerRegistrySpec: ResourceTypeSpec = {
  schemas: [CONTAINER_REGISTRY_SCHEMAS.registry],
  type: CONTAINER_REGISTRY_TYPE,
  putStyle: "azure-async-operation",
  deleteStyle: "location",
  tracked: true,
  // 5-50 alphanumerics (the REST spec: `^[a-zA-Z0-9]*$`, minLength 5, maxLength 50).
  namePattern: /^[A-Za-z0-9]{5,50}$/,
  // "The registry DNS name … is already in use" answers `AlreadyInUse` (Unconfirmed beyond public reports).
  globalNameTakenCode: "AlreadyInUse",
  required: ["sku.name"],
  validate: validateRegistry,
  defaults: () => ({
    tags: {},
    properties: {
      adminUserEnabled: false,
      networkRuleSet: { defaultAction: "Allow", ipRules: [] },
      policies: {
        quarantinePolicy: { status: "disabled" },
        trustPolicy: { type: "Notary", status: "disabled" },
        retentionPolicy: { days: 7, status: "disabled" },
        exportPolicy: { status: "enabled" },
        // Entra ID tokens scoped to ARM are accepted by default (RegistryCreate.json answers it).
        azureADAuthenticationAsArmPolicy: { status: "enabled" },
      },
      encryption: { status: "disabled" },
      dataEndpointEnabled: false,
      publicNetworkAccess: "Enabled",
      networkRuleBypassOptions: "AzureServices",
      networkRuleBypassAllowedForTasks: false,
      zoneRedundancy: "Disabled",
      anonymousPullEnabled: false,
      roleAssignmentMode: "LegacyRegistryPermissions",
    },
  }),
  synthesize: (resource) => ({
    sku: { tier: String(valueAt(resource.body, "sku.name") ?? "") },
    properties: {
      loginServer: `${resource.name.toLowerCase()}.azurecr.io`,
      creationDate: new Date(resource.createdAtMs).toISOString(),
      // `RetentionPolicy.lastUpdatedTime` is read-only: when the policy was last set.
      policies: { retentionPolicy: { lastUpdatedTime: new Date(resource.createdAtMs).toISOString() } },
      dataEndpointHostNames: [],
    },
  }),
  renderExtra: (resource, env) => ({
    properties: { privateEndpointConnections: privateEndpointConnectionsOf(resource, env, false) },
  }),
};
