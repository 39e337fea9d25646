/** Adapter for AKS managed clusters (a modular client, `properties` flattened). */
import type { ManagedCluster } from "@azure/arm-containerservice";
import { FACT } from "../../lib/plan/facts";
import { asModel, submitted, type ArmAdapter } from "./types";

export const managedClusterAdapter: ArmAdapter = {
  armType: "Microsoft.ContainerService/managedClusters",
  permissions: {
    actions: [
      "Microsoft.ContainerService/managedClusters/read",
      "Microsoft.ContainerService/managedClusters/write",
      "Microsoft.ContainerService/managedClusters/delete",
      "Microsoft.ContainerService/locations/operations/read",
      "Microsoft.ContainerService/locations/operationresults/read",
      // Linked access: the node pool's vnetSubnetID joins the nodes subnet.
      "Microsoft.Network/virtualNetworks/subnets/join/action",
    ],
  },
  compare: {
    // The cluster autoscaler owns the node count between minCount and maxCount; a different live count
    // is the autoscaler working, not drift to undo.
    ignoredPaths: ["agentPoolProfiles.*.count"],
  },
  facts: {
    // A private cluster without a public FQDN has only its private one.
    fqdn: ["fqdn", "privateFqdn"],
    // Principals other nodes grant roles to (docs/azure-facts.md#ingress-and-service-mesh).
    [FACT.clusterPrincipalId]: ["identity.principalId"],
    [FACT.kubeletObjectId]: ["identityProfile.kubeletidentity.objectId"],
    [FACT.oidcIssuerUrl]: ["oidcIssuerProfile.issuerURL"],
    [FACT.webAppRoutingObjectId]: ["ingressProfile.webAppRouting.identity.objectId"],
    [FACT.meshRevision]: ["serviceMeshProfile.istio.revisions"],
  },
  get: (c, id) => c.containerService.managedClusters.get(id.resourceGroup, id.name),
  // Right after create, and during background add-on work, AKS answers 409 OperationNotAllowed
  // ("Another operation is in progress", docs/azure-facts.md#failure-case-3): classified busy, retried by the orchestration.
  write: ({ clients, id }, body, options) =>
    submitted(
      clients.containerService.managedClusters.createOrUpdate(
        id.resourceGroup,
        id.name,
        asModel<ManagedCluster>(body),
        options,
      ),
    ),
  remove: (c, id, options) =>
    submitted(c.containerService.managedClusters.delete(id.resourceGroup, id.name, options)),
};
