/**
 * One vault's certificates, independent of HTTP: every import adds a version holding the certificate
 * (public part) and its attributes. The private key never lives here: it is in the certificate's backing
 * secret (`secret-store.ts`), which the import writes beside it under the same name and version, as Key
 * Vault does. Names are case-insensitive; the first spelling is kept.
 */
import { createHash, randomUUID, type X509Certificate } from "node:crypto";
import { keyVaultErrors } from "./errors";

/** One version of a certificate. Times are epoch seconds, as Key Vault's attributes carry them. */
export interface CertificateVersion {
  /** 32 lowercase hex characters, shared with the backing secret's version. */
  readonly version: string;
  /** The certificate, DER, base64. */
  readonly cerBase64: string;
  /** SHA-1 of the DER certificate, base64url (Key Vault's `x5t`). */
  readonly x5t: string;
  readonly subject: string;
  readonly dnsNames: readonly string[];
  readonly notBeforeSec: number;
  readonly expiresSec: number;
  /** The backing secret's content type. */
  readonly contentType: string;
  readonly tags?: Record<string, string>;
  readonly enabled: boolean;
  readonly createdSec: number;
  readonly updatedSec: number;
}

/** A certificate: its versions, oldest first. */
export interface CertificateRecord {
  readonly name: string;
  readonly versions: CertificateVersion[];
}

/** The serializable form of a store, for state files. */
export interface CertificateStoreState {
  readonly certificates: readonly CertificateRecord[];
}

/** What an import adds. */
export interface CertificateInput {
  readonly leaf: X509Certificate;
  readonly contentType: string;
  readonly tags?: Record<string, string>;
  readonly enabled?: boolean;
}

function dnsNamesOf(leaf: X509Certificate): string[] {
  const names = (leaf.subjectAltName ?? "")
    .split(/,\s*/)
    .filter((entry) => entry.startsWith("DNS:"))
    .map((entry) => entry.slice(4));
  return names;
}

/** One vault's certificate store. */
export class VaultCertificateStore {
  private readonly certificates = new Map<string, CertificateRecord>();

  constructor(private readonly now: () => number) {}

  /** Adds a version (creating the certificate when new). */
  add(name: string, input: CertificateInput): { record: CertificateRecord; version: CertificateVersion } {
    const nowSec = Math.floor(this.now() / 1000);
    const der = input.leaf.raw;
    const version: CertificateVersion = {
      version: randomUUID().replace(/-/g, ""),
      cerBase64: der.toString("base64"),
      x5t: createHash("sha1").update(der).digest("base64url"),
      subject: input.leaf.subject.split("\n").join(", "),
      dnsNames: dnsNamesOf(input.leaf),
      notBeforeSec: Math.floor(Date.parse(input.leaf.validFrom) / 1000),
      expiresSec: Math.floor(Date.parse(input.leaf.validTo) / 1000),
      contentType: input.contentType,
      ...(input.tags ? { tags: input.tags } : {}),
      enabled: input.enabled ?? true,
      createdSec: nowSec,
      updatedSec: nowSec,
    };
    const record = this.certificates.get(name.toLowerCase()) ?? { name, versions: [] };
    record.versions.push(version);
    this.certificates.set(name.toLowerCase(), record);
    return { record, version };
  }

  /** A version of a certificate; `version` empty or absent means the latest. 404 when there is none. */
  get(name: string, version?: string): { record: CertificateRecord; version: CertificateVersion } {
    const record = this.certificates.get(name.toLowerCase());
    const latest = record?.versions.at(-1);
    if (!record || !latest) throw keyVaultErrors.certificateNotFound(name);
    if (!version) return { record, version: latest };
    const found = record.versions.find((candidate) => candidate.version === version.toLowerCase());
    if (!found) throw keyVaultErrors.certificateNotFound(`${record.name}/${version}`);
    return { record, version: found };
  }

  /** Every certificate, by name. */
  list(): CertificateRecord[] {
    return [...this.certificates.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, record]) => record);
  }

  /** The versions of a certificate, oldest first; empty for an unknown name. */
  versions(name: string): { record: CertificateRecord; versions: readonly CertificateVersion[] } | undefined {
    const record = this.certificates.get(name.toLowerCase());
    return record ? { record, versions: record.versions } : undefined;
  }

  toState(): CertificateStoreState {
    return { certificates: structuredClone(this.list()) };
  }

  loadState(state: CertificateStoreState | undefined): void {
    this.certificates.clear();
    for (const record of structuredClone(state?.certificates ?? [])) {
      this.certificates.set(record.name.toLowerCase(), record);
    }
  }
}
