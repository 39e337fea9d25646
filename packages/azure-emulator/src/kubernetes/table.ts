/**
 * `meta.k8s.io/v1` Table replies: `kubectl get` asks for them (`Accept: …;as=Table;…`) and prints the
 * server's columns. Columns come from the kind table; every kind gets `Name` first and `Age` last.
 */
import type { KubeObject } from "./kube-object";
import type { ResourceKind } from "./resource-kinds";

/** True when the `Accept` header asks for a Table. */
export function wantsTable(accept: string | undefined): boolean {
  return /;\s*as=Table/i.test(accept ?? "");
}

/** kubectl's short age format: `45s`, `12m`, `5h`, `3d`. */
export function humanAge(elapsedMs: number): string {
  const seconds = Math.max(0, Math.floor(elapsedMs / 1000));
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 120) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h`;
  return `${Math.floor(hours / 24)}d`;
}

/** A Table of `objects` with each row's object as `PartialObjectMetadata`, as kubectl requests by default. */
export function tableOf(
  kind: ResourceKind,
  objects: readonly KubeObject[],
  resourceVersion: string,
  nowMs: number,
): Record<string, unknown> {
  const age = (object: KubeObject): string =>
    humanAge(nowMs - Date.parse(object.metadata.creationTimestamp ?? new Date(nowMs).toISOString()));
  return {
    kind: "Table",
    apiVersion: "meta.k8s.io/v1",
    metadata: { resourceVersion },
    columnDefinitions: [
      { name: "Name", type: "string", format: "name", description: "Name of the object", priority: 0 },
      ...kind.columns.map((column) => ({
        name: column.name,
        type: column.type,
        format: column.format ?? "",
        description: column.description,
        priority: 0,
      })),
      { name: "Age", type: "string", format: "", description: "Time since creation", priority: 0 },
    ],
    rows: objects.map((object) => ({
      cells: [object.metadata.name ?? "", ...kind.columns.map((column) => column.cell(object)), age(object)],
      object: { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: object.metadata },
    })),
  };
}
