/**
 * The emulator's TLS material: a private CA and a server certificate for `127.0.0.1`/`localhost`, made
 * on first start and kept in the data directory so clients can trust the CA across restarts
 * (`tlsOptions.ca` or `NODE_EXTRA_CA_CERTS`). Keys come from node's native generator (fast); node-forge
 * builds and signs the X.509 certificates.
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import forge from "node-forge";

/** PEM material the HTTPS listeners and clients need. */
export interface TlsMaterial {
  readonly caCertPem: string;
  /** File holding {@link caCertPem}; print it so users can point `NODE_EXTRA_CA_CERTS` at it. */
  readonly caCertPath: string;
  readonly serverCertPem: string;
  readonly serverKeyPem: string;
}

const FILES = { caCert: "ca.crt", caKey: "ca.key", serverCert: "server.crt", serverKey: "server.key" };
const VALIDITY_YEARS = 10;

function newKeyPair(): { privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

function baseCertificate(publicKeyPem: string, commonName: string): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKeyPem);
  // A positive serial: a leading 0x00..0x7f byte keeps the DER integer non-negative.
  cert.serialNumber = `01${randomBytes(15).toString("hex")}`;
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + VALIDITY_YEARS * 365 * 24 * 3600 * 1000);
  cert.setSubject([{ name: "commonName", value: commonName }]);
  return cert;
}

function createMaterial(dir: string): void {
  const ca = newKeyPair();
  const caKey = forge.pki.privateKeyFromPem(ca.privateKeyPem);
  const caCert = baseCertificate(ca.publicKeyPem, "azure-env-provisioner local emulator CA");
  caCert.setIssuer(caCert.subject.attributes);
  caCert.setExtensions([
    { name: "basicConstraints", cA: true, critical: true },
    { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
    { name: "subjectKeyIdentifier" },
  ]);
  caCert.sign(caKey, forge.md.sha256.create());

  const server = newKeyPair();
  const serverCert = baseCertificate(server.publicKeyPem, "localhost");
  serverCert.setIssuer(caCert.subject.attributes);
  serverCert.setExtensions([
    { name: "basicConstraints", cA: false },
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
    { name: "extKeyUsage", serverAuth: true },
    // Clients verify 127.0.0.1 against an IP SAN and `localhost` against a DNS SAN (type 7 = IP, 2 = DNS).
    {
      name: "subjectAltName",
      altNames: [
        { type: 7, ip: "127.0.0.1" },
        { type: 2, value: "localhost" },
      ],
    },
  ]);
  serverCert.sign(caKey, forge.md.sha256.create());

  writeFileSync(join(dir, FILES.caKey), ca.privateKeyPem, { mode: 0o600 });
  writeFileSync(join(dir, FILES.serverKey), server.privateKeyPem, { mode: 0o600 });
  writeFileSync(join(dir, FILES.caCert), forge.pki.certificateToPem(caCert));
  writeFileSync(join(dir, FILES.serverCert), forge.pki.certificateToPem(serverCert));
}

/**
 * Loads the CA and server certificate from `dataDir/tls`, creating them on first use. Several processes
 * may start at once on a fresh directory: each builds a complete set in a directory of its own and
 * renames it into place, so readers never see half-written or mismatched files and the first set wins.
 * @param dataDir - emulator data directory (created if missing)
 */
export function ensureTlsMaterial(dataDir: string): TlsMaterial {
  const dir = join(dataDir, "tls");
  if (!existsSync(join(dir, FILES.serverKey))) {
    mkdirSync(dataDir, { recursive: true });
    const staging = mkdtempSync(join(dataDir, "tls-staging-"));
    createMaterial(staging);
    try {
      renameSync(staging, dir);
    } catch {
      // Another process got there first: use its set.
      rmSync(staging, { recursive: true, force: true });
    }
  }
  const path = (file: string): string => join(dir, file);
  return {
    caCertPem: readFileSync(path(FILES.caCert), "utf8"),
    caCertPath: path(FILES.caCert),
    serverCertPem: readFileSync(path(FILES.serverCert), "utf8"),
    serverKeyPem: readFileSync(path(FILES.serverKey), "utf8"),
  };
}
