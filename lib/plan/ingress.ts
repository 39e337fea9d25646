/**
 * The environment's public entry: `k8s-base` (a static zone-redundant public IP, the cluster identity's
 * Network Contributor role on its resource group, the add-on's NGINX controller on that IP, the service
 * mesh's strict mutual TLS in the environment's namespace), `external-ssl-cert` (the certificate in Key
 * Vault, the provisioner's right to import it and the add-on's right to read it) and `dns` (a public
 * zone with A records to the IP). Azure facts and sources: docs/azure-facts.md#ingress-and-service-mesh.
 */
import { DNS_DEFAULTS, defaultSecretNamespace, NGINX_SCALING } from "../spec/defaults";
import type { CertificateModule, DnsModule, IngressModule } from "../spec/types";
import type { ClusterRefs } from "./cluster";
import { FACT, factOf } from "./facts";
import { identityRoleAssignment } from "./roles";
import { kubernetesObject, labelsOf } from "./kubernetes";
import { roleDefinitionId, type NetworkRefs, type NodeRef } from "./network";
import { armId, environmentResourceName, makeNode, nodeKey, tagsOf, type PlanningScope } from "./node";
import { deterministicGuid } from "./naming";
import type { PlanNode, TlsCertificateDesired } from "./types";

/** Built-in role: Network Contributor (the cluster identity joins the static IP and the node subnet). */
export const NETWORK_CONTRIBUTOR_ROLE_ID = "4d97b98b-1d4f-4787-a291-c67834d212e7";
/** Built-in role: Key Vault Secrets User (reads a certificate's backing secret, key included). */
export const KEY_VAULT_SECRETS_USER_ROLE_ID = "4633458b-17de-408a-b874-0445c86b69e6";
/** Built-in role: Key Vault Certificates Officer (imports and reads certificates, not their keys). */
export const KEY_VAULT_CERTIFICATES_OFFICER_ROLE_ID = "a4417e6f-fecd-4de8-b567-7b0420556985";

/** The ingress controller this service writes (the add-on's own default one is turned off). */
export const INGRESS_CONTROLLER = {
  /** The `NginxIngressController`'s name (cluster-scoped). */
  name: "nginx-public",
  /** The IngressClass applications name in their Ingresses. */
  ingressClassName: "nginx-public",
  /** Prefix of the controller's Kubernetes resources (at most 60 characters). */
  controllerNamePrefix: "nginx-public",
} as const;

/** Load balancer annotations that put the controller's service on a given public IP. */
export const LOAD_BALANCER_ANNOTATIONS = {
  publicIpName: "service.beta.kubernetes.io/azure-pip-name",
  resourceGroup: "service.beta.kubernetes.io/azure-load-balancer-resource-group",
} as const;

/** The namespace label that selects the Istio add-on revision injecting sidecars. */
export const ISTIO_REVISION_LABEL = "istio.io/rev";

/** Tag of the DNS zone saying whether the registrar delegates the domain to it (`done`, `to-do`). */
export const DELEGATION_TAG = "registrar-delegation";

/** TTL of the A records, in seconds (Azure CLI's default). */
export const RECORD_TTL_SEC = 3600;

/** Part (within the ingress module) of the ingress IP's node. */
const INGRESS_IP_PART = "ingress-ip";

/** Key of the ingress IP's node of the `k8s-base` module named `module`. */
export function ingressIpKey(module: string): string {
  return nodeKey(module, INGRESS_IP_PART);
}

const ref = (node: PlanNode): NodeRef => ({ key: node.key, id: node.id, name: node.name });

/** What the ingress needs of the certificate module. */
export interface CertificateRefs {
  /** The `tlsCertificate` node, whose `certificateId` fact the controller serves. */
  readonly certificate: NodeRef;
  /** Nodes that must be done before the controller reads the certificate (the add-on's read access). */
  readonly readyKeys: readonly string[];
}

/** The vault name in a Key Vault URL (`https://<name>.vault.azure.net/…`), lower case. */
function vaultNameOfUrl(url: string): string {
  return new URL(url).hostname.split(".")[0]!.toLowerCase();
}

/**
 * Plans the `external-ssl-cert` module: the certificate (waited for until uploaded, or the user's own in
 * Key Vault), the provisioner's Key Vault Certificates Officer role to import it, and the add-on
 * identity's Key Vault Secrets User role to read it — both on the environment's vault only: access to a
 * vault elsewhere is its owner's to grant.
 */
