/**
 * The emulated Kubernetes API server: one object store per AKS cluster. Each request passes, in order:
 * health and version endpoints (public, as on a real server), authentication (401), discovery, the
 * resource route, authorization (403), then the verb.
 */
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ClusterInfo, DataPlaneContext, KubernetesApi } from "../dataplane";
import { authenticateCaller, authorizeCaller } from "./access";
import {
  apiGroupDocument,
  apiGroupList,
  coreApiVersions,
  coreV1ResourceList,
  resourceList,
  versionDocument,
} from "./discovery";
import { addOnOf, RESOURCE_KINDS, type ResourceKind } from "./resource-kinds";
import type { ObjectStoreState } from "./object-store";
import { ClusterObjectStore } from "./object-store";
import { parseResourceRequest } from "./requests";
import { isKubernetesStatusError, kubernetesErrors } from "./status";
import type { VerbReply } from "./verbs";
import { VERBS } from "./verbs";

/** Serializable state: every cluster with its admin token and objects. */
export interface KubernetesApiState {
  readonly clusters: readonly {
    readonly info: ClusterInfo;
    readonly adminToken: string;
    readonly objects: ObjectStoreState;
  }[];
}

interface ClusterEntry {
  info: ClusterInfo;
  readonly store: ClusterObjectStore;
}

/** The kinds a cluster serves: the core group's, and its enabled add-ons'. */
function servedKinds(info: ClusterInfo): ResourceKind[] {
  return RESOURCE_KINDS.filter((kind) => {
    const addOn = addOnOf(kind);
    return addOn === undefined || (info.addOns ?? []).includes(addOn);
  });
}

/** Health endpoints answer `ok` as plain text to anyone, like kube-apiserver's. */
const HEALTH_PATHS = new Set(["/healthz", "/livez", "/readyz"]);

/**
 * Builds the Kubernetes API on the core's context. Cluster ids match case-insensitively. `close` forgets
 * a cluster's objects (a deleted AKS cluster's API server and etcd are gone); `open` on a known cluster
 * only updates its settings. Admin tokens are random per cluster and kept in snapshots.
 */
