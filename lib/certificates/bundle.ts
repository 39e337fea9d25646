/**
 * An uploaded TLS certificate with its private key — PEM (the certificate chain and the key) or PFX —
 * read, checked and turned into the one PEM document Key Vault imports. Checks, in order: it is a
 * certificate, a private key comes with it (unencrypted), the key is the certificate's, the certificate
 * is valid now, it covers the module's domain, and each certificate of a PEM chain is issued by the next
 * one. Node's `crypto` does the work; PFX is unpacked with node-forge (Node cannot read PKCS#12).
 *
 * Refusals name what is wrong, never a byte of the key: callers may show them to anyone.
 */
import { createPrivateKey, X509Certificate, type KeyObject } from "node:crypto";
import forge from "node-forge";
import { coversDomain, describeCertificate, type CertificateSummary } from "./x509";

/** How an upload is encoded. */
export type CertificateUploadFormat = "pem" | "pfx";

/** Why an upload is refused. */
export type CertificateRefusalCode =
  | "NotACertificate"
  | "PrivateKeyMissing"
  | "EncryptedPrivateKey"
  | "PfxUnreadable"
  | "KeyMismatch"
  | "CertificateNotYetValid"
  | "CertificateExpired"
  | "DomainNotCovered"
  | "WrongChainOrder";

/** An upload refused, with what to do about it. */
export interface CertificateRefusal {
  readonly code: CertificateRefusalCode;
  readonly message: string;
}

/** An upload that passed every check. */
export interface CheckedCertificate {
  /** The leaf certificate, as reports show it. */
  readonly summary: CertificateSummary;
  /** Certificates in the chain, the leaf included. */
  readonly chainLength: number;
  /**
   * The PEM document Key Vault imports: the chain, leaf first, then the key as unencrypted PKCS#8.
   * Holds the private key: hand it to Key Vault only, never to a log, a message or a result.
   */
  readonly importPem: string;
}

/** What to check an upload against. */
export interface CertificateUpload {
  readonly format: CertificateUploadFormat;
  readonly body: Buffer;
  /** The PFX's password, if it has one. */
  readonly password?: string;
  /** The domain the certificate must cover (`example.com`, `*.example.com`). */
  readonly domain: string;
  /** Now, in epoch milliseconds. */
  readonly nowMs: number;
}

/** A chain and its key, as uploaded. */
interface Bundle {
  /** In the upload's order (PEM) or the PFX's. */
  readonly chain: readonly X509Certificate[];
  readonly key: KeyObject;
}

type Read<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly refusal: CertificateRefusal };

const refuse = (
  code: CertificateRefusalCode,
  message: string,
): { ok: false; refusal: CertificateRefusal } => ({
  ok: false,
  refusal: { code, message },
});

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

/** Reads a PEM upload: every CERTIFICATE block in order, and its one private key. */
function readPem(text: string): Read<Bundle> {
  const blocks = [...text.matchAll(PEM_BLOCK)].map((match) => ({ label: match[1]!, pem: match[0] }));
  const certificates: X509Certificate[] = [];
  for (const block of blocks.filter((candidate) => candidate.label === "CERTIFICATE")) {
    try {
      certificates.push(new X509Certificate(block.pem));
    } catch {
      return refuse("NotACertificate", "a CERTIFICATE block of the upload is not an X.509 certificate");
    }
  }
  if (certificates.length === 0) {
    return refuse(
      "NotACertificate",
      "the upload holds no certificate: send the PEM chain (-----BEGIN CERTIFICATE-----, leaf first) followed by its private key, or a PFX",
    );
  }
  const keys = blocks.filter((block) => /PRIVATE KEY$/.test(block.label));
  if (keys.some((block) => block.label === "ENCRYPTED PRIVATE KEY")) {
    return refuse(
      "EncryptedPrivateKey",
      "the private key is encrypted: send it unencrypted over this TLS connection, or send a PFX with its password (x-pfx-password)",
    );
  }
  if (keys.length !== 1) {
    return refuse(
      "PrivateKeyMissing",
      keys.length === 0
        ? "the upload holds no private key: append the certificate's key (-----BEGIN PRIVATE KEY-----) after the chain"
        : "the upload holds more than one private key: send only the certificate's",
    );
  }
  try {
    return { ok: true, value: { chain: certificates, key: createPrivateKey(keys[0]!.pem) } };
  } catch {
    return refuse("PrivateKeyMissing", "the PRIVATE KEY block of the upload is not a readable private key");
  }
}

