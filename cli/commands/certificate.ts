/**
 * `envctl certificate upload ID NAME FILE`: uploads a TLS certificate with its private key — PEM (the
 * chain and the key) or PFX — for an environment's `external-ssl-cert` module; a build waiting for it
 * goes on. It goes to `PUT /api/environments/{id}/certificates/{name}` as the file is
 * (`application/x-pem-file` or `application/x-pkcs12`), a PFX's password in `x-pfx-password`; the answer
 * holds the certificate's public facts, never the key.
 */
import type { CertificateUploadAnswer } from "../../functions/certificate-upload";
import { EXIT } from "../exit-codes";
import { CONNECTION_HELP, CONNECTION_OPTIONS } from "../service/connection";
import { fileProblem } from "../spec-file";
import { UsageError, type CliCommand } from "./command";
import type { CliIo } from "../io";
import { clientFor, parseCommand, printCommandHelp, refused } from "./service-command";

/** Content types of the two encodings the route takes. */
export const CERTIFICATE_CONTENT_TYPES = {
  pem: "application/x-pem-file",
  pfx: "application/x-pkcs12",
} as const;

/** The header the service reads a PFX's password from (never logged, never kept). */
const PFX_PASSWORD_HEADER = "x-pfx-password";

/** A PEM file starts its first block with `-----BEGIN`; anything else is read as PFX (binary). */
export function certificateFormatOf(bytes: Uint8Array): keyof typeof CERTIFICATE_CONTENT_TYPES {
  return Buffer.from(bytes.subarray(0, 4096)).toString("latin1").includes("-----BEGIN ") ? "pem" : "pfx";
}

export const certificateCommand: CliCommand = {
  name: "certificate",
  summary: "upload a TLS certificate and its key for an environment's external-ssl-cert module",
  usage: "envctl certificate upload ID NAME FILE [--password-stdin]",
  details: [
    "  ID                the environment id, <org_name>-<name>",
    "  NAME              the external-ssl-cert module's name",
    "  FILE              PEM (certificate chain, leaf first, and its unencrypted private key) or PFX",
    "  --password-stdin  read the PFX's password from standard input",
    ...CONNECTION_HELP,
    "The service checks it (its key, valid now, covers the module's domain, chain in order) and imports it into",
    "the environment's Key Vault. Prints its Key Vault id, thumbprint, subject, names and expiry.",
  ],
  async run(args, io) {
    const { values, positionals } = parseCommand(args, {
      ...CONNECTION_OPTIONS,
      "password-stdin": { type: "boolean" },
    });
    if (values.help) return printCommandHelp(io, this);
    const [verb, id, name, file, ...rest] = positionals;
    if (verb !== "upload")
      throw new UsageError(verb === undefined ? "missing upload" : `unknown action "${verb}"`);
    if (!id || !name || !file || rest.length > 0) throw new UsageError("expected ID NAME FILE");
    let bytes: Buffer;
    try {
      bytes = await io.readBinaryFile(file);
    } catch (error) {
      io.err(fileProblem(file, error).message);
      return EXIT.refused;
    }
    const format = certificateFormatOf(bytes);
    const password = values["password-stdin"] ? (await io.readStdin()).replace(/\r?\n$/, "") : undefined;
    const client = await clientFor(io, values);
    const answer = await client.uploadCertificate(id, name, {
      body: bytes,
      contentType: CERTIFICATE_CONTENT_TYPES[format],
      ...(password === undefined ? {} : { headers: { [PFX_PASSWORD_HEADER]: password } }),
    });
    if (!answer.ok) return refused(io, answer.problem);
    printUpload(io, id, format, answer.body);
    return EXIT.ok;
  },
};

function printUpload(
  io: Pick<CliIo, "out" | "err">,
  id: string,
  format: keyof typeof CERTIFICATE_CONTENT_TYPES,
  certificate: CertificateUploadAnswer,
): void {
  io.out(
    certificate.imported
      ? `Uploaded ${certificate.name} for ${id} (${format.toUpperCase()}): imported as version ${certificate.version}`
      : `Uploaded ${certificate.name} for ${id} (${format.toUpperCase()}): Key Vault already holds it as the current version`,
  );
  io.out(`  key vault:   ${certificate.keyVaultId}`);
  io.out(`  thumbprint:  ${certificate.thumbprint}`);
  io.out(`  subject:     ${certificate.subject}`);
  io.out(`  names:       ${certificate.subjectAlternativeNames.join(", ")}`);
  io.out(`  expires on:  ${certificate.expiresOn}`);
  if (certificate.buildNotified) io.out(`  the build waiting for it goes on: envctl watch ${id}`);
  certificate.warnings.forEach((warning) => io.err(`warning: ${warning}`));
}
