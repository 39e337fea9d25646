/**
 * Microsoft.ContainerService managed clusters 2026-04-01
 * (`containerservice/resource-manager/Microsoft.ContainerService/aks/stable/2026-04-01/managedClusters.json`).
 * Every member of `ManagedCluster`, `ManagedClusterProperties` and the agent pool profile is listed;
 * nested profiles the provisioner never sets (kubelet and OS config, service mesh, advanced networking,
 * pod identities' entries, …) are {@link any}. Write-only: `windowsProfile.adminPassword`,
 * `servicePrincipalProfile.secret`, `aadProfile.serverAppSecret` (`x-ms-secret`).
 */
import {
  any,
  arr,
  bool,
  int,
  map,
  num,
  obj,
  ro,
  req,
  secret,
  str,
  type ApiVersionSchema,
} from "../schema.js";
import { errorDetail, systemData } from "./common.js";

export const AKS_API_VERSION = "2026-04-01";
const SOURCE =
  "containerservice/resource-manager/Microsoft.ContainerService/aks/stable/2026-04-01/managedClusters.json";

const enabledOnly = (name: string) => obj(name, { enabled: bool });
const powerState = obj("PowerState", { code: str });
const userAssignedIdentity = obj("UserAssignedIdentity", { resourceId: str, clientId: str, objectId: str });
const resourceReference = obj("ResourceReference", { id: str });

const agentPoolProfile = obj("ManagedClusterAgentPoolProfile", {
  name: req(str),
  eTag: ro(str),
  count: int,
  vmSize: str,
  osDiskSizeGB: int,
  osDiskType: str,
  kubeletDiskType: str,
  workloadRuntime: str,
  messageOfTheDay: str,
  vnetSubnetID: str,
  podSubnetID: str,
  podIPAllocationMode: str,
  maxPods: int,
  osType: str,
  osSKU: str,
  maxCount: int,
  minCount: int,
  enableAutoScaling: bool,
  scaleDownMode: str,
  type: str,
  mode: str,
  orchestratorVersion: str,
  currentOrchestratorVersion: ro(str),
  nodeImageVersion: str,
  upgradeSettings: obj("AgentPoolUpgradeSettings", {
    maxSurge: str,
    maxUnavailable: str,
    drainTimeoutInMinutes: int,
    nodeSoakDurationInMinutes: int,
    undrainableNodeBehavior: str,
  }),
  provisioningState: ro(str),
  powerState,
  availabilityZones: arr(str),
  enableNodePublicIP: bool,
  nodePublicIPPrefixID: str,
  scaleSetPriority: str,
  scaleSetEvictionPolicy: str,
  spotMaxPrice: num,
  tags: map(str),
  nodeLabels: map(str),
  nodeTaints: arr(str),
  proximityPlacementGroupID: str,
  kubeletConfig: any,
  linuxOSConfig: any,
  enableEncryptionAtHost: bool,
  enableUltraSSD: bool,
  enableFIPS: bool,
  gpuInstanceProfile: str,
  creationData: obj("CreationData", { sourceResourceId: str }),
  capacityReservationGroupID: str,
  hostGroupID: str,
  networkProfile: any,
  windowsProfile: obj("AgentPoolWindowsProfile", { disableOutboundNat: bool }),
  securityProfile: obj("AgentPoolSecurityProfile", {
    enableVTPM: bool,
    enableSecureBoot: bool,
    sshAccess: str,
  }),
  gpuProfile: any,
  gatewayProfile: any,
  artifactStreamingProfile: any,
  virtualMachinesProfile: any,
  virtualMachineNodesStatus: arr(any),
  status: obj("AgentPoolStatus", { provisioningError: ro(errorDetail) }),
  localDNSProfile: any,
});

const loadBalancerProfile = obj("ManagedClusterLoadBalancerProfile", {
  managedOutboundIPs: obj("ManagedClusterLoadBalancerProfileManagedOutboundIPs", {
    count: int,
    countIPv6: int,
  }),
  outboundIPPrefixes: obj("ManagedClusterLoadBalancerProfileOutboundIPPrefixes", {
    publicIPPrefixes: arr(resourceReference),
  }),
  outboundIPs: obj("ManagedClusterLoadBalancerProfileOutboundIPs", { publicIPs: arr(resourceReference) }),
  effectiveOutboundIPs: ro(arr(resourceReference)),
  allocatedOutboundPorts: int,
  idleTimeoutInMinutes: int,
  enableMultipleStandardLoadBalancers: bool,
  backendPoolType: str,
});

