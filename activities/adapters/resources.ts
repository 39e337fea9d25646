/** Adapters for the resource group and role assignments (synchronous ARM writes). */
import type { ResourceGroup } from "@azure/arm-resources";
import type { RoleAssignmentCreateParameters } from "@azure/arm-authorization";
import { scopeOfExtensionResource } from "../../lib/azure/resource-id";
import { asModel, type ArmAdapter } from "./types";

export const resourceGroupAdapter: ArmAdapter = {
  armType: "Microsoft.Resources/resourceGroups",
  get: (c, id) => c.resources.resourceGroups.get(id.resourceGroup),
  write: ({ clients, id }, body, options) =>
    clients.resources.resourceGroups.createOrUpdate(id.resourceGroup, asModel<ResourceGroup>(body), options),
  remove: (c, id, options) => c.resources.resourceGroups.beginDelete(id.resourceGroup, options),
};

const roleScope = (id: string) => scopeOfExtensionResource(id, "Microsoft.Authorization");

export const roleAssignmentAdapter: ArmAdapter = {
  armType: "Microsoft.Authorization/roleAssignments",
  // The same principal+role+scope under another assignment name answers 409 RoleAssignmentExists:
  // the access we want is there, so adopt it rather than fail the build.
  adoptOnConflictCodes: ["RoleAssignmentExists"],
  get: (c, id, node) => c.authorization.roleAssignments.get(roleScope(node.id), id.name),
  write: ({ clients, node, id }, body, options) =>
    clients.authorization.roleAssignments.create(
      roleScope(node.id),
      id.name,
      asModel<RoleAssignmentCreateParameters>(body),
      options,
    ),
  remove: (c, id, options, node) =>
    c.authorization.roleAssignments.delete(roleScope(node.id), id.name, options),
};
