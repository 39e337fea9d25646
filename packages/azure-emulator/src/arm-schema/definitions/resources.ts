/**
 * Microsoft.Resources resource groups 2025-04-01
 * (`resources/resource-manager/Microsoft.Resources/resources/stable/2025-04-01/resources.json`:
 * `ResourceGroup`, `ResourceGroupProperties`, `ResourceGroupPatchable`).
 */
import { map, obj, ro, req, str, type ApiVersionSchema } from "../schema.js";

export const RESOURCES_API_VERSION = "2025-04-01";
const SOURCE = "resources/resource-manager/Microsoft.Resources/resources/stable/2025-04-01/resources.json";

export const resourceGroup = obj("ResourceGroup", {
  id: ro(str),
  name: ro(str),
  type: ro(str),
  properties: obj("ResourceGroupProperties", { provisioningState: ro(str) }),
  location: req(str),
  managedBy: str,
  tags: map(str),
});

const resourceGroupPatchable = obj("ResourceGroupPatchable", {
  name: str,
  properties: obj("ResourceGroupProperties", { provisioningState: ro(str) }),
  managedBy: str,
  tags: map(str),
});

export const RESOURCES_SCHEMAS = {
  resourceGroup: {
    apiVersion: RESOURCES_API_VERSION,
    resource: resourceGroup,
    patch: resourceGroupPatchable,
    source: SOURCE,
  },
} as const satisfies Record<string, ApiVersionSchema>;
