/**
 * One cluster's objects with API-server semantics: uid, creationTimestamp and a cluster-wide increasing
 * resourceVersion set by the server; optimistic concurrency on updates; a write that changes nothing
 * keeps the object's resourceVersion; namespaced objects only in namespaces that exist; a deleted
 * namespace goes through `Terminating` (its content removed, then the namespace itself, as the namespace
 * controller does); and a log of change events that watches replay and follow.
 */
import { randomBytes, randomUUID } from "node:crypto";
import type { KubeObject } from "./kube-object";
import { kubeTimestamp } from "./kube-object";
import { managedFieldsAfterUpdate } from "./managed-fields";
import type { ResourceKind } from "./resource-kinds";
import { apiVersionOf, NAMESPACES, RESOURCE_KINDS, validateName } from "./resource-kinds";
import { kubernetesErrors } from "./status";

/** Where an object lives: its kind, and its namespace for namespaced kinds. */
export interface ObjectLocation {
  readonly kind: ResourceKind;
  /** Required for namespaced kinds; ignored otherwise. */
  readonly namespace?: string;
}

/** Conditions a delete must meet (`DeleteOptions.preconditions`). */
export interface DeletePreconditions {
  readonly uid?: string;
  readonly resourceVersion?: string;
}

/** Serializable state of one cluster's objects. */
export interface ObjectStoreState {
  readonly resourceVersion: number;
  readonly objects: readonly KubeObject[];
}

/** A change, as a watch reports it. */
export interface StoreEvent {
  readonly type: "ADDED" | "MODIFIED" | "DELETED";
  /** The object after the change (for DELETED: as it was, with the deletion's resourceVersion). */
  readonly object: KubeObject;
  /** The object before a MODIFIED (to tell when it leaves a watch's selector). */
  readonly previous?: KubeObject;
  readonly resourceVersion: number;
  /** The kind's plural (`secrets`). */
  readonly plural: string;
}

/** Namespaces every AKS cluster starts with. */
export const INITIAL_NAMESPACES = ["default", "kube-node-lease", "kube-public", "kube-system"] as const;

/** Options shared by writes. */
export interface WriteOptions {
  /** Admit and answer without storing, as `?dryRun=All` does. */
  readonly dryRun?: boolean;
  /**
   * The field manager of a create, update or non-apply patch: its `Update` entry in `managedFields`
   * records what it changed. Absent: the object's `managedFields` are stored as given (server-side apply
   * computed them).
   */
  readonly manager?: string;
}

/** How many events watches can resume from; an older resourceVersion answers 410 Expired. */
const EVENT_LOG_SIZE = 1000;
/**
 * How long a deleted namespace stays `Terminating` once its content is gone, in Azure seconds (scaled
 * like every duration): the namespace controller's pass, a few seconds on AKS for an empty namespace
 * (**Unconfirmed**: it grows with what the namespace holds).
 */
export const NAMESPACE_FINALIZE_SEC = 5;

/** `metadata` members the server owns: a write cannot change them, and they do not make a change. */
const SERVER_METADATA = ["resourceVersion", "managedFields"] as const;

function withoutServerMetadata(object: KubeObject): KubeObject {
  const metadata = { ...object.metadata };
  for (const member of SERVER_METADATA) delete metadata[member];
  return { ...object, metadata };
}

