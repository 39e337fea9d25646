/**
 * Azure RBAC permissions as the provisioner declares them. Each step declares, beside its SDK calls, the
 * management-plane actions and data-plane data actions those calls need (`activities/adapters/*`, the
 * data-plane steps in `activities/`); `activities/permissions.ts` collects them for a plan's nodes, and
 * `envctl permissions` prints the union as a custom role definition. One source, so the role cannot drift
 * from the code (docs/deploy.md#least-privilege).
 */
import type { PlanNode } from "../plan/types";

/** Actions (management plane, ARM) and data actions (Key Vault, Kubernetes) one step needs. */
export interface RbacPermissions {
  /** e.g. `Microsoft.Network/virtualNetworks/write`, `Microsoft.Network/virtualNetworks/subnets/join/action`. */
  readonly actions?: readonly string[];
  /** e.g. `Microsoft.KeyVault/vaults/secrets/getSecret/action`. */
  readonly dataActions?: readonly string[];
}

/**
 * What one step (an ARM adapter, a data-plane step) needs: what every node of its kind needs, plus what
 * depends on the node itself — the target a private endpoint approves, the service whose connection facts
 * are read. Variants are named so that "every kind" can list them all without a plan.
 */
export interface StepPermissions extends RbacPermissions {
  /** Variant name ⇒ what nodes of that variant need beyond the common set. */
  readonly variants?: Readonly<Record<string, RbacPermissions>>;
  /**
   * The variants `node` needs. Every returned name must be a key of {@link variants}: a node with an
   * undeclared variant is a missing declaration, and the collector refuses it.
   */
  variantsOf?(node: PlanNode): readonly string[];
}

/** A union of permission sets, each list sorted (ordinal) without duplicates. */
export interface PermissionSet {
  readonly actions: readonly string[];
  readonly dataActions: readonly string[];
}

/** Sorted case-insensitively (how people read action lists), ties broken ordinally, so output is stable. */
const sortedUnique = (values: Iterable<string>): string[] => {
  const ordinal = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...new Set(values)].sort((a, b) => ordinal(a.toLowerCase(), b.toLowerCase()) || ordinal(a, b));
};

/** The union of `sets`, sorted and without duplicates, so equal permissions print identically. */
export function unionOfPermissions(sets: Iterable<RbacPermissions>): PermissionSet {
  const actions: string[] = [];
  const dataActions: string[] = [];
  for (const set of sets) {
    actions.push(...(set.actions ?? []));
    dataActions.push(...(set.dataActions ?? []));
  }
  return { actions: sortedUnique(actions), dataActions: sortedUnique(dataActions) };
}

/** Every set a step could need: the common set and all its variants. */
export function allPermissionsOf(step: StepPermissions): RbacPermissions[] {
  return [step, ...Object.values(step.variants ?? {})];
}

/**
 * The sets a step needs for `node`: the common set and the node's variants.
 * @throws Error naming the step and the node when the node needs a variant the step does not declare
 */
export function permissionsForNode(
  step: StepPermissions,
  node: PlanNode,
  stepName: string,
): RbacPermissions[] {
  const names = step.variantsOf?.(node) ?? [];
  return [
    step,
    ...names.map((name) => {
      const variant = step.variants?.[name];
      if (!variant) {
        throw new Error(
          `${stepName} declares no permissions for variant "${name}" needed by ${node.key} (${node.id})`,
        );
      }
      return variant;
    }),
  ];
}

/**
 * A custom role definition in the JSON shape `az role definition create --role-definition` reads and the
 * template loads (`infra/provisioner-role.json`).
 */
export interface CustomRoleDefinition {
  readonly Name: string;
  readonly IsCustom: true;
  readonly Description: string;
  readonly Actions: readonly string[];
  readonly NotActions: readonly string[];
  readonly DataActions: readonly string[];
  readonly NotDataActions: readonly string[];
  readonly AssignableScopes: readonly string[];
}

/** Placeholder of the subscription in a printed role's `AssignableScopes`; the template substitutes it. */
export const SUBSCRIPTION_SCOPE_PLACEHOLDER = "/subscriptions/{subscriptionId}";

