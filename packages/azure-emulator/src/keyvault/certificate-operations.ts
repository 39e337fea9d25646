/**
 * The certificate operations of the Key Vault REST API the emulator serves — import, get (latest or a
 * version), list and list versions — as rows of the same operation table the secrets use. An import
 * keeps the certificate here and its content (the key included) in the backing secret of the same name
 * and version, `managed: true`, as Key Vault does; no certificate answer ever carries the key.
 * Shapes: "Certificates - Import Certificate" and "- Get Certificate" of the Key Vault REST reference.
 */
import { z } from "zod";
import type { CertificateRecord, CertificateVersion } from "./certificate-store";
import { readImportedContent } from "./certificate-content";
import { keyVaultErrors } from "./errors";
import type { OperationInput, SecretOperation } from "./operations";
import { pageOf, recoveryLevelOf, type RecoverySettings } from "./wire";

const NAME = /^[0-9a-zA-Z-]{1,127}$/;
const ACTION = "Microsoft.KeyVault/vaults";

function nameParam(input: OperationInput): string {
  const name = input.params[0] ?? "";
  if (!NAME.test(name)) {
    throw keyVaultErrors.badParameter(
      "The request URI contains an invalid name: certificate names are 1-127 letters, digits and dashes.",
    );
  }
  return name;
}

function attributesOf(version: CertificateVersion, settings: RecoverySettings): Record<string, unknown> {
  return {
    enabled: version.enabled,
    nbf: version.notBeforeSec,
    exp: version.expiresSec,
    created: version.createdSec,
    updated: version.updatedSec,
    recoveryLevel: recoveryLevelOf(settings),
    recoverableDays: settings.softDeleteRetentionInDays,
  };
}

/** A `CertificateBundle`: the certificate and its policy, with the ids of its key and secret. */
function certificateBundle(
  origin: string,
  record: CertificateRecord,
  version: CertificateVersion,
  settings: RecoverySettings,
): Record<string, unknown> {
  const id = `${origin}/certificates/${record.name}`;
  return {
    id: `${id}/${version.version}`,
    kid: `${origin}/keys/${record.name}/${version.version}`,
    sid: `${origin}/secrets/${record.name}/${version.version}`,
    x5t: version.x5t,
    cer: version.cerBase64,
    attributes: attributesOf(version, settings),
    ...(version.tags ? { tags: version.tags } : {}),
    policy: {
      id: `${id}/policy`,
      key_props: { exportable: true, kty: "RSA", reuse_key: false },
      secret_props: { contentType: version.contentType },
      x509_props: {
        subject: version.subject,
        sans: { dns_names: [...version.dnsNames] },
      },
      issuer: { name: "Unknown" },
      attributes: { enabled: true, created: version.createdSec, updated: version.updatedSec },
    },
  };
}

/** A `CertificateItem` of a list: with a version for `/versions`, without for `/certificates`. */
function certificateItem(
  origin: string,
  record: CertificateRecord,
  version: CertificateVersion,
  settings: RecoverySettings,
  withVersion: boolean,
): Record<string, unknown> {
  return {
    id: `${origin}/certificates/${record.name}${withVersion ? `/${version.version}` : ""}`,
    x5t: version.x5t,
    attributes: attributesOf(version, settings),
    ...(version.tags ? { tags: version.tags } : {}),
  };
}

const importSchema = z.object({
  value: z.string().min(1),
  pwd: z.string().optional(),
  policy: z
    .object({ secret_props: z.object({ contentType: z.string().optional() }).optional() })
    .passthrough()
    .optional(),
  attributes: z.object({ enabled: z.boolean().optional() }).passthrough().optional(),
  tags: z.record(z.string(), z.string()).optional(),
  preserveCertOrder: z.boolean().optional(),
});

function parseImport(body: Buffer): z.infer<typeof importSchema> {
  let json: unknown;
  try {
    json = JSON.parse(body.toString("utf8"));
  } catch {
    throw keyVaultErrors.badParameter("The request body is not valid JSON.");
  }
  const parsed = importSchema.safeParse(json);
  if (!parsed.success) {
    const field = parsed.error.issues[0]?.path.join(".") || "body";
    // The field only, never its value: `value` holds a private key.
    throw keyVaultErrors.badParameter(`Invalid or missing '${field}' in the request body.`);
  }
  return parsed.data;
}

/** The certificate operations, rows of the data plane's one operation table. */
export const CERTIFICATE_OPERATIONS: readonly SecretOperation[] = [
  {
    method: "GET",
    pattern: /^\/certificates\/?$/i,
    access: "certificateRead",
    action: `${ACTION}/certificates/read`,
    run: (input) => {
      const items = input.certificates
        .list()
        .map((record) =>
          certificateItem(input.origin, record, record.versions.at(-1)!, input.settings, false),
        );
      return { status: 200, body: pageOf(items, input.url, input.origin) };
    },
  },
  {
    method: "POST",
    pattern: /^\/certificates\/([^/]+)\/import\/?$/i,
    access: "certificateManage",
    action: `${ACTION}/certificates/import/action`,
    run: (input) => {
      const name = nameParam(input);
      const request = parseImport(input.body);
      const content = readImportedContent(
        request.value,
        request.policy?.secret_props?.contentType,
        request.pwd,
      );
      const { record, version } = input.certificates.add(name, {
        leaf: content.leaf,
        contentType: content.contentType,
        ...(request.tags ? { tags: request.tags } : {}),
        ...(request.attributes?.enabled === undefined ? {} : { enabled: request.attributes.enabled }),
      });
      // The backing secret: the imported content, key included, readable by those allowed to read secrets.
      input.store.set(name, {
        value: content.secretValue,
        contentType: content.contentType,
        version: version.version,
        managed: true,
        kid: `${input.origin}/keys/${record.name}/${version.version}`,
        notBeforeSec: version.notBeforeSec,
        expiresSec: version.expiresSec,
      });
      return { status: 200, body: certificateBundle(input.origin, record, version, input.settings) };
    },
  },
  {
    method: "GET",
    pattern: /^\/certificates\/([^/]+)\/versions\/?$/i,
    access: "certificateRead",
    action: `${ACTION}/certificates/read`,
    run: (input) => {
      const found = input.certificates.versions(nameParam(input));
      const items = found
        ? found.versions.map((version) =>
            certificateItem(input.origin, found.record, version, input.settings, true),
          )
        : [];
      return { status: 200, body: pageOf(items, input.url, input.origin) };
    },
  },
  {
    method: "GET",
    pattern: /^\/certificates\/([^/]+)(?:\/([0-9a-fA-F]{32})?)?\/?$/i,
    access: "certificateRead",
    action: `${ACTION}/certificates/read`,
    run: (input) => {
      const { record, version } = input.certificates.get(nameParam(input), input.params[1] || undefined);
      return { status: 200, body: certificateBundle(input.origin, record, version, input.settings) };
    },
  },
];
