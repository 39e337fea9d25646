/**
 * The self-reviews every authenticated caller may create: `SelfSubjectAccessReview` (what `kubectl auth
 * can-i` asks: may I do this?) answered from the Azure RBAC role assignments that authorize the real
 * requests, and `SelfSubjectReview` (`kubectl auth whoami`: who am I?)
 * ("Authorization — checking API access", https://kubernetes.io/docs/reference/access-authn-authz/authorization/#checking-api-access;
 * "Authenticating — self subject review", https://kubernetes.io/docs/reference/access-authn-authz/authentication/#self-subject-review).
 */
import type { ClusterInfo, DataPlaneContext } from "../dataplane";
import { isAllowed, userInfoOf, type KubernetesCaller } from "./access";
import { isJsonObject } from "./kube-object";
import { decodeKubernetesProtobuf, KUBERNETES_PROTOBUF, OBJECT_META, type ProtoMessage } from "./protobuf";
import { kubernetesErrors } from "./status";

/** `k8s.io.api.authorization.v1` and `authentication.v1` layouts, for kubectl's protobuf bodies. */
const REVIEW_LAYOUTS: Readonly<Record<string, ProtoMessage>> = {
  SelfSubjectAccessReview: {
    fields: {
      1: { name: "metadata", type: OBJECT_META },
      2: {
        name: "spec",
        type: {
          fields: {
            1: {
              name: "resourceAttributes",
              type: {
                fields: {
                  1: { name: "namespace", type: "string" },
                  2: { name: "verb", type: "string" },
                  3: { name: "group", type: "string" },
                  4: { name: "version", type: "string" },
                  5: { name: "resource", type: "string" },
                  6: { name: "subresource", type: "string" },
                  7: { name: "name", type: "string" },
                },
              },
            },
            2: {
              name: "nonResourceAttributes",
              type: { fields: { 1: { name: "path", type: "string" }, 2: { name: "verb", type: "string" } } },
            },
          },
        },
      },
    },
  },
  SelfSubjectReview: { fields: { 1: { name: "metadata", type: OBJECT_META } } },
};

/** Non-resource URLs every authenticated user may GET (Kubernetes' `system:discovery` and health). */
const PUBLIC_PATHS = [
  /^\/api(\/|$)/,
  /^\/apis(\/|$)/,
  /^\/version\/?$/,
  /^\/openapi\//,
  /^\/(healthz|livez|readyz)/,
];

/** The message AKS adds when Azure RBAC says no. */
const DENIED_REASON =
  "User does not have access to the resource in Azure. Update role assignment to allow access.";

function parseReview(body: Buffer, kind: string, contentType: string | undefined): Record<string, unknown> {
  if ((contentType ?? "").split(";")[0]?.trim().toLowerCase() === KUBERNETES_PROTOBUF) {
    return decodeKubernetesProtobuf(body, (k) => REVIEW_LAYOUTS[k]);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8") || "{}");
  } catch {
    throw kubernetesErrors.badRequest(`the request body is not a valid ${kind}`);
  }
  if (!isJsonObject(parsed)) throw kubernetesErrors.badRequest(`the request body is not a valid ${kind}`);
  if (parsed.kind !== undefined && parsed.kind !== kind) {
    throw kubernetesErrors.badRequest(`the kind in the body (${String(parsed.kind)}) does not match ${kind}`);
  }
  return parsed;
}

/** `POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews`. */
export function selfSubjectAccessReview(
  ctx: DataPlaneContext,
  cluster: ClusterInfo,
  caller: KubernetesCaller,
  body: Buffer,
  contentType: string | undefined,
): Record<string, unknown> {
  const review = parseReview(body, "SelfSubjectAccessReview", contentType);
  const spec = isJsonObject(review.spec) ? review.spec : {};
  const resource = isJsonObject(spec.resourceAttributes) ? spec.resourceAttributes : undefined;
  const nonResource = isJsonObject(spec.nonResourceAttributes) ? spec.nonResourceAttributes : undefined;
  let allowed: boolean;
  if (resource) {
    allowed = isAllowed(ctx, cluster, caller, {
      verb: String(resource.verb ?? ""),
      resource: String(resource.resource ?? ""),
      group: String(resource.group ?? ""),
      ...(typeof resource.namespace === "string" && resource.namespace !== ""
        ? { namespace: resource.namespace }
        : {}),
      ...(typeof resource.name === "string" ? { name: resource.name } : {}),
    });
  } else if (nonResource) {
    const path = String(nonResource.path ?? "");
    allowed =
      caller.type === "localAdmin" ||
      (String(nonResource.verb ?? "") === "get" && PUBLIC_PATHS.some((pattern) => pattern.test(path)));
  } else {
    throw kubernetesErrors.invalid(
      "SelfSubjectAccessReview",
      "",
      "spec.resourceAttributes",
      "Required value: exactly one of nonResourceAttributes or resourceAttributes must be specified",
    );
  }
  return {
    kind: "SelfSubjectAccessReview",
    apiVersion: "authorization.k8s.io/v1",
    metadata: { creationTimestamp: null },
    spec,
    status: allowed ? { allowed: true } : { allowed: false, reason: DENIED_REASON },
  };
}

/** `POST /apis/authentication.k8s.io/v1/selfsubjectreviews`. */
export function selfSubjectReview(
  caller: KubernetesCaller,
  body: Buffer,
  contentType: string | undefined,
): Record<string, unknown> {
  parseReview(body, "SelfSubjectReview", contentType);
  return {
    kind: "SelfSubjectReview",
    apiVersion: "authentication.k8s.io/v1",
    metadata: { creationTimestamp: null },
    status: { userInfo: userInfoOf(caller) },
  };
}
