/**
 * Microsoft.ContainerService managed clusters. PUT and DELETE answer with Azure-AsyncOperation (the
 * modular SDK client); credentials actions return a kubeconfig whose server is the emulator's Kubernetes
 * API for the cluster and whose CA is the emulator CA.
 */
import { stringify } from "yaml";
import { valueAt, valuesAt } from "../body-path.js";
import { AKS_AAD_SERVER_APP_ID, type ClusterInfo } from "../dataplane.js";
import { ArmError, badRequest } from "../errors.js";
import type { ProviderEnv, ResourceTypeSpec } from "../resource-type.js";
import type { StoredResource } from "../store.js";
import { SUBNET_TYPE } from "./network.js";
import { kubernetesMinorOf, MESH_REVISIONS } from "../azure-facts/mesh-revisions.js";
import { locationOf, propertiesOf, stableGuid, stableHash } from "./shared.js";

export const MANAGED_CLUSTER_TYPE = "Microsoft.ContainerService/managedClusters";
/** Default Kubernetes version reported when the request names none. */
const DEFAULT_KUBERNETES_VERSION = "1.33.2";
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
      const minor = kubernetesMinorOf(
        String(valueAt(body, "properties.kubernetesVersion") ?? DEFAULT_KUBERNETES_VERSION),
      );
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
  type: MANAGED_CLUSTER_TYPE,
  putStyle: "azure-async-operation",
  deleteStyle: "azure-async-operation",
  tracked: true,
  namePattern: /^[A-Za-z0-9][-\w]{0,61}[A-Za-z0-9]$|^[A-Za-z0-9]$/,
  busyCode: "OperationNotAllowed",
  required: ["properties.agentPoolProfiles"],
  references: [{ path: "properties.agentPoolProfiles[].vnetSubnetID", type: SUBNET_TYPE }],
  validate({ body, env }) {
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
  synthesize(resource) {
    const props = propertiesOf(resource.body);
    const location = locationOf(resource);
    const prefix = String(props.dnsPrefix ?? props.fqdnSubdomain ?? resource.name).toLowerCase();
    const rg = resource.id.split("/")[4] ?? "";
    const identityType = String(valueAt(resource.body, "identity.type") ?? "");
    const oidc = valueAt(resource.body, "properties.oidcIssuerProfile.enabled") === true;
    const webAppRouting = valueAt(resource.body, "properties.ingressProfile.webAppRouting.enabled") === true;
    return {
      ...(identityType.toLowerCase() === "systemassigned"
        ? { identity: { principalId: stableGuid(`${resource.id}/identity`), tenantId: stableGuid("tenant") } }
        : {}),
      properties: {
        fqdn: `${prefix}-${stableHash(resource.id)}.hcp.${location}.azmk8s.io`,
        nodeResourceGroup: String(props.nodeResourceGroup ?? `MC_${rg}_${resource.name}_${location}`),
        currentKubernetesVersion: String(props.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION),
        kubernetesVersion: String(props.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION),
        powerState: { code: "Running" },
        identityProfile: { kubeletidentity: { objectId: stableGuid(`${resource.id}/kubelet`) } },
        // The add-on's own user-assigned identity, in the node resource group (read-only).
        ...(webAppRouting
          ? {
              ingressProfile: {
                webAppRouting: {
                  identity: {
                    resourceId: `/subscriptions/${resource.id.split("/")[2] ?? ""}/resourceGroups/${String(props.nodeResourceGroup ?? `MC_${rg}_${resource.name}_${location}`)}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/webapprouting-${resource.name}`,
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
