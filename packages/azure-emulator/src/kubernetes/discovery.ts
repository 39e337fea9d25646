/**
 * The discovery documents clients read before anything else: `/version`, `/api`, `/api/v1` and `/apis`.
 * `kubectl` maps `ns`, `secret`, `secrets` to URLs from these; it asks for aggregated discovery first and
 * falls back to these plain documents when the reply's content type says that is what it got.
 */
import { RESOURCE_KINDS, SERVED_VERBS, type ResourceKind } from "./resource-kinds";

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

/** The API groups beyond the core one among `kinds`, each with its versions. */
function groupsOf(kinds: readonly ResourceKind[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const kind of kinds.filter((candidate) => candidate.group !== "")) {
    const versions = groups.get(kind.group) ?? [];
    if (!versions.includes(kind.version)) versions.push(kind.version);
    groups.set(kind.group, versions);
  }
  return groups;
}

/** `GET /apis/<group>` and `GET /apis/<group>/v1`, or undefined for a group not served. */
export function namedGroupDocument(path: string): Record<string, unknown> | undefined {
  for (const { group, resource, kind, verbs, shortNames } of NAMED_GROUPS) {
    if (path === `/apis/${group}`) return { kind: "APIGroup", apiVersion: "v1", ...apiGroup(group, ["v1"]) };
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

/** An `APIGroup` document. */
function apiGroup(name: string, versions: readonly string[]): Record<string, unknown> {
  const forms = versions.map((version) => ({ groupVersion: `${name}/${version}`, version }));
  return { name, versions: forms, preferredVersion: forms[0] };
}

/** `GET /apis`: the named groups every cluster serves, then those its add-ons' kinds bring. */
export function apiGroupList(kinds: readonly ResourceKind[]): Record<string, unknown> {
  return {
    kind: "APIGroupList",
    apiVersion: "v1",
    groups: [
      ...NAMED_GROUPS.map(({ group }) => apiGroup(group, ["v1"])),
      ...[...groupsOf(kinds)].map(([name, versions]) => apiGroup(name, versions)),
    ],
  };
}

/** `GET /apis/<group>`: one group an add-on's kinds bring, or undefined. */
export function apiGroupDocument(
  kinds: readonly ResourceKind[],
  group: string,
): Record<string, unknown> | undefined {
  const versions = groupsOf(kinds).get(group);
  return versions ? { kind: "APIGroup", apiVersion: "v1", ...apiGroup(group, versions) } : undefined;
}

/** `GET /api/v1` or `GET /apis/<group>/<version>`: the served resources of a group version, or undefined. */
export function resourceList(
  kinds: readonly ResourceKind[],
  group: string,
  version: string,
): Record<string, unknown> | undefined {
  const members = kinds.filter((kind) => kind.group === group && kind.version === version);
  if (members.length === 0) return undefined;
  return {
    kind: "APIResourceList",
    groupVersion: group === "" ? version : `${group}/${version}`,
    resources: members.map((kind) => ({
      name: kind.plural,
      singularName: kind.singular,
      namespaced: kind.namespaced,
      kind: kind.kind,
      verbs: [...SERVED_VERBS],
      ...(kind.shortNames.length > 0 ? { shortNames: [...kind.shortNames] } : {}),
    })),
  };
}

/** `GET /api/v1`: the resources of the core group, from the kind table. */
export function coreV1ResourceList(): Record<string, unknown> {
  return resourceList(RESOURCE_KINDS, "", "v1")!;
}
