/**
 * The provisioner's Azure permissions, collected from the declarations beside each step's calls: the ARM
 * adapters' `permissions`, the data-plane steps' (`KEY_VAULT_SECRETS_PERMISSIONS`,
 * `KUBERNETES_SECRET_PERMISSIONS`, `KUBERNETES_OBJECT_PERMISSIONS`, `TLS_CERTIFICATE_PERMISSIONS`), the
 * purge a destroy may run (`PURGE_DELETED_VAULT_PERMISSIONS`) and what preflight reads before the first
 * write (`PREFLIGHT_PERMISSIONS`, lib/preflight/permissions.ts).
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
import {
  AKS_RBAC_CLUSTER_ADMIN_ROLE_ID,
  KEY_VAULT_CERTIFICATES_OFFICER_ROLE_ID,
  KEY_VAULT_SECRETS_OFFICER_ROLE_ID,
  KEY_VAULT_SECRETS_USER_ROLE_ID,
  NETWORK_CONTRIBUTOR_ROLE_ID,
} from "../lib/plan";
import { ACR_PULL_ROLE_ID } from "../lib/plan/registry";
import { STORAGE_BLOB_DATA_CONTRIBUTOR_ROLE_ID } from "../lib/plan/workload-identity";
import { isFactReference } from "../lib/plan/facts";
import { PREFLIGHT_PERMISSIONS } from "../lib/preflight/permissions";
import type { NodeKind, Plan, PlanNode } from "../lib/plan/types";
import { ARM_ADAPTERS, type ArmNodeKind } from "./adapters/table";
import { KEY_VAULT_SECRETS_PERMISSIONS } from "./key-vault-secrets";
import { KUBERNETES_OBJECT_PERMISSIONS } from "./kubernetes-objects";
import { PURGE_DELETED_VAULT_PERMISSIONS } from "./purge-deleted-vault";
import { KUBERNETES_SECRET_PERMISSIONS } from "./secret-propagation";
import { TLS_CERTIFICATE_PERMISSIONS } from "./tls-certificate";

/** The plan's node kinds that are data-plane steps, not ARM resources. */
export type DataPlaneNodeKind = Exclude<NodeKind, ArmNodeKind>;

/** One declaration per data-plane kind; a new one fails to compile until it declares its permissions. */
export const DATA_PLANE_PERMISSIONS: Readonly<Record<DataPlaneNodeKind, StepPermissions>> = {
  keyVaultSecrets: KEY_VAULT_SECRETS_PERMISSIONS,
  kubernetesSecret: KUBERNETES_SECRET_PERMISSIONS,
  kubernetesObject: KUBERNETES_OBJECT_PERMISSIONS,
  tlsCertificate: TLS_CERTIFICATE_PERMISSIONS,
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
 * write Key Vault secrets, import certificates and write Kubernetes objects; the only roles its role
 * assignments to itself may carry.
 */
export const ROLES_THE_BUILD_GRANTS: Readonly<Record<string, string>> = {
  "Key Vault Secrets Officer": KEY_VAULT_SECRETS_OFFICER_ROLE_ID,
  "Key Vault Certificates Officer": KEY_VAULT_CERTIFICATES_OFFICER_ROLE_ID,
  "Azure Kubernetes Service RBAC Cluster Admin": AKS_RBAC_CLUSTER_ADMIN_ROLE_ID,
};

/**
 * The built-in roles the planner grants an environment's own managed identities, known only once their
 * resource exists (a fact reference in the plan): the cluster's Network Contributor on the resource
 * group (the ingress's IP), the application routing add-on's Key Vault Secrets User on the vault (the
 * certificate), the kubelet identity's AcrPull on the registry (image pulls), the workload identity's Key
 * Vault Secrets User on the vault and Storage Blob Data Contributor on each storage account. The only roles the provisioner may assign to service principals other than itself.
 */
export const ROLES_THE_BUILD_GRANTS_ITS_IDENTITIES: Readonly<Record<string, string>> = {
  "Network Contributor": NETWORK_CONTRIBUTOR_ROLE_ID,
  "Key Vault Secrets User": KEY_VAULT_SECRETS_USER_ROLE_ID,
  AcrPull: ACR_PULL_ROLE_ID,
  "Storage Blob Data Contributor": STORAGE_BLOB_DATA_CONTRIBUTOR_ROLE_ID,
};

const roleGuidOf = (node: PlanNode) => String(node.desired.roleDefinitionId).split("/").pop()!.toLowerCase();
const sortedGuids = (ids: readonly string[]) => [...new Set(ids)].sort();

/** The role definition GUIDs the role assignments of `plans` carry (the last segment of each id). */
export function rolesGrantedBy(plans: readonly Plan[]): string[] {
  return sortedGuids(
    plans.flatMap((plan) => plan.nodes.filter((node) => node.kind === "roleAssignment").map(roleGuidOf)),
  );
}

/**
 * {@link rolesGrantedBy}, split by whom: principals the plan names (the provisioner) and the
 * environment's own identities (a principal that is a fact reference, read from a created resource).
 */
export function roleGrantsOf(plans: readonly Plan[]): { toNamed: string[]; toIdentities: string[] } {
  const assignments = plans.flatMap((plan) => plan.nodes.filter((node) => node.kind === "roleAssignment"));
  const toIdentity = (node: PlanNode) => isFactReference(node.desired.principalId);
  return {
    toNamed: sortedGuids(assignments.filter((node) => !toIdentity(node)).map(roleGuidOf)),
    toIdentities: sortedGuids(assignments.filter(toIdentity).map(roleGuidOf)),
  };
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
 * grant (every role the planner can grant when `plans` is undefined) — to the provisioner itself, or,
 * for the roles the build grants an environment's identities, to service principals.
 */
export function provisionerRoleCondition(plans?: readonly Plan[]): RoleAssignmentCondition {
  if (plans === undefined) {
    return roleAssignmentCondition(
      Object.values(ROLES_THE_BUILD_GRANTS),
      Object.values(ROLES_THE_BUILD_GRANTS_ITS_IDENTITIES),
    );
  }
  const grants = roleGrantsOf(plans);
  return roleAssignmentCondition(grants.toNamed, grants.toIdentities);
}