/** Reads a PFX upload with node-forge: its certificates and its one key. */
function readPfx(body: Buffer, password: string | undefined): Read<Bundle> {
  let pfx: forge.pkcs12.Pkcs12Pfx;
  try {
    pfx = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(body.toString("binary")), password ?? "");
  } catch {
    return refuse(
      "PfxUnreadable",
      password === undefined
        ? "the PFX cannot be read: is it password-protected? Send the password in x-pfx-password"
        : "the PFX cannot be read with this password",
    );
  }
  const bags = (type: string) => pfx.getBags({ bagType: type })[type] ?? [];
  const certificates: X509Certificate[] = [];
  for (const bag of bags(forge.pki.oids.certBag!)) {
    const asn1 = bag.cert ? forge.pki.certificateToAsn1(bag.cert) : (bag.asn1 as forge.asn1.Asn1 | undefined);
    if (!asn1) continue;
    try {
      certificates.push(new X509Certificate(Buffer.from(forge.asn1.toDer(asn1).getBytes(), "binary")));
    } catch {
      return refuse("NotACertificate", "a certificate of the PFX is not an X.509 certificate");
    }
  }
  if (certificates.length === 0) return refuse("NotACertificate", "the PFX holds no certificate");
  const keyBags = [...bags(forge.pki.oids.pkcs8ShroudedKeyBag!), ...bags(forge.pki.oids.keyBag!)];
  if (keyBags.length !== 1) {
    return refuse(
      "PrivateKeyMissing",
      keyBags.length === 0 ? "the PFX holds no private key" : "the PFX holds more than one private key",
    );
  }
  const bag = keyBags[0]!;
  // node-forge decodes RSA keys itself and hands other key types (EC) back as their PKCS#8 structure.
  const pkcs8 = bag.key
    ? forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(bag.key as forge.pki.rsa.PrivateKey))
    : (bag.asn1 as forge.asn1.Asn1 | undefined);
  if (!pkcs8) return refuse("PrivateKeyMissing", "the PFX's private key cannot be read");
  try {
    const der = Buffer.from(forge.asn1.toDer(pkcs8).getBytes(), "binary");
    return {
      ok: true,
      value: { chain: certificates, key: createPrivateKey({ key: der, format: "der", type: "pkcs8" }) },
    };
  } catch {
    return refuse("PrivateKeyMissing", "the PFX's private key cannot be read");
  }
}

/** Whether `issuer` issued `certificate` (names match and its key verifies the signature). */
function issued(issuer: X509Certificate, certificate: X509Certificate): boolean {
  try {
    return certificate.checkIssued(issuer) && certificate.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

/**
 * The chain in serving order (leaf, then each issuer). A PEM chain must already be in that order — a
 * server sends it as written; a PFX's bags carry no order, so it is put in order here.
 */
function orderedChain(bundle: Bundle, format: CertificateUploadFormat): Read<X509Certificate[]> {
  const leafIndex = bundle.chain.findIndex((certificate) => certificate.checkPrivateKey(bundle.key));
  if (leafIndex < 0) {
    return refuse("KeyMismatch", "the private key does not belong to any certificate of the upload");
  }
  if (format === "pem") {
    if (leafIndex !== 0) {
      return refuse(
        "WrongChainOrder",
        `the certificate of the private key is number ${leafIndex + 1} of the chain; it must come first, followed by each issuer in turn`,
      );
    }
    for (let index = 0; index + 1 < bundle.chain.length; index++) {
      if (!issued(bundle.chain[index + 1]!, bundle.chain[index]!)) {
        return refuse(
          "WrongChainOrder",
          `certificate ${index + 2} of the chain did not issue certificate ${index + 1}: order the chain leaf first, then each issuer in turn`,
        );
      }
    }
    return { ok: true, value: [...bundle.chain] };
  }
  const rest = bundle.chain.filter((_, index) => index !== leafIndex);
  const ordered = [bundle.chain[leafIndex]!];
  for (;;) {
    const next = rest.findIndex((candidate) => issued(candidate, ordered.at(-1)!));
    if (next < 0 || ordered.at(-1)!.checkIssued(ordered.at(-1)!)) break;
    ordered.push(...rest.splice(next, 1));
  }
  if (rest.length > 0) {
    return refuse("WrongChainOrder", "some certificates of the PFX are not part of the leaf's issuing chain");
  }
  return { ok: true, value: ordered };
}

/** Reads and checks an upload; on success, the PEM to import and the leaf's summary. */
export function checkCertificateUpload(
  upload: CertificateUpload,
): { ok: true; certificate: CheckedCertificate } | { ok: false; refusal: CertificateRefusal } {
  const read =
    upload.format === "pem" ? readPem(upload.body.toString("utf8")) : readPfx(upload.body, upload.password);
  if (!read.ok) return read;
  const chain = orderedChain(read.value, upload.format);
  if (!chain.ok) return chain;
  const leaf = chain.value[0]!;
  const summary = describeCertificate(leaf);
  if (Date.parse(summary.notBefore) > upload.nowMs) {
    return refuse("CertificateNotYetValid", `the certificate is valid only from ${summary.notBefore}`);
  }
  if (Date.parse(summary.notAfter) <= upload.nowMs) {
    return refuse(
      "CertificateExpired",
      `the certificate expired on ${summary.notAfter}; upload a renewed one`,
    );
  }
  if (!coversDomain(summary.subjectAlternativeNames, upload.domain)) {
    return refuse(
      "DomainNotCovered",
      `the certificate covers ${summary.subjectAlternativeNames.join(", ") || "no DNS name"}, not ${upload.domain} (the module's domain)`,
    );
  }
  const key = read.value.key.export({ type: "pkcs8", format: "pem" }).toString();
  return {
    ok: true,
    certificate: {
      summary,
      chainLength: chain.value.length,
      importPem:
        [...chain.value.map((certificate) => certificate.toString().trim()), key.trim()].join("\n") + "\n",
    },
  };
}
