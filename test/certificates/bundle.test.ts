/**
 * Checking an uploaded certificate before any byte of it reaches Key Vault: one named test per refusal,
 * and what an accepted upload becomes (the chain leaf first, then the key, as one PEM document).
 */
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { before, describe, it } from "node:test";
import { createTestCertificate, type TestCertificate } from "@azure-env-provisioner/azure-emulator";
import { checkCertificateUpload, type CertificateUpload } from "../../lib/certificates/bundle";
import { coversDomain } from "../../lib/certificates/x509";
import { expiryWarning } from "../../lib/certificates/expiry";

const DAY_MS = 86_400_000;
const NOW = Date.now();

let ca: TestCertificate;
let intermediate: TestCertificate;
let leaf: TestCertificate;

before(() => {
  ca = createTestCertificate({ commonName: "Test Root", isCa: true });
  intermediate = createTestCertificate({ commonName: "Test Intermediate", isCa: true, issuer: ca });
  leaf = createTestCertificate({ dnsNames: ["example.com", "*.example.com"], issuer: intermediate });
});

function check(overrides: Partial<CertificateUpload> & Pick<CertificateUpload, "body">) {
  return checkCertificateUpload({ format: "pem", domain: "example.com", nowMs: NOW, ...overrides });
}

function refusalOf(result: ReturnType<typeof checkCertificateUpload>): { code: string; message: string } {
  assert.equal(result.ok, false, "the upload should be refused");
  return result.ok ? { code: "", message: "" } : result.refusal;
}