const networkProfile = obj("ContainerServiceNetworkProfile", {
  networkPlugin: str,
  networkPluginMode: str,
  networkPolicy: str,
  networkMode: str,
  networkDataplane: str,
  advancedNetworking: any,
  podCidr: str,
  serviceCidr: str,
  dnsServiceIP: str,
  outboundType: str,
  loadBalancerSku: str,
  loadBalancerProfile,
  natGatewayProfile: obj("ManagedClusterNATGatewayProfile", {
    managedOutboundIPProfile: obj("ManagedClusterManagedOutboundIPProfile", { count: int }),
    effectiveOutboundIPs: ro(arr(resourceReference)),
    idleTimeoutInMinutes: int,
  }),
  staticEgressGatewayProfile: enabledOnly("ManagedClusterStaticEgressGatewayProfile"),
  podCidrs: arr(str),
  serviceCidrs: arr(str),
  ipFamilies: arr(str),
});

const autoScalerProfile = obj("ManagedClusterPropertiesAutoScalerProfile", {
  "balance-similar-node-groups": str,
  "daemonset-eviction-for-empty-nodes": bool,
  "daemonset-eviction-for-occupied-nodes": bool,
  "ignore-daemonsets-utilization": bool,
  expander: str,
  "max-empty-bulk-delete": str,
  "max-graceful-termination-sec": str,
  "max-node-provision-time": str,
  "max-total-unready-percentage": str,
  "new-pod-scale-up-delay": str,
  "ok-total-unready-count": str,
  "scan-interval": str,
  "scale-down-delay-after-add": str,
  "scale-down-delay-after-delete": str,
  "scale-down-delay-after-failure": str,
  "scale-down-unneeded-time": str,
  "scale-down-unready-time": str,
  "scale-down-utilization-threshold": str,
  "skip-nodes-with-local-storage": str,
  "skip-nodes-with-system-pods": str,
});

const securityProfile = obj("ManagedClusterSecurityProfile", {
  defender: obj("ManagedClusterSecurityProfileDefender", {
    logAnalyticsWorkspaceResourceId: str,
    securityMonitoring: enabledOnly("ManagedClusterSecurityProfileDefenderSecurityMonitoring"),
  }),
  azureKeyVaultKms: obj("AzureKeyVaultKms", {
    enabled: bool,
    keyId: str,
    keyVaultNetworkAccess: str,
    keyVaultResourceId: str,
  }),
  workloadIdentity: enabledOnly("ManagedClusterSecurityProfileWorkloadIdentity"),
  imageCleaner: obj("ManagedClusterSecurityProfileImageCleaner", { enabled: bool, intervalHours: int }),
  customCATrustCertificates: arr(str),
});

