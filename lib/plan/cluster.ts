/**
 * The k8s-cluster module's nodes: one AKS cluster (one autoscaling pool across the zones, NAT egress,
 * Azure CNI overlay, Entra ID + Azure RBAC with local accounts off, workload identity, authorized IP
 * ranges), the provisioner's cluster-admin role, which it needs to write Kubernetes Secrets, and the
 * cluster-admin role of each Entra ID group the spec names (`admin_group_object_ids`).
 */
import type { ClusterModule } from "../spec/types";
import type { NetworkRefs, NodeRef } from "./network";
import { roleDefinitionId } from "./network";
import { armId, environmentResourceName, makeNode, tagsOf, type PlanningScope } from "./node";
import { deterministicGuid } from "./naming";
import type { JsonObject, PlanNode } from "./types";

/** Built-in role: Azure Kubernetes Service RBAC Cluster Admin (every Kubernetes API action). */
export const AKS_RBAC_CLUSTER_ADMIN_ROLE_ID = "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b";

/** What the data modules' secret steps need from the cluster. */
export interface ClusterRefs {
  readonly cluster: NodeRef;
  readonly adminRole: NodeRef;
}

/**
 * What other modules ask of the cluster (the `k8s-base` and `external-ssl-cert` modules). Each is
 * planned only when asked, so a cluster without them keeps the body (and plan hash) it always had.
 */
export interface ClusterAddOns {
  /** The application routing add-on (managed NGINX); its default controller is not created (`None`). */
  readonly webAppRouting?: boolean;
  /** The Istio-based service mesh add-on at a revision, or turned off. */
  readonly serviceMesh?: { readonly revision: string } | "disabled";
  /** The Key Vault secrets provider (CSI driver), through which the add-on reads its certificates. */
  readonly keyVaultSecretsProvider?: boolean;
}

/** The cluster's `desired` properties for `addOns` (docs/azure-facts.md#ingress-and-service-mesh). */
function addOnProperties(addOns: ClusterAddOns): JsonObject {
  const mesh = addOns.serviceMesh;
  return {
    ...(addOns.webAppRouting
      ? {
          ingressProfile: {
            // The ingress module writes its own controller on the static IP; the add-on's default one
            // would take a second, ephemeral public address.
            webAppRouting: { enabled: true, nginx: { defaultIngressControllerType: "None" } },
          },
        }
      : {}),
    ...(mesh === undefined
      ? {}
      : {
          serviceMeshProfile:
            mesh === "disabled"
              ? { mode: "Disabled" }
              : { mode: "Istio", istio: { revisions: [mesh.revision] } },
        }),
    ...(addOns.keyVaultSecretsProvider
      ? {
          addonProfiles: {
            // Rotation on, so the ingress follows a certificate version the next apply points it at.
            azureKeyvaultSecretsProvider: {
              enabled: true,
              config: { enableSecretRotation: "true", rotationPollInterval: "2m" },
            },
          },
        }
      : {}),
  };
}

/** Plans the cluster. */
export function planCluster(
  scope: PlanningScope,
  spec: ClusterModule,
  network: NetworkRefs,
  addOns: ClusterAddOns = {},
): { nodes: PlanNode[]; refs: ClusterRefs } {
  const module = spec.name;
  const name = environmentResourceName(scope, "managedCluster", "aks", module);
  const id = armId(scope, "Microsoft.ContainerService", ["managedClusters", name]);
  // The spec's ranges plus the provisioner's, which must reach the API server to write secrets.
  const authorizedIPRanges = [
    ...new Set([...spec.authorized_ip_ranges, ...scope.context.provisionerIpRanges]),
  ].sort();
  // Records written before admin groups existed have no list: none.
  const adminGroups = spec.admin_group_object_ids ?? [];
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
      aadProfile: {
        managed: true,
        enableAzureRbac: true,
        tenantID: scope.spec.providers.azurerm.tenant_id,
        // Only when there are groups: a cluster without any keeps the body (and plan hash) it always
        // had, and an empty list would read as drift against Azure, which returns none.
        ...(adminGroups.length > 0 ? { adminGroupObjectIDs: [...adminGroups] } : {}),
      },
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
      ...addOnProperties(addOns),
    },
  });
  const adminRole = clusterAdminAssignment(scope, cluster, {
    part: "role-cluster-admin",
    principalId: scope.context.provisionerPrincipalId,
    principalType: "ServicePrincipal",
  });
  // adminGroupObjectIDs makes the groups cluster admins in Kubernetes RBAC; this cluster also authorizes
  // with Azure RBAC, whose grants are managed apart (docs/azure-facts.md, "Coming from Opta"), so each
  // group gets the cluster admin role there too, as the provisioner does.
  const groupRoles = adminGroups.map((groupId) =>
    clusterAdminAssignment(scope, cluster, {
      part: `role-admin-group-${groupPart(groupId, adminGroups)}`,
      principalId: groupId,
      principalType: "Group",
    }),
  );
  const ref = (node: PlanNode): NodeRef => ({ key: node.key, id: node.id, name: node.name });
  return {
    nodes: [cluster, adminRole, ...groupRoles],
    refs: { cluster: ref(cluster), adminRole: ref(adminRole) },
  };
}

/**
 * Azure Kubernetes Service RBAC Cluster Admin on the cluster for one principal. The assignment's name is
 * a GUID derived from cluster, role and principal, so a re-apply finds the same assignment.
 */
function clusterAdminAssignment(
  scope: PlanningScope,
  cluster: PlanNode,
  grant: {
    readonly part: string;
    readonly principalId: string;
    readonly principalType: "ServicePrincipal" | "Group";
  },
): PlanNode {
  const roleName = deterministicGuid([cluster.id, AKS_RBAC_CLUSTER_ADMIN_ROLE_ID, grant.principalId]);
  return makeNode({
    kind: "roleAssignment",
    module: cluster.module,
    part: grant.part,
    stage: "cluster",
    name: roleName,
    id: `${cluster.id}/providers/Microsoft.Authorization/roleAssignments/${roleName}`,
    dependsOn: [cluster.key],
    desired: {
      roleDefinitionId: roleDefinitionId(scope.subscriptionId, AKS_RBAC_CLUSTER_ADMIN_ROLE_ID),
      principalId: grant.principalId,
      principalType: grant.principalType,
    },
  });
}

/**
 * The part of a group's node key: the first 8 hex digits of its object id, readable next to the id the
 * user wrote and short enough for the Durable instance id built from the key; the whole id when another
 * listed group shares those digits.
 */
function groupPart(groupId: string, groups: readonly string[]): string {
  const prefix = groupId.slice(0, 8);
  return groups.filter((other) => other.startsWith(prefix)).length > 1 ? groupId : prefix;
}
