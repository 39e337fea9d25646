/**
 * Putting a checked certificate into Key Vault as a Key Vault certificate (its key goes into the
 * certificate's backing secret, which Key Vault keeps), idempotently: the same certificate uploaded again
 * adds no version. Nothing here returns or logs the key.
 */
import type {
  CertificateClient,
  ImportCertificateOptions,
  KeyVaultCertificateWithPolicy,
} from "@azure/keyvault-certificates";
import { classifyAzureError, isNotFoundError } from "../azure/errors";
import { withPropagationRetry, type PropagationRetryOptions } from "../secrets/vault-secrets";
import type { CheckedCertificate } from "./bundle";

/** Key Vault's content type for a PEM import (its default, without a policy, is PFX). */
export const PEM_CONTENT_TYPE = "application/x-pem-file";

/**
 * The import options of a PEM document. `@azure/keyvault-certificates` 4.10.3 does not send its `policy`
 * option (its serializer reads `certificatePolicy`, docs/azure-facts.md#ingress-and-service-mesh): the
 * content type goes under both names, `policy` for the SDK's own reading of the bytes.
 */
const PEM_IMPORT_OPTIONS = {
  policy: { contentType: PEM_CONTENT_TYPE },
  certificatePolicy: { secretProperties: { contentType: PEM_CONTENT_TYPE } },
} as unknown as ImportCertificateOptions;

/** What an upload did to Key Vault. */
export interface ImportedCertificate {
  /** The Key Vault id of the version now current, e.g. `https://kv.vault.azure.net/certificates/site/<version>`. */
  readonly id: string;
  readonly version: string;
  /** False when Key Vault already held this very certificate as its current version. */
  readonly imported: boolean;
}

/** The current version of certificate `name`, or undefined. */
async function current(
  client: CertificateClient,
  name: string,
  retry: PropagationRetryOptions,
): Promise<KeyVaultCertificateWithPolicy | undefined> {
  try {
    return await withPropagationRetry(() => client.getCertificate(name), retry, name);
  } catch (error) {
    if (isNotFoundError(classifyAzureError(error))) return undefined;
    throw error;
  }
}

/** SHA-1 thumbprint (upper-case hex) of what Key Vault reports, as `describeCertificate` writes it. */
function thumbprintOf(certificate: KeyVaultCertificateWithPolicy): string | undefined {
  const bytes = certificate.properties.x509Thumbprint;
  return bytes ? Buffer.from(bytes).toString("hex").toUpperCase() : undefined;
}

/**
 * Imports `checked` as certificate `name`, unless its current version is the same certificate.
 * @throws AzureError (classified), e.g. `authorization` while the importer's role still propagates
 */
export async function importCertificate(
  client: CertificateClient,
  name: string,
  checked: CheckedCertificate,
  retry: PropagationRetryOptions,
): Promise<ImportedCertificate> {
  const existing = await current(client, name, retry);
  if (existing?.properties.id && thumbprintOf(existing) === checked.summary.thumbprint) {
    return { id: existing.properties.id, version: existing.properties.version ?? "", imported: false };
  }
  const imported = await withPropagationRetry(
    () => client.importCertificate(name, Buffer.from(checked.importPem, "utf8"), PEM_IMPORT_OPTIONS),
    retry,
    name,
  );
  return { id: imported.properties.id ?? "", version: imported.properties.version ?? "", imported: true };
}
