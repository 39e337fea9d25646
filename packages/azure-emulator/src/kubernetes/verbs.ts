/**
 * What each Kubernetes verb does to a cluster's object store, one function per verb over every kind:
 * reads honour label and field selectors, `limit`/`continue` and Table output; writes honour `dryRun`,
 * resourceVersion preconditions and the kind's admission rules.
 */
import type { KubeObject } from "./kube-object";
import { isJsonObject } from "./kube-object";
import type { ClusterObjectStore, ObjectLocation } from "./object-store";
import { patchFunctionFor } from "./patch";
import type { ProtoMessage } from "./protobuf";
import { decodeKubernetesProtobuf, KUBERNETES_PROTOBUF } from "./protobuf";
import { apiVersionOf, RESOURCE_KINDS } from "./resource-kinds";
import type { ResourceRequest } from "./requests";
import { parseFieldSelector, parseLabelSelector } from "./selectors";
import { statusObject, kubernetesErrors } from "./status";
import { tableOf, wantsTable } from "./table";

/** What a verb works on. */
export interface VerbInput {
  readonly store: ClusterObjectStore;
  readonly request: ResourceRequest;
  readonly url: URL;
  readonly body: Buffer;
  readonly contentType: string | undefined;
  readonly accept: string | undefined;
  readonly nowMs: number;
}

/** A reply: HTTP status and JSON body. */
export interface VerbReply {
  readonly status: number;
  readonly body: unknown;
}

const locationOf = (request: ResourceRequest): ObjectLocation => ({
  kind: request.kind,
  namespace: request.namespace,
});
const isDryRun = (url: URL): boolean => url.searchParams.getAll("dryRun").includes("All");

/** `meta.k8s.io/v1` DeleteOptions, as kubectl may send them in protobuf. */
const DELETE_OPTIONS_LAYOUT: ProtoMessage = {
  fields: {
    1: { name: "gracePeriodSeconds", type: "int" },
    2: {
      name: "preconditions",
      type: {
        fields: { 1: { name: "uid", type: "string" }, 2: { name: "resourceVersion", type: "string" } },
      },
    },
    4: { name: "propagationPolicy", type: "string" },
    5: { name: "dryRun", type: "string", repeated: true },
  },
};

function protobufLayoutOf(kind: string): ProtoMessage | undefined {
  if (kind === "DeleteOptions") return DELETE_OPTIONS_LAYOUT;
  return RESOURCE_KINDS.find((candidate) => candidate.kind === kind)?.protobuf;
}

/** Reads a JSON or Kubernetes-protobuf body; other media types get 415 Unsupported Media Type. */
function parseJsonBody(body: Buffer, contentType: string | undefined): unknown {
  const mediaType = (contentType ?? "application/json").split(";")[0]?.trim().toLowerCase() ?? "";
  if (mediaType === KUBERNETES_PROTOBUF) return decodeKubernetesProtobuf(body, protobufLayoutOf);
  if (mediaType !== "application/json" && !mediaType.endsWith("+json")) {
    throw kubernetesErrors.unsupportedMediaType(mediaType);
  }
  if (body.length === 0) throw kubernetesErrors.badRequest("the request body is empty");
  try {
    return JSON.parse(body.toString("utf8"));
  } catch {
    throw kubernetesErrors.badRequest("the request body is not valid JSON");
  }
}

/** Reads an object body, checking its kind and namespace against the URL's, as the API server does. */
function parseObjectBody(input: VerbInput): KubeObject {
  const parsed = parseJsonBody(input.body, input.contentType);
  if (!isJsonObject(parsed)) throw kubernetesErrors.badRequest("the request body must be a JSON object");
  const metadata = parsed.metadata ?? {};
  if (!isJsonObject(metadata)) throw kubernetesErrors.badRequest("metadata must be an object");
  const { kind, namespace, name } = input.request;
  if (parsed.kind !== undefined && parsed.kind !== kind.kind) {
    throw kubernetesErrors.badRequest(
      `the kind in the body (${String(parsed.kind)}) does not match ${kind.kind}`,
    );
  }
  // An empty namespace means unset (protobuf bodies always carry the field).
  if (kind.namespaced && metadata.namespace && metadata.namespace !== namespace) {
    throw kubernetesErrors.badRequest(
      "the namespace of the provided object does not match the namespace sent on the request",
    );
  }
  if (name !== undefined && metadata.name && metadata.name !== name) {
    throw kubernetesErrors.badRequest(
      `the name of the object (${String(metadata.name)}) does not match the name on the URL (${name})`,
    );
  }
  return { ...parsed, metadata: { ...metadata } } as KubeObject;
}

/** The objects a list or deletecollection selects. */
function selected(input: VerbInput): KubeObject[] {
  const { kind } = input.request;
  const labels = parseLabelSelector(input.url.searchParams.get("labelSelector"));
  const fieldNames = ["metadata.name", "metadata.namespace", ...Object.keys(kind.selectableFields)];
  const fields = parseFieldSelector(input.url.searchParams.get("fieldSelector"), fieldNames);
  return input.store.list(locationOf(input.request)).filter((object) => {
    const values: Record<string, string | undefined> = {
      "metadata.name": object.metadata.name,
      "metadata.namespace": object.metadata.namespace ?? "",
    };
    for (const [field, read] of Object.entries(kind.selectableFields)) values[field] = read(object);
    return labels(object.metadata.labels ?? {}) && fields(values);
  });
}

