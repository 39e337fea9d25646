/**
 * What each Kubernetes verb does to a cluster's object store, one function per verb over every kind:
 * reads honour label and field selectors, `limit`/`continue`, Table output and `watch`; writes honour
 * `dryRun`, `fieldManager` (managedFields), `fieldValidation`, resourceVersion preconditions and the
 * kind's admission rules; PATCH takes JSON Patch, merge patch, strategic merge patch and server-side
 * apply (`application/apply-patch+yaml`, conflicts answered 409 unless `force=true`).
 */
import type { ServerResponse } from "node:http";
import { parse as parseYaml } from "yaml";
import type { KubeObject } from "./kube-object";
import { isJsonObject } from "./kube-object";
import { applyConfiguration, managerOf } from "./managed-fields";
import type { ClusterObjectStore, ObjectLocation } from "./object-store";
import { patchFunctionFor, APPLY_PATCH } from "./patch";
import type { ProtoMessage } from "./protobuf";
import { decodeKubernetesProtobuf, KUBERNETES_PROTOBUF } from "./protobuf";
import { apiVersionOf, OBJECT_META_FIELDS, RESOURCE_KINDS, type ResourceKind } from "./resource-kinds";
import type { ResourceRequest } from "./requests";
import { parseFieldSelector, parseLabelSelector } from "./selectors";
import { statusObject, kubernetesErrors, isKubernetesStatusError } from "./status";
import { tableOf, wantsTable } from "./table";
import { serveWatch } from "./watch";

/** What a verb works on. */
export interface VerbInput {
  readonly store: ClusterObjectStore;
  readonly request: ResourceRequest;
  readonly url: URL;
  readonly body: Buffer;
  readonly contentType: string | undefined;
  readonly accept: string | undefined;
  readonly userAgent: string | undefined;
  readonly nowMs: number;
  readonly clock: () => number;
}

/** A reply: HTTP status and JSON body, with `Warning` headers; or a stream (watch). */
export type VerbReply =
  | {
      readonly status: number;
      readonly body: unknown;
      /** `Warning: 299 - "…"` headers (unknown fields under `fieldValidation=Warn`). */
      readonly warnings?: readonly string[];
    }
  | { readonly stream: (res: ServerResponse) => void };

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

/**
 * Unknown fields of an object, per `fieldValidation`: `Strict` refuses them (400, as kube-apiserver's
 * strict decoding does), `Warn` (the default) drops them with a warning, `Ignore` drops them silently.
 */
function validateFields(
  kind: ResourceKind,
  object: KubeObject,
  url: URL,
): { object: KubeObject; warnings: string[] } {
  const directive = url.searchParams.get("fieldValidation") ?? "Warn";
  if (!["Strict", "Warn", "Ignore"].includes(directive)) {
    throw kubernetesErrors.badRequest(
      `fieldValidation must be one of "Ignore", "Warn" or "Strict", not "${directive}"`,
    );
  }
  const unknown = [
    ...Object.keys(object).filter((key) => !kind.fields.includes(key)),
    ...Object.keys(object.metadata)
      .filter((key) => !(OBJECT_META_FIELDS as readonly string[]).includes(key))
      .map((key) => `metadata.${key}`),
  ];
  if (unknown.length === 0) return { object, warnings: [] };
  if (directive === "Strict") {
    throw kubernetesErrors.badRequest(
      `${kind.kind} in version "v1" cannot be handled as a ${kind.kind}: strict decoding error: ${unknown.map((f) => `unknown field "${f}"`).join(", ")}`,
    );
  }
  const cleaned: KubeObject = { ...object, metadata: { ...object.metadata } };
  for (const field of unknown) {
    if (field.startsWith("metadata.")) delete cleaned.metadata[field.slice("metadata.".length)];
    else delete cleaned[field];
  }
  return {
    object: cleaned,
    warnings: directive === "Warn" ? unknown.map((f) => `unknown field "${f}"`) : [],
  };
}

