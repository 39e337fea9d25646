/**
 * The `tlsCertificate` step: finds the ingress's certificate in Key Vault (its certificate part only:
 * the key stays in Key Vault, in the certificate's backing secret, which only the ingress add-on reads)
 * and checks it still serves the module's domain. An uploaded certificate that is not there yet is no
 * failure: the step answers `awaitingInput`, and the build waits for the upload to raise
 * {@link CERTIFICATE_UPLOADED_EVENT}.
 */
import type { KeyVaultCertificateWithPolicy } from "@azure/keyvault-certificates";
import type { AzureClients } from "../lib/azure/clients";
import type { StepPermissions } from "../lib/azure/permissions";
import { AzureError, classifyAzureError, isNotFoundError } from "../lib/azure/errors";
import { coversDomain, describeCertificate } from "../lib/certificates/x509";
import { FACT } from "../lib/plan/facts";
import type { PlanNode, TlsCertificateDesired } from "../lib/plan/types";
import { withPropagationRetry } from "../lib/secrets/vault-secrets";
import { CERTIFICATE_UPLOADED_EVENT, type WriteAwaitingInput, type WriteDone } from "./contract";

/**
 * What a `tlsCertificate` node needs: the vault's URI from ARM, the certificate read (never its secret)
 * and — for the upload route, which imports it on the node's behalf (`functions/certificate-upload.ts`)
 * — its import (docs/deploy.md#least-privilege).
 */
export const TLS_CERTIFICATE_PERMISSIONS: StepPermissions = {
  actions: ["Microsoft.KeyVault/vaults/read"],
  dataActions: [
    "Microsoft.KeyVault/vaults/certificates/read",
    "Microsoft.KeyVault/vaults/certificates/import/action",
  ],
};

/** The route a certificate is uploaded through, for messages. */
export function certificateUploadRoute(environmentId: string, certificateName: string): string {
  return `PUT /api/environments/${environmentId}/certificates/${certificateName}`;
}

/** The vault URI and certificate name (and version) of a Key Vault certificate id. */
function parseCertificateId(id: string): { vaultUri: string; name: string; version?: string } {
  const url = new URL(id);
  const [, collection, name, version] = url.pathname.split("/");
  if (collection !== "certificates" || !name) throw new Error(`not a Key Vault certificate id: ${id}`);
  return { vaultUri: `${url.origin}/`, name, ...(version ? { version } : {}) };
}

/** The `tlsCertificate` steps over `clients`. */
export function createTlsCertificateSteps(clients: AzureClients) {
  const retry = () => ({ budgetMs: clients.keyVaultPropagationBudgetMs });

  async function read(desired: TlsCertificateDesired): Promise<KeyVaultCertificateWithPolicy | undefined> {
    const external = desired.certificateId ? parseCertificateId(desired.certificateId) : undefined;
    const client = external
      ? clients.certificateClient(external.vaultUri)
      : await clients.certificateClientForVault(desired.vaultId);
    const name = external?.name ?? desired.certificateName;
    try {
      return await withPropagationRetry(
        () =>
          external?.version
            ? (client.getCertificateVersion(name, external.version) as Promise<KeyVaultCertificateWithPolicy>)
            : client.getCertificate(name),
        retry(),
        name,
      );
    } catch (error) {
      if (isNotFoundError(classifyAzureError(error))) return undefined;
      throw error;
    }
  }

  /**
   * The certificate's facts (id with version, thumbprint, subject, names, expiry), or `awaitingInput`
   * when an uploaded one is missing.
   * @throws AzureError (classified): `invalidRequest` when it expired or does not cover the domain
   */
  async function ensure(node: PlanNode): Promise<WriteDone | WriteAwaitingInput> {
    const desired = node.desired as unknown as TlsCertificateDesired;
    let certificate: KeyVaultCertificateWithPolicy | undefined;
    try {
      certificate = await read(desired);
    } catch (error) {
      throw classifyAzureError(error, node.id);
    }
    // The SDK keeps the versioned id under `properties` (the top-level `id` stays unset).
    const id = certificate?.properties.id;
    if (!certificate?.cer || !id) {
      if (desired.certificateId) {
        throw new AzureError({
          kind: "notFound",
          code: "CertificateNotFound",
          message: `Key Vault has no certificate ${desired.certificateId} (key_vault_certificate_id)`,
          retryable: false,
          target: node.id,
        });
      }
      return {
        nodeKey: node.key,
        resourceId: node.id,
        outcome: "awaitingInput",
        awaiting: {
          event: CERTIFICATE_UPLOADED_EVENT,
          reason: `waiting for the certificate of ${desired.domain}: upload it (PEM chain + key, or PFX) with ${certificateUploadRoute(desired.environmentId, desired.certificateName)}`,
        },
      };
    }
    const summary = describeCertificate(Buffer.from(certificate.cer));
    const refuse = (code: string, message: string) =>
      new AzureError({ kind: "invalidRequest", code, message, retryable: false, target: node.id });
    if (Date.parse(summary.notAfter) <= Date.now()) {
      throw refuse(
        "CertificateExpired",
        `the certificate ${id} expired on ${summary.notAfter}; upload a renewed one`,
      );
    }
    if (!coversDomain(summary.subjectAlternativeNames, desired.domain)) {
      throw refuse(
        "CertificateDomainMismatch",
        `the certificate ${id} covers ${summary.subjectAlternativeNames.join(", ")}, not ${desired.domain}`,
      );
    }
    return {
      nodeKey: node.key,
      resourceId: node.id,
      // Reading writes nothing: the certificate was put there by an upload (or by the user).
      outcome: "unchanged",
      action: "none",
      facts: {
        [FACT.certificateId]: id,
        version: certificate.properties.version ?? "",
        thumbprint: summary.thumbprint,
        subject: summary.subject,
        subjectAlternativeNames: summary.subjectAlternativeNames.join(","),
        notAfter: summary.notAfter,
      },
    };
  }

  return { ensure };
}

/** The steps, as {@link createTlsCertificateSteps} builds them. */
export type TlsCertificateSteps = ReturnType<typeof createTlsCertificateSteps>;
