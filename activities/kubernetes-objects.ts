/**
 * The one generic Kubernetes step: make one object on a cluster's API server match the plan — read it,
 * compare what the node owns, write only when that differs — for any kind, with per-kind knowledge as
 * data (`KUBERNETES_KINDS`). It reaches the API server with the server address and CA of the cluster's
 * user kubeconfig and a bearer token of the provisioner's own credential for the AKS AAD server
 * application: no admin certificate, nothing long-lived. The `kubernetesObject` nodes use it directly;
 * the `kubernetesSecret` step (`secret-propagation.ts`) uses it for its namespace and Secret.
 */
import type { KubernetesObject, KubernetesObjectApi } from "@kubernetes/client-node" with {
  "resolution-mode": "import",
};
import { AKS_AAD_SCOPE, type AzureClients } from "../lib/azure/clients";
import { AzureError, classifyAzureError, isNotFoundError } from "../lib/azure/errors";
import type { RbacPermissions, StepPermissions } from "../lib/azure/permissions";
import { parseResourceId } from "../lib/azure/resource-id";
import type {
  KubernetesObjectBody,
  KubernetesObjectDesired,
  KubernetesOwnership,
  PlanNode,
} from "../lib/plan/types";
import type { WriteAction, WriteDone } from "./contract";

/** How a field of an object is compared with the live one. */
export type FieldMatch =
  /** Equal as JSON (a Secret's `data`: a key no longer planned must disappear). */
  | "exact"
  /** Every value the plan sets is set alike; fields the server or an operator adds do not count. */
  | "subset";

/** What the generic step knows of one kind, beyond what discovery tells (its URL and scope). */
export interface KubernetesKind {
  /** Top-level fields the provisioner writes, and how each is compared. Labels are always a subset. */
  readonly compared: Readonly<Record<string, FieldMatch>>;
  /**
   * Whether the kind comes with an add-on (a CRD), so the API server may not serve it for a while after
   * the add-on is enabled: then a missing kind is worth waiting for rather than a failure.
   */
  readonly fromAddOn?: boolean;
  /**
   * The Azure RBAC for Kubernetes data actions reading, writing and deleting objects of the kind
   * (`get` ⇒ read; `create`, `update`, `patch` ⇒ write). Empty for an add-on's custom resources: no
   * exact data action names them, so the AKS RBAC Cluster Admin role the build assigns the provisioner on
   * the cluster is what lets it write them (docs/deploy.md#least-privilege).
   */
  readonly permissions: RbacPermissions;
}

const NAMESPACE_ACCESS: RbacPermissions = {
  // A namespace is only ever created when absent or labelled: never deleted.
  dataActions: [
    "Microsoft.ContainerService/managedClusters/namespaces/read",
    "Microsoft.ContainerService/managedClusters/namespaces/write",
  ],
};

/** Per kind (`<apiVersion>/<kind>`), what the generic step needs to know. Adding a kind is adding a row. */
export const KUBERNETES_KINDS: Readonly<Record<string, KubernetesKind>> = {
  "v1/Namespace": { compared: {}, permissions: NAMESPACE_ACCESS },
  "v1/Secret": {
    compared: { type: "exact", data: "exact" },
    permissions: {
      dataActions: [
        "Microsoft.ContainerService/managedClusters/secrets/read",
        "Microsoft.ContainerService/managedClusters/secrets/write",
        "Microsoft.ContainerService/managedClusters/secrets/delete",
      ],
    },
  },
  // Workload identity: the service account pods run as, annotated with the identity's client id.
  "v1/ServiceAccount": {
    compared: {},
    permissions: {
      dataActions: [
        "Microsoft.ContainerService/managedClusters/serviceaccounts/read",
        "Microsoft.ContainerService/managedClusters/serviceaccounts/write",
        "Microsoft.ContainerService/managedClusters/serviceaccounts/delete",
      ],
    },
  },
  // The application routing add-on's CRD (approuting.kubernetes.azure.com).
  "approuting.kubernetes.azure.com/v1alpha1/NginxIngressController": {
    compared: { spec: "subset" },
    fromAddOn: true,
    permissions: {},
  },
  // The Istio add-on's CRD (security.istio.io).
  "security.istio.io/v1/PeerAuthentication": {
    compared: { spec: "subset" },
    fromAddOn: true,
    permissions: {},
  },
};

/**
 * What a `kubernetesObject` node's calls need: the user kubeconfig (server and CA) from ARM, then on the
 * cluster what its object's kind needs (one variant per row of {@link KUBERNETES_KINDS}).
 */
export const KUBERNETES_OBJECT_PERMISSIONS: StepPermissions = {
  actions: ["Microsoft.ContainerService/managedClusters/listClusterUserCredential/action"],
  variants: Object.fromEntries(
    Object.entries(KUBERNETES_KINDS).map(([kind, row]) => [kind, row.permissions]),
  ),
  variantsOf(node) {
    const { object } = node.desired as unknown as KubernetesObjectDesired;
    return [`${object.apiVersion}/${object.kind}`];
  },
};