describe("checking an uploaded certificate", () => {
  it("accepts a PEM chain in order with its key, and writes it back leaf first, the key last", () => {
    const result = check({ body: Buffer.from(leaf.bundlePem), domain: "app.example.com" });
    assert.ok(result.ok, JSON.stringify(result));
    const { summary, chainLength, importPem } = result.certificate;
    assert.equal(summary.subject, "CN=example.com");
    assert.deepEqual(summary.subjectAlternativeNames, ["example.com", "*.example.com"]);
    assert.equal(chainLength, 3);
    assert.match(summary.thumbprint, /^[0-9A-F]{40}$/);
    const blocks = importPem.match(/-----BEGIN [A-Z ]+-----/g);
    assert.deepEqual(blocks, [
      "-----BEGIN CERTIFICATE-----",
      "-----BEGIN CERTIFICATE-----",
      "-----BEGIN CERTIFICATE-----",
      "-----BEGIN PRIVATE KEY-----",
    ]);
    assert.equal(new X509Certificate(importPem).subject, "CN=example.com");
  });

  it("accepts a password-protected PFX, putting its chain in serving order", () => {
    const result = check({ format: "pfx", body: leaf.pfx("s3cret"), password: "s3cret" });
    assert.ok(result.ok, JSON.stringify(result));
    assert.equal(result.certificate.chainLength, 3);
    assert.equal(new X509Certificate(result.certificate.importPem).subject, "CN=example.com");
  });

  it("fails when the certificate has expired (CertificateExpired)", () => {
    const expired = createTestCertificate({
      dnsNames: ["example.com"],
      notBefore: new Date(NOW - 100 * DAY_MS),
      notAfter: new Date(NOW - DAY_MS),
    });
    const refusal = refusalOf(check({ body: Buffer.from(expired.bundlePem) }));
    assert.equal(refusal.code, "CertificateExpired");
    assert.match(refusal.message, /expired on .*; upload a renewed one/);
  });

  it("fails when the certificate is not valid yet (CertificateNotYetValid)", () => {
    const early = createTestCertificate({ dnsNames: ["example.com"], notBefore: new Date(NOW + DAY_MS) });
    assert.equal(refusalOf(check({ body: Buffer.from(early.bundlePem) })).code, "CertificateNotYetValid");
  });

  it("fails when the key belongs to another certificate (KeyMismatch)", () => {
    const stranger = createTestCertificate({ dnsNames: ["example.com"] });
    const refusal = refusalOf(check({ body: Buffer.from(leaf.chainPem + stranger.privateKeyPem) }));
    assert.equal(refusal.code, "KeyMismatch");
    assert.equal(refusal.message, "the private key does not belong to any certificate of the upload");
  });

  it("fails when the certificate does not cover the module's domain (DomainNotCovered)", () => {
    const refusal = refusalOf(check({ body: Buffer.from(leaf.bundlePem), domain: "example.org" }));
    assert.equal(refusal.code, "DomainNotCovered");
    assert.match(refusal.message, /covers example\.com, \*\.example\.com, not example\.org/);
    // A wildcard covers one label only.
    assert.equal(
      refusalOf(check({ body: Buffer.from(leaf.bundlePem), domain: "a.b.example.com" })).code,
      "DomainNotCovered",
    );
  });

  it("fails when the chain is out of order (WrongChainOrder): the leaf first, then each issuer in turn", () => {
    const issuersFirst =
      intermediate.certificatePem + leaf.certificatePem + ca.certificatePem + leaf.privateKeyPem;
    const first = refusalOf(check({ body: Buffer.from(issuersFirst) }));
    assert.equal(first.code, "WrongChainOrder");
    assert.match(first.message, /number 2 of the chain; it must come first/);
    const rootBeforeIntermediate =
      leaf.certificatePem + ca.certificatePem + intermediate.certificatePem + leaf.privateKeyPem;
    const second = refusalOf(check({ body: Buffer.from(rootBeforeIntermediate) }));
    assert.equal(second.code, "WrongChainOrder");
    assert.match(second.message, /certificate 2 of the chain did not issue certificate 1/);
  });

  it("fails when the upload is not a certificate (NotACertificate)", () => {
    for (const body of [
      "",
      "hello",
      leaf.privateKeyPem,
      "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n",
    ]) {
      assert.equal(refusalOf(check({ body: Buffer.from(body) })).code, "NotACertificate", body.slice(0, 30));
    }
  });

  it("fails without a key, with an encrypted key, and for a PFX read with the wrong password", () => {
    assert.equal(refusalOf(check({ body: Buffer.from(leaf.chainPem) })).code, "PrivateKeyMissing");
    const encrypted =
      leaf.chainPem + "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n";
    assert.equal(refusalOf(check({ body: Buffer.from(encrypted) })).code, "EncryptedPrivateKey");
    assert.equal(
      refusalOf(check({ format: "pfx", body: leaf.pfx("right"), password: "wrong" })).code,
      "PfxUnreadable",
    );
  });

  it("never puts a byte of the key into a refusal", () => {
    const keyBody = leaf.privateKeyPem.split("\n").slice(1, -2).join("");
    const stranger = createTestCertificate({ dnsNames: ["example.com"] });
    const refusals = [
      check({ body: Buffer.from(leaf.bundlePem), domain: "example.org" }),
      check({ body: Buffer.from(stranger.chainPem + leaf.privateKeyPem) }),
    ].map(refusalOf);
    for (const refusal of refusals) {
      for (let at = 0; at + 16 <= keyBody.length; at += 16)
        assert.ok(!refusal.message.includes(keyBody.slice(at, at + 16)));
    }
  });
});

describe("which domains a certificate covers, and when its expiry is a warning", () => {
  it("matches exact names and one label under a wildcard; a wildcard domain needs the wildcard", () => {
    assert.equal(coversDomain(["example.com"], "example.com"), true);
    assert.equal(coversDomain(["*.example.com"], "app.example.com"), true);
    assert.equal(coversDomain(["*.example.com"], "example.com"), false);
    assert.equal(coversDomain(["*.example.com"], "*.example.com"), true);
    assert.equal(coversDomain(["app.example.com"], "*.example.com"), false);
  });

  it("warns within 30 days of expiry and after it, not before", () => {
    const at = (days: number) => ({
      notAfter: new Date(NOW + days * DAY_MS + 60_000).toISOString(),
      subject: "CN=x",
    });
    assert.equal(expiryWarning(at(31), NOW), undefined);
    assert.match(expiryWarning(at(29), NOW) ?? "", /expires in 29 days/);
    assert.match(expiryWarning(at(-2), NOW) ?? "", /expired on/);
  });
});
