/** Microsoft.Resources: resource groups. PUT is synchronous; DELETE cascades and answers with Location. */
import { RESOURCES_SCHEMAS } from "../arm-schema/index.js";
import type { ResourceTypeSpec } from "../resource-type.js";

export const resourceGroupSpec: ResourceTypeSpec = {
  schemas: [RESOURCES_SCHEMAS.resourceGroup],
  type: "Microsoft.Resources/resourceGroups",
  putStyle: "sync",
  deleteStyle: "location",
  tracked: true,
  // ARM: 1-90 alphanumerics, underscores, parentheses, hyphens, periods; not ending in a period.
  namePattern: /^[-\w._()]{0,89}[-\w_()]$/,
};
