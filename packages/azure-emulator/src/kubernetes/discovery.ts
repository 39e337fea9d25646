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

/** `GET /apis`: no named groups are served. */
export function apiGroupList(): Record<string, unknown> {
  return { kind: "APIGroupList", apiVersion: "v1", groups: [] };
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
