/**
 * Schemas of the modules that make the environment reachable: `k8s-base` (ingress on a static IP and the
 * service mesh), `external-ssl-cert` (the ingress's TLS certificate, named here and uploaded apart) and
 * `dns` (an Azure DNS zone pointing at the ingress). Keys are Opta's where Opta had them; the Opta keys
 * that carried Helm values or private keys are recognised so they can be warned about or refused with a
 * message, rather than reported as unknown.
 */
import { z } from "zod";
import { DNS_DEFAULTS, INGRESS_DEFAULTS } from "./defaults";
import { KNOWN_ISTIO_REVISIONS } from "./azure-catalog";
import { moduleName } from "./module-name";
import { quote } from "./quote";

/** A DNS label: 1–63 of a-z, 0-9 and `-`, not starting or ending with `-`. */
const LABEL = "[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?";
/** A domain name of at least two labels, lower case. */
const DOMAIN = new RegExp(`^(?=.{1,253}$)(${LABEL}\\.)+${LABEL}$`);

/** Whether `name` is a lower-case domain name of at least two labels (no wildcard). */
export function isDomainName(name: string): boolean {
  return DOMAIN.test(name);
}

const domainMessage = (input: unknown, wildcard: boolean): string =>
  typeof input === "string" && input !== input.toLowerCase()
    ? `${quote(input)} must be written in lower case (${input.toLowerCase()})`
    : `${quote(input)} is not a domain name such as example.com${wildcard ? " or *.example.com" : ""}`;

/** A domain a certificate covers: `example.com`, `app.example.com` or `*.example.com`. */
const certificateDomain = z.string().refine((name) => isDomainName(name.replace(/^\*\./, "")), {
  error: (issue) => domainMessage(issue.input, true),
});

/** A DNS zone's name: a domain, never a wildcard. */
const zoneName = z.string().refine(isDomainName, { error: (issue) => domainMessage(issue.input, false) });

/**
 * The Key Vault id of a certificate: `https://<vault>.vault.azure.net/certificates/<name>[/<version>]`
 * (the `id` `az keyvault certificate show` prints), on any vault host.
 */
export const KEY_VAULT_CERTIFICATE_ID =
  /^https:\/\/[^/\s]+\/certificates\/[0-9A-Za-z-]{1,127}(\/[0-9a-f]{32})?\/?$/;

/** An Opta key that held a private key or certificate inline or as a file path: always refused. */
const refusedKeyMaterial = (what: string) =>
  z
    .unknown()
    .refine(() => false, {
      error: `${what} never goes into a spec: a private key in a spec would travel through queues, Durable history and records. Upload the certificate with its key instead: PUT /api/environments/{id}/certificates/{module name} (PEM chain + key, or PFX); the build waits for it`,
    })
    .optional();

/** An Opta key whose value configured a Helm chart this service does not install: warned about, ignored. */
const ignoredOptaValues = z.unknown().optional();

/**
 * `k8s-base`: the ingress (AKS's managed NGINX, the application routing add-on, on a static
 * zone-redundant public IP) and the Istio-based service mesh add-on with strict mutual TLS.
 */
export const ingressModuleSchema = z.strictObject({
  type: z.literal("k8s-base"),
  name: moduleName.optional(),
  nginx_high_availability: z.boolean().default(INGRESS_DEFAULTS.nginx_high_availability),
  linkerd_enabled: z.boolean().default(INGRESS_DEFAULTS.linkerd_enabled),
  istio_revision: z
    .string()
    .regex(/^asm-\d+-\d+$/, {
      error: `must be an Istio add-on revision such as ${INGRESS_DEFAULTS.istio_revision} (known: ${KNOWN_ISTIO_REVISIONS.join(", ")}; az aks mesh get-revisions lists a region's)`,
    })
    .default(INGRESS_DEFAULTS.istio_revision),
  // Opta's Helm values and settings the managed add-ons do not take (resolve-modules warns about each).
  linkerd_high_availability: ignoredOptaValues,
  linkerd_values: ignoredOptaValues,
  ingress_nginx_values: ignoredOptaValues,
  cert_manager_values: ignoredOptaValues,
  nginx_config: ignoredOptaValues,
});