/** `limit` and `continue`: an opaque offset token, as opaque as the API server's. */
function pageOf(objects: KubeObject[], url: URL): { items: KubeObject[]; continueToken?: string } {
  const limit = Number(url.searchParams.get("limit") ?? "0");
  const token = url.searchParams.get("continue");
  let offset = 0;
  if (token) {
    const decoded = Number(Buffer.from(token, "base64url").toString("utf8"));
    if (!Number.isInteger(decoded) || decoded < 0)
      throw kubernetesErrors.badRequest("invalid continue token");
    offset = decoded;
  }
  if (!Number.isInteger(limit) || limit <= 0) return { items: objects.slice(offset) };
  const end = offset + limit;
  return end < objects.length
    ? { items: objects.slice(offset, end), continueToken: Buffer.from(String(end)).toString("base64url") }
    : { items: objects.slice(offset) };
}

/** A `<Kind>List`; its items carry no apiVersion/kind, as the API server writes them. */
function listOf(input: VerbInput, objects: KubeObject[]): Record<string, unknown> {
  const { items, continueToken } = pageOf(objects, input.url);
  const resourceVersion = input.store.currentResourceVersion();
  if (wantsTable(input.accept)) return tableOf(input.request.kind, items, resourceVersion, input.nowMs);
  return {
    kind: `${input.request.kind.kind}List`,
    apiVersion: apiVersionOf(input.request.kind),
    metadata: { resourceVersion, ...(continueToken ? { continue: continueToken } : {}) },
    items: items.map(({ apiVersion: _apiVersion, kind: _kind, ...item }) => item),
  };
}

function deletedReply(input: VerbInput, deleted: KubeObject): VerbReply {
  const { kind } = input.request;
  if (kind.deletedView) return { status: 200, body: kind.deletedView(deleted) };
  return {
    status: 200,
    body: statusObject("Success", 200, undefined, undefined, {
      name: deleted.metadata.name,
      kind: kind.plural,
      uid: deleted.metadata.uid,
    }),
  };
}

function itemName(input: VerbInput): string {
  return input.request.name ?? "";
}

/** Every served verb. */
export const VERBS: Readonly<Record<string, (input: VerbInput) => VerbReply>> = {
  get(input) {
    const object = input.store.get(locationOf(input.request), itemName(input));
    if (wantsTable(input.accept)) {
      return {
        status: 200,
        body: tableOf(input.request.kind, [object], input.store.currentResourceVersion(), input.nowMs),
      };
    }
    return { status: 200, body: object };
  },
  list(input) {
    if (["true", "1"].includes(input.url.searchParams.get("watch") ?? "")) {
      throw kubernetesErrors.methodNotAllowed("watch");
    }
    return { status: 200, body: listOf(input, selected(input)) };
  },
  create(input) {
    const created = input.store.create(locationOf(input.request), parseObjectBody(input), {
      dryRun: isDryRun(input.url),
    });
    return { status: 201, body: created };
  },
  update(input) {
    const replaced = input.store.replace(locationOf(input.request), itemName(input), parseObjectBody(input), {
      dryRun: isDryRun(input.url),
    });
    return { status: 200, body: replaced };
  },
  patch(input) {
    const apply = patchFunctionFor(input.contentType);
    const location = locationOf(input.request);
    const current = input.store.get(location, itemName(input));
    const patched = apply(current, parseJsonBody(input.body, input.contentType));
    if (!isJsonObject(patched) || !isJsonObject(patched.metadata)) {
      throw kubernetesErrors.badRequest("the patched object must keep its metadata");
    }
    const replaced = input.store.replace(location, itemName(input), patched as KubeObject, {
      dryRun: isDryRun(input.url),
    });
    return { status: 200, body: replaced };
  },
  delete(input) {
    const options = input.body.length > 0 ? parseJsonBody(input.body, input.contentType) : {};
    const preconditions =
      isJsonObject(options) && isJsonObject(options.preconditions) ? options.preconditions : {};
    const deleted = input.store.delete(
      locationOf(input.request),
      itemName(input),
      {
        uid: typeof preconditions.uid === "string" ? preconditions.uid : undefined,
        resourceVersion:
          typeof preconditions.resourceVersion === "string" ? preconditions.resourceVersion : undefined,
      },
      { dryRun: isDryRun(input.url) },
    );
    return deletedReply(input, deleted);
  },
  deletecollection(input) {
    const doomed = selected(input);
    for (const object of doomed) {
      input.store.delete(
        { kind: input.request.kind, namespace: object.metadata.namespace },
        object.metadata.name ?? "",
        {},
        { dryRun: isDryRun(input.url) },
      );
    }
    return { status: 200, body: listOf(input, doomed) };
  },
};
