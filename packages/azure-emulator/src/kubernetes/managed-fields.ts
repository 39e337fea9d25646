/**
 * Field management, as kube-apiserver keeps it in `metadata.managedFields`: which manager set which
 * field, by `Update` (create, update, patch) or by `Apply` (server-side apply), and what server-side
 * apply does with it — sets the fields of the applied configuration, removes those the same manager
 * applied before and no longer does, and refuses (409 Conflict) to change a field another manager owns
 * unless forced ("Server-Side Apply", https://kubernetes.io/docs/reference/using-api/server-side-apply/).
 *
 * Fields are leaf paths of the object: each key of a map (`data.<key>`, `metadata.labels.<key>`), a list
 * as a whole (`spec.finalizers`), a scalar. Identity and server-set metadata, `apiVersion`, `kind` and
 * `status` are nobody's. Field sets are written in the `FieldsV1` form (`{"f:data":{"f:key":{}}}`).
 */
import type { KubeObject } from "./kube-object";
import { isJsonObject, kubeTimestamp } from "./kube-object";
import { kubernetesErrors } from "./status";

type FieldPath = readonly string[];

/** One `metadata.managedFields` entry. */
export interface ManagedFieldsEntry {
  manager: string;
  operation: "Apply" | "Update";
  apiVersion: string;
  time: string;
  fieldsType: "FieldsV1";
  fieldsV1: Record<string, unknown>;
}

const UNOWNED_TOP = new Set(["apiVersion", "kind", "status"]);
const UNOWNED_METADATA = new Set([
  "name",
  "namespace",
  "uid",
  "resourceVersion",
  "generation",
  "creationTimestamp",
  "deletionTimestamp",
  "deletionGracePeriodSeconds",
  "managedFields",
  "selfLink",
  "generateName",
]);

/** Every field (leaf path) an object, or an applied configuration, sets. */
export function fieldPathsOf(object: KubeObject): FieldPath[] {
  const paths: FieldPath[] = [];
  const walk = (value: unknown, path: string[]): void => {
    if (isJsonObject(value) && Object.keys(value).length > 0) {
      for (const [key, child] of Object.entries(value)) {
        if (child === undefined || child === null) continue;
        if (path.length === 0 && UNOWNED_TOP.has(key)) continue;
        if (path.length === 1 && path[0] === "metadata" && UNOWNED_METADATA.has(key)) continue;
        walk(child, [...path, key]);
      }
      return;
    }
    if (path.length > 0) paths.push(path);
  };
  walk(object, []);
  return paths;
}

const keyOf = (path: FieldPath): string => path.join("\u0000");

function valueAt(object: unknown, path: FieldPath): unknown {
  let node: unknown = object;
  for (const segment of path) {
    if (!isJsonObject(node)) return undefined;
    node = node[segment];
  }
  return node;
}

function setAt(object: Record<string, unknown>, path: FieldPath, value: unknown): void {
  let node = object;
  for (const segment of path.slice(0, -1)) {
    if (!isJsonObject(node[segment])) node[segment] = {};
    node = node[segment] as Record<string, unknown>;
  }
  node[path.at(-1) ?? ""] = structuredClone(value);
}

function deleteAt(object: Record<string, unknown>, path: FieldPath): void {
  const parents: Record<string, unknown>[] = [];
  let node: unknown = object;
  for (const segment of path.slice(0, -1)) {
    if (!isJsonObject(node)) return;
    parents.push(node);
    node = node[segment];
  }
  if (!isJsonObject(node)) return;
  delete node[path.at(-1) ?? ""];
  // Drop maps the removal left empty (a label map without labels is no map at all).
  for (let i = parents.length - 1; i >= 0; i--) {
    const parent = parents[i] as Record<string, unknown>;
    const key = path[i] ?? "";
    if (isJsonObject(parent[key]) && Object.keys(parent[key] as object).length === 0) delete parent[key];
  }
}

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** `FieldsV1` of a set of paths. */
export function fieldsV1Of(paths: readonly FieldPath[]): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const path of paths) {
    let node = root;
    for (const segment of path) {
      const key = `f:${segment}`;
      node[key] ??= {};
      node = node[key] as Record<string, unknown>;
    }
  }
  return root;
}

/** The paths a `FieldsV1` holds. */
export function pathsOfFieldsV1(fields: unknown, prefix: string[] = []): FieldPath[] {
  if (!isJsonObject(fields) || Object.keys(fields).length === 0) return prefix.length > 0 ? [prefix] : [];
  return Object.entries(fields).flatMap(([key, child]) =>
    key.startsWith("f:") ? pathsOfFieldsV1(child, [...prefix, key.slice(2)]) : [],
  );
}

function entriesOf(object: KubeObject | undefined): ManagedFieldsEntry[] {
  const entries = object?.metadata.managedFields;
  return Array.isArray(entries) ? (structuredClone(entries) as ManagedFieldsEntry[]) : [];
}

function entry(
  manager: string,
  operation: ManagedFieldsEntry["operation"],
  paths: readonly FieldPath[],
  nowMs: number,
): ManagedFieldsEntry {
  return {
    manager,
    operation,
    apiVersion: "v1",
    time: kubeTimestamp(nowMs),
    fieldsType: "FieldsV1",
    fieldsV1: fieldsV1Of(paths),
  };
}