export function planCertificate(
  scope: PlanningScope,
  spec: CertificateModule,
  network: NetworkRefs,
  cluster: ClusterRefs,
): { nodes: PlanNode[]; refs: CertificateRefs } {
  const module = spec.name;
  const external = spec.key_vault_certificate_id;
  const inEnvironmentVault = external === undefined || vaultNameOfUrl(external) === network.vault.name;
  const nodes: PlanNode[] = [];
  let officer: PlanNode | undefined;
  if (external === undefined) {
    const principal = scope.context.provisionerPrincipalId;
    const name = deterministicGuid([network.vault.id, KEY_VAULT_CERTIFICATES_OFFICER_ROLE_ID, principal]);
    officer = makeNode({
      kind: "roleAssignment",
      module,
      part: "role-vault-certificates-officer",
      stage: "ingress",
      name,
      id: `${network.vault.id}/providers/Microsoft.Authorization/roleAssignments/${name}`,
      dependsOn: [network.vault.key],
      desired: {
        roleDefinitionId: roleDefinitionId(scope.subscriptionId, KEY_VAULT_CERTIFICATES_OFFICER_ROLE_ID),
        principalId: principal,
        principalType: "ServicePrincipal",
      },
    });
    nodes.push(officer);
  }
  const desired: TlsCertificateDesired = {
    environmentId: `${scope.spec.org_name}-${scope.spec.name}`,
    vaultId: network.vault.id,
    vaultName: network.vault.name,
    certificateName: module,
    domain: spec.domain,
    ...(external === undefined ? {} : { certificateId: external }),
  };
  const certificate = makeNode({
    kind: "tlsCertificate",
    module,
    part: "certificate",
    stage: "ingress",
    name: module,
    id: `${network.vault.id}/certificates/${module}`,
    dependsOn: [network.vault.key, ...(officer ? [officer.key] : [])],
    desired: { ...desired },
  });
  nodes.push(certificate);
  const readyKeys: string[] = [certificate.key];
  if (inEnvironmentVault) {
    const reader = identityRoleAssignment(scope, {
      stage: "ingress",
      module,
      part: "role-ingress-vault-secrets-user",
      scopeId: network.vault.id,
      roleId: KEY_VAULT_SECRETS_USER_ROLE_ID,
      principal: { node: cluster.cluster, fact: FACT.webAppRoutingObjectId },
      dependsOn: [network.vault.key],
    });
    nodes.push(reader);
    readyKeys.push(reader.key);
  }
  return { nodes, refs: { certificate: ref(certificate), readyKeys } };
}

/**
 * Plans the `k8s-base` module: the ingress's static public IP, the cluster identity's Network
 * Contributor role on the environment's resource group (the IP's and the node subnet's, as Microsoft
 * documents for resources outside the node resource group), the add-on's `NginxIngressController` on
 * that IP with the certificate as its default, and — with the mesh — the namespace's revision label and
 * its STRICT `PeerAuthentication`.
 */
