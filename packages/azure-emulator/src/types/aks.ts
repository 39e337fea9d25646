/**
 * Microsoft.ContainerService managed clusters. PUT and DELETE answer with Azure-AsyncOperation (the
 * modular SDK client); credentials actions return a kubeconfig whose server is the emulator's Kubernetes
 * API for the cluster and whose CA is the emulator CA.
 */
import { AKS_SCHEMAS } from "../arm-schema/index.js";
import { stringify } from "yaml";
import { valueAt, valuesAt } from "../body-path.js";
import { AKS_AAD_SERVER_APP_ID, type ClusterInfo } from "../dataplane.js";
import { ArmError, badRequest } from "../errors.js";
import type { ProviderEnv, ResourceTypeSpec } from "../resource-type.js";
import type { StoredResource } from "../store.js";
import { SUBNET_TYPE } from "./network.js";
import { kubernetesMinorOf, MESH_REVISIONS } from "../azure-facts/mesh-revisions.js";
import { locationOf, propertiesOf, stableGuid, stableHash } from "./shared.js";
import { defaultMaxPods, runningAksVersion } from "../azure-facts/aks-versions.js";

export const MANAGED_CLUSTER_TYPE = "Microsoft.ContainerService/managedClusters";
const DISK_ENCRYPTION_SET_TYPE = "Microsoft.Compute/diskEncryptionSets";
const USER_ASSIGNED_IDENTITY_TYPE = "Microsoft.ManagedIdentity/userAssignedIdentities";
const PUBLIC_IP_TYPE = "Microsoft.Network/publicIPAddresses";
const PUBLIC_IP_PREFIX_TYPE = "Microsoft.Network/publicIPPrefixes";
/** AKS's limit on node pools per cluster ("AKS quotas", https://learn.microsoft.com/azure/aks/quotas-skus-regions). */
const MAX_AGENT_POOLS = 100;
/** Azure CLI's public client id, which AKS kubeconfigs name for `kubelogin`. */
const AZURE_CLI_CLIENT_ID = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";

/** How the ARM core describes a cluster to the Kubernetes API. */
export function clusterInfoOf(resource: StoredResource): ClusterInfo {
  const props = propertiesOf(resource.body);
  const addOns: ("webAppRouting" | "istio")[] = [];
  if (valueAt(resource.body, "properties.ingressProfile.webAppRouting.enabled") === true)
    addOns.push("webAppRouting");
  if (valueAt(resource.body, "properties.serviceMeshProfile.mode") === "Istio") addOns.push("istio");
  return {
    id: resource.id,
    name: resource.name,
    aadEnabled: valueAt(resource.body, "properties.aadProfile") !== undefined,
    localAccountsDisabled: props.disableLocalAccounts === true,
    addOns,
  };
}

/**
 * The add-ons' own checks: application routing needs a managed identity and a known default controller
 * type; the Istio mesh a mode, and in Istio mode one revision (two during a canary upgrade) compatible
 * with the cluster's Kubernetes minor; the Key Vault secrets provider's settings are strings.
 * Sources: the ManagedCluster API (`ingressProfile`, `serviceMeshProfile`, `addonProfiles`), "Managed
 * NGINX ingress with the application routing add-on" (managed identity only), the Istio support policy.
 */
