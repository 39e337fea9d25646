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
  namedGroupDocument,
  resourceList,
  versionDocument,
} from "./discovery";
import { addOnOf, RESOURCE_KINDS, type ResourceKind } from "./resource-kinds";
import type { ObjectStoreState } from "./object-store";
import { ClusterObjectStore, NAMESPACE_FINALIZE_SEC } from "./object-store";
import { openApiV2, openApiV3CoreV1, openApiV3Root } from "./openapi";
import { encodeOpenApiV2, OPENAPI_V2_PROTOBUF, OPENAPI_V2_PROTOBUF_REPLY } from "./openapi-v2-proto";
import { parseResourceRequest } from "./requests";
import { selfSubjectAccessReview, selfSubjectReview } from "./reviews";
import { isKubernetesStatusError, kubernetesErrors } from "./status";
import type { VerbReply } from "./verbs";
import { VERBS } from "./verbs";

/** A reply of the server: a verb's, or raw bytes of another media type (OpenAPI v2 in protobuf). */
type ServerReply =
  VerbReply | { readonly status: number; readonly raw: Buffer; readonly contentType: string };

const SELF_SUBJECT_ACCESS_REVIEWS = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews";
const SELF_SUBJECT_REVIEWS = "/apis/authentication.k8s.io/v1/selfsubjectreviews";
const CUSTOM_RESOURCE_DEFINITIONS = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";

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
  ): ServerReply => {
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
      case "/openapi/v2":
        return (req.headers.accept ?? "").includes(OPENAPI_V2_PROTOBUF)
          ? { status: 200, raw: encodeOpenApiV2(openApiV2()), contentType: OPENAPI_V2_PROTOBUF_REPLY }
          : { status: 200, body: openApiV2() };
      case "/openapi/v3":
        return { status: 200, body: openApiV3Root() };
      case "/openapi/v3/api/v1":
        return { status: 200, body: openApiV3CoreV1() };
      case SELF_SUBJECT_ACCESS_REVIEWS:
        if (req.method !== "POST") throw kubernetesErrors.methodNotAllowed(req.method ?? "");
        return {
          status: 201,
          body: selfSubjectAccessReview(ctx, cluster.info, caller, body, req.headers["content-type"]),
        };
      case SELF_SUBJECT_REVIEWS:
        if (req.method !== "POST") throw kubernetesErrors.methodNotAllowed(req.method ?? "");
        return { status: 201, body: selfSubjectReview(caller, body, req.headers["content-type"]) };
    }
    const groupDocument = namedGroupDocument(normalizedPath);
    if (groupDocument) return { status: 200, body: groupDocument };
    if (normalizedPath.startsWith(CUSTOM_RESOURCE_DEFINITIONS)) {
      return customResourceDefinitions(
        normalizedPath,
        req,
        url,
        () =>
          authorizeCaller(ctx, cluster.info, caller, {
            verb: normalizedPath === CUSTOM_RESOURCE_DEFINITIONS ? "list" : "get",
            resource: "customresourcedefinitions",
            group: "apiextensions.k8s.io",
          }),
        cluster.store.currentResourceVersion(),
        served.filter((kind) => addOnOf(kind) !== undefined),
      );
    }
    const addOnGroup = /^\/apis\/([^/]+)(?:\/([^/]+))?$/.exec(normalizedPath);
    if (addOnGroup && req.method === "GET") {
      const [, group = "", version] = addOnGroup;
      const document =
        version === undefined ? apiGroupDocument(served, group) : resourceList(served, group, version);
      if (!document) throw kubernetesErrors.noSuchPath();
      return { status: 200, body: document };
    }
    // Everything else is a resource URL, or a 404 as a real server answers for a group or kind it
    // does not have (kubectl then says `the server doesn't have a resource type`). An add-on's kind is
    // served only while the add-on is enabled, as its CRD exists only then.
    const request = parseResourceRequest(req.method ?? "GET", normalizedPath, url);
    if (!request || !served.includes(request.kind)) throw kubernetesErrors.noSuchPath();
    authorizeCaller(ctx, cluster.info, caller, {
      verb: request.verb,
      resource: request.kind.plural,
      namespace: request.namespace,
      name: request.name,
    });
    const verb = VERBS[request.verb === "watch" ? "list" : request.verb];
    if (!verb) throw kubernetesErrors.methodNotAllowed(req.method ?? "");
    return verb({
      store: cluster.store,
      request,
      url,
      body,
      contentType: req.headers["content-type"],
      accept: req.headers.accept,
      userAgent: req.headers["user-agent"],
      nowMs: ctx.now(),
      clock: () => ctx.now(),
    });
  };

  return {
    open(cluster) {
      const existing = clusters.get(cluster.id.toLowerCase());
      if (existing) existing.info = cluster;
      else
        clusters.set(cluster.id.toLowerCase(), {
          info: cluster,
          store: new ClusterObjectStore(
            () => ctx.now(),
            () => NAMESPACE_FINALIZE_SEC * 1000 * ctx.timeScale(),
          ),
        });
    },
    close(clusterId) {
      clusters.get(clusterId.toLowerCase())?.store.dispose();
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
          writeReply(res, serve(clusterId, req, path, url, body));
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
      for (const entry of clusters.values()) entry.store.dispose();
      clusters.clear();
      adminTokens.clear();
      for (const saved of readState(state).clusters) {
        const store = new ClusterObjectStore(
          () => ctx.now(),
          () => NAMESPACE_FINALIZE_SEC * 1000 * ctx.timeScale(),
        );
        store.loadState(saved.objects);
        clusters.set(saved.info.id.toLowerCase(), { info: saved.info, store });
        adminTokens.set(saved.info.id.toLowerCase(), saved.adminToken);
      }
    },
    reset() {
      for (const entry of clusters.values()) entry.store.dispose();
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

/** The CRD an enabled add-on installed for `kind`, as the API server answers it. */
function definitionOf(kind: ResourceKind): Record<string, unknown> {
  return {
    kind: "CustomResourceDefinition",
    apiVersion: "apiextensions.k8s.io/v1",
    metadata: { name: `${kind.plural}.${kind.group}` },
    spec: {
      group: kind.group,
      names: {
        plural: kind.plural,
        singular: kind.singular,
        kind: kind.kind,
        listKind: `${kind.kind}List`,
        ...(kind.shortNames.length > 0 ? { shortNames: [...kind.shortNames] } : {}),
      },
      scope: kind.namespaced ? "Namespaced" : "Cluster",
      versions: [{ name: kind.version, served: true, storage: true }],
    },
    status: { conditions: [{ type: "Established", status: "True" }] },
  };
}

/**
 * `customresourcedefinitions`, read-only: those of the cluster's enabled add-ons (none without one). A
 * list answers them (a Table for kubectl), an item it or 404, a watch a stream that stays quiet, anything
 * else 405.
 */
function customResourceDefinitions(
  path: string,
  req: IncomingMessage,
  url: URL,
  authorize: () => void,
  resourceVersion: string,
  addOnKinds: readonly ResourceKind[],
): ServerReply {
  if (req.method !== "GET") throw kubernetesErrors.methodNotAllowed(req.method ?? "");
  authorize();
  const definitions = addOnKinds.map(definitionOf);
  const nameOf = (definition: Record<string, unknown>) =>
    String((definition.metadata as { name: string }).name);
  if (path !== CUSTOM_RESOURCE_DEFINITIONS) {
    const name = decodeURIComponent(path.slice(CUSTOM_RESOURCE_DEFINITIONS.length + 1));
    const found = definitions.find((definition) => nameOf(definition) === name);
    if (!found) throw kubernetesErrors.notFound("customresourcedefinitions.apiextensions.k8s.io", name);
    return { status: 200, body: found };
  }
  if (["true", "1"].includes(url.searchParams.get("watch") ?? "")) {
    return {
      stream: (res) => {
        res.writeHead(200, { "Content-Type": "application/json", "Transfer-Encoding": "chunked" });
        const timeout = Number(url.searchParams.get("timeoutSeconds") ?? "1800");
        const timer = setTimeout(() => res.end(), timeout * 1000);
        timer.unref();
        res.on("close", () => clearTimeout(timer));
      },
    };
  }
  if (/;\s*as=Table/i.test(req.headers.accept ?? "")) {
    return {
      status: 200,
      body: {
        kind: "Table",
        apiVersion: "meta.k8s.io/v1",
        metadata: { resourceVersion },
        columnDefinitions: [
          { name: "Name", type: "string", format: "name", description: "Name of the object", priority: 0 },
          {
            name: "Created At",
            type: "date",
            format: "",
            description: "When the definition was created",
            priority: 0,
          },
        ],
        rows: definitions.map((definition) => ({
          cells: [nameOf(definition), ""],
          object: {
            kind: "PartialObjectMetadata",
            apiVersion: "meta.k8s.io/v1",
            metadata: definition.metadata,
          },
        })),
      },
    };
  }
  return {
    status: 200,
    body: {
      kind: "CustomResourceDefinitionList",
      apiVersion: "apiextensions.k8s.io/v1",
      metadata: { resourceVersion },
      items: definitions,
    },
  };
}

function writeReply(res: ServerResponse, reply: ServerReply): void {
  if ("stream" in reply) {
    reply.stream(res);
    return;
  }
  if ("raw" in reply) {
    res.writeHead(reply.status, { "Content-Type": reply.contentType }).end(reply.raw);
    return;
  }
  writeJson(res, reply);
}

function writeJson(
  res: ServerResponse,
  reply: { status: number; body: unknown; warnings?: readonly string[] },
): void {
  const headers: Record<string, string | string[]> = { "Content-Type": "application/json" };
  if (reply.warnings && reply.warnings.length > 0) {
    headers.Warning = reply.warnings.map((warning) => `299 - ${JSON.stringify(warning)}`);
  }
  res.writeHead(reply.status, headers).end(JSON.stringify(reply.body));
}
