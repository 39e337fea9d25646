/**
 * A throwaway certificate authority and a 127.0.0.1/localhost server certificate for tests, so real
 * clients talk TLS to in-process servers while trusting only this CA.
 */
import { generateKeyPairSync } from "node:crypto";
import forge from "node-forge";

/** PEM material for a test TLS server and its clients. */
export interface TestTlsMaterial {
  /** The CA certificate clients trust (PEM). */
  readonly caPem: string;
  /** The server certificate (PEM), SAN `IP:127.0.0.1` and `DNS:localhost`. */
  readonly certPem: string;
  /** The server's private key (PEM). */
  readonly keyPem: string;
}

function rsaKeyPair(): { privateKey: forge.pki.rsa.PrivateKey; publicKey: forge.pki.rsa.PublicKey } {
  // Node's native key generation: forge's pure-JS RSA would cost seconds on a shared 2-core machine.
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const forgeKey = forge.pki.privateKeyFromPem(
    privateKey.export({ type: "pkcs1", format: "pem" }).toString(),
  );
  return { privateKey: forgeKey, publicKey: forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e) };
}

function certificate(
  subject: string,
  publicKey: forge.pki.rsa.PublicKey,
  serial: string,
  extensions: object[],
): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = serial;
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 24 * 3_600_000);
  cert.setSubject([{ name: "commonName", value: subject }]);
  cert.setExtensions(extensions);
  return cert;
}

/** Makes a CA and a server certificate it signed, valid for a day. */
export function createTestTlsMaterial(): TestTlsMaterial {
  const ca = rsaKeyPair();
  const caCert = certificate("emulator test CA", ca.publicKey, "01", [
    { name: "basicConstraints", cA: true, critical: true },
    { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
  ]);
  caCert.setIssuer(caCert.subject.attributes);
  caCert.sign(ca.privateKey, forge.md.sha256.create());

  const server = rsaKeyPair();
  const serverCert = certificate("localhost", server.publicKey, "02", [
    { name: "basicConstraints", cA: false },
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
    { name: "extKeyUsage", serverAuth: true },
    {
      name: "subjectAltName",
      altNames: [
        { type: 7, ip: "127.0.0.1" },
        { type: 2, value: "localhost" },
      ],
    },
  ]);
  serverCert.setIssuer(caCert.subject.attributes);
  serverCert.sign(ca.privateKey, forge.md.sha256.create());

  return {
    caPem: forge.pki.certificateToPem(caCert),
    certPem: forge.pki.certificateToPem(serverCert),
    keyPem: forge.pki.privateKeyToPem(server.privateKey),
  };
}
