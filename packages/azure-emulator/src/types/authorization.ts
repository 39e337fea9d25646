/**
 * Microsoft.Authorization role assignments, at any scope. Synchronous; the data planes consult them
 * (DataPlaneContext.hasRole) once their propagation delay has passed.
 */
import { AUTHORIZATION_SCHEMAS } from "../arm-schema/index.js";
import { badRequest, conflict } from "../errors.js";
import { idKey } from "../resource-path.js";
import type { ResourceTypeSpec } from "../resource-type.js";
import { propertiesOf } from "./shared.js";

export const ROLE_ASSIGNMENT_TYPE = "Microsoft.Authorization/roleAssignments";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const roleAssignmentSpec: ResourceTypeSpec = {
  schemas: [AUTHORIZATION_SCHEMAS.roleAssignment],
  type: ROLE_ASSIGNMENT_TYPE,
  putStyle: "sync",
  deleteStyle: "sync",
  extension: true,
  namePattern: GUID,
  validate({ id, parentId, body, existing, env }) {
    const props = propertiesOf(body);
    const roleDefinitionId = String(props.roleDefinitionId);
    const principalId = String(props.principalId);
    if (!/\/providers\/Microsoft\.Authorization\/roleDefinitions\/[^/]+$/i.test(roleDefinitionId)) {
      throw badRequest(
        "InvalidRoleDefinitionId",
        `The role definition ID '${roleDefinitionId}' is not valid.`,
      );
    }
    if (existing) {
      const before = propertiesOf(existing.body);
      if (String(before.roleDefinitionId).toLowerCase() !== roleDefinitionId.toLowerCase()) {
        throw badRequest(
          "RoleAssignmentUpdateNotPermitted",
          "Tenant ID, application ID, principal ID, and scope are not allowed to be updated.",
        );
      }
      return;
    }
    const duplicate = env.store.children(parentId, ROLE_ASSIGNMENT_TYPE).find((r) => {
      const p = propertiesOf(r.body);
      return (
        idKey(r.id) !== idKey(id) &&
        String(p.principalId).toLowerCase() === principalId.toLowerCase() &&
        String(p.roleDefinitionId).split("/").at(-1)?.toLowerCase() ===
          roleDefinitionId.split("/").at(-1)?.toLowerCase()
      );
    });
    if (duplicate) throw conflict("RoleAssignmentExists", "The role assignment already exists.");
  },
  // `principalType` defaults to `User` (RoleAssignmentProperties, 2022-04-01).
  defaults: () => ({ properties: { principalType: "User" } }),
  synthesize: (resource) => ({
    properties: {
      scope: resource.parentId,
      createdOn: new Date(resource.createdAtMs).toISOString(),
      updatedOn: new Date(resource.createdAtMs).toISOString(),
    },
  }),
};
