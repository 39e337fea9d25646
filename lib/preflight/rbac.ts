/**
 * Azure RBAC's evaluation of management-plane actions against the permission entries
 * `Microsoft.Authorization/permissions` lists for the caller: an action is allowed when one entry's
 * `actions` match it and that entry's `notActions` do not; `*` matches any run of characters; case is
 * ignored ("Understand Azure role definitions",
 * https://learn.microsoft.com/azure/role-based-access-control/role-definitions#actions). Deny assignments and
 * ABAC conditions are not part of that list, so an action allowed here may still be refused by them.
 */

/** One entry of the caller's permissions (a role definition's `permissions` element). */
export interface PermissionEntry {
  readonly actions?: readonly string[];
  readonly notActions?: readonly string[];
}

const matcher = (pattern: string): RegExp =>
  new RegExp(
    `^${pattern
      .split("*")
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*")}$`,
    "i",
  );

/** True when `permissions` allow `action`. */
export function isActionPermitted(permissions: readonly PermissionEntry[], action: string): boolean {
  return permissions.some(
    (entry) =>
      (entry.actions ?? []).some((pattern) => matcher(pattern).test(action)) &&
      !(entry.notActions ?? []).some((pattern) => matcher(pattern).test(action)),
  );
}

/** The actions of `required` that `permissions` do not allow, in order. */
export function missingActions(
  permissions: readonly PermissionEntry[],
  required: readonly string[],
): string[] {
  return required.filter((action) => !isActionPermitted(permissions, action));
}
