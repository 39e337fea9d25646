/**
 * Microsoft.Authorization role assignments 2022-04-01
 * (`authorization/resource-manager/Microsoft.Authorization/stable/2022-04-01/authorization-RoleAssignmentsCalls.json`):
 * PUT takes `RoleAssignmentCreateParameters` (`properties` required), GET answers `RoleAssignment`.
 */
import { obj, ro, req, str, type ApiVersionSchema } from "../schema.js";

export const AUTHORIZATION_API_VERSION = "2022-04-01";
const SOURCE =
  "authorization/resource-manager/Microsoft.Authorization/stable/2022-04-01/authorization-RoleAssignmentsCalls.json";

export const roleAssignment = obj("RoleAssignment", {
  id: ro(str),
  name: ro(str),
  type: ro(str),
  properties: req(
    obj("RoleAssignmentProperties", {
      scope: ro(str),
      roleDefinitionId: req(str),
      principalId: req(str),
      principalType: str,
      description: str,
      condition: str,
      conditionVersion: str,
      createdOn: ro(str),
      updatedOn: ro(str),
      createdBy: ro(str),
      updatedBy: ro(str),
      delegatedManagedIdentityResourceId: str,
    }),
  ),
});

export const AUTHORIZATION_SCHEMAS = {
  roleAssignment: { apiVersion: AUTHORIZATION_API_VERSION, resource: roleAssignment, source: SOURCE },
} as const satisfies Record<string, ApiVersionSchema>;