const managedClusterProperties = obj("ManagedClusterProperties", {
  provisioningState: ro(str),
  powerState: ro(powerState),
  maxAgentPools: ro(int),
  kubernetesVersion: str,
  currentKubernetesVersion: ro(str),
  dnsPrefix: str,
  fqdnSubdomain: str,
  fqdn: ro(str),
  privateFQDN: ro(str),
  azurePortalFQDN: ro(str),
  agentPoolProfiles: arr(agentPoolProfile),
  linuxProfile: obj("ContainerServiceLinuxProfile", {
    adminUsername: req(str),
    ssh: req(
      obj("ContainerServiceSshConfiguration", {
        publicKeys: req(arr(obj("ContainerServiceSshPublicKey", { keyData: req(str) }))),
      }),
    ),
  }),
  windowsProfile: obj("ManagedClusterWindowsProfile", {
    adminUsername: req(str),
    adminPassword: secret(str),
    licenseType: str,
    enableCSIProxy: bool,
    gmsaProfile: any,
  }),
  servicePrincipalProfile: obj("ManagedClusterServicePrincipalProfile", {
    clientId: req(str),
    secret: secret(str),
  }),
  addonProfiles: map(
    obj("ManagedClusterAddonProfile", {
      enabled: req(bool),
      config: map(str),
      identity: ro(userAssignedIdentity),
    }),
  ),
  podIdentityProfile: obj("ManagedClusterPodIdentityProfile", {
    enabled: bool,
    allowNetworkPluginKubenet: bool,
    userAssignedIdentities: arr(any),
    userAssignedIdentityExceptions: arr(any),
  }),
  oidcIssuerProfile: obj("ManagedClusterOIDCIssuerProfile", { issuerURL: ro(str), enabled: bool }),
  nodeResourceGroup: str,
  nodeResourceGroupProfile: obj("ManagedClusterNodeResourceGroupProfile", { restrictionLevel: str }),
  enableRBAC: bool,
  supportPlan: str,
  networkProfile,
  aadProfile: obj("ManagedClusterAADProfile", {
    managed: bool,
    enableAzureRBAC: bool,
    adminGroupObjectIDs: arr(str),
    clientAppID: str,
    serverAppID: str,
    serverAppSecret: secret(str),
    tenantID: str,
  }),
  autoUpgradeProfile: obj("ManagedClusterAutoUpgradeProfile", {
    upgradeChannel: str,
    nodeOSUpgradeChannel: str,
  }),
  upgradeSettings: obj("ClusterUpgradeSettings", { overrideSettings: any }),
  autoScalerProfile,
  apiServerAccessProfile: obj("ManagedClusterAPIServerAccessProfile", {
    authorizedIPRanges: arr(str),
    enablePrivateCluster: bool,
    privateDNSZone: str,
    enablePrivateClusterPublicFQDN: bool,
    disableRunCommand: bool,
    enableVnetIntegration: bool,
    subnetId: str,
  }),
  diskEncryptionSetID: str,
  identityProfile: map(userAssignedIdentity),
  privateLinkResources: arr(any),
  disableLocalAccounts: bool,
  httpProxyConfig: obj("ManagedClusterHTTPProxyConfig", {
    httpProxy: str,
    httpsProxy: str,
    noProxy: arr(str),
    trustedCa: str,
    enabled: bool,
  }),
  securityProfile,
  storageProfile: obj("ManagedClusterStorageProfile", {
    diskCSIDriver: enabledOnly("ManagedClusterStorageProfileDiskCSIDriver"),
    fileCSIDriver: enabledOnly("ManagedClusterStorageProfileFileCSIDriver"),
    snapshotController: enabledOnly("ManagedClusterStorageProfileSnapshotController"),
    blobCSIDriver: enabledOnly("ManagedClusterStorageProfileBlobCSIDriver"),
  }),
  ingressProfile: obj("ManagedClusterIngressProfile", {
    webAppRouting: obj("ManagedClusterIngressProfileWebAppRouting", {
      enabled: bool,
      gatewayAPIImplementations: any,
      dnsZoneResourceIds: arr(str),
      nginx: obj("ManagedClusterIngressProfileNginx", { defaultIngressControllerType: str }),
      identity: ro(userAssignedIdentity),
    }),
    gatewayAPI: obj("ManagedClusterIngressProfileGatewayConfiguration", { installation: str }),
  }),
  publicNetworkAccess: str,
  workloadAutoScalerProfile: obj("ManagedClusterWorkloadAutoScalerProfile", {
    keda: obj("ManagedClusterWorkloadAutoScalerProfileKeda", { enabled: req(bool) }),
    verticalPodAutoscaler: obj("ManagedClusterWorkloadAutoScalerProfileVerticalPodAutoscaler", {
      enabled: req(bool),
    }),
  }),
  azureMonitorProfile: obj("ManagedClusterAzureMonitorProfile", { metrics: any, appMonitoring: any }),
  serviceMeshProfile: any,
  resourceUID: ro(str),
  metricsProfile: obj("ManagedClusterMetricsProfile", {
    costAnalysis: enabledOnly("ManagedClusterCostAnalysis"),
  }),
  nodeProvisioningProfile: obj("ManagedClusterNodeProvisioningProfile", { mode: str, defaultNodePools: str }),
  bootstrapProfile: obj("ManagedClusterBootstrapProfile", { artifactSource: str, containerRegistryId: str }),
  aiToolchainOperatorProfile: enabledOnly("ManagedClusterAIToolchainOperatorProfile"),
  hostedSystemProfile: obj("ManagedClusterHostedSystemProfile", {
    enabled: bool,
    systemNodeSubnetID: str,
    nodeSubnetID: str,
  }),
  status: obj("ManagedClusterStatus", { provisioningError: ro(errorDetail) }),
});

export const managedCluster = obj("ManagedCluster", {
  id: ro(str),
  name: ro(str),
  type: ro(str),
  systemData,
  tags: map(str),
  location: req(str),
  eTag: ro(str),
  sku: obj("ManagedClusterSKU", { name: str, tier: str }),
  extendedLocation: obj("ExtendedLocation", { name: str, type: str }),
  identity: obj("ManagedClusterIdentity", {
    principalId: ro(str),
    tenantId: ro(str),
    type: str,
    delegatedResources: map(any),
    userAssignedIdentities: map(
      obj("ManagedServiceIdentityUserAssignedIdentitiesValue", { principalId: ro(str), clientId: ro(str) }),
    ),
  }),
  kind: str,
  properties: managedClusterProperties,
});

/** common-types `TagsObject`: the body of `updateTags` (PATCH). */
const tagsObject = obj("TagsObject", { tags: map(str) });

export const AKS_SCHEMAS = {
  managedCluster: {
    apiVersion: AKS_API_VERSION,
    resource: managedCluster,
    patch: tagsObject,
    source: SOURCE,
  },
} as const satisfies Record<string, ApiVersionSchema>;