/** Checks an object body's kind and namespace against the URL's, as the API server does. */
function checkIdentity(parsed: Record<string, unknown>, input: VerbInput): KubeObject {
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

/** Reads an object body and checks its identity and fields. */
function parseObjectBody(input: VerbInput): { object: KubeObject; warnings: string[] } {
  const parsed = parseJsonBody(input.body, input.contentType);
  if (!isJsonObject(parsed)) throw kubernetesErrors.badRequest("the request body must be a JSON object");
  return validateFields(input.request.kind, checkIdentity(parsed, input), input.url);
}

/** The objects a list or deletecollection selects, and the predicate (for watches). */
function selectorOf(input: VerbInput): (object: KubeObject) => boolean {
  const { kind } = input.request;
  const labels = parseLabelSelector(input.url.searchParams.get("labelSelector"));
  const fieldNames = ["metadata.name", "metadata.namespace", ...Object.keys(kind.selectableFields)];
  const fields = parseFieldSelector(input.url.searchParams.get("fieldSelector"), fieldNames);
  return (object) => {
    const values: Record<string, string | undefined> = {
      "metadata.name": object.metadata.name,
      "metadata.namespace": object.metadata.namespace ?? "",
    };
    for (const [field, read] of Object.entries(kind.selectableFields)) values[field] = read(object);
    return labels(object.metadata.labels ?? {}) && fields(values);
  };
}

function selected(input: VerbInput): KubeObject[] {
  return input.store.list(locationOf(input.request)).filter(selectorOf(input));
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
  if (kind.deleteAnswersObject) return { status: 200, body: deleted };
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

const manager = (input: VerbInput): string =>
  managerOf(input.url.searchParams.get("fieldManager"), input.userAgent);

/**
 * Server-side apply: the configuration (YAML or JSON) sets what it names, as `fieldManager`; the object
 * is created when missing (201).
 */
function apply(input: VerbInput): VerbReply {
  const fieldManager = input.url.searchParams.get("fieldManager");
  if (!fieldManager) {
    throw kubernetesErrors.invalid(
      "PatchOptions",
      "",
      "fieldManager",
      "Required value: is required for apply patch",
    );
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(input.body.toString("utf8"));
  } catch {
    throw kubernetesErrors.badRequest(
      "error decoding YAML: the apply configuration is not valid YAML or JSON",
    );
  }
  if (!isJsonObject(parsed)) throw kubernetesErrors.badRequest("the apply configuration must be an object");
  if (parsed.apiVersion !== "v1")
    throw kubernetesErrors.badRequest(`apiVersion must be "v1" for ${input.request.kind.kind}`);
  if (parsed.kind === undefined) throw kubernetesErrors.badRequest("kind must be set");
  const { object: configuration, warnings } = validateFields(
    input.request.kind,
    checkIdentity(parsed, input),
    input.url,
  );
  const location = locationOf(input.request);
  const name = itemName(input);
  let current: KubeObject | undefined;
  try {
    current = input.store.get(location, name);
  } catch (error) {
    if (!(isKubernetesStatusError(error) && error.code === 404)) throw error;
  }
  const applied = applyConfiguration({
    current,
    configuration: (input.request.kind.appliedFields ?? ((c: KubeObject) => c))({
      ...configuration,
      metadata: { ...configuration.metadata, name },
    }),
    manager: fieldManager,
    force: input.url.searchParams.get("force") === "true",
    resource: input.request.kind.plural,
    nowMs: input.nowMs,
  });
  const options = { dryRun: isDryRun(input.url) };
  if (current) return { status: 200, body: input.store.replace(location, name, applied, options), warnings };
  return { status: 201, body: input.store.create(location, applied, options), warnings };
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
      const timeout = input.url.searchParams.get("timeoutSeconds");
      return {
        stream: (res) =>
          serveWatch(res, input.store, {
            kind: input.request.kind,
            ...(input.request.namespace !== undefined ? { namespace: input.request.namespace } : {}),
            matches: selectorOf(input),
            resourceVersion: input.url.searchParams.get("resourceVersion"),
            timeoutSeconds: timeout === null ? null : Number(timeout),
            asTable: wantsTable(input.accept),
            nowMs: input.clock,
          }),
      };
    }
    return { status: 200, body: listOf(input, selected(input)) };
  },
  create(input) {
    const { object, warnings } = parseObjectBody(input);
    const created = input.store.create(locationOf(input.request), object, {
      dryRun: isDryRun(input.url),
      manager: manager(input),
    });
    return { status: 201, body: created, warnings };
  },
  update(input) {
    const { object, warnings } = parseObjectBody(input);
    const replaced = input.store.replace(locationOf(input.request), itemName(input), object, {
      dryRun: isDryRun(input.url),
      manager: manager(input),
    });
    return { status: 200, body: replaced, warnings };
  },
  patch(input) {
    const mediaType = (input.contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
    if (mediaType === APPLY_PATCH) return apply(input);
    const patchWith = patchFunctionFor(input.contentType);
    const location = locationOf(input.request);
    const current = input.store.get(location, itemName(input));
    const patched = patchWith(current, parseJsonBody(input.body, input.contentType));
    if (!isJsonObject(patched) || !isJsonObject(patched.metadata)) {
      throw kubernetesErrors.badRequest("the patched object must keep its metadata");
    }
    const { object, warnings } = validateFields(input.request.kind, patched as KubeObject, input.url);
    const replaced = input.store.replace(location, itemName(input), object, {
      dryRun: isDryRun(input.url),
      manager: manager(input),
    });
    return { status: 200, body: replaced, warnings };
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
