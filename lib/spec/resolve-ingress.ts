/**
 * Rules of the modules that make the environment reachable (`k8s-base`, `external-ssl-cert`, `dns`):
 * what each needs of the others, how many of each a spec may have, and the warnings for Opta keys that
 * are read differently. Called by `resolve-modules.ts`, which owns the module list.
 */
import { ISTIO_REVISION_KUBERNETES_MINORS, KNOWN_ISTIO_REVISIONS } from "./azure-catalog";
import { IGNORED_INGRESS_KEYS } from "./ingress-schema";
import type { CertificateModuleInput, DnsModuleInput, IngressModuleInput } from "./ingress-schema";
import type { CertificateModule, DnsModule, IngressModule, SpecProblem } from "./types";

const at = (index: number, key?: string): string => `modules[${index}]${key ? `.${key}` : ""}`;

/** The resolved `k8s-base` module and the warnings for the Opta keys it ignores. */
export function resolveIngress(
  index: number,
  name: string,
  input: IngressModuleInput,
): { module: IngressModule; warnings: SpecProblem[] } {
  const warnings = Object.entries(IGNORED_INGRESS_KEYS)
    .filter(([key]) => (input as Record<string, unknown>)[key] !== undefined)
    .map(([key, why]) => ({ path: at(index, key), message: why }));
  return {
    module: {
      type: "k8s-base",
      name,
      nginx_high_availability: input.nginx_high_availability,
      linkerd_enabled: input.linkerd_enabled,
      istio_revision: input.istio_revision,
    },
    warnings,
  };
}

/** The resolved `external-ssl-cert` module (the key-material keys were refused by its schema). */
export function resolveCertificate(name: string, input: CertificateModuleInput): CertificateModule {
  return {
    type: "external-ssl-cert",
    name,
    domain: input.domain,
    ...(input.key_vault_certificate_id === undefined
      ? {}
      : { key_vault_certificate_id: input.key_vault_certificate_id }),
  };
}

/** The resolved `dns` module. */
export function resolveDns(name: string, input: DnsModuleInput): DnsModule {
  return {
    type: "dns",
    name,
    domain: input.domain,
    delegated: input.delegated,
    a_records: [...input.a_records],
  };
}

/** A module as the structural rules see it. */
interface Declared {
  readonly index: number;
  readonly type: string;
}

/**
 * What the reachability modules need: `k8s-base` a cluster, the certificate and the zone an ingress;
 * each at most once (one public entry per environment). Every declared module counts, valid or not.
 */
export function ingressStructureProblems(declared: readonly Declared[]): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const ofType = (type: string) => declared.filter((module) => module.type === type);
  const needs: readonly [type: string, needed: string, why: string][] = [
    [
      "k8s-base",
      "k8s-cluster",
      "the ingress and the service mesh run on the cluster; add a k8s-cluster module",
    ],
    [
      "external-ssl-cert",
      "k8s-base",
      "the certificate is the ingress's default certificate; add a k8s-base module",
    ],
    ["dns", "k8s-base", "the zone's records point at the ingress's address; add a k8s-base module"],
  ];
  for (const [type, needed, why] of needs) {
    const modules = ofType(type);
    for (const extra of modules.slice(1)) {
      problems.push({
        path: at(extra.index, "type"),
        message: `only one ${type} module is allowed (modules[${modules[0]!.index}] is one)`,
      });
    }
    if (modules.length > 0 && ofType(needed).length === 0) {
      for (const module of modules) problems.push({ path: at(module.index, "type"), message: why });
    }
  }
  return problems;
}

/** Whether `domain` (a certificate's, maybe `*.`) lies within the zone `zone`. */
function withinZone(domain: string, zone: string): boolean {
  const bare = domain.replace(/^\*\./, "");
  return bare === zone || bare.endsWith(`.${zone}`);
}

/** A warning when the certificate's domain lies outside the DNS zone the spec creates. */
export function certificateZoneWarnings(
  certificate: { readonly index: number; readonly domain: string } | undefined,
  dns: { readonly index: number; readonly domain: string } | undefined,
): SpecProblem[] {
  if (!certificate || !dns || withinZone(certificate.domain, dns.domain)) return [];
  return [
    {
      path: at(certificate.index, "domain"),
      message: `${certificate.domain} is not in the zone ${dns.domain} (modules[${dns.index}]): the zone's records will not lead to it`,
    },
  ];
}

/**
 * The mesh revision against the cluster's Kubernetes version: a problem when the revision is one this
 * service knows and it is not compatible with the cluster's minor (Azure would refuse the cluster), a
 * warning when the revision is unknown here (Azure decides).
 */
export function meshRevisionFindings(
  ingress: { readonly index: number; readonly istio_revision: string; readonly linkerd_enabled: boolean },
  cluster: { readonly index: number; readonly kubernetes_version: string } | undefined,
): { problems: SpecProblem[]; warnings: SpecProblem[] } {
  if (!ingress.linkerd_enabled) return { problems: [], warnings: [] };
  const compatible = ISTIO_REVISION_KUBERNETES_MINORS[ingress.istio_revision];
  const path = at(ingress.index, "istio_revision");
  if (!compatible) {
    return {
      problems: [],
      warnings: [
        {
          path,
          message: `${ingress.istio_revision} is not a revision this service knows (${KNOWN_ISTIO_REVISIONS.join(", ")}): Azure checks it against the cluster's Kubernetes version when the cluster is built`,
        },
      ],
    };
  }
  const minor = cluster?.kubernetes_version.split(".").slice(0, 2).join(".");
  if (!cluster || !minor || compatible.includes(minor)) return { problems: [], warnings: [] };
  const fitting = KNOWN_ISTIO_REVISIONS.filter((revision) =>
    ISTIO_REVISION_KUBERNETES_MINORS[revision]?.includes(minor),
  );
  return {
    problems: [
      {
        path,
        message: `${ingress.istio_revision} works with Kubernetes ${compatible.join(", ")}, not ${cluster.kubernetes_version} (${at(cluster.index, "kubernetes_version")})${fitting.length > 0 ? `: use ${fitting.join(" or ")}` : ""}`,
      },
    ],
    warnings: [],
  };
}
