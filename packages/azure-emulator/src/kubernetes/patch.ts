/**
 * The patch formats `kubectl` and `@kubernetes/client-node` send: JSON merge patch (RFC 7386), strategic
 * merge patch (maps merge as in a merge patch; its directives `$patch`, `$retainKeys`,
 * `$deleteFromPrimitiveList/…` and `$setElementOrder/…` are honoured; the merge lists of the served kinds,
 * `metadata.finalizers` and `metadata.ownerReferences`, merge instead of being replaced — "Update API
 * Objects in Place Using kubectl patch",
 * https://kubernetes.io/docs/tasks/manage-kubernetes-objects/update-api-object-kubectl-patch/), and JSON
 * Patch (RFC 6902, client-node's default). Server-side apply (`application/apply-patch+yaml`) is the
 * verbs' own.
 */
import { isJsonObject } from "./kube-object";
import { kubernetesErrors } from "./status";

/** RFC 7386: objects merge recursively, `null` removes, anything else replaces. */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isJsonObject(patch)) return structuredClone(patch);
  const result: Record<string, unknown> = isJsonObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = applyMergePatch(result[key], value);
  }
  return result;
}

interface JsonPatchOperation {
  readonly op: string;
  readonly path: string;
  readonly from?: string;
  readonly value?: unknown;
}

/** `/a/b~1c` → `["a", "b/c"]` (RFC 6901). */
function pointerTokens(pointer: string): string[] {
  if (pointer === "") return [];
  if (!pointer.startsWith("/")) throw kubernetesErrors.patchFailed(`invalid JSON pointer: ${pointer}`);
  return pointer
    .slice(1)
    .split("/")
    .map((token) => token.replace(/~1/g, "/").replace(/~0/g, "~"));
}

type Container = Record<string, unknown> | unknown[];

/** The parent container of a pointer and the last token. */
function locate(document: unknown, pointer: string): { parent: Container; key: string } {
  const tokens = pointerTokens(pointer);
  const key = tokens.pop();
  if (key === undefined) throw kubernetesErrors.patchFailed("a JSON Patch cannot replace the whole object");
  let node: unknown = document;
  for (const token of tokens) {
    node = Array.isArray(node) ? node[Number(token)] : isJsonObject(node) ? node[token] : undefined;
    if (node === undefined) throw kubernetesErrors.patchFailed(`path ${pointer} does not exist`);
  }
  if (!Array.isArray(node) && !isJsonObject(node))
    throw kubernetesErrors.patchFailed(`path ${pointer} does not exist`);
  return { parent: node, key };
}

function read(document: unknown, pointer: string): unknown {
  const { parent, key } = locate(document, pointer);
  const value = Array.isArray(parent) ? parent[Number(key)] : parent[key];
  if (value === undefined) throw kubernetesErrors.patchFailed(`path ${pointer} does not exist`);
  return value;
}

function remove(document: unknown, pointer: string): void {
  read(document, pointer);
  const { parent, key } = locate(document, pointer);
  if (Array.isArray(parent)) parent.splice(Number(key), 1);
  else delete parent[key];
}

function add(document: unknown, pointer: string, value: unknown): void {
  const { parent, key } = locate(document, pointer);
  if (!Array.isArray(parent)) {
    parent[key] = structuredClone(value);
    return;
  }
  const index = key === "-" ? parent.length : Number(key);
  if (!Number.isInteger(index) || index < 0 || index > parent.length) {
    throw kubernetesErrors.patchFailed(`index out of range at ${pointer}`);
  }
  parent.splice(index, 0, structuredClone(value));
}

