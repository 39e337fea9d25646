/**
 * Turns an API path and method into what the request means: which kind, namespace and name, and the
 * Kubernetes verb (`get`, `list`, `create`, `update`, `patch`, `delete`, `deletecollection`).
 */
import type { ResourceKind } from "./resource-kinds";
import { kindAt } from "./resource-kinds";
import { kubernetesErrors } from "./status";

/** A request for objects of one kind. */
export interface ResourceRequest {
  readonly kind: ResourceKind;
  /** The namespace in the URL, for namespaced kinds; absent lists across namespaces. */
  readonly namespace?: string;
  /** The object's name, for item requests. */
  readonly name?: string;
  readonly verb: string;
}

const COLLECTION_VERBS: Readonly<Record<string, string>> = {
  GET: "list",
  POST: "create",
  DELETE: "deletecollection",
};
const ITEM_VERBS: Readonly<Record<string, string>> = {
  GET: "get",
  PUT: "update",
  PATCH: "patch",
  DELETE: "delete",
};

/**
 * Parses `/api/v1/<plural>[/<name>]` (cluster-scoped kinds, or a cross-namespace list) and
 * `/api/v1/namespaces/<ns>/<plural>[/<name>]`, and the same under `/apis/<group>/<version>` for the
 * add-ons' kinds. Returns undefined for paths no kind serves.
 */
export function parseResourceRequest(method: string, path: string, url?: URL): ResourceRequest | undefined {
  const segments = path.replace(/\/+$/, "").split("/").slice(1).map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (segments[0] === "api" && segments[1] === "v1") [group, version, rest] = ["", "v1", segments.slice(2)];
  else if (segments[0] === "apis" && segments.length >= 4)
    [group, version, rest] = [segments[1] ?? "", segments[2] ?? "", segments.slice(3)];
  else return undefined;
  let located: { kind: ResourceKind; namespace?: string; name?: string } | undefined;
  if (rest[0] === "namespaces" && rest.length >= 3) {
    const kind = kindAt(group, version, rest[2] ?? "");
    if (kind?.namespaced && rest.length <= 4) located = { kind, namespace: rest[1], name: rest[3] };
  } else if (rest.length >= 1 && rest.length <= 2) {
    const kind = kindAt(group, version, rest[0] ?? "");
    // A namespaced kind has no item URL outside its namespace, only the cross-namespace list.
    if (kind && (!kind.namespaced || rest.length === 1)) located = { kind, name: rest[1] };
  }
  if (!located) return undefined;
  const verb = (located.name === undefined ? COLLECTION_VERBS : ITEM_VERBS)[method];
  if (!verb) throw kubernetesErrors.methodNotAllowed(method);
  // A list with `watch=true` is the `watch` verb, for authorization as for the server.
  const watching = verb === "list" && ["true", "1"].includes(url?.searchParams.get("watch") ?? "");
  return { ...located, verb: watching ? "watch" : verb };
}