function validateAddOns(body: Record<string, unknown>): void {
  const invalid = (message: string) => badRequest("InvalidParameter", message);
  if (valueAt(body, "properties.ingressProfile.webAppRouting.enabled") === true) {
    const identity = String(valueAt(body, "identity.type") ?? "").toLowerCase();
    if (identity !== "systemassigned" && identity !== "userassigned") {
      throw invalid(
        "The application routing add-on can only be enabled on clusters with a managed identity.",
      );
    }
    const type = valueAt(body, "properties.ingressProfile.webAppRouting.nginx.defaultIngressControllerType");
    if (
      type !== undefined &&
      !["AnnotationControlled", "External", "Internal", "None"].includes(String(type))
    ) {
      throw invalid(
        `defaultIngressControllerType '${String(type)}' is not AnnotationControlled, External, Internal or None.`,
      );
    }
  }
  const mesh = valueAt(body, "properties.serviceMeshProfile");
  if (mesh !== undefined) {
    const mode = valueAt(body, "properties.serviceMeshProfile.mode");
    if (mode !== "Istio" && mode !== "Disabled") {
      throw invalid(`serviceMeshProfile.mode '${String(mode)}' is not Istio or Disabled.`);
    }
    if (mode === "Istio") {
      const revisions = valuesAt(body, "properties.serviceMeshProfile.istio.revisions[]").map(String);
      if (revisions.length < 1 || revisions.length > 2) {
        throw invalid(
          "serviceMeshProfile.istio.revisions must list one revision (two during a canary upgrade).",
        );
      }
      const minor = kubernetesMinorOf(runningAksVersion(valueAt(body, "properties.kubernetesVersion")));
      for (const revision of revisions) {
        const compatible = MESH_REVISIONS.get(revision);
        if (!compatible) throw invalid(`Istio revision '${revision}' is not supported.`);
        if (!compatible.includes(minor)) {
          throw invalid(
            `Istio revision '${revision}' is not compatible with Kubernetes ${minor}; it supports ${compatible.join(", ")}.`,
          );
        }
      }
    }
  }
  const config = valueAt(body, "properties.addonProfiles.azureKeyvaultSecretsProvider.config");
  if (
    config !== undefined &&
    (typeof config !== "object" ||
      config === null ||
      Object.values(config).some((value) => typeof value !== "string"))
  ) {
    throw invalid("addonProfiles.azureKeyvaultSecretsProvider.config values must be strings.");
  }
}

type KubeUser = Record<string, unknown>;

function kubeconfig(resource: StoredResource, env: ProviderEnv, userName: string, user: KubeUser): string {
  const cluster = resource.name;
  const yaml = stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      {
        name: cluster,
        cluster: {
          server: env.kubernetesServerUrl(resource.id),
          "certificate-authority-data": Buffer.from(env.caCertPem, "utf8").toString("base64"),
        },
      },
    ],
    contexts: [{ name: cluster, context: { cluster, user: userName } }],
    "current-context": cluster,
    users: [{ name: userName, user }],
  });
  return Buffer.from(yaml, "utf8").toString("base64");
}

function userCredential(resource: StoredResource, env: ProviderEnv) {
  const info = clusterInfoOf(resource);
  const rg = resource.id.split("/")[4] ?? "";
  const userName = `clusterUser_${rg}_${resource.name}`;
  // AAD clusters hand out an exec plugin (kubelogin) rather than a static token, as AKS does.
  const user: KubeUser = info.aadEnabled
    ? {
        exec: {
          apiVersion: "client.authentication.k8s.io/v1beta1",
          command: "kubelogin",
          args: [
            "get-token",
            "--environment",
            "AzurePublicCloud",
            "--server-id",
            AKS_AAD_SERVER_APP_ID,
            "--client-id",
            AZURE_CLI_CLIENT_ID,
            "--login",
            "devicecode",
          ],
          provideClusterInfo: false,
        },
      }
    : { token: env.kubernetes.adminToken(resource.id) };
  return {
    status: 200,
    body: { kubeconfigs: [{ name: "clusterUser", value: kubeconfig(resource, env, userName, user) }] },
  };
}

function adminCredential(resource: StoredResource, env: ProviderEnv) {
  if (clusterInfoOf(resource).localAccountsDisabled) {
    throw badRequest(
      "BadRequest",
      "Getting static credential is not allowed because this cluster is set to disable local accounts.",
    );
  }
  const rg = resource.id.split("/")[4] ?? "";
  const userName = `clusterAdmin_${rg}_${resource.name}`;
  const value = kubeconfig(resource, env, userName, { token: env.kubernetes.adminToken(resource.id) });
  return { status: 200, body: { kubeconfigs: [{ name: "clusterAdmin", value }] } };
}