/** RFC 6902 on a copy of `target`; a failing operation (including `test`) refuses the whole patch. */
export function applyJsonPatch(target: unknown, patch: unknown): unknown {
  if (!Array.isArray(patch)) throw kubernetesErrors.badRequest("a JSON Patch must be an array of operations");
  const document = structuredClone(target);
  for (const entry of patch as JsonPatchOperation[]) {
    if (!isJsonObject(entry) || typeof entry.path !== "string") {
      throw kubernetesErrors.badRequest("each JSON Patch operation needs an op and a path");
    }
    switch (entry.op) {
      case "add":
        add(document, entry.path, entry.value);
        break;
      case "remove":
        remove(document, entry.path);
        break;
      case "replace":
        remove(document, entry.path);
        add(document, entry.path, entry.value);
        break;
      case "move": {
        const value = read(document, entry.from ?? "");
        remove(document, entry.from ?? "");
        add(document, entry.path, value);
        break;
      }
      case "copy":
        add(document, entry.path, read(document, entry.from ?? ""));
        break;
      case "test":
        if (JSON.stringify(read(document, entry.path)) !== JSON.stringify(entry.value)) {
          throw kubernetesErrors.patchFailed(`test operation failed at ${entry.path}`);
        }
        break;
      default:
        throw kubernetesErrors.badRequest(`unknown JSON Patch operation: ${String(entry.op)}`);
    }
  }
  return document;
}

/** The media type of server-side apply. */
export const APPLY_PATCH = "application/apply-patch+yaml";

/** Lists that merge under a strategic merge patch: path → merge key (`undefined`: primitive values). */
const MERGE_LISTS: ReadonlyMap<string, string | undefined> = new Map([
  ["metadata.finalizers", undefined],
  ["metadata.ownerReferences", "uid"],
]);

function mergeList(current: unknown, patch: unknown[], key: string | undefined): unknown[] {
  const base = Array.isArray(current) ? [...(current as unknown[])] : [];
  for (const item of patch) {
    const index =
      key === undefined
        ? base.findIndex((existing) => JSON.stringify(existing) === JSON.stringify(item))
        : base.findIndex(
            (existing) => isJsonObject(existing) && isJsonObject(item) && existing[key] === item[key],
          );
    if (index < 0) base.push(structuredClone(item));
    else if (key !== undefined) base[index] = applyMergePatch(base[index], item);
  }
  return base;
}

/** A strategic merge patch (see the module comment); `undefined` when a `$patch: delete` removes it all. */
export function applyStrategicMergePatch(
  target: unknown,
  patch: unknown,
  path: readonly string[] = [],
): unknown {
  if (!isJsonObject(patch)) return structuredClone(patch);
  if (patch.$patch === "delete") return undefined;
  const { $patch: directive, $retainKeys: retainKeys, ...members } = patch;
  if (directive === "replace") return structuredClone(members);
  const result: Record<string, unknown> = isJsonObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(members)) {
    if (key.startsWith("$setElementOrder/")) continue;
    if (key.startsWith("$deleteFromPrimitiveList/")) {
      const field = key.slice("$deleteFromPrimitiveList/".length);
      const doomed = Array.isArray(value) ? value.map((v) => JSON.stringify(v)) : [];
      if (Array.isArray(result[field])) {
        result[field] = (result[field] as unknown[]).filter((v) => !doomed.includes(JSON.stringify(v)));
      }
      continue;
    }
    const childPath = [...path, key].join(".");
    if (value === null) delete result[key];
    else if (Array.isArray(value) && MERGE_LISTS.has(childPath)) {
      result[key] = mergeList(result[key], value, MERGE_LISTS.get(childPath));
    } else if (isJsonObject(value)) {
      const merged = applyStrategicMergePatch(result[key], value, [...path, key]);
      if (merged === undefined) delete result[key];
      else result[key] = merged;
    } else result[key] = structuredClone(value);
  }
  if (Array.isArray(retainKeys)) {
    for (const key of Object.keys(result)) if (!retainKeys.includes(key)) delete result[key];
  }
  return result;
}

/** The patch function for a request's `Content-Type`; 415 for unknown types. */
export function patchFunctionFor(
  contentType: string | undefined,
): (target: unknown, patch: unknown) => unknown {
  const mediaType = (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  if (mediaType === "application/json-patch+json") return applyJsonPatch;
  if (mediaType === "application/merge-patch+json") return applyMergePatch;
  if (mediaType === "application/strategic-merge-patch+json") {
    return (target, patch) => applyStrategicMergePatch(target, patch) ?? {};
  }
  throw kubernetesErrors.unsupportedMediaType(mediaType || "(none)");
}