/** Deep equality of JSON values, ignoring member order. */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keysA = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const keysB = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (keysA.length !== keysB.length) return false;
  return keysA.every((k) => sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** One cluster's object store. */
export class ClusterObjectStore {
  /** Objects keyed by `<plural>/<namespace>/<name>` (namespace empty for cluster-scoped kinds). */
  private readonly objects = new Map<string, KubeObject>();
  private resourceVersion = 1;
  private readonly events: StoreEvent[] = [];
  private readonly listeners = new Set<(event: StoreEvent) => void>();
  private readonly timers = new Set<NodeJS.Timeout>();

  /**
   * @param now - the clock (epoch ms)
   * @param namespaceFinalizeMs - how long a deleted namespace stays Terminating @default 1000
   */
  constructor(
    private readonly now: () => number,
    private readonly namespaceFinalizeMs: () => number = () => 1000,
  ) {
    for (const name of INITIAL_NAMESPACES) this.create({ kind: NAMESPACES }, { metadata: { name } });
  }

  /** The latest resourceVersion, reported on lists. */
  currentResourceVersion(): string {
    return String(this.resourceVersion);
  }

  /** Calls `listener` for every change from now on; returns how to stop. */
  subscribe(listener: (event: StoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * The events after `resourceVersion`, oldest first; `expired` when the log no longer reaches back
   * that far (the watch must list again, as after a 410 from a real server).
   */
  eventsAfter(resourceVersion: number): StoreEvent[] | "expired" {
    const oldest = this.events[0];
    if (oldest && resourceVersion < oldest.resourceVersion - 1) return "expired";
    if (!oldest && resourceVersion < this.resourceVersion - 1) return "expired";
    return this.events.filter((event) => event.resourceVersion > resourceVersion);
  }

  get(location: ObjectLocation, name: string): KubeObject {
    const found = this.objects.get(keyOf(location, name));
    if (!found) throw kubernetesErrors.notFound(location.kind.plural, name);
    return structuredClone(found);
  }

  /** Objects of a kind, in one namespace or all, ordered by namespace then name (etcd key order). */
  list(location: ObjectLocation): KubeObject[] {
    const prefix =
      location.kind.namespaced && location.namespace ? keyOf(location, "") : `${location.kind.plural}/`;
    return [...this.objects.entries()]
      .filter(([key]) => key.startsWith(prefix))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, object]) => structuredClone(object));
  }

  /** Creates an object: 409 AlreadyExists when the name is taken, 404 when its namespace is missing. */
  create(location: ObjectLocation, input: KubeObject, options: WriteOptions = {}): KubeObject {
    const { kind } = location;
    const name = input.metadata.name || generatedName(input.metadata.generateName);
    if (!name)
      throw kubernetesErrors.invalid(
        kind.kind,
        "",
        "metadata.name",
        "Required value: name or generateName is required",
      );
    validateName(kind, name);
    this.requireNamespace(location, name);
    const key = keyOf(location, name);
    if (this.objects.has(key)) throw kubernetesErrors.alreadyExists(kind.plural, name);
    const admitted = kind.admit(
      {
        ...input,
        apiVersion: apiVersionOf(kind),
        kind: kind.kind,
        metadata: {
          ...input.metadata,
          name,
          ...(kind.namespaced ? { namespace: location.namespace } : {}),
          uid: randomUUID(),
          creationTimestamp: kubeTimestamp(this.now()),
        },
      },
      undefined,
    );
    return this.store(key, this.withManagedFields(admitted, undefined, options), undefined, kind, options);
  }

  /**
   * Replaces an object (PUT and the result of PATCH). 404 when missing; 409 Conflict when the input
   * carries a resourceVersion other than the stored one. Identity fields stay the server's; a replace
   * that changes nothing answers the object as it was, resourceVersion included.
   */
  replace(location: ObjectLocation, name: string, input: KubeObject, options: WriteOptions = {}): KubeObject {
    const previous = this.get(location, name);
    const given = input.metadata.resourceVersion;
    if (given !== undefined && given !== "" && given !== previous.metadata.resourceVersion) {
      throw kubernetesErrors.conflict(location.kind.plural, name);
    }
    const admitted = location.kind.admit(
      {
        ...input,
        apiVersion: apiVersionOf(location.kind),
        kind: location.kind.kind,
        metadata: {
          ...input.metadata,
          name,
          ...(location.kind.namespaced ? { namespace: location.namespace } : {}),
          uid: previous.metadata.uid,
          creationTimestamp: previous.metadata.creationTimestamp,
          ...(previous.metadata.deletionTimestamp !== undefined
            ? { deletionTimestamp: previous.metadata.deletionTimestamp }
            : {}),
        },
      },
      previous,
    );
    if (sameJson(withoutServerMetadata(admitted), withoutServerMetadata(previous))) return previous;
    const managed = this.withManagedFields(admitted, previous, options);
    return this.store(keyOf(location, name), managed, previous, location.kind, options);
  }

  /**
   * Deletes an object (a namespace: starts terminating it); returns the object as the delete answers it.
   */
  delete(
    location: ObjectLocation,
    name: string,
    preconditions: DeletePreconditions = {},
    options: WriteOptions = {},
  ): KubeObject {
    const previous = this.get(location, name);
    if (location.kind === NAMESPACES && (INITIAL_NAMESPACES as readonly string[]).includes(name)) {
      throw kubernetesErrors.protectedNamespace(name);
    }
    if (
      (preconditions.uid !== undefined && preconditions.uid !== previous.metadata.uid) ||
      (preconditions.resourceVersion !== undefined &&
        preconditions.resourceVersion !== previous.metadata.resourceVersion)
    ) {
      throw kubernetesErrors.conflict(location.kind.plural, name);
    }
    if (location.kind === NAMESPACES) return this.terminateNamespace(previous, options);
    if (options.dryRun) return previous;
    return this.remove(location, previous);
  }

  toState(): ObjectStoreState {
    return { resourceVersion: this.resourceVersion, objects: structuredClone([...this.objects.values()]) };
  }

  loadState(state: ObjectStoreState): void {
    this.objects.clear();
    this.events.length = 0;
    this.resourceVersion = state.resourceVersion;
    for (const object of structuredClone(state.objects)) {
      const kind = RESOURCE_KINDS.find((candidate) => candidate.kind === object.kind);
      if (kind)
        this.objects.set(
          keyOf({ kind, namespace: object.metadata.namespace }, object.metadata.name ?? ""),
          object,
        );
    }
    // A namespace saved while terminating finishes now: its controller's pass was lost with the process.
    for (const namespace of this.list({ kind: NAMESPACES })) {
      if (namespace.metadata.deletionTimestamp !== undefined)
        this.finalizeNamespace(namespace.metadata.name ?? "");
    }
  }

  /** Stops pending namespace finalizations (the cluster is closing). */
  dispose(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.listeners.clear();
  }

  /**
   * Marks a namespace `Terminating` (deletionTimestamp set, phase Terminating), removes what it holds,
   * then the namespace itself shortly after, as kube-apiserver and the namespace controller do. A
   * namespace already terminating answers 409, as a real server does.
   */
  private terminateNamespace(namespace: KubeObject, options: WriteOptions): KubeObject {
    const name = namespace.metadata.name ?? "";
    if (namespace.metadata.deletionTimestamp !== undefined) throw kubernetesErrors.namespaceTerminating(name);
    const terminating: KubeObject = {
      ...namespace,
      metadata: { ...namespace.metadata, deletionTimestamp: kubeTimestamp(this.now()) },
      status: { ...(namespace.status as object | undefined), phase: "Terminating" },
    };
    if (options.dryRun) return terminating;
    const stored = this.store(keyOf({ kind: NAMESPACES }, name), terminating, namespace, NAMESPACES, {});
    for (const kind of RESOURCE_KINDS.filter((candidate) => candidate.namespaced)) {
      for (const object of this.list({ kind, namespace: name }))
        this.remove({ kind, namespace: name }, object);
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.finalizeNamespace(name);
    }, this.namespaceFinalizeMs());
    timer.unref();
    this.timers.add(timer);
    return stored;
  }

  private finalizeNamespace(name: string): void {
    const namespace = this.objects.get(keyOf({ kind: NAMESPACES }, name));
    if (namespace) this.remove({ kind: NAMESPACES }, namespace);
  }

  private remove(location: ObjectLocation, previous: KubeObject): KubeObject {
    this.objects.delete(keyOf(location, previous.metadata.name ?? ""));
    this.resourceVersion += 1;
    const deleted: KubeObject = {
      ...previous,
      metadata: { ...previous.metadata, resourceVersion: String(this.resourceVersion) },
    };
    this.emit({
      type: "DELETED",
      object: deleted,
      resourceVersion: this.resourceVersion,
      plural: location.kind.plural,
    });
    return previous;
  }

  private requireNamespace(location: ObjectLocation, name: string): void {
    if (!location.kind.namespaced) return;
    const namespaceName = location.namespace ?? "";
    const namespace = this.objects.get(keyOf({ kind: NAMESPACES }, namespaceName));
    if (!namespace) throw kubernetesErrors.notFound("namespaces", namespaceName);
    if (namespace.metadata.deletionTimestamp !== undefined) {
      throw kubernetesErrors.namespaceTerminatingForNewContent(location.kind.plural, name, namespaceName);
    }
  }

  /** The object with its `managedFields` after a write by `options.manager` (when it is one). */
  private withManagedFields(
    object: KubeObject,
    previous: KubeObject | undefined,
    options: WriteOptions,
  ): KubeObject {
    if (options.manager === undefined) return object;
    const managedFields = managedFieldsAfterUpdate(previous, object, options.manager, this.now());
    return { ...object, metadata: { ...object.metadata, managedFields } };
  }

  private store(
    key: string,
    object: KubeObject,
    previous: KubeObject | undefined,
    kind: ResourceKind,
    options: WriteOptions,
  ): KubeObject {
    const stored: KubeObject = {
      ...object,
      metadata: { ...object.metadata, resourceVersion: String(this.resourceVersion + 1) },
    };
    if (options.dryRun) return stored;
    this.resourceVersion += 1;
    this.objects.set(key, structuredClone(stored));
    this.emit({
      type: previous ? "MODIFIED" : "ADDED",
      object: stored,
      ...(previous ? { previous } : {}),
      resourceVersion: this.resourceVersion,
      plural: kind.plural,
    });
    return stored;
  }

  private emit(event: StoreEvent): void {
    const kept = structuredClone(event);
    this.events.push(kept);
    if (this.events.length > EVENT_LOG_SIZE) this.events.shift();
    for (const listener of this.listeners) listener(kept);
  }
}

function keyOf(location: ObjectLocation, name: string): string {
  return `${location.kind.plural}/${location.kind.namespaced ? (location.namespace ?? "") : ""}/${name}`;
}

/** `generateName` plus five random lowercase alphanumerics, as the API server does. */
function generatedName(prefix: string | undefined): string | undefined {
  if (!prefix) return undefined;
  const alphabet = "bcdfghjklmnpqrstvwxz2456789";
  const suffix = [...randomBytes(5)].map((byte) => alphabet[byte % alphabet.length]).join("");
  return `${prefix}${suffix}`;
}