export const managedClusterSpec: ResourceTypeSpec = {
  schemas: [AKS_SCHEMAS.managedCluster],
  type: MANAGED_CLUSTER_TYPE,
  putStyle: "azure-async-operation",
  deleteStyle: "azure-async-operation",
  tracked: true,
  namePattern: /^[A-Za-z0-9][-\w]{0,61}[A-Za-z0-9]$|^[A-Za-z0-9]$/,
  busyCode: "OperationNotAllowed",
  required: ["properties.agentPoolProfiles"],
  references: [
    { path: "properties.agentPoolProfiles[].vnetSubnetID", type: SUBNET_TYPE },
    { path: "properties.agentPoolProfiles[].podSubnetID", type: SUBNET_TYPE },
    { path: "properties.agentPoolProfiles[].nodePublicIPPrefixID", type: PUBLIC_IP_PREFIX_TYPE },
    { path: "properties.apiServerAccessProfile.subnetId", type: SUBNET_TYPE },
    { path: "properties.diskEncryptionSetID", type: DISK_ENCRYPTION_SET_TYPE },
    {
      path: "properties.networkProfile.loadBalancerProfile.outboundIPs.publicIPs[].id",
      type: PUBLIC_IP_TYPE,
    },
    {
      path: "properties.networkProfile.loadBalancerProfile.outboundIPPrefixes.publicIPPrefixes[].id",
      type: PUBLIC_IP_PREFIX_TYPE,
    },
    { path: "properties.identityProfile.kubeletidentity.resourceId", type: USER_ASSIGNED_IDENTITY_TYPE },
  ],
  validate({ id, body, env }) {
    // The control plane's user-assigned identities are the keys of a map: each must exist.
    const identities = valueAt(body, "identity.userAssignedIdentities");
    for (const identityId of Object.keys(identities && typeof identities === "object" ? identities : {})) {
      const identity = env.store.get(identityId);
      if (identity?.type.toLowerCase() !== USER_ASSIGNED_IDENTITY_TYPE.toLowerCase()) {
        throw badRequest(
          "InvalidResourceReference",
          `Resource ${identityId} referenced by resource ${id} was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.`,
        );
      }
    }
    if (
      valueAt(body, "properties.dnsPrefix") === undefined &&
      valueAt(body, "properties.fqdnSubdomain") === undefined
    ) {
      throw badRequest("InvalidParameter", "Required parameter 'properties.dnsPrefix' is missing (null).");
    }
    validateAddOns(body);
    if (valueAt(body, "properties.networkProfile.outboundType") !== "userAssignedNATGateway") return;
    const subnetIds = valuesAt(body, "properties.agentPoolProfiles[].vnetSubnetID").map(String);
    if (subnetIds.length === 0) {
      throw badRequest(
        "InvalidUserAssignedNATGatewayConfiguration",
        "outboundType userAssignedNATGateway requires agent pools in a custom subnet (vnetSubnetID).",
      );
    }
    for (const subnetId of subnetIds) {
      const subnet = env.store.get(subnetId);
      if (valueAt(subnet?.body, "properties.natGateway.id") === undefined) {
        throw new ArmError(
          400,
          "SubnetNotAssociatedWithNATGateway",
          `The subnet '${subnetId}' is not associated with a NAT gateway, which outboundType userAssignedNATGateway requires.`,
        );
      }
    }
  },
  // The spec's defaults for what the request leaves out (managedClusters.json 2026-04-01: podCidr,
  // serviceCidr, dnsServiceIP, outboundType; RBAC on; the standard load balancer).
  defaults: (resource) => {
    const network = (valueAt(resource.body, "properties.networkProfile") ?? {}) as Record<string, unknown>;
    const podCidr = network.podCidr ?? "10.244.0.0/16";
    const serviceCidr = network.serviceCidr ?? "10.0.0.0/16";
    const overlayOrKubenet = network.networkPlugin !== "azure" || network.networkPluginMode === "overlay";
    return {
      properties: {
        enableRBAC: true,
        supportPlan: "KubernetesOfficial",
        networkProfile: {
          ...(overlayOrKubenet ? { podCidr, podCidrs: [podCidr] } : {}),
          serviceCidr,
          serviceCidrs: [serviceCidr],
          dnsServiceIP: "10.0.0.10",
          outboundType: "loadBalancer",
          loadBalancerSku: "standard",
          ipFamilies: ["IPv4"],
        },
      },
    };
  },
  synthesize(resource) {
    const props = propertiesOf(resource.body);
    const location = locationOf(resource);
    const prefix = String(props.dnsPrefix ?? props.fqdnSubdomain ?? resource.name).toLowerCase();
    const rg = resource.id.split("/")[4] ?? "";
    const identityType = String(valueAt(resource.body, "identity.type") ?? "");
    const oidc = valueAt(resource.body, "properties.oidcIssuerProfile.enabled") === true;
    const nodeResourceGroup = String(props.nodeResourceGroup ?? `MC_${rg}_${resource.name}_${location}`);
    const outboundType = valueAt(resource.body, "properties.networkProfile.outboundType") ?? "loadBalancer";
    const hash = stableHash(resource.id);
    const webAppRouting = valueAt(resource.body, "properties.ingressProfile.webAppRouting.enabled") === true;
    return {
      ...(identityType.toLowerCase() === "systemassigned"
        ? { identity: { principalId: stableGuid(`${resource.id}/identity`), tenantId: stableGuid("tenant") } }
        : {}),
      properties: {
        fqdn: `${prefix}-${hash}.hcp.${location}.azmk8s.io`,
        azurePortalFQDN: `${prefix}-${hash}.portal.hcp.${location}.azmk8s.io`,
        nodeResourceGroup,
        // An empty or absent version takes the default; the service fills it in.
        ...(props.kubernetesVersion ? {} : { kubernetesVersion: runningAksVersion(undefined) }),
        currentKubernetesVersion: runningAksVersion(props.kubernetesVersion),
        maxAgentPools: MAX_AGENT_POOLS,
        resourceUID: stableHash(`${resource.id}/${resource.createdAtMs}`, 24),
        powerState: { code: "Running" },
        identityProfile: {
          kubeletidentity: {
            resourceId: `/subscriptions/${resource.id.split("/")[2] ?? ""}/resourceGroups/${nodeResourceGroup}/providers/${USER_ASSIGNED_IDENTITY_TYPE}/${resource.name}-agentpool`,
            clientId: stableGuid(`${resource.id}/kubelet/client`),
            objectId: stableGuid(`${resource.id}/kubelet`),
          },
        },
        ...(outboundType === "loadBalancer"
          ? {
              networkProfile: {
                loadBalancerProfile: {
                  effectiveOutboundIPs: [
                    {
                      id: `/subscriptions/${resource.id.split("/")[2] ?? ""}/resourceGroups/${nodeResourceGroup}/providers/${PUBLIC_IP_TYPE}/${stableGuid(`${resource.id}/outbound`)}`,
                    },
                  ],
                },
              },
            }
          : {}),
        // The add-on's own user-assigned identity, in the node resource group (read-only).
        ...(webAppRouting
          ? {
              ingressProfile: {
                webAppRouting: {
                  identity: {
                    resourceId: `/subscriptions/${resource.id.split("/")[2] ?? ""}/resourceGroups/${nodeResourceGroup}/providers/${USER_ASSIGNED_IDENTITY_TYPE}/webapprouting-${resource.name}`,
                    clientId: stableGuid(`${resource.id}/webapprouting/client`),
                    objectId: stableGuid(`${resource.id}/webapprouting`),
                  },
                },
              },
            }
          : {}),
        ...(oidc
          ? {
              oidcIssuerProfile: {
                enabled: true,
                issuerURL: `https://${location}.oic.prod-aks.azure.com/${stableGuid("tenant")}/${stableGuid(resource.id)}/`,
              },
            }
          : {}),
      },
    };
  },
  // Node pools as AKS answers them: the versions they run, their defaults and state.
  renderExtra: (resource) => {
    const props = propertiesOf(resource.body);
    const network = (props.networkProfile ?? {}) as Record<string, unknown>;
    const version = String(props.kubernetesVersion || runningAksVersion(undefined));
    const pools = valuesAt(resource.body, "properties.agentPoolProfiles[]").map((entry, index) => {
      const pool = entry as Record<string, unknown>;
      const orchestratorVersion = String(pool.orchestratorVersion ?? version);
      return {
        count: 1,
        osType: "Linux",
        osSKU: "Ubuntu",
        osDiskType: "Managed",
        kubeletDiskType: "OS",
        type: "VirtualMachineScaleSets",
        mode: index === 0 ? "System" : "User",
        maxPods: defaultMaxPods(network.networkPlugin, network.networkPluginMode),
        enableNodePublicIP: false,
        enableFIPS: false,
        upgradeSettings: { maxSurge: "10%" },
        ...pool,
        orchestratorVersion,
        currentOrchestratorVersion: runningAksVersion(orchestratorVersion),
        nodeImageVersion: "AKSUbuntu-2204gen2containerd-202506.02.0",
        eTag: resource.etag,
        provisioningState: resource.provisioningState,
        powerState: { code: "Running" },
      };
    });
    return pools.length === 0 ? {} : { properties: { agentPoolProfiles: pools } };
  },
  async afterWrite(resource, env) {
    env.kubernetes.open(clusterInfoOf(resource));
  },
  async afterDelete(resource, env) {
    env.kubernetes.close(resource.id);
  },
  actions: {
    listclusterusercredential: userCredential,
    listclusteradmincredential: adminCredential,
  },
};
