/**
 * Kinds AKS add-ons install as CRDs: the application routing add-on's `NginxIngressController`
 * (`approuting.kubernetes.azure.com/v1alpha1`, cluster-scoped) and the Istio add-on's
 * `PeerAuthentication` (`security.istio.io/v1`, namespaced). A cluster serves a kind only while the
 * add-on that brings it is enabled, as a real API server serves a CRD only once it is installed. The
 * admission rules are the CRD's schema (Azure/aks-app-routing-operator
 * `config/crd/bases/approuting.kubernetes.azure.com_nginxingresscontrollers.yaml` and its Go types; AKS's
 * "Advanced NGINX ingress controller … configurations" table) and Istio's PeerAuthentication reference.
 */
import type { KubeObject } from "./kube-object";
import { isJsonObject } from "./kube-object";
import type { ResourceKind } from "./resource-kinds";
import { kubernetesErrors } from "./status";

/** The add-ons whose kinds the API server serves only while they are enabled. */
export type AddOnName = "webAppRouting" | "istio";

const PREFIX = /^[a-z0-9][-a-z0-9]*[a-z0-9]$/;
const CLASS_NAME = /^[a-z0-9][-a-z0-9.]*[a-z0-9]$/;

function specOf(object: KubeObject): Record<string, unknown> {
  const spec = object.spec ?? {};
  if (!isJsonObject(spec)) throw kubernetesErrors.badRequest("spec must be an object");
  return spec;
}

const invalid = (kind: string, object: KubeObject, field: string, message: string) =>
  kubernetesErrors.invalid(kind, object.metadata.name ?? "", field, message);

/** `NginxIngressController`: the CRD's defaults, patterns, immutable names and replica bounds. */
function admitNginxIngressController(object: KubeObject, previous: KubeObject | undefined): KubeObject {
  const kind = "NginxIngressController";
  const spec: Record<string, unknown> = {
    controllerNamePrefix: "nginx",
    ingressClassName: "nginx.approuting.kubernetes.azure.com",
    ...specOf(object),
  };
  const prefix = spec.controllerNamePrefix;
  if (typeof prefix !== "string" || prefix.length > 60 || !PREFIX.test(prefix)) {
    throw invalid(
      kind,
      object,
      "spec.controllerNamePrefix",
      `Invalid value: "${String(prefix)}": must be at most 60 lower-case letters, digits and hyphens`,
    );
  }
  const className = spec.ingressClassName;
  if (typeof className !== "string" || className.length > 253 || !CLASS_NAME.test(className)) {
    throw invalid(
      kind,
      object,
      "spec.ingressClassName",
      `Invalid value: "${String(className)}": must be a lower-case DNS subdomain`,
    );
  }
  if (previous) {
    const before = specOf(previous);
    for (const field of ["controllerNamePrefix", "ingressClassName"] as const) {
      if (before[field] !== spec[field]) throw invalid(kind, object, `spec.${field}`, "Value is immutable");
    }
  }
  const annotations = spec.loadBalancerAnnotations;
  if (
    annotations !== undefined &&
    (!isJsonObject(annotations) || Object.values(annotations).some((value) => typeof value !== "string"))
  ) {
    throw invalid(kind, object, "spec.loadBalancerAnnotations", "must be a map of strings");
  }
  const certificate = spec.defaultSSLCertificate;
  if (certificate !== undefined) {
    if (!isJsonObject(certificate))
      throw invalid(kind, object, "spec.defaultSSLCertificate", "must be an object");
    if (certificate.keyVaultURI !== undefined && certificate.secret !== undefined) {
      throw invalid(
        kind,
        object,
        "spec.defaultSSLCertificate",
        "keyVaultURI and secret are mutually exclusive",
      );
    }
    const uri = certificate.keyVaultURI;
    if (
      uri !== undefined &&
      (typeof uri !== "string" || !/^https:\/\/[^/]+\/(certificates|secrets)\/[^/]+/.test(uri))
    ) {
      throw invalid(
        kind,
        object,
        "spec.defaultSSLCertificate.keyVaultURI",
        `Invalid value: "${String(uri)}": must be a Key Vault certificate URI`,
      );
    }
    if (certificate.forceSSLRedirect !== undefined && typeof certificate.forceSSLRedirect !== "boolean") {
      throw invalid(kind, object, "spec.defaultSSLCertificate.forceSSLRedirect", "must be a boolean");
    }
  }
  const scaling = spec.scaling;
  if (scaling !== undefined) {
    if (!isJsonObject(scaling)) throw invalid(kind, object, "spec.scaling", "must be an object");
    const { minReplicas, maxReplicas, threshold } = scaling;
    for (const [field, value] of [
      ["minReplicas", minReplicas],
      ["maxReplicas", maxReplicas],
    ] as const) {
      if (value !== undefined && (typeof value !== "number" || !Number.isInteger(value) || value < 1)) {
        throw invalid(kind, object, `spec.scaling.${field}`, "must be a whole number of at least 1");
      }
    }
    if (typeof minReplicas === "number" && typeof maxReplicas === "number" && minReplicas > maxReplicas) {
      throw invalid(kind, object, "spec.scaling", "minReplicas must be at most maxReplicas");
    }
    if (threshold !== undefined && !["rapid", "balanced", "steady"].includes(String(threshold))) {
      throw invalid(kind, object, "spec.scaling.threshold", 'must be one of "rapid", "balanced", "steady"');
    }
  }
  return { ...object, spec };
}

