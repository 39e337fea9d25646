/**
 * The outputs of an environment's public entry (`IngressOutputs`): the ingress's address, its class,
 * the mesh, the certificate it serves and what DNS must say — made of the plan and the facts its nodes
 * reported, as a pure function (the build replays it). Never a key: the certificate's public facts only.
 */
import type { ResourceFacts } from "../activities/contract";
import { expiryWarning } from "../lib/certificates/expiry";
import { FACT } from "../lib/plan/facts";
import { DELEGATION_TAG, ingressIpKey, ISTIO_REVISION_LABEL } from "../lib/plan/ingress";
import type { KubernetesObjectDesired, Plan, PlanNode, TlsCertificateDesired } from "../lib/plan/types";
import type { IngressOutputs } from "./contracts";

type FactsByKey = Readonly<Record<string, ResourceFacts | undefined>>;

function objectOf(node: PlanNode): KubernetesObjectDesired["object"] | undefined {
  return node.kind === "kubernetesObject"
    ? (node.desired as unknown as KubernetesObjectDesired).object
    : undefined;
}

const list = (text: string | undefined): string[] =>
  text === undefined || text === "" ? [] : text.split(",");

/** The fully qualified name of record `name` in `zone` (`@` is the zone itself). */
function fqdnOf(name: string, zone: string): string {
  return name === "@" ? zone : `${name}.${zone}`;
}

/** The ingress's outputs, or undefined for a plan without an ingress. `nowMs`: orchestration time. */
export function ingressOutputs(plan: Plan, facts: FactsByKey, nowMs: number): IngressOutputs | undefined {
  const controller = plan.nodes.find((node) => objectOf(node)?.kind === "NginxIngressController");
  if (!controller) return undefined;
  const ipAddress = facts[ingressIpKey(controller.module)]?.[FACT.ipAddress];
  const spec = objectOf(controller)?.spec as { ingressClassName?: string } | undefined;

  const peerAuthentication = plan.nodes.find((node) => objectOf(node)?.kind === "PeerAuthentication");
  const meshNamespace = plan.nodes.find(
    (node) => objectOf(node)?.kind === "Namespace" && objectOf(node)?.metadata.labels?.[ISTIO_REVISION_LABEL],
  );
  const revision = meshNamespace
    ? objectOf(meshNamespace)?.metadata.labels?.[ISTIO_REVISION_LABEL]
    : undefined;
  const namespace = peerAuthentication ? objectOf(peerAuthentication)?.metadata.namespace : undefined;

  const certificateNode = plan.nodes.find((node) => node.kind === "tlsCertificate");
  const certificateDesired = certificateNode?.desired as unknown as TlsCertificateDesired | undefined;
  const certificateFacts = certificateNode ? facts[certificateNode.key] : undefined;
  const certificate =
    certificateNode && certificateDesired
      ? {
          name: certificateDesired.certificateName,
          domain: certificateDesired.domain,
          ...(certificateFacts
            ? {
                keyVaultId: certificateFacts[FACT.certificateId],
                thumbprint: certificateFacts.thumbprint,
                subject: certificateFacts.subject,
                subjectAlternativeNames: list(certificateFacts.subjectAlternativeNames),
                expiresOn: certificateFacts.notAfter,
              }
            : {}),
          ...(() => {
            if (!certificateFacts?.notAfter) return {};
            const warning = expiryWarning(
              {
                notAfter: certificateFacts.notAfter,
                subject: certificateFacts.subject ?? certificateDesired.domain,
              },
              nowMs,
            );
            return warning ? { warning } : {};
          })(),
        }
      : undefined;

  const zoneNode = plan.nodes.find((node) => node.kind === "dnsZone");
  const address = ipAddress ?? "the ingress address (known once the build created it)";
  let dns: IngressOutputs["dns"];
  if (zoneNode) {
    const zone = zoneNode.name;
    const nameServers = list(facts[zoneNode.key]?.[FACT.nameServers]).map((server) =>
      server.replace(/\.$/, ""),
    );
    const delegated =
      (zoneNode.desired.tags as Record<string, string> | undefined)?.[DELEGATION_TAG] === "done";
    const records = plan.nodes
      .filter((node) => node.kind === "dnsRecordSet" && node.module === zoneNode.module)
      .map((node) => ({
        name: fqdnOf(node.name, zone),
        type: "A" as const,
        ...(ipAddress ? { value: ipAddress } : {}),
      }));
    const servers = nameServers.length > 0 ? nameServers.join(", ") : "the zone's name servers";
    dns = {
      zone,
      nameServers,
      delegated,
      records,
      instructions: delegated
        ? `The registrar delegates ${zone} to ${servers} (delegated: true); ${records.map((r) => r.name).join(", ")} lead to ${address}.`
        : `At the registrar of ${zone}, set its name servers to ${servers}. Once DNS answers from them, ${records.map((r) => r.name).join(", ")} lead to ${address} and the application is live over TLS; then set delegated: true.`,
    };
  } else {
    const name = certificateDesired?.domain ?? "your domain";
    dns = {
      records: [{ name, type: "A", ...(ipAddress ? { value: ipAddress } : {}) }],
      instructions: `At your DNS host, create an A record for ${name} with the value ${address}; once it resolves, the application is live over TLS.`,
    };
  }
  return {
    ...(ipAddress ? { ipAddress } : {}),
    ingressClassName: spec?.ingressClassName ?? "",
    ...(revision && namespace ? { serviceMesh: { revision, namespace, mtls: "STRICT" as const } } : {}),
    ...(certificate ? { certificate } : {}),
    dns,
  };
}

/** Warnings of the outputs (a certificate about to expire). */
export function outputWarnings(outputs: { readonly ingress?: IngressOutputs }): string[] {
  const warning = outputs.ingress?.certificate?.warning;
  return warning ? [warning] : [];
}