export function createKubernetesApi(ctx: DataPlaneContext): KubernetesApi {
  const clusters = new Map<string, ClusterEntry>();
  const adminTokens = new Map<string, string>();

  const adminToken = (clusterId: string): string => {
    const key = clusterId.toLowerCase();
    let token = adminTokens.get(key);
    if (!token) {
      token = randomBytes(32).toString("hex");
      adminTokens.set(key, token);
    }
    return token;
  };

  const serve = (
    clusterId: string,
    req: IncomingMessage,
    path: string,
    url: URL,
    body: Buffer,
  ): VerbReply => {
    const cluster = clusters.get(clusterId.toLowerCase());
    if (!cluster) throw kubernetesErrors.noSuchPath();
    const normalizedPath = path.replace(/\/+$/, "") || "/";
    if (normalizedPath === "/version") return { status: 200, body: versionDocument() };
    const caller = authenticateCaller(ctx, cluster.info, adminToken(clusterId), req.headers.authorization);
    const served = servedKinds(cluster.info);
    switch (normalizedPath) {
      case "/api":
        return { status: 200, body: coreApiVersions(req.headers.host ?? "") };
      case "/api/v1":
        return { status: 200, body: coreV1ResourceList() };
      case "/apis":
        return { status: 200, body: apiGroupList(served) };
    }
    const groupPath = /^\/apis\/([^/]+)(?:\/([^/]+))?$/.exec(normalizedPath);
    if (groupPath && req.method === "GET") {
      const [, group = "", version] = groupPath;
      const document =
        version === undefined ? apiGroupDocument(served, group) : resourceList(served, group, version);
      if (!document) throw kubernetesErrors.noSuchPath();
      return { status: 200, body: document };
    }
    // Everything else, /openapi/v2 and /openapi/v3 included, is a resource URL or a 404 as on a server
    // that does not serve it; kubectl then skips client-side schema checks. An add-on's kind is served
    // only while the add-on is enabled, as its CRD exists only then.
    const request = parseResourceRequest(req.method ?? "GET", normalizedPath);
    if (!request || !served.includes(request.kind)) throw kubernetesErrors.noSuchPath();
    authorizeCaller(ctx, cluster.info, caller, {
      verb: request.verb,
      resource: request.kind.plural,
      namespace: request.namespace,
      name: request.name,
    });
    const verb = VERBS[request.verb];
    if (!verb) throw kubernetesErrors.methodNotAllowed(req.method ?? "");
    return verb({
      store: cluster.store,
      request,
      url,
      body,
      contentType: req.headers["content-type"],
      accept: req.headers.accept,
      nowMs: ctx.now(),
    });
  };

  return {
    open(cluster) {
      const existing = clusters.get(cluster.id.toLowerCase());
      if (existing) existing.info = cluster;
      else
        clusters.set(cluster.id.toLowerCase(), {
          info: cluster,
          store: new ClusterObjectStore(() => ctx.now()),
        });
    },
    close(clusterId) {
      clusters.delete(clusterId.toLowerCase());
      adminTokens.delete(clusterId.toLowerCase());
    },
    handle(clusterId) {
      return (req, res, path, url, body) => {
        if (HEALTH_PATHS.has(path.replace(/\/+$/, ""))) {
          res.writeHead(200, { "Content-Type": "text/plain; charset=utf-8" }).end("ok");
          return;
        }
        try {
          writeJson(res, serve(clusterId, req, path, url, body));
        } catch (error) {
          const refusal = isKubernetesStatusError(error) ? error : kubernetesErrors.internal();
          writeJson(res, { status: refusal.code, body: refusal.toStatus() });
        }
      };
    },
    adminToken,
    snapshot(): KubernetesApiState {
      return {
        clusters: [...clusters.values()].map((entry) => ({
          info: entry.info,
          adminToken: adminToken(entry.info.id),
          objects: entry.store.toState(),
        })),
      };
    },
    restore(state) {
      clusters.clear();
      adminTokens.clear();
      for (const saved of readState(state).clusters) {
        const store = new ClusterObjectStore(() => ctx.now());
        store.loadState(saved.objects);
        clusters.set(saved.info.id.toLowerCase(), { info: saved.info, store });
        adminTokens.set(saved.info.id.toLowerCase(), saved.adminToken);
      }
    },
    reset() {
      clusters.clear();
      adminTokens.clear();
    },
  };
}

/** A copy of a snapshot without secret data or admin tokens, for admin dumps and logs. */
export function redactKubernetesState(state: KubernetesApiState): KubernetesApiState {
  return {
    clusters: state.clusters.map((cluster) => ({
      ...cluster,
      adminToken: "<redacted>",
      objects: {
        ...cluster.objects,
        objects: cluster.objects.objects.map((object) =>
          object.kind === "Secret" && object.data && typeof object.data === "object"
            ? {
                ...object,
                data: Object.fromEntries(Object.keys(object.data).map((key) => [key, "<redacted>"])),
              }
            : object,
        ),
      },
    })),
  };
}

/** A snapshot, or no clusters for a state file saved without this API's part (`undefined`). */
function readState(state: unknown): KubernetesApiState {
  if (state === undefined || state === null) return { clusters: [] };
  if (
    typeof state === "object" &&
    state !== null &&
    Array.isArray((state as { clusters?: unknown }).clusters)
  ) {
    return state as KubernetesApiState;
  }
  throw new TypeError("not a Kubernetes API snapshot: expected { clusters: [...] }");
}

function writeJson(res: ServerResponse, reply: VerbReply): void {
  res.writeHead(reply.status, { "Content-Type": "application/json" }).end(JSON.stringify(reply.body));
}