/** The per-kind row of an object. @throws AzureError for a kind the table does not know (a planner bug). */
export function kindOf(object: Pick<KubernetesObjectBody, "apiVersion" | "kind">): KubernetesKind {
  const row = KUBERNETES_KINDS[`${object.apiVersion}/${object.kind}`];
  if (!row) {
    throw new AzureError({
      kind: "invalidRequest",
      code: "UnknownKubernetesKind",
      message: `no Kubernetes kind ${object.apiVersion}/${object.kind} is known to the provisioner`,
      retryable: false,
    });
  }
  return row;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Whether `live` sets everything `desired` sets, alike (arrays element by element, in order). */
export function isSubset(desired: unknown, live: unknown): boolean {
  if (isPlainObject(desired)) {
    return isPlainObject(live) && Object.entries(desired).every(([key, value]) => isSubset(value, live[key]));
  }
  if (Array.isArray(desired)) {
    return (
      Array.isArray(live) &&
      live.length === desired.length &&
      desired.every((value, index) => isSubset(value, live[index]))
    );
  }
  return desired === live;
}

function sameJson(a: unknown, b: unknown): boolean {
  return isSubset(a, b) && isSubset(b, a);
}

/** The fields of `desired` that differ from `live`, by the kind's rules (paths only: values may be secret). */
export function differingFields(desired: KubernetesObjectBody, live: KubernetesObject): string[] {
  const kind = kindOf(desired);
  const liveRecord = live as unknown as Record<string, unknown>;
  const differing = Object.entries(kind.compared)
    .filter(([field, match]) =>
      match === "exact"
        ? !sameJson(desired[field] ?? undefined, liveRecord[field])
        : !isSubset(desired[field] ?? {}, liveRecord[field] ?? {}),
    )
    .map(([field]) => field);
  if (!isSubset(desired.metadata.labels ?? {}, live.metadata?.labels ?? {}))
    differing.push("metadata.labels");
  if (!isSubset(desired.metadata.annotations ?? {}, live.metadata?.annotations ?? {}))
    differing.push("metadata.annotations");
  return differing;
}

/** What a write of one object did. */
export interface ObjectWrite {
  readonly action: Extract<WriteAction, "none" | "create" | "replace" | "update">;
  readonly changedPaths?: readonly string[];
}

async function readOrUndefined<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (isNotFoundError(classifyAzureError(error))) return undefined;
    throw error;
  }
}

/** True for the client's failure to find an apiVersion/kind in the API server's discovery. */
function isUnservedKind(error: unknown): boolean {
  const message = error instanceof Error ? error.message : "";
  return /Unrecognized API version and kind|Failed to fetch resource metadata/.test(message);
}

/**
 * A kind the API server does not serve: retried a while when an add-on brings it (the add-on may still
 * be installing its CRDs), else a failure naming the kind.
 */
function unservedKind(object: KubernetesObjectBody): AzureError {
  const fromAddOn = kindOf(object).fromAddOn === true;
  return new AzureError({
    kind: fromAddOn ? "transient" : "invalidRequest",
    code: "KubernetesKindNotServed",
    message: `the cluster's API server does not serve ${object.apiVersion} ${object.kind}${fromAddOn ? " yet (the add-on that installs it may still be starting)" : ""}`,
    retryable: fromAddOn,
    ...(fromAddOn ? { retryAfterMs: 15_000 } : {}),
  });
}

/** The client-node form of a planned object (a mutable copy: the client fills in defaults). */
function toClientObject(object: KubernetesObjectBody): KubernetesObject {
  return structuredClone(object) as unknown as KubernetesObject;
}

/**
 * Makes one object match `object` under `ownership` (see `KubernetesOwnership`): one read, and a write
 * only when the owned part is absent or differs.
 * @throws whatever the client threw (classify at the caller), or AzureError for an unserved kind
 */
export async function ensureObject(
  api: KubernetesObjectApi,
  object: KubernetesObjectBody,
  ownership: KubernetesOwnership,
): Promise<ObjectWrite> {
  kindOf(object);
  try {
    const live = await readOrUndefined(() => api.read(toClientObject(object) as never));
    if (live) return await update(api, object, ownership, live as KubernetesObject);
    try {
      await api.create(toClientObject(object));
      return { action: "create" };
    } catch (error) {
      // Someone created it between the read and the create (a concurrent retry): take it from there.
      if (classifyAzureError(error).statusCode !== 409) throw error;
      const created = (await api.read(toClientObject(object) as never)) as KubernetesObject;
      return await update(api, object, ownership, created);
    }
  } catch (error) {
    if (isUnservedKind(error)) throw unservedKind(object);
    throw error;
  }
}

