/**
 * What Key Vault reads out of an imported certificate: the content a `POST /certificates/{name}/import`
 * carries — base64 PFX (`application/x-pkcs12`, the default) or PEM text (`application/x-pem-file`) —
 * with its X.509 certificates and exactly one private key matching the first of them. Written from Key
 * Vault's documentation of the import operation, not from the provisioner's own checks.
 */
import { createPrivateKey, X509Certificate } from "node:crypto";
import forge from "node-forge";
import { keyVaultErrors } from "./errors";

/** The two content types Key Vault imports. */
export const PKCS12 = "application/x-pkcs12";
export const PEM_FILE = "application/x-pem-file";

/** An imported certificate's parts Key Vault keeps. */
export interface ImportedContent {
  /** The certificate (leaf), DER. */
  readonly leaf: X509Certificate;
  /** The secret Key Vault keeps beside it, as it keeps it: PEM text, or the PFX as base64. */
  readonly secretValue: string;
  readonly contentType: typeof PKCS12 | typeof PEM_FILE;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

function fromPem(text: string): { certificates: X509Certificate[]; keys: string[] } {
  const blocks = [...text.matchAll(PEM_BLOCK)];
  const certificates: X509Certificate[] = [];
  for (const block of blocks.filter((match) => match[1] === "CERTIFICATE")) {
    try {
      certificates.push(new X509Certificate(block[0]));
    } catch {
      throw keyVaultErrors.badParameter("The specified PEM X.509 certificate content can not be read.");
    }
  }
  return {
    certificates,
    keys: blocks.filter((match) => /PRIVATE KEY$/.test(match[1] ?? "")).map((match) => match[0]),
  };
}

function fromPfx(
  base64: string,
  password: string | undefined,
): { certificates: X509Certificate[]; keys: string[] } {
  let pfx: forge.pkcs12.Pkcs12Pfx;
  try {
    const der = Buffer.from(base64, "base64").toString("binary");
    pfx = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(der), password ?? "");
  } catch {
    throw keyVaultErrors.badParameter(
      "The specified PKCS#12 X.509 certificate content can not be read. Please check if certificate is in valid PKCS#12 format.",
    );
  }
  const bagsOf = (type: string) => pfx.getBags({ bagType: type })[type] ?? [];
  const certificates = bagsOf(forge.pki.oids.certBag!).flatMap((bag) => {
    const asn1 = bag.cert ? forge.pki.certificateToAsn1(bag.cert) : (bag.asn1 as forge.asn1.Asn1 | undefined);
    return asn1 ? [new X509Certificate(Buffer.from(forge.asn1.toDer(asn1).getBytes(), "binary"))] : [];
  });
  const keys = [...bagsOf(forge.pki.oids.pkcs8ShroudedKeyBag!), ...bagsOf(forge.pki.oids.keyBag!)].flatMap(
    (bag) => {
      const info = bag.key
        ? forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(bag.key as forge.pki.rsa.PrivateKey))
        : (bag.asn1 as forge.asn1.Asn1 | undefined);
      if (!info) return [];
      const der = Buffer.from(forge.asn1.toDer(info).getBytes(), "binary");
      return [
        createPrivateKey({ key: der, format: "der", type: "pkcs8" })
          .export({ type: "pkcs8", format: "pem" })
          .toString(),
      ];
    },
  );
  return { certificates, keys };
}

/**
 * Reads an import's `value`: refused (400 BadParameter) unless it holds a certificate and one private
 * key that belongs to the first certificate.
 */
export function readImportedContent(
  value: string,
  contentType: string | undefined,
  password: string | undefined,
): ImportedContent {
  const pem = contentType?.toLowerCase() === PEM_FILE;
  if (contentType !== undefined && !pem && contentType.toLowerCase() !== PKCS12) {
    throw keyVaultErrors.badParameter(`Content type '${contentType}' is not supported for import.`);
  }
  const { certificates, keys } = pem ? fromPem(value) : fromPfx(value, password);
  const leaf = certificates[0];
  if (!leaf)
    throw keyVaultErrors.badParameter("The certificate content does not contain an X.509 certificate.");
  if (keys.length !== 1) {
    throw keyVaultErrors.badParameter(
      keys.length === 0
        ? "Private key is not specified in the specified X.509 PEM certificate content."
        : "More than one private key is specified.",
    );
  }
  if (keys[0]!.includes("ENCRYPTED")) throw keyVaultErrors.badParameter("The private key is encrypted.");
  if (!leaf.checkPrivateKey(createPrivateKey(keys[0]!))) {
    throw keyVaultErrors.badParameter("The private key does not match the certificate.");
  }
  return pem
    ? { leaf, secretValue: value, contentType: PEM_FILE }
    : { leaf, secretValue: value, contentType: PKCS12 };
}
