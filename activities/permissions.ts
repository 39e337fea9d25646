/**
 * The provisioner's Azure permissions, collected from the declarations beside each step's calls: the ARM
 * adapters' `permissions`, the data-plane steps' (`KEY_VAULT_SECRETS_PERMISSIONS`,
 * `KUBERNETES_SECRET_PERMISSIONS`), the purge a destroy may run (`PURGE_DELETED_VAULT_PERMISSIONS`) and
 * what preflight reads before the first write (`PREFLIGHT_PERMISSIONS`, lib/preflight/permissions.ts).
 * `envctl permissions` prints them as the custom role the template creates (docs/deploy.md#least-privilege).
 */
import {
  allPermissionsOf,
  customRoleDefinition,
  permissionsForNode,
  roleAssignmentCondition,
  unionOfPermissions,
  type CustomRoleDefinition,
  type PermissionSet,
  type RbacPermissions,
  type RoleAssignmentCondition,
  type StepPermissions,
} from "../lib/azure/permissions";
import { AKS_RBAC_CLUSTER_ADMIN_ROLE_ID, KEY_VAULT_SECRETS_OFFICER_ROLE_ID } from "../lib/plan";
import { PREFLIGHT_PERMISSIONS } from "../lib/preflight/permissions";
import type { NodeKind, Plan, PlanNode } from "../lib/plan/types";
import { ARM_ADAPTERS, type ArmNodeKind } from "./adapters/table";
import { KEY_VAULT_SECRETS_PERMISSIONS } from "./key-vault-secrets";
import { PURGE_DELETED_VAULT_PERMISSIONS } from "./purge-deleted-vault";
import { KUBERNETES_SECRET_PERMISSIONS } from "./secret-propagation";

/** The plan's node kinds that are data-plane steps, not ARM resources. */
export type DataPlaneNodeKind = Exclude<NodeKind, ArmNodeKind>;

/** One declaration per data-plane kind; a new one fails to compile until it declares its permissions. */
export const DATA_PLANE_PERMISSIONS: Readonly<Record<DataPlaneNodeKind, StepPermissions>> = {
  keyVaultSecrets: KEY_VAULT_SECRETS_PERMISSIONS,
  kubernetesSecret: KUBERNETES_SECRET_PERMISSIONS,
};

/**
 * What the steps of one node kind may need: ensure, check and delete through its adapter or data-plane
 * step, for `keyVault` the purge a destroy may ask for, and what preflight reads because of the kind.
 */
export function stepPermissionsOfKind(kind: NodeKind): readonly StepPermissions[] {
  const own = kind in ARM_ADAPTERS ? ARM_ADAPTERS[kind as ArmNodeKind].permissions : undefined;
  const step = own ?? DATA_PLANE_PERMISSIONS[kind as DataPlaneNodeKind];
  const preflight = PREFLIGHT_PERMISSIONS[kind];
  return [
    step,
    ...(kind === "keyVault" ? [PURGE_DELETED_VAULT_PERMISSIONS] : []),
    ...(preflight ? [preflight] : []),
  ];
}

/** What building, checking and destroying `node` needs. @throws when `node` needs an undeclared variant */
export function permissionsOfNode(node: PlanNode): RbacPermissions[] {
  return stepPermissionsOfKind(node.kind).flatMap((step) => permissionsForNode(step, node, node.kind));
}

/** Everything the provisioner needs to build and destroy the environments of `plans`. */
export function permissionsOfPlans(plans: readonly Plan[]): PermissionSet {
  return unionOfPermissions(plans.flatMap((plan) => plan.nodes.flatMap(permissionsOfNode)));
}

/** Every node kind the planner can emit. */
export const ALL_NODE_KINDS: readonly NodeKind[] = [
  ...(Object.keys(ARM_ADAPTERS) as ArmNodeKind[]),
  ...(Object.keys(DATA_PLANE_PERMISSIONS) as DataPlaneNodeKind[]),
];

/** Everything the provisioner may need for any environment it can build: every kind, every variant. */
export function permissionsOfAllKinds(): PermissionSet {
  return unionOfPermissions(ALL_NODE_KINDS.flatMap(stepPermissionsOfKind).flatMap(allPermissionsOf));
}

/**
 * The built-in roles the planner grants the provisioner (on the vault, on the cluster), so that it can
 * write Key Vault secrets and Kubernetes Secrets; the only roles its role assignments may carry.
 */
export const ROLES_THE_BUILD_GRANTS: Readonly<Record<string, string>> = {
  "Key Vault Secrets Officer": KEY_VAULT_SECRETS_OFFICER_ROLE_ID,
  "Azure Kubernetes Service RBAC Cluster Admin": AKS_RBAC_CLUSTER_ADMIN_ROLE_ID,
};

/** The role definition GUIDs the role assignments of `plans` carry (the last segment of each id). */
export function rolesGrantedBy(plans: readonly Plan[]): string[] {
  const ids = plans.flatMap((plan) =>
    plan.nodes
      .filter((node) => node.kind === "roleAssignment")
      .map((node) => String(node.desired.roleDefinitionId).split("/").pop()!.toLowerCase()),
  );
  return [...new Set(ids)].sort();
}

/** The name of the role for all kinds; `envctl permissions FILE…` appends the environments. */
export const PROVISIONER_ROLE_NAME = "Environment Provisioner";

/**
 * The custom role granting exactly what `plans` need (every kind the planner can build when `plans` is
 * undefined). Its `AssignableScopes` is a placeholder the template fills in.
 */
export function provisionerRole(plans?: readonly Plan[]): CustomRoleDefinition {
  if (plans === undefined) {
    return customRoleDefinition(permissionsOfAllKinds(), {
      name: PROVISIONER_ROLE_NAME,
      description:
        "Exactly the Azure actions azure-env-provisioner performs to build and destroy environments of every kind it can build. Generated by `envctl permissions`; do not edit.",
    });
  }
  const environments = plans.map((plan) => plan.environmentId).join(", ");
  return customRoleDefinition(permissionsOfPlans(plans), {
    name: `${PROVISIONER_ROLE_NAME} (${environments})`,
    description: `Exactly the Azure actions azure-env-provisioner performs to build and destroy ${environments}. Generated by \`envctl permissions\`; do not edit.`,
  });
}

/**
 * The ABAC condition for the provisioner's role assignment: role assignments only of the roles `plans`
 * grant (every role the planner can grant when `plans` is undefined), only to the provisioner itself.
 */
export function provisionerRoleCondition(plans?: readonly Plan[]): RoleAssignmentCondition {
  return roleAssignmentCondition(
    plans === undefined ? Object.values(ROLES_THE_BUILD_GRANTS) : rolesGrantedBy(plans),
  );
}
