/**
 * The k8s-cluster module's nodes: one AKS cluster (one autoscaling pool across the zones, NAT egress,
 * Azure CNI overlay, Entra ID + Azure RBAC with local accounts off, workload identity, authorized IP
 * ranges) and the provisioner's cluster-admin role, which it needs to write Kubernetes Secrets.
 */
import type { ClusterModule } from "../spec/types";
import type { NetworkRefs, NodeRef } from "./network";
import { roleDefinitionId } from "./network";
import { armId, environmentResourceName, makeNode, tagsOf, type PlanningScope } from "./node";
import { deterministicGuid } from "./naming";
import type { PlanNode } from "./types";

/** Built-in role: Azure Kubernetes Service RBAC Cluster Admin (every Kubernetes API action). */
export const AKS_RBAC_CLUSTER_ADMIN_ROLE_ID = "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b";

/** What the data modules' secret steps need from the cluster. */
export interface ClusterRefs {
  readonly cluster: NodeRef;
  readonly adminRole: NodeRef;
}

/** Plans the cluster. */
export function planCluster(
  scope: PlanningScope,
  spec: ClusterModule,
  network: NetworkRefs,
): { nodes: PlanNode[]; refs: ClusterRefs } {
  const module = spec.name;
  const name = environmentResourceName(scope, "managedCluster", "aks", module);
  const id = armId(scope, "Microsoft.ContainerService", ["managedClusters", name]);
  // The spec's ranges plus the provisioner's, which must reach the API server to write secrets.
  const authorizedIPRanges = [
    ...new Set([...spec.authorized_ip_ranges, ...scope.context.provisionerIpRanges]),
  ].sort();
  const cluster = makeNode({
    kind: "managedCluster",
    module,
    part: "cluster",
    stage: "cluster",
    name,
    id,
    // The node subnet carries the NAT gateway association that userAssignedNATGateway requires.
    dependsOn: [network.nodesSubnet.key],
    desired: {
      location: scope.location,
      tags: tagsOf(scope, module),
      sku: { name: "Base", tier: "Standard" },
      identity: { type: "SystemAssigned" },
      kubernetesVersion: spec.kubernetes_version,
      dnsPrefix: environmentResourceName(scope, "aksDnsPrefix", "aks", module),
      enableRbac: true,
      disableLocalAccounts: true,
      aadProfile: { managed: true, enableAzureRbac: true, tenantID: scope.spec.providers.azurerm.tenant_id },
      oidcIssuerProfile: { enabled: true },
      securityProfile: { workloadIdentity: { enabled: true } },
      apiServerAccessProfile: { authorizedIPRanges },
      agentPoolProfiles: [
        {
          name: "system",
          mode: "System",
          type: "VirtualMachineScaleSets",
          osType: "Linux",
          vmSize: spec.node_instance_type,
          osDiskSizeGB: spec.node_disk_size,
          availabilityZones: [...spec.zones],
          enableAutoScaling: true,
          count: spec.min_nodes,
          minCount: spec.min_nodes,
          maxCount: spec.max_nodes,
          vnetSubnetID: network.nodesSubnet.id,
        },
      ],
      networkProfile: {
        networkPlugin: "azure",
        networkPluginMode: "overlay",
        podCidr: spec.pod_cidr,
        serviceCidr: spec.service_cidr,
        dnsServiceIP: spec.dns_service_ip,
        outboundType: "userAssignedNATGateway",
        loadBalancerSku: "standard",
      },
    },
  });
  const roleName = deterministicGuid([
    id,
    AKS_RBAC_CLUSTER_ADMIN_ROLE_ID,
    scope.context.provisionerPrincipalId,
  ]);
  const adminRole = makeNode({
    kind: "roleAssignment",
    module,
    part: "role-cluster-admin",
    stage: "cluster",
    name: roleName,
    id: `${id}/providers/Microsoft.Authorization/roleAssignments/${roleName}`,
    dependsOn: [cluster.key],
    desired: {
      roleDefinitionId: roleDefinitionId(scope.subscriptionId, AKS_RBAC_CLUSTER_ADMIN_ROLE_ID),
      principalId: scope.context.provisionerPrincipalId,
      principalType: "ServicePrincipal",
    },
  });
  const ref = (node: PlanNode): NodeRef => ({ key: node.key, id: node.id, name: node.name });
  return { nodes: [cluster, adminRole], refs: { cluster: ref(cluster), adminRole: ref(adminRole) } };
}
