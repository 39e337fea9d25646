/**
 * The discovery documents clients read before anything else: `/version`, `/api`, `/api/v1` and `/apis`.
 * `kubectl` maps `ns`, `secret`, `secrets` to URLs from these; it asks for aggregated discovery first and
 * falls back to these plain documents when the reply's content type says that is what it got.
 */
import { RESOURCE_KINDS, SERVED_VERBS } from "./resource-kinds";

/** The Kubernetes version the emulated API server reports. */
export const EMULATED_KUBERNETES_VERSION = { major: "1", minor: "33", gitVersion: "v1.33.2" } as const;

/** `GET /version`. */
export function versionDocument(): Record<string, unknown> {
  return {
    ...EMULATED_KUBERNETES_VERSION,
    gitCommit: "0000000000000000000000000000000000000000",
    gitTreeState: "clean",
    buildDate: "2025-06-17T00:00:00Z",
    goVersion: "go1.24.4",
    compiler: "gc",
    platform: "linux/amd64",
  };
}

/** `GET /api`: the core group's versions. */
export function coreApiVersions(serverAddress: string): Record<string, unknown> {
  return {
    kind: "APIVersions",
    versions: ["v1"],
    serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress }],
  };
}

/**
 * The named groups served: the self-review resources every authenticated user may create (`kubectl auth
 * can-i`, `kubectl auth whoami`), and the custom resource definitions, read-only and none, which kubectl
 * lists before it says a kind is unknown (`no matches for kind`).
 */
const NAMED_GROUPS = [
  {
    group: "apiextensions.k8s.io",
    resource: "customresourcedefinitions",
    kind: "CustomResourceDefinition",
    verbs: ["get", "list"],
    shortNames: ["crd", "crds"],
  },
  {
    group: "authentication.k8s.io",
    resource: "selfsubjectreviews",
    kind: "SelfSubjectReview",
    verbs: ["create"],
    shortNames: [],
  },
  {
    group: "authorization.k8s.io",
    resource: "selfsubjectaccessreviews",
    kind: "SelfSubjectAccessReview",
    verbs: ["create"],
    shortNames: [],
  },
] as const;

function groupDocument(group: string): Record<string, unknown> {
  const version = { groupVersion: `${group}/v1`, version: "v1" };
  return { name: group, versions: [version], preferredVersion: version };
}

/** `GET /apis`: the named groups. */
export function apiGroupList(): Record<string, unknown> {
  return {
    kind: "APIGroupList",
    apiVersion: "v1",
    groups: NAMED_GROUPS.map(({ group }) => groupDocument(group)),
  };
}

/** `GET /apis/<group>` and `GET /apis/<group>/v1`, or undefined for a group not served. */
export function namedGroupDocument(path: string): Record<string, unknown> | undefined {
  for (const { group, resource, kind, verbs, shortNames } of NAMED_GROUPS) {
    if (path === `/apis/${group}`) return { kind: "APIGroup", apiVersion: "v1", ...groupDocument(group) };
    if (path === `/apis/${group}/v1`) {
      return {
        kind: "APIResourceList",
        apiVersion: "v1",
        groupVersion: `${group}/v1`,
        resources: [
          {
            name: resource,
            singularName: resource.slice(0, -1),
            namespaced: false,
            kind,
            verbs: [...verbs],
            ...(shortNames.length > 0 ? { shortNames: [...shortNames] } : {}),
          },
        ],
      };
    }
  }
  return undefined;
}

/** `GET /api/v1`: the resources of the core group, from the kind table. */
export function coreV1ResourceList(): Record<string, unknown> {
  return {
    kind: "APIResourceList",
    groupVersion: "v1",
    resources: RESOURCE_KINDS.map((kind) => ({
      name: kind.plural,
      singularName: kind.singular,
      namespaced: kind.namespaced,
      kind: kind.kind,
      verbs: [...SERVED_VERBS],
      ...(kind.shortNames.length > 0 ? { shortNames: [...kind.shortNames] } : {}),
    })),
  };
}
