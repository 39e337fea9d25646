/** Nodes that write Kubernetes objects on the environment's cluster, and the labels they carry. */
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