/** Entries with `paths` taken away (their owner lost them); entries left without fields are dropped. */
function without(entries: readonly ManagedFieldsEntry[], paths: ReadonlySet<string>): ManagedFieldsEntry[] {
  return entries
    .map((e) => {
      const kept = pathsOfFieldsV1(e.fieldsV1).filter((p) => !paths.has(keyOf(p)));
      return { ...e, fieldsV1: fieldsV1Of(kept) };
    })
    .filter((e) => Object.keys(e.fieldsV1).length > 0);
}

/**
 * `metadata.managedFields` after a create, update or non-apply patch by `manager`: it owns what it
 * changed or added; fields it removed are nobody's. A write that changes nothing changes nothing here.
 */
export function managedFieldsAfterUpdate(
  previous: KubeObject | undefined,
  next: KubeObject,
  manager: string,
  nowMs: number,
): ManagedFieldsEntry[] {
  const before = new Map(fieldPathsOf(previous ?? { metadata: {} }).map((p) => [keyOf(p), p]));
  const after = fieldPathsOf(next);
  const changed = after.filter(
    (p) => !before.has(keyOf(p)) || !sameJson(valueAt(previous, p), valueAt(next, p)),
  );
  const afterKeys = new Set(after.map(keyOf));
  const removed = [...before.values()].filter((p) => !afterKeys.has(keyOf(p)));
  const entries = entriesOf(previous);
  if (changed.length === 0 && removed.length === 0) return entries;
  const taken = new Set([...changed, ...removed].map(keyOf));
  const others = without(
    entries.filter((e) => !(e.manager === manager && e.operation === "Update")),
    taken,
  );
  const mine = entries.find((e) => e.manager === manager && e.operation === "Update");
  const kept = mine ? pathsOfFieldsV1(mine.fieldsV1).filter((p) => afterKeys.has(keyOf(p))) : [];
  const owned = new Map([...kept, ...changed].map((p) => [keyOf(p), p]));
  return owned.size === 0 ? others : [...others, entry(manager, "Update", [...owned.values()], nowMs)];
}

/**
 * Server-side apply of `configuration` by `manager` onto `current` (undefined: the object does not
 * exist yet). Returns the object to store, `managedFields` included.
 * @throws KubernetesStatusError 409 Conflict naming each field another manager owns with another value,
 *   unless `force`
 */
export function applyConfiguration(options: {
  readonly current: KubeObject | undefined;
  readonly configuration: KubeObject;
  readonly manager: string;
  readonly force: boolean;
  readonly resource: string;
  readonly nowMs: number;
}): KubeObject {
  const { current, configuration, manager, force, resource, nowMs } = options;
  const applied = fieldPathsOf(configuration);
  const appliedKeys = new Set(applied.map(keyOf));
  const entries = entriesOf(current);
  const mine = entries.find((e) => e.manager === manager && e.operation === "Apply");
  const others = entries.filter((e) => e !== mine);
  const ownersOf = (path: FieldPath): ManagedFieldsEntry[] =>
    others.filter((e) => pathsOfFieldsV1(e.fieldsV1).some((p) => keyOf(p) === keyOf(path)));

  const differing = applied.filter(
    (p) =>
      current !== undefined &&
      valueAt(current, p) !== undefined &&
      !sameJson(valueAt(current, p), valueAt(configuration, p)),
  );
  const conflicts = differing.flatMap((p) =>
    ownersOf(p).map((owner) => ({ manager: owner.manager, field: `.${p.join(".")}` })),
  );
  if (conflicts.length > 0 && !force) {
    throw kubernetesErrors.applyConflict(resource, configuration.metadata.name ?? "", conflicts);
  }

  const result = structuredClone(
    current ?? {
      apiVersion: configuration.apiVersion,
      kind: configuration.kind,
      metadata: {
        name: configuration.metadata.name,
        ...(configuration.metadata.namespace ? { namespace: configuration.metadata.namespace } : {}),
      },
    },
  ) as KubeObject;
  for (const path of applied) setAt(result, path, valueAt(configuration, path));
  // Fields this manager applied before and no longer does go, unless someone else owns them too.
  for (const path of mine ? pathsOfFieldsV1(mine.fieldsV1) : []) {
    if (!appliedKeys.has(keyOf(path)) && ownersOf(path).length === 0) deleteAt(result, path);
  }
  // Changed values move to this manager (forced); equal values are shared.
  const managedFields = [
    ...without(others, new Set(differing.map(keyOf))),
    entry(manager, "Apply", applied, nowMs),
  ];
  result.metadata = { ...result.metadata, managedFields };
  return result;
}

/** The manager of a non-apply write: `fieldManager`, else the client's user agent up to its first `/`. */
export function managerOf(fieldManager: string | null, userAgent: string | undefined): string {
  if (fieldManager) return fieldManager;
  const prefix = (userAgent ?? "").split("/")[0]?.trim();
  return prefix && prefix.length > 0 ? prefix : "unknown";
}
