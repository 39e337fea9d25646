/** Nodes that write Kubernetes objects on the environment's cluster, and the labels they carry. */
import { defaultSecretNamespace } from "../spec/defaults";
import type { ClusterRefs } from "./cluster";
import type { NodeRef } from "./network";
import { makeNode, MANAGED_BY, type PlanningScope } from "./node";
import type {
  JsonObject,
  KubernetesObjectBody,
  KubernetesObjectDesired,
  KubernetesOwnership,
  PlanNode,
  Stage,
} from "./types";

/** Labels on every Kubernetes object the provisioner writes for a module. */
export function labelsOf(scope: PlanningScope, module: string): Record<string, string> {
  return {
    "app.kubernetes.io/managed-by": MANAGED_BY,
    "azure-env-provisioner/environment": `${scope.spec.org_name}-${scope.spec.name}`,
    "azure-env-provisioner/module": module,
  };
}

/** A node writing one Kubernetes object on the cluster. */
export function kubernetesObject(
  cluster: NodeRef,
  draft: {
    readonly module: string;
    readonly part: string;
    readonly stage: Stage;
    readonly ownership: KubernetesOwnership;
    readonly object: KubernetesObjectBody;
    readonly dependsOn: readonly string[];
  },
): PlanNode {
  const { apiVersion, kind, metadata } = draft.object;
  const where = metadata.namespace === undefined ? "" : `namespaces/${metadata.namespace}/`;
  const desired: KubernetesObjectDesired = {
    clusterId: cluster.id,
    ownership: draft.ownership,
    object: draft.object,
  };
  return makeNode({
    kind: "kubernetesObject",
    module: draft.module,
    part: draft.part,
    stage: draft.stage,
    name: metadata.name,
    id: `${cluster.id}/objects/${apiVersion}/${kind}/${where}${metadata.name}`,
    dependsOn: [cluster.key, ...draft.dependsOn],
    desired: desired as unknown as JsonObject,
  });
}

/**
 * The environment's namespace, created when absent, before anything is written in it: one node, so its
 * creation is never raced by the steps that put objects there (their nodes depend on it,
 * {@link afterEnvironmentNamespace}).
 */
export function environmentNamespace(
  scope: PlanningScope,
  clusterModule: string,
  cluster: ClusterRefs,
): PlanNode {
  return kubernetesObject(cluster.cluster, {
    module: clusterModule,
    part: "namespace",
    stage: "secrets",
    ownership: "ifAbsent",
    object: {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: defaultSecretNamespace(scope.spec.name), labels: labelsOf(scope, clusterModule) },
    },
    dependsOn: [cluster.adminRole.key],
  });
}

/** True when `node` writes into the namespace `namespace` (or labels it). */
function writesInto(node: PlanNode, namespace: string): boolean {
  if (node.kind === "kubernetesSecret")
    return (node.desired as { namespace?: string }).namespace === namespace;
  if (node.kind !== "kubernetesObject") return false;
  const { object } = node.desired as unknown as KubernetesObjectDesired;
  return (
    object.metadata.namespace === namespace ||
    (object.kind === "Namespace" && object.metadata.name === namespace)
  );
}

/** `nodes` with every node writing into the environment's namespace made to wait for `namespaceNode`. */
export function afterEnvironmentNamespace(nodes: readonly PlanNode[], namespaceNode: PlanNode): PlanNode[] {
  const namespace = (namespaceNode.desired as unknown as KubernetesObjectDesired).object.metadata.name;
  return nodes.map((node) =>
    node.key === namespaceNode.key || !writesInto(node, namespace)
      ? node
      : { ...node, dependsOn: [...new Set([...node.dependsOn, namespaceNode.key])].sort() },
  );
}
