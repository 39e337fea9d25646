/**
 * TLS certificates made on the spot for tests of certificate uploads and imports: a self-signed leaf, a
 * chain signed by a test CA, an expired one, as PEM or PFX. Keys come from Node's `crypto` (fast, native);
 * node-forge signs the certificates and packs PFX files, which Node cannot do. Never for anything but
 * tests: the keys are throwaway, the CA trusted by nobody.
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import forge from "node-forge";

/** What to put in a test certificate. */
export interface TestCertificateOptions {
  /** The subject's common name. @default the first DNS name */
  readonly commonName?: string;
  /** DNS names of the subject alternative name extension. @default none */
  readonly dnsNames?: readonly string[];
  /** @default now minus an hour */
  readonly notBefore?: Date;
  /** @default now plus ninety days */
  readonly notAfter?: Date;
  /** The CA that signs it. @default - self-signed */
  readonly issuer?: TestCertificate;
  /** Whether it may sign other certificates. @default false */
  readonly isCa?: boolean;
}

/** A test certificate, its key and its chain. */
export interface TestCertificate {
  /** The certificate alone, PEM. */
  readonly certificatePem: string;
  /** Its private key, unencrypted PKCS#8 PEM. */
  readonly privateKeyPem: string;
  /** The certificate followed by its issuers (leaf first), PEM. */
  readonly chainPem: string;
  /** The chain and the key as one PEM document, in the order a server sends them (chain, then key). */
  readonly bundlePem: string;
  /** The chain and key as a PFX (PKCS#12), protected by `password` (empty: none). */
  pfx(password?: string): Buffer;
}

const HOUR_MS = 3_600_000;

/** Makes a test certificate. */
export function createTestCertificate(options: TestCertificateOptions = {}): TestCertificate {
  const { privateKey: privateKeyPem, publicKey: publicKeyPem } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  const commonName = options.commonName ?? options.dnsNames?.[0] ?? "test.invalid";
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = forge.pki.publicKeyFromPem(publicKeyPem);
  certificate.serialNumber = `01${randomBytes(8).toString("hex")}`;
  certificate.validity.notBefore = options.notBefore ?? new Date(Date.now() - HOUR_MS);
  certificate.validity.notAfter = options.notAfter ?? new Date(Date.now() + 90 * 24 * HOUR_MS);
  const subject = [{ name: "commonName", value: commonName }];
  certificate.setSubject(subject);
  const issuerCertificate = options.issuer
    ? forge.pki.certificateFromPem(options.issuer.certificatePem)
    : undefined;
  certificate.setIssuer(issuerCertificate ? issuerCertificate.subject.attributes : subject);
  certificate.setExtensions([
    { name: "basicConstraints", cA: options.isCa === true },
    ...(options.dnsNames && options.dnsNames.length > 0
      ? [{ name: "subjectAltName", altNames: options.dnsNames.map((value) => ({ type: 2, value })) }]
      : []),
  ]);
  const signingKey = forge.pki.privateKeyFromPem(options.issuer?.privateKeyPem ?? privateKeyPem);
  certificate.sign(signingKey, forge.md.sha256.create());
  const certificatePem = forge.pki.certificateToPem(certificate);
  const chainPem = certificatePem + (options.issuer?.chainPem ?? "");
  return {
    certificatePem,
    privateKeyPem,
    chainPem,
    bundlePem: chainPem + privateKeyPem,
    pfx(password = "") {
      const chain = [certificate, ...(options.issuer ? chainOf(options.issuer) : [])];
      const asn1 = forge.pkcs12.toPkcs12Asn1(forge.pki.privateKeyFromPem(privateKeyPem), chain, password, {
        algorithm: "3des",
      });
      return Buffer.from(forge.asn1.toDer(asn1).getBytes(), "binary");
    },
  };
}

function chainOf(certificate: TestCertificate): forge.pki.Certificate[] {
  const blocks =
    certificate.chainPem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((block) => forge.pki.certificateFromPem(block));
}
