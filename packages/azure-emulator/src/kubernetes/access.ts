/**
 * Who may call a cluster's API: the static admin token while local accounts are enabled, or, on AAD
 * clusters, an AAD token for the AKS server application whose principal holds an AKS RBAC role at the
 * cluster (or, for namespaced requests, the namespace) scope.
 */
import { timingSafeEqual } from "node:crypto";
import type { ClusterInfo, DataPlaneContext } from "../dataplane";
import { AKS_AAD_SERVER_APP_ID } from "../dataplane";
import { kubernetesErrors } from "./status";

/** Built-in role definition ids that grant Kubernetes data actions on AKS. */
export const AKS_RBAC_ROLES = {
  clusterAdmin: "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b",
  writer: "a7ffa36f-339b-4b5c-8bdf-e2c188b2c0eb",
} as const;

const GRANTING_ROLES = [AKS_RBAC_ROLES.clusterAdmin, AKS_RBAC_ROLES.writer];

/** An authenticated caller: the local admin, or an AAD principal to authorize per request. */
export type KubernetesCaller =
  { readonly type: "localAdmin" } | { readonly type: "aad"; readonly objectId: string };

/** What a request does, for authorization and 403 messages. */
export interface RequestTarget {
  readonly verb: string;
  readonly resource: string;
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

/** Refuses (403) an AAD caller without an AKS RBAC role covering the request's scope. */
export function authorizeCaller(
  ctx: DataPlaneContext,
  cluster: ClusterInfo,
  caller: KubernetesCaller,
  target: RequestTarget,
): void {
  if (caller.type === "localAdmin") return;
  // Azure RBAC for Kubernetes accepts assignments at the cluster or at `<cluster>/namespaces/<ns>`.
  const scope = target.namespace ? `${cluster.id}/namespaces/${target.namespace}` : cluster.id;
  if (!ctx.hasRole(caller.objectId, scope, GRANTING_ROLES)) {
    throw kubernetesErrors.forbidden(
      caller.objectId,
      target.verb,
      target.resource,
      target.name,
      target.namespace,
    );
  }
}