async function update(
  api: KubernetesObjectApi,
  object: KubernetesObjectBody,
  ownership: KubernetesOwnership,
  live: KubernetesObject,
): Promise<ObjectWrite> {
  if (ownership === "ifAbsent") return { action: "none" };
  if (ownership === "labels") {
    const labels = object.metadata.labels ?? {};
    if (isSubset(labels, live.metadata?.labels ?? {})) return { action: "none" };
    // A merge patch of the labels alone: whatever else others set on the object stays theirs.
    const { PatchStrategy } = await import("@kubernetes/client-node");
    await api.patch(
      {
        apiVersion: object.apiVersion,
        kind: object.kind,
        metadata: {
          name: object.metadata.name,
          ...(object.metadata.namespace ? { namespace: object.metadata.namespace } : {}),
          labels: { ...labels },
        },
      },
      undefined,
      undefined,
      undefined,
      undefined,
      PatchStrategy.MergePatch,
    );
    return { action: "update", changedPaths: ["metadata.labels"] };
  }
  const differing = differingFields(object, live);
  if (differing.length === 0) return { action: "none" };
  // Replace, not patch: fields no longer planned must disappear. The live resourceVersion makes a
  // concurrent change a 409 rather than a lost update.
  const body = toClientObject(object);
  body.metadata = { ...body.metadata, resourceVersion: live.metadata?.resourceVersion };
  await api.replace(body);
  return { action: "replace", changedPaths: differing };
}

/** Deletes one object; absent (or its kind not served) is success. */
export async function removeObject(api: KubernetesObjectApi, object: KubernetesObjectBody): Promise<void> {
  try {
    await api.delete(toClientObject(object) as never);
  } catch (error) {
    if (isUnservedKind(error) || isNotFoundError(classifyAzureError(error))) return;
    throw error;
  }
}

/** The kubeconfig of a cluster's users (its API server and CA), read from ARM. @throws AzureError */
export async function clusterKubeconfig(clients: AzureClients, clusterId: string): Promise<string> {
  const id = parseResourceId(clusterId);
  try {
    const credentials = await clients.containerService.managedClusters.listClusterUserCredentials(
      id.resourceGroup,
      id.name,
    );
    const value = credentials.kubeconfigs?.[0]?.value;
    if (!value) throw new Error(`cluster ${clusterId} returned no kubeconfig`);
    return Buffer.from(value).toString("utf8");
  } catch (error) {
    throw classifyAzureError(error, clusterId);
  }
}

/** A token of the provisioner's credential for the AKS AAD server application, fetched now. */
export async function clusterToken(clients: AzureClients): Promise<string> {
  const token = await clients.credential.getToken(AKS_AAD_SCOPE);
  if (!token) throw new Error("the credential gave no token for the AKS AAD server application");
  return token.token;
}

/** The generic object client for a cluster, with a token fetched now (never kept across calls). */
export async function objectApiFor(clients: AzureClients, clusterId: string): Promise<KubernetesObjectApi> {
  return clients.kubernetesObjects(await clusterKubeconfig(clients, clusterId), await clusterToken(clients));
}

/** The `kubernetesObject` steps over `clients`. */
export function createKubernetesObjectSteps(clients: AzureClients) {
  /**
   * Makes the node's object match the plan (its fact references already resolved).
   * @throws AzureError (classified)
   */
  async function ensure(node: PlanNode): Promise<WriteDone> {
    const desired = node.desired as unknown as KubernetesObjectDesired;
    try {
      const api = await objectApiFor(clients, desired.clusterId);
      const written = await ensureObject(api, desired.object, desired.ownership);
      return {
        nodeKey: node.key,
        resourceId: node.id,
        // `unchanged`: the object already matched (nothing written).
        outcome: written.action === "none" ? "unchanged" : "succeeded",
        action: written.action,
        ...(written.changedPaths ? { changedPaths: written.changedPaths } : {}),
        facts: factsOf(desired.object),
      };
    } catch (error) {
      throw classifyAzureError(error, node.id);
    }
  }

  /** Deletes the node's object, unless it only owns labels of it; an absent object or cluster is success. */
  async function remove(node: PlanNode): Promise<WriteDone> {
    const desired = node.desired as unknown as KubernetesObjectDesired;
    const done: WriteDone = {
      nodeKey: node.key,
      resourceId: node.id,
      outcome: "succeeded",
      action: "delete",
    };
    if (desired.ownership !== "object") return done;
    try {
      await removeObject(await objectApiFor(clients, desired.clusterId), desired.object);
      return done;
    } catch (error) {
      const classified = classifyAzureError(error, node.id);
      if (isNotFoundError(classified)) return done;
      throw classified;
    }
  }

  return { ensure, remove };
}

/** The facts of a written object: where it is (names only). */
function factsOf(object: KubernetesObjectBody): Record<string, string> {
  return {
    kind: object.kind,
    name: object.metadata.name,
    ...(object.metadata.namespace ? { namespace: object.metadata.namespace } : {}),
  };
}

/** The steps, as {@link createKubernetesObjectSteps} builds them. */
export type KubernetesObjectSteps = ReturnType<typeof createKubernetesObjectSteps>;
