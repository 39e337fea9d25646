/** Adapters for the resource group and role assignments (synchronous ARM writes). */
import type { ResourceGroup } from "@azure/arm-resources";
import type { RoleAssignmentCreateParameters } from "@azure/arm-authorization";
import { scopeOfExtensionResource } from "../../lib/azure/resource-id";
import { asModel, type ArmAdapter } from "./types";

export const resourceGroupAdapter: ArmAdapter = {
  armType: "Microsoft.Resources/resourceGroups",
  permissions: {
    actions: [
      // RBAC names resource groups under the subscription, unlike their ARM type.
      "Microsoft.Resources/subscriptions/resourceGroups/read",
      "Microsoft.Resources/subscriptions/resourceGroups/write",
      // Deleting a group also needs delete on every resource in it: the other kinds declare theirs.
      "Microsoft.Resources/subscriptions/resourceGroups/delete",
      // The delete is long-running; its Location is `/subscriptions/{s}/operationresults/{id}`.
      "Microsoft.Resources/subscriptions/operationresults/read",
    ],
  },
  get: (c, id) => c.resources.resourceGroups.get(id.resourceGroup),
  write: ({ clients, id }, body, options) =>
    clients.resources.resourceGroups.createOrUpdate(id.resourceGroup, asModel<ResourceGroup>(body), options),
  remove: (c, id, options) => c.resources.resourceGroups.beginDelete(id.resourceGroup, options),
};

const roleScope = (id: string) => scopeOfExtensionResource(id, "Microsoft.Authorization");

export const roleAssignmentAdapter: ArmAdapter = {
  armType: "Microsoft.Authorization/roleAssignments",
  // Writes and deletes are further limited by the ABAC condition on the provisioner's own role
  // assignment: only the roles the planner grants, only to the provisioner (docs/deploy.md#abac-condition).
  permissions: {
    actions: [
      "Microsoft.Authorization/roleAssignments/read",
      "Microsoft.Authorization/roleAssignments/write",
      "Microsoft.Authorization/roleAssignments/delete",
    ],
  },
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