/** `PeerAuthentication`: the mutual TLS mode must be one Istio knows. */
function admitPeerAuthentication(object: KubeObject): KubeObject {
  const spec = specOf(object);
  const mtls = spec.mtls;
  if (mtls !== undefined) {
    if (!isJsonObject(mtls)) throw invalid("PeerAuthentication", object, "spec.mtls", "must be an object");
    if (
      mtls.mode !== undefined &&
      !["UNSET", "DISABLE", "PERMISSIVE", "STRICT"].includes(String(mtls.mode))
    ) {
      throw invalid(
        "PeerAuthentication",
        object,
        "spec.mtls.mode",
        `unsupported value "${String(mtls.mode)}"`,
      );
    }
  }
  return { ...object, spec };
}

/** The add-ons' kinds, with the add-on that installs each. */
export const ADDON_KINDS: readonly (ResourceKind & { readonly addOn: AddOnName })[] = [
  {
    group: "approuting.kubernetes.azure.com",
    version: "v1alpha1",
    plural: "nginxingresscontrollers",
    singular: "nginxingresscontroller",
    kind: "NginxIngressController",
    namespaced: false,
    shortNames: ["nic"],
    nameRule: "dns1123Subdomain",
    columns: [
      {
        name: "IngressClass",
        type: "string",
        description: "The IngressClass of the controller",
        cell: (object) =>
          String((object.spec as { ingressClassName?: string } | undefined)?.ingressClassName ?? ""),
      },
      {
        name: "ControllerNamePrefix",
        type: "string",
        description: "Prefix of the controller's resources",
        cell: (object) =>
          String((object.spec as { controllerNamePrefix?: string } | undefined)?.controllerNamePrefix ?? ""),
      },
    ],
    selectableFields: {},
    admit: admitNginxIngressController,
    fields: ["apiVersion", "kind", "metadata", "spec", "status"],
    addOn: "webAppRouting",
  },
  {
    group: "security.istio.io",
    version: "v1",
    plural: "peerauthentications",
    singular: "peerauthentication",
    kind: "PeerAuthentication",
    namespaced: true,
    shortNames: ["pa"],
    nameRule: "dns1123Subdomain",
    columns: [
      {
        name: "Mode",
        type: "string",
        description: "The mutual TLS mode",
        cell: (object) => String((object.spec as { mtls?: { mode?: string } } | undefined)?.mtls?.mode ?? ""),
      },
    ],
    selectableFields: {},
    admit: (object) => admitPeerAuthentication(object),
    fields: ["apiVersion", "kind", "metadata", "spec", "status"],
    addOn: "istio",
  },
];
