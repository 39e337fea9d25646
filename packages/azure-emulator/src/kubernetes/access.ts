/**
 * Who may call a cluster's API, and what they may do: the static admin token while local accounts are
 * enabled, or, on AAD clusters, an AAD token for the AKS server application whose principal holds an
 * Azure RBAC role for Kubernetes at the cluster (or, for namespaced requests, the namespace) scope.
 *
 * The built-in roles and what they grant ("Use Azure role-based access control for Kubernetes
 * authorization — create role assignments", https://learn.microsoft.com/azure/aks/manage-azure-rbac, and
 * "Azure built-in roles — Containers", https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/containers):
 * - Cluster Admin: everything.
 * - Admin: everything inside a namespace, Secrets included; namespaces read-only.
 * - Writer: read and write of most objects in a namespace, Secrets included; namespaces read-only.
 * - Reader: read of most objects, namespaces included, but not Secrets.
 * Every authenticated user may ask who it is and what it may do (SelfSubjectReview,
 * SelfSubjectAccessReview), as Kubernetes' `system:basic-user` role allows.
 */
import { timingSafeEqual } from "node:crypto";
import type { ClusterInfo, DataPlaneContext } from "../dataplane";
import { AKS_AAD_SERVER_APP_ID } from "../dataplane";
import { kubernetesErrors } from "./status";

/** Built-in role definition ids that grant Kubernetes data actions on AKS. */
export const AKS_RBAC_ROLES = {
  clusterAdmin: "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b",
  admin: "3498e952-d568-435e-9b2c-8d77e338d7f7",
  writer: "a7ffa36f-339b-4b5c-8bdf-e2c188b2c0eb",
  reader: "7f6c6a51-bcf8-42ba-9220-52d62157d7db",
} as const;

const READ_VERBS = new Set(["get", "list", "watch"]);

/** The roles that grant `verb` on `resource` (of the core group). */
function grantingRoles(verb: string, resource: string): string[] {
  const { clusterAdmin, admin, writer, reader } = AKS_RBAC_ROLES;
  if (resource === "namespaces")
    return READ_VERBS.has(verb) ? [clusterAdmin, admin, writer, reader] : [clusterAdmin];
  if (resource === "secrets") return [clusterAdmin, admin, writer];
  // Any other namespaced object of the core group.
  return READ_VERBS.has(verb) ? [clusterAdmin, admin, writer, reader] : [clusterAdmin, admin, writer];
}

/** Resources any authenticated user may create: reviews of itself. */
const SELF_REVIEWS = new Set(["selfsubjectaccessreviews", "selfsubjectreviews"]);

/** An authenticated caller: the local admin, or an AAD principal to authorize per request. */
export type KubernetesCaller =
  { readonly type: "localAdmin" } | { readonly type: "aad"; readonly objectId: string };

/** What a request does, for authorization and 403 messages. */
export interface RequestTarget {
  readonly verb: string;
  readonly resource: string;
  /** API group; "" for the core group. @default "" */
  readonly group?: string;
  readonly namespace?: string;
  readonly name?: string;
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The caller behind an `Authorization` header, or 401 Unauthorized. */
export function authenticateCaller(
  ctx: DataPlaneContext,
  cluster: ClusterInfo,
  adminToken: string,
  authorization: string | undefined,
): KubernetesCaller {
  const bearer = /^Bearer\s+(\S+)$/i.exec(authorization ?? "")?.[1];
  if (!bearer) throw kubernetesErrors.unauthorized();
  if (!cluster.localAccountsDisabled && sameToken(bearer, adminToken)) return { type: "localAdmin" };
  if (cluster.aadEnabled) {
    const principal = ctx.authenticate(authorization, AKS_AAD_SERVER_APP_ID);
    if (principal) return { type: "aad", objectId: principal.objectId };
  }
  throw kubernetesErrors.unauthorized();
}

/** True when the caller may do `target` (what a SelfSubjectAccessReview answers). */
export function isAllowed(
  ctx: DataPlaneContext,
  cluster: ClusterInfo,
  caller: KubernetesCaller,
  target: RequestTarget,
): boolean {
  if (caller.type === "localAdmin") return true;
  if (SELF_REVIEWS.has(target.resource)) return target.verb === "create";
  // Only the core group's objects are served; other groups are Cluster Admin's alone.
  const roles =
    (target.group ?? "") === "" ? grantingRoles(target.verb, target.resource) : [AKS_RBAC_ROLES.clusterAdmin];
  // Azure RBAC for Kubernetes accepts assignments at the cluster or at `<cluster>/namespaces/<ns>`.
  const scope = target.namespace ? `${cluster.id}/namespaces/${target.namespace}` : cluster.id;
  return ctx.hasRole(caller.objectId, scope, roles);
}

/** Refuses (403) a caller without an AKS RBAC role covering the request. */
export function authorizeCaller(
  ctx: DataPlaneContext,
  cluster: ClusterInfo,
  caller: KubernetesCaller,
  target: RequestTarget,
): void {
  if (isAllowed(ctx, cluster, caller, target)) return;
  throw kubernetesErrors.forbidden(
    caller.type === "aad" ? caller.objectId : userInfoOf(caller).username,
    target.verb,
    target.resource,
    target.name,
    target.namespace,
  );
}

/**
 * Who the caller is to Kubernetes (a SelfSubjectReview's `userInfo`): an AAD principal by its object id,
 * the local admin as AKS's `masterclient` in `system:masters`.
 */
export function userInfoOf(caller: KubernetesCaller): {
  username: string;
  uid?: string;
  groups: string[];
} {
  return caller.type === "localAdmin"
    ? { username: "masterclient", groups: ["system:masters", "system:authenticated"] }
    : { username: caller.objectId, uid: caller.objectId, groups: ["system:authenticated"] };
}