/**
 * `external-ssl-cert`: the certificate the ingress serves by default. The spec names it; the certificate
 * and its key are uploaded to the environment's Key Vault through the API, or already kept in a vault.
 */
export const certificateModuleSchema = z.strictObject({
  type: z.literal("external-ssl-cert"),
  name: moduleName.optional(),
  domain: certificateDomain,
  key_vault_certificate_id: z
    .string()
    .regex(KEY_VAULT_CERTIFICATE_ID, {
      error:
        "must be a Key Vault certificate id such as https://myvault.vault.azure.net/certificates/mycert (a version may follow)",
    })
    .optional(),
  certificate_body: refusedKeyMaterial("certificate_body"),
  certificate_chain: refusedKeyMaterial("certificate_chain"),
  private_key: refusedKeyMaterial("private_key"),
  certificate_body_file: refusedKeyMaterial("certificate_body_file"),
  certificate_chain_file: refusedKeyMaterial("certificate_chain_file"),
  private_key_file: refusedKeyMaterial("private_key_file"),
});

/** An A record's name relative to its zone: `@` (the apex), `*` (every name), or labels. */
const recordName = z
  .string()
  .refine(
    (name) => name === "@" || name === "*" || new RegExp(`^(\\*\\.)?(${LABEL}\\.)*${LABEL}$`).test(name),
    {
      error: (issue) =>
        `${quote(issue.input)} is not a record name: @ (the apex), * (every name), or labels such as www`,
    },
  );

/** `dns`: an Azure DNS public zone for the domain, with A records to the ingress address. */
export const dnsModuleSchema = z.strictObject({
  type: z.literal("dns"),
  name: moduleName.optional(),
  domain: zoneName,
  delegated: z.boolean().default(DNS_DEFAULTS.delegated),
  a_records: z
    .array(recordName)
    .min(1, { error: "must list at least one record name" })
    .refine((names) => new Set(names).size === names.length, { error: "must not repeat a name" })
    .default([...DNS_DEFAULTS.a_records]),
});

/** Opta's `k8s-base` keys that are accepted and ignored, with why (one warning each). */
export const IGNORED_INGRESS_KEYS: Readonly<Record<string, string>> = {
  linkerd_high_availability:
    "the managed Istio control plane's availability is AKS's; linkerd_high_availability is ignored",
  linkerd_values:
    "Linkerd's Helm values do not apply: the service mesh is AKS's Istio add-on, configured by the service",
  ingress_nginx_values:
    "ingress-nginx's Helm values do not apply: the ingress is AKS's managed NGINX (application routing add-on), configured by the service",
  cert_manager_values:
    "cert-manager is not installed: the ingress's certificate comes from Key Vault (external-ssl-cert)",
  nginx_config: "the managed NGINX's ConfigMap cannot be edited (an application routing add-on limit)",
};

/** Module values as the schemas output them. */
export type IngressModuleInput = z.output<typeof ingressModuleSchema>;
export type CertificateModuleInput = z.output<typeof certificateModuleSchema>;
export type DnsModuleInput = z.output<typeof dnsModuleSchema>;

/** Opta's key-material keys of `external-ssl-cert`, which the schema refuses. */
const KEY_MATERIAL_KEYS = [
  "certificate_body",
  "certificate_chain",
  "private_key",
  "certificate_body_file",
  "certificate_chain_file",
  "private_key_file",
];

/**
 * Why `envctl import-opta` leaves `key` of an Opta module of `type` out of the converted spec, if it does:
 * key material (which a spec refuses) and the Helm values a `k8s-base` ignores. Undefined: carried.
 */
export function notCarriedOnImport(type: string, key: string): string | undefined {
  if (type === "external-ssl-cert" && KEY_MATERIAL_KEYS.includes(key)) {
    return "a certificate and its key are uploaded, never written in a spec: PUT /api/environments/{id}/certificates/{module name} once the environment exists; the build waits for it";
  }
  if (type === "k8s-base") return IGNORED_INGRESS_KEYS[key];
  return undefined;
}