/** The role definition granting exactly `permissions`. */
export function customRoleDefinition(
  permissions: PermissionSet,
  options: { readonly name: string; readonly description: string },
): CustomRoleDefinition {
  return {
    Name: options.name,
    IsCustom: true,
    Description: options.description,
    Actions: permissions.actions,
    NotActions: [],
    DataActions: permissions.dataActions,
    NotDataActions: [],
    AssignableScopes: [SUBSCRIPTION_SCOPE_PLACEHOLDER],
  };
}

/** Placeholder of the provisioner's principal in a printed condition; the template substitutes it. */
export const PRINCIPAL_ID_PLACEHOLDER = "PROVISIONER_PRINCIPAL_ID";

/** The ABAC condition on the provisioner's role assignment, and what it was made from. */
export interface RoleAssignmentCondition {
  /** Bare GUIDs of the roles the provisioner may assign to itself, or remove from itself. */
  readonly roleDefinitionIds: readonly string[];
  /**
   * Bare GUIDs of the roles the provisioner may assign to (or remove from) service principals: the
   * managed identities an environment's resources get when created (a cluster's, an add-on's), whose ids
   * no condition can list in advance. Empty when the environments grant none.
   */
  readonly identityRoleDefinitionIds: readonly string[];
  /** The text in {@link condition} the template replaces with the provisioner's principal id. */
  readonly principalIdPlaceholder: string;
  readonly condition: string;
  readonly conditionVersion: "2.0";
}

/** `condition` with the provisioner's principal id in place of the placeholder. */
export function conditionForPrincipal(condition: RoleAssignmentCondition, principalId: string): string {
  return condition.condition.split(condition.principalIdPlaceholder).join(principalId);
}

/**
 * The conditions Microsoft documents for constrained delegation: "Constrain roles and specific
 * principals" — `roleAssignments/write` only for `roleIds` granted to the provisioner itself, and
 * `roleAssignments/delete` only of such assignments — and, for `identityRoleIds`, "Constrain roles and
 * principal types": those roles only to service principals (the environment's own managed identities).
 * Every other action of the assignment is unaffected. The provisioner's principal is a placeholder
 * ({@link PRINCIPAL_ID_PLACEHOLDER}) the template replaces with the app's managed identity.
 * Source: https://learn.microsoft.com/azure/role-based-access-control/delegate-role-assignments-examples
 */
export function roleAssignmentCondition(
  roleIds: readonly string[],
  identityRoleIds: readonly string[] = [],
): RoleAssignmentCondition {
  const bare = (ids: readonly string[]) => sortedUnique(ids.map((id) => id.toLowerCase()));
  const roles = bare(roleIds);
  const identityRoles = bare(identityRoleIds);
  const attribute = (source: "Request" | "Resource", name: string) =>
    `@${source}[Microsoft.Authorization/roleAssignments:${name}]`;
  const clause = (verb: "write" | "delete", source: "Request" | "Resource") => {
    const allowed = [
      `(${attribute(source, "RoleDefinitionId")} ForAnyOfAnyValues:GuidEquals {${roles.join(", ")}} AND ` +
        `${attribute(source, "PrincipalId")} ForAnyOfAnyValues:GuidEquals {${PRINCIPAL_ID_PLACEHOLDER}})`,
      ...(identityRoles.length > 0
        ? [
            `(${attribute(source, "RoleDefinitionId")} ForAnyOfAnyValues:GuidEquals {${identityRoles.join(", ")}} AND ` +
              `${attribute(source, "PrincipalType")} ForAnyOfAnyValues:StringEqualsIgnoreCase {'ServicePrincipal'})`,
          ]
        : []),
    ];
    return `((!(ActionMatches{'Microsoft.Authorization/roleAssignments/${verb}'})) OR ${allowed.join(" OR ")})`;
  };
  return {
    roleDefinitionIds: roles,
    identityRoleDefinitionIds: identityRoles,
    principalIdPlaceholder: PRINCIPAL_ID_PLACEHOLDER,
    condition: `${clause("write", "Request")} AND ${clause("delete", "Resource")}`,
    conditionVersion: "2.0",
  };
}
