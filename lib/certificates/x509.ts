/**
 * What a TLS certificate says about itself, read with Node's `crypto.X509Certificate`: subject, the DNS
 * names it covers, validity and thumbprint. Pure; nothing here ever sees a private key.
 */
import { X509Certificate } from "node:crypto";

export { EXPIRY_WARNING_DAYS, daysUntilExpiry, expiryWarning } from "./expiry";

/** A certificate as reports show it. Never holds key material. */
export interface CertificateSummary {
  /** The subject's distinguished name, one attribute per line joined with `, ` (`CN=example.com`). */
  readonly subject: string;
  /** DNS names of the subject alternative name extension (the common name when there are none). */
  readonly subjectAlternativeNames: readonly string[];
  /** ISO-8601 UTC. */
  readonly notBefore: string;
  /** ISO-8601 UTC: when the certificate expires. */
  readonly notAfter: string;
  /** SHA-1 of the DER certificate, upper-case hex without separators (what Key Vault calls x5t). */
  readonly thumbprint: string;
}

/** The DNS names of a certificate's subjectAltName, else its common name. */
export function dnsNamesOf(certificate: X509Certificate): string[] {
  const sans = (certificate.subjectAltName ?? "")
    .split(/,\s*/)
    .filter((entry) => entry.startsWith("DNS:"))
    .map((entry) => entry.slice("DNS:".length).toLowerCase());
  if (sans.length > 0) return sans;
  const commonName = /(?:^|\n)CN=([^\n]+)/.exec(certificate.subject)?.[1];
  return commonName ? [commonName.toLowerCase()] : [];
}

/** Summarises a certificate (PEM text, DER bytes, or an already parsed one). */
export function describeCertificate(source: X509Certificate | string | Buffer): CertificateSummary {
  const certificate = source instanceof X509Certificate ? source : new X509Certificate(source);
  return {
    subject: certificate.subject.split("\n").join(", "),
    subjectAlternativeNames: dnsNamesOf(certificate),
    notBefore: new Date(Date.parse(certificate.validFrom)).toISOString(),
    notAfter: new Date(Date.parse(certificate.validTo)).toISOString(),
    thumbprint: certificate.fingerprint.replace(/:/g, "").toUpperCase(),
  };
}

/**
 * Whether a certificate naming `names` serves `domain`: an exact name, or a wildcard `*.parent` for a
 * domain one label below `parent` (RFC 6125: a wildcard covers exactly one label). A `*.` domain needs
 * the same wildcard.
 */
export function coversDomain(names: readonly string[], domain: string): boolean {
  const wanted = domain.toLowerCase();
  return names.some((name) => {
    if (name === wanted) return true;
    if (!name.startsWith("*.") || wanted.startsWith("*.")) return false;
    const dot = wanted.indexOf(".");
    return dot > 0 && wanted.slice(dot + 1) === name.slice(2);
  });
}
