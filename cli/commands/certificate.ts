/**
 * `envctl certificate upload ID NAME FILE`: uploads a TLS certificate with its private key — PEM (the
 * chain and the key) or PFX — for an environment's `external-ssl-cert` module; the build waits for it.
 *
 * NEEDS the route `PUT /api/environments/{id}/certificates/{name}`, which the ingress work adds: the body
 * is the file as it is (`application/x-pem-file` or `application/x-pkcs12`), a PFX password goes in the
 * `x-certificate-password` header, and the answer is `{ id, thumbprint, subject, sans, expiresOn }`.
 * Until that route is deployed the service answers 404, which this command says in words.
 */
import { EXIT } from "../exit-codes";
import { CONNECTION_HELP, CONNECTION_OPTIONS } from "../service/connection";
import { fileProblem } from "../spec-file";
import { UsageError, type CliCommand } from "./command";
import { clientFor, parseCommand, printCommandHelp, refused } from "./service-command";

/** Content types of the two encodings the route takes. */
export const CERTIFICATE_CONTENT_TYPES = {
  pem: "application/x-pem-file",
  pfx: "application/x-pkcs12",
} as const;

/** A PEM file starts its first block with `-----BEGIN`; anything else is read as PFX (binary). */
export function certificateFormatOf(bytes: Uint8Array): keyof typeof CERTIFICATE_CONTENT_TYPES {
  return Buffer.from(bytes.subarray(0, 4096)).toString("latin1").includes("-----BEGIN ") ? "pem" : "pfx";
}

export const certificateCommand: CliCommand = {
  name: "certificate",
  summary: "upload a TLS certificate and its key for an environment (needs the certificates route)",
  usage: "envctl certificate upload ID NAME FILE [--password-stdin]",
  details: [
    "  ID                the environment id, <org_name>-<name>",
    "  NAME              the external-ssl-cert module's name",
    "  FILE              PEM (certificate chain, leaf first, and its unencrypted private key) or PFX",
    "  --password-stdin  read the PFX's password from standard input",
    ...CONNECTION_HELP,
    "Needs PUT /api/environments/{id}/certificates/{name} on the service (added with the ingress module);",
    "a service without it answers 404. Prints the certificate's thumbprint, subject, names and expiry.",
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
      ...(password === undefined ? {} : { headers: { "x-certificate-password": password } }),
    });
    if (!answer.ok) {
      if (answer.status === 404 && answer.problem.title.startsWith("HTTP"))
        io.err(
          `${id}: this service has no certificate upload route yet (PUT /api/environments/{id}/certificates/{name})`,
        );
      return refused(io, answer.problem);
    }
    const certificate = answer.body;
    io.out(`Uploaded ${name} for ${id} (${format.toUpperCase()})`);
    io.out(`  id:          ${certificate.id}`);
    io.out(`  thumbprint:  ${certificate.thumbprint}`);
    io.out(`  subject:     ${certificate.subject}`);
    io.out(`  names:       ${certificate.sans.join(", ")}`);
    io.out(`  expires on:  ${certificate.expiresOn}`);
    return EXIT.ok;
  },
};
