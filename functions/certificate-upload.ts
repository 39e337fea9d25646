/**
 * `PUT /api/environments/{name}/certificates/{certificate}`: a TLS certificate with its private key
 * (PEM chain + key, or PFX) for an environment's `external-ssl-cert` module, checked (a certificate, its
 * key, valid now, covering the module's domain, the chain in order) and imported straight into the
 * environment's Key Vault as a Key Vault certificate. The answer says what was imported — id, version,
 * thumbprint, subject, names, expiry — never the key; a build waiting for the certificate is told
 * through a Durable external event. The key goes to Key Vault only: not to a log, a record, an answer,
 * a queue or Durable history.
 */
import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import type { AzureError } from "../lib/azure/errors";
import { classifyAzureError, isNotFoundError } from "../lib/azure/errors";
import { subscriptionOfId, type AzureClients } from "../lib/azure/clients";
import { checkCertificateUpload, type CertificateUploadFormat } from "../lib/certificates/bundle";
import { expiryWarning } from "../lib/certificates/expiry";
import { importCertificate } from "../lib/certificates/key-vault";
import type { Plan } from "../lib/plan/types";
import type { CertificateModule, EnvironmentSpec } from "../lib/spec/types";
import { problemResponse } from "./problem";

/** Largest upload accepted, in bytes: a chain and its key are a few KiB, a PFX a little more. */
export const MAX_CERTIFICATE_UPLOAD_BYTES = 256 * 1024;

/** The header carrying a PFX's password (never logged, never kept). */
export const PFX_PASSWORD_HEADER = "x-pfx-password";

/** Upload content types, by format. */
export const CERTIFICATE_CONTENT_TYPES: Readonly<Record<string, CertificateUploadFormat>> = {
  "application/x-pem-file": "pem",
  "application/x-pkcs12": "pfx",
};

/** What the route needs from the app. */
export interface CertificateUploadDeps {
  /** The environment's recorded spec and its plan, or undefined when it was never applied. */
  readonly environment: () => Promise<{ spec: EnvironmentSpec; plan: Plan } | undefined>;
  readonly clients: () => AzureClients;
  /** Tells the environment's running build (if any) that the certificate came; false when none runs. */
  readonly notifyBuild: (data: { certificateName: string; version: string }) => Promise<boolean>;
  /** @default Date.now */
  readonly nowMs?: () => number;
}

/** The answer of a successful upload. */
export interface CertificateUploadAnswer {
  readonly environmentId: string;
  readonly name: string;
  readonly domain: string;
  /** False when Key Vault already held this certificate as the current version (nothing imported). */
  readonly imported: boolean;
  readonly keyVaultId: string;
  readonly version: string;
  readonly thumbprint: string;
  readonly subject: string;
  readonly subjectAlternativeNames: readonly string[];
  readonly notBefore: string;
  readonly expiresOn: string;
  readonly chainLength: number;
  readonly warnings: readonly string[];
  /** Whether a running build was told (it then ensures the ingress with this version). */
  readonly buildNotified: boolean;
}

const refused = (status: number, title: string, detail: string, extra: Record<string, unknown> = {}) =>
  problemResponse({ title, status, detail, ...extra });

/** The module the route names, or the answer refusing it. */
function moduleOf(
  spec: EnvironmentSpec,
  environmentId: string,
  name: string,
): CertificateModule | { refused: HttpResponseInit } {
  const module = spec.modules.find(
    (candidate): candidate is CertificateModule =>
      candidate.type === "external-ssl-cert" && candidate.name === name,
  );
  if (!module) {
    return {
      refused: refused(
        404,
        "Unknown certificate",
        `the spec of "${environmentId}" has no external-ssl-cert module named "${name}" (the certificate's name is its module's)`,
      ),
    };
  }
  if (module.key_vault_certificate_id !== undefined) {
    return {
      refused: refused(
        409,
        "Certificate kept elsewhere",
        `module "${name}" names a certificate already in Key Vault (key_vault_certificate_id); upload new versions there`,
      ),
    };
  }
  return module;
}