export function planIngress(
  scope: PlanningScope,
  spec: IngressModule,
  network: NetworkRefs,
  cluster: ClusterRefs,
  certificate: CertificateRefs | undefined,
): PlanNode[] {
  const module = spec.name;
  const tags = tagsOf(scope, module);
  const ipName = environmentResourceName(scope, "publicIpAddress", "pip", "", ["ingress"]);
  const ip = makeNode({
    kind: "publicIpAddress",
    module,
    part: INGRESS_IP_PART,
    stage: "ingress",
    name: ipName,
    id: armId(scope, "Microsoft.Network", ["publicIPAddresses", ipName]),
    dependsOn: [network.resourceGroup.key],
    desired: {
      location: scope.location,
      tags,
      sku: { name: "Standard", tier: "Regional" },
      // Zone-redundant, created before any app exists: the address users point DNS at never changes.
      zones: ["1", "2", "3"],
      publicIPAllocationMethod: "Static",
      publicIPAddressVersion: "IPv4",
    },
  });
  const networkRole = identityRoleAssignment(scope, {
    stage: "ingress",
    module,
    part: "role-cluster-network-contributor",
    scopeId: scope.resourceGroupId,
    roleId: NETWORK_CONTRIBUTOR_ROLE_ID,
    principal: { node: cluster.cluster, fact: FACT.clusterPrincipalId },
    dependsOn: [network.resourceGroup.key],
  });
  const labels = labelsOf(scope, module);
  const scaling = spec.nginx_high_availability ? NGINX_SCALING.highAvailability : NGINX_SCALING.standard;
  const controller = kubernetesObject(cluster.cluster, {
    stage: "ingress",
    module,
    part: "ingress-controller",
    ownership: "object",
    object: {
      apiVersion: "approuting.kubernetes.azure.com/v1alpha1",
      kind: "NginxIngressController",
      metadata: { name: INGRESS_CONTROLLER.name, labels },
      spec: {
        ingressClassName: INGRESS_CONTROLLER.ingressClassName,
        controllerNamePrefix: INGRESS_CONTROLLER.controllerNamePrefix,
        loadBalancerAnnotations: {
          [LOAD_BALANCER_ANNOTATIONS.publicIpName]: ipName,
          [LOAD_BALANCER_ANNOTATIONS.resourceGroup]: scope.resourceGroup,
        },
        scaling: { ...scaling },
        ...(certificate
          ? {
              defaultSSLCertificate: {
                keyVaultURI: factOf(certificate.certificate.key, FACT.certificateId),
                forceSSLRedirect: true,
              },
            }
          : {}),
      },
    },
    dependsOn: [ip.key, networkRole.key, cluster.adminRole.key, ...(certificate?.readyKeys ?? [])],
  });
  const nodes = [ip, networkRole, controller];
  if (!spec.linkerd_enabled) return nodes;

  const namespace = defaultSecretNamespace(scope.spec.name);
  const namespaceNode = kubernetesObject(cluster.cluster, {
    stage: "ingress",
    module,
    part: "mesh-namespace",
    ownership: "labels",
    object: {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: namespace, labels: { ...labels, [ISTIO_REVISION_LABEL]: spec.istio_revision } },
    },
    dependsOn: [cluster.adminRole.key],
  });
  const peerAuthentication = kubernetesObject(cluster.cluster, {
    stage: "ingress",
    module,
    part: "mesh-strict-mtls",
    ownership: "object",
    object: {
      apiVersion: "security.istio.io/v1",
      kind: "PeerAuthentication",
      metadata: { name: "default", namespace, labels },
      spec: { mtls: { mode: "STRICT" } },
    },
    dependsOn: [namespaceNode.key, cluster.adminRole.key],
  });
  return [...nodes, namespaceNode, peerAuthentication];
}

/** The node part of an A record: `@` is the apex, `*` the wildcard. */
function recordPart(name: string): string {
  if (name === "@") return "record-apex";
  if (name === "*") return "record-wildcard";
  return `record-${name.replace(/\*/g, "wildcard").replace(/\./g, "-")}`;
}

/**
 * Plans the `dns` module: the public zone and one A record per name, each to the ingress's address.
 * The zone is not handed to the add-on (`dnsZoneResourceIds`): its records are this service's.
 */
export function planDns(
  scope: PlanningScope,
  spec: DnsModule,
  network: NetworkRefs,
  ipKey: string,
): PlanNode[] {
  const module = spec.name;
  const zoneId = armId(scope, "Microsoft.Network", ["dnsZones", spec.domain]);
  const zone = makeNode({
    kind: "dnsZone",
    module,
    part: "zone",
    stage: "ingress",
    name: spec.domain,
    id: zoneId,
    dependsOn: [network.resourceGroup.key],
    desired: {
      location: "global",
      // Whether the user says the registrar already delegates the domain here: read back into outputs.
      tags: { ...tagsOf(scope, module), [DELEGATION_TAG]: spec.delegated ? "done" : "to-do" },
      zoneType: "Public",
    },
  });
  const names = spec.a_records.length > 0 ? spec.a_records : DNS_DEFAULTS.a_records;
  const records = names.map((name) =>
    makeNode({
      kind: "dnsRecordSet",
      module,
      part: recordPart(name),
      stage: "ingress",
      name,
      id: `${zoneId}/A/${name}`,
      dependsOn: [zone.key, ipKey],
      desired: { ttl: RECORD_TTL_SEC, aRecords: [{ ipv4Address: factOf(ipKey, FACT.ipAddress) }] },
    }),
  );
  return [zone, ...records];
}
