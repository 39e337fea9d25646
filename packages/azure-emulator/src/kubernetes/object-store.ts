/**
 * One cluster's objects with API-server semantics: uid, creationTimestamp and a cluster-wide increasing
 * resourceVersion set by the server; optimistic concurrency on updates; namespaced objects only in
 * namespaces that exist, and removed with their namespace.
 */
import { randomBytes, randomUUID } from "node:crypto";
import type { KubeObject } from "./kube-object";
import { kubeTimestamp } from "./kube-object";
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

/** Namespaces every AKS cluster starts with. */
export const INITIAL_NAMESPACES = ["default", "kube-node-lease", "kube-public", "kube-system"] as const;

/** Options shared by writes: `dryRun` admits and answers without storing, as `?dryRun=All` does. */
export interface WriteOptions {
  readonly dryRun?: boolean;
}

/** One cluster's object store. */
export class ClusterObjectStore {
  /** Objects keyed by `<plural>/<namespace>/<name>` (namespace empty for cluster-scoped kinds). */
  private readonly objects = new Map<string, KubeObject>();
  private resourceVersion = 1;

  constructor(private readonly now: () => number) {
    for (const name of INITIAL_NAMESPACES) this.create({ kind: NAMESPACES }, { metadata: { name } });
  }

  /** The latest resourceVersion, reported on lists. */
  currentResourceVersion(): string {
    return String(this.resourceVersion);
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
    this.requireNamespace(location);
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
    return this.store(key, admitted, options);
  }

  /**
   * Replaces an object (PUT and the result of PATCH). 404 when missing; 409 Conflict when the input
   * carries a resourceVersion other than the stored one. Identity fields stay the server's.
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
        },
      },
      previous,
    );
    return this.store(keyOf(location, name), admitted, options);
  }

  /** Deletes an object (and, for a namespace, everything in it); returns what was deleted. */
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
    if (options.dryRun) return previous;
    this.objects.delete(keyOf(location, name));
    if (location.kind === NAMESPACES) {
      for (const kind of RESOURCE_KINDS.filter((candidate) => candidate.namespaced)) {
        const prefix = keyOf({ kind, namespace: name }, "");
        for (const key of [...this.objects.keys()]) if (key.startsWith(prefix)) this.objects.delete(key);
      }
    }
    this.resourceVersion += 1;
    return previous;
  }

  toState(): ObjectStoreState {
    return { resourceVersion: this.resourceVersion, objects: structuredClone([...this.objects.values()]) };
  }

  loadState(state: ObjectStoreState): void {
    this.objects.clear();
    this.resourceVersion = state.resourceVersion;
    for (const object of structuredClone(state.objects)) {
      const kind = RESOURCE_KINDS.find((candidate) => candidate.kind === object.kind);
      if (kind)
        this.objects.set(
          keyOf({ kind, namespace: object.metadata.namespace }, object.metadata.name ?? ""),
          object,
        );
    }
  }

  private requireNamespace(location: ObjectLocation): void {
    if (!location.kind.namespaced) return;
    const namespace = location.namespace ?? "";
    if (!this.objects.has(keyOf({ kind: NAMESPACES }, namespace)))
      throw kubernetesErrors.notFound("namespaces", namespace);
  }

  private store(key: string, object: KubeObject, options: WriteOptions): KubeObject {
    const stored: KubeObject = {
      ...object,
      metadata: { ...object.metadata, resourceVersion: String(this.resourceVersion + 1) },
    };
    if (options.dryRun) return stored;
    this.resourceVersion += 1;
    this.objects.set(key, structuredClone(stored));
    return stored;
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
