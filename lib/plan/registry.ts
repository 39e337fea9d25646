/**
 * The base module's container registry (`container_registry`, on by default, as Opta's base made one):
 * Premium, the only tier with private endpoints and zone redundancy; the admin user, anonymous pull,
 * public network access and the trusted-services bypass off; zone-redundant; reached through a private
 * endpoint (group `registry`) resolved by `privatelink.azurecr.io`, which also carries the regional data
 * endpoint. The cluster pulls with its kubelet identity, granted AcrPull on the registry: no pull secret
 * exists. Facts and sources: docs/azure-facts.md#container-registry.
 */
import type { BaseModule } from "../spec/types";
import type { ClusterRefs } from "./cluster";
import { FACT } from "./facts";
import { privateEndpointNodes, type NetworkRefs, type NodeRef } from "./network";
import { armId, environmentResourceName, makeNode, tagsOf, type PlanningScope } from "./node";
import { identityRoleAssignment } from "./roles";
import type { PlanNode } from "./types";

/** Built-in role: AcrPull (pull images; nothing else). */
export const ACR_PULL_ROLE_ID = "7f951dda-4ed3-4680-a7ca-43fe172d538d";

/** The private endpoint group (sub-resource) of a registry. */
export const REGISTRY_PRIVATE_LINK_GROUP = "registry";

/** Plans the registry and its private endpoint; none when the base module turns it off. */
export function planContainerRegistry(
  scope: PlanningScope,
  base: BaseModule,
  network: NetworkRefs,
): { nodes: PlanNode[]; registry?: NodeRef } {
  const zone = network.zones.registry;
  if (base.container_registry !== true || !zone) return { nodes: [] };
  const module = base.name;
  const name = environmentResourceName(scope, "containerRegistry", "acr", "");
  const registry = makeNode({
    kind: "containerRegistry",
    module,
    part: "container-registry",
    stage: "network",
    name,
    id: armId(scope, "Microsoft.ContainerRegistry", ["registries", name]),
    dependsOn: [network.resourceGroup.key],
    desired: {
      location: scope.location,
      tags: tagsOf(scope, module),
      sku: { name: "Premium" },
      adminUserEnabled: false,
      anonymousPullEnabled: false,
      // Closed: only the private endpoint reaches it; a CI pipeline pushes from inside the VNet
      // (docs/spec.md#pushing-images).
      publicNetworkAccess: "Disabled",
      networkRuleBypassOptions: "None",
      zoneRedundancy: "Enabled",
    },
  });
  const ref: NodeRef = { key: registry.key, id: registry.id, name };
  const endpoint = privateEndpointNodes(
    scope,
    network.privateEndpointsSubnet,
    module,
    { name: "acr", partPrefix: "container-registry-" },
    ref,
    REGISTRY_PRIVATE_LINK_GROUP,
    zone.zone,
    "network",
  );
  return { nodes: [registry, ...endpoint], registry: ref };
}

/** AcrPull on the registry for the cluster's kubelet identity (a fact of the cluster). */
export function planRegistryPull(
  scope: PlanningScope,
  registry: NodeRef,
  cluster: ClusterRefs,
  clusterModule: string,
): PlanNode {
  return identityRoleAssignment(scope, {
    module: clusterModule,
    part: "role-kubelet-acr-pull",
    stage: "cluster",
    scopeId: registry.id,
    roleId: ACR_PULL_ROLE_ID,
    principal: { node: cluster.cluster, fact: FACT.kubeletObjectId },
    dependsOn: [registry.key],
  });
}