/** Answers an upload. */
export async function answerCertificateUpload(
  request: HttpRequest,
  environmentId: string,
  certificateName: string,
  deps: CertificateUploadDeps,
): Promise<HttpResponseInit> {
  const mediaType = (request.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  const format = CERTIFICATE_CONTENT_TYPES[mediaType];
  if (!format) {
    return refused(
      415,
      "Unsupported media type",
      `send the certificate as ${Object.keys(CERTIFICATE_CONTENT_TYPES).join(" (PEM chain, leaf first, then the key) or ")} (PFX, its password in ${PFX_PASSWORD_HEADER})`,
    );
  }
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_CERTIFICATE_UPLOAD_BYTES) return tooLarge();
  const body = Buffer.from(await request.arrayBuffer());
  if (body.length > MAX_CERTIFICATE_UPLOAD_BYTES) return tooLarge();

  const environment = await deps.environment();
  if (!environment) {
    return refused(
      404,
      "Unknown environment",
      `no environment "${environmentId}" has been applied (ids are <org_name>-<name>)`,
    );
  }
  const module = moduleOf(environment.spec, environmentId, certificateName);
  if ("refused" in module) return module.refused;

  const nowMs = (deps.nowMs ?? Date.now)();
  const password = request.headers.get(PFX_PASSWORD_HEADER) ?? undefined;
  const checked = checkCertificateUpload({ format, body, password, domain: module.domain, nowMs });
  if (!checked.ok) {
    return refused(400, "Certificate refused", checked.refusal.message, { code: checked.refusal.code });
  }

  const vault = environment.plan.nodes.find((node) => node.kind === "keyVault");
  if (!vault) return refused(409, "No Key Vault", `the plan of "${environmentId}" has no Key Vault`);
  let result;
  try {
    // The vault lives in the environment's subscription, whose clients may not be the app's default ones.
    const appClients = deps.clients();
    const clients = appClients.forSubscription(subscriptionOfId(vault.id) ?? appClients.subscriptionId);
    const client = await clients.certificateClientForVault(vault.id);
    result = await importCertificate(client, certificateName, checked.certificate, {
      budgetMs: clients.keyVaultPropagationBudgetMs,
    });
  } catch (error) {
    return keyVaultRefusal(classifyAzureError(error, vault.id), environmentId);
  }
  const buildNotified = await deps.notifyBuild({ certificateName, version: result.version });
  const { summary } = checked.certificate;
  const warning = expiryWarning(summary, nowMs);
  const answer: CertificateUploadAnswer = {
    environmentId,
    name: certificateName,
    domain: module.domain,
    imported: result.imported,
    keyVaultId: result.id,
    version: result.version,
    thumbprint: summary.thumbprint,
    subject: summary.subject,
    subjectAlternativeNames: summary.subjectAlternativeNames,
    notBefore: summary.notBefore,
    expiresOn: summary.notAfter,
    chainLength: checked.certificate.chainLength,
    warnings: warning ? [warning] : [],
    buildNotified,
  };
  return { status: result.imported ? 201 : 200, jsonBody: answer };
}

function tooLarge(): HttpResponseInit {
  return refused(
    413,
    "Payload too large",
    `a certificate upload is at most ${MAX_CERTIFICATE_UPLOAD_BYTES / 1024} KiB`,
  );
}

/** What Key Vault's refusal means to the uploader. */
function keyVaultRefusal(error: AzureError, environmentId: string): HttpResponseInit {
  if (isNotFoundError(error) && /vault/i.test(`${error.code} ${error.azureMessage}`)) {
    return refused(
      409,
      "Key Vault not ready",
      `the Key Vault of "${environmentId}" does not exist yet; upload once the build reports that it waits for the certificate`,
    );
  }
  if (error.retryable) {
    return problemResponse(
      {
        title: "Key Vault not ready",
        status: 503,
        detail: `Key Vault did not take the certificate yet (${error.code}): access to a new vault takes minutes to propagate; retry shortly`,
      },
      { "retry-after": "60" },
    );
  }
  return refused(502, "Key Vault refused the certificate", `${error.code}: ${error.azureMessage}`);
}
