import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { X509Certificate } from "node:crypto";
import { isRestError } from "@azure/core-rest-pipeline";
import { CertificateClient, type ImportCertificateOptions } from "@azure/keyvault-certificates";
import type { TokenCredential } from "@azure/core-auth";
import { EmulatorCredential } from "../src/credential";
import { KEY_VAULT_ROLES } from "../src/keyvault";
import { createTestCertificate, type TestCertificate } from "../src/test-certificates";
import type { KeyVaultHarness } from "./support/keyvault-harness";
import { startKeyVaultHarness } from "./support/keyvault-harness";

/** The status and code a call fails with. */
async function restErrorOf(
  promise: Promise<unknown>,
): Promise<{ statusCode?: number; code?: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    assert.ok(isRestError(error), `expected a RestError, got ${String(error)}`);
    return error;
  }
  assert.fail("expected the call to fail");
}

function certificateClient(harness: KeyVaultHarness, credential?: TokenCredential): CertificateClient {
  return new CertificateClient(
    `${harness.server.origin}/`,
    credential ?? new EmulatorCredential({ tenantId: harness.vault.tenantId }),
    {
      disableChallengeResourceVerification: true,
      tlsOptions: { ca: harness.server.tls.caPem },
      retryOptions: { maxRetries: 0 },
    },
  );
}

/**
 * Options importing PEM: `@azure/keyvault-certificates` 4.10.3 sends its `policy` option nowhere (its
 * serializer reads `certificatePolicy`), so the content type goes under both names.
 */
const PEM_IMPORT = {
  policy: { contentType: "application/x-pem-file" },
  certificatePolicy: { secretProperties: { contentType: "application/x-pem-file" } },
} as unknown as ImportCertificateOptions;

describe("Key Vault certificates with CertificateClient 4.10", () => {
  let harness: KeyVaultHarness;
  let client: CertificateClient;
  let ca: TestCertificate;
  let leaf: TestCertificate;

  before(async () => {
    harness = await startKeyVaultHarness();
    client = certificateClient(harness);
    ca = createTestCertificate({ commonName: "Test CA", isCa: true });
    leaf = createTestCertificate({ dnsNames: ["example.com", "*.example.com"], issuer: ca });
  });
  after(() => harness.close());

  test("imports a PEM chain and key, and answers the certificate without its key", async () => {
    const imported = await client.importCertificate("site", Buffer.from(leaf.bundlePem), PEM_IMPORT);
    assert.match(
      imported.properties.id ?? "",
      new RegExp(`^${harness.server.origin}/certificates/site/[0-9a-f]{32}$`),
    );
    assert.equal(imported.policy?.contentType, "application/x-pem-file");
    const got = await client.getCertificate("site");
    assert.equal(got.properties.version, imported.properties.version);
    assert.equal(new X509Certificate(Buffer.from(got.cer!)).subject, "CN=example.com");
    assert.deepEqual(got.policy?.subjectAlternativeNames?.dnsNames, ["example.com", "*.example.com"]);
    assert.ok(got.properties.expiresOn instanceof Date);
    assert.ok(!JSON.stringify(got).includes("PRIVATE KEY"), "no key in the certificate's answer");
  });

  test("keeps the key in the certificate's backing secret, managed, under the same version", async () => {
    const got = await client.getCertificate("site");
    const secret = await harness.client().getSecret("site");
    assert.equal(secret.properties.version, got.properties.version);
    assert.equal(secret.properties.managed, true);
    assert.equal(secret.properties.contentType, "application/x-pem-file");
    assert.match(secret.value ?? "", /-----BEGIN PRIVATE KEY-----/);
  });

  test("adds a version on each import; earlier versions stay readable", async () => {
    const first = await client.getCertificate("site");
    const renewed = createTestCertificate({ dnsNames: ["example.com"], issuer: ca });
    const second = await client.importCertificate("site", Buffer.from(renewed.bundlePem), PEM_IMPORT);
    assert.notEqual(second.properties.version, first.properties.version);
    const older = await client.getCertificateVersion("site", first.properties.version!);
    assert.equal(older.properties.version, first.properties.version);
    const versions = [];
    for await (const version of client.listPropertiesOfCertificateVersions("site"))
      versions.push(version.version);
    assert.deepEqual(versions.sort(), [first.properties.version, second.properties.version].sort());
  });

  test("imports a password-protected PFX", async () => {
    const imported = await client.importCertificate("from-pfx", leaf.pfx("p4ss"), { password: "p4ss" });
    assert.equal(new X509Certificate(Buffer.from(imported.cer!)).subject, "CN=example.com");
  });

  test("refuses, 400 BadParameter, content without a key, a key of another certificate, and PEM sent as PFX", async () => {
    const other = createTestCertificate({ dnsNames: ["other.example"] });
    for (const body of [leaf.chainPem, leaf.chainPem + other.privateKeyPem]) {
      const refused = await restErrorOf(client.importCertificate("bad", Buffer.from(body), PEM_IMPORT));
      assert.equal(refused.statusCode, 400);
      assert.equal(refused.code, "BadParameter");
    }
    // The SDK's own `policy` option alone is dropped: Key Vault then reads the value as PFX.
    const asPfx = await restErrorOf(
      client.importCertificate("bad", Buffer.from(leaf.bundlePem), {
        policy: { contentType: "application/x-pem-file" },
      } as ImportCertificateOptions),
    );
    assert.equal(asPfx.statusCode, 400);
    assert.equal((await restErrorOf(client.getCertificate("bad"))).code, "CertificateNotFound");
  });
});

describe("Key Vault certificates on an RBAC vault", () => {
  test("import needs Certificates Officer; Secrets User reads the key's secret but not the certificate; Certificate User reads both", async () => {
    const harness = await startKeyVaultHarness({ enableRbacAuthorization: true });
    try {
      const grant = (principalId: string, role: string) =>
        harness.ctx.roleAssignments.push({ principalId, scope: harness.vault.id, roleDefinitionId: role });
      const as = (objectId: string) => new EmulatorCredential({ tenantId: harness.vault.tenantId, objectId });
      const leaf = createTestCertificate({ dnsNames: ["example.com"] });
      const officer = certificateClient(harness, as("officer"));
      assert.equal(
        (await restErrorOf(officer.importCertificate("c", Buffer.from(leaf.bundlePem), PEM_IMPORT)))
          .statusCode,
        403,
      );
      grant("officer", KEY_VAULT_ROLES.certificatesOfficer);
      await officer.importCertificate("c", Buffer.from(leaf.bundlePem), PEM_IMPORT);

      grant("ingress", KEY_VAULT_ROLES.secretsUser);
      assert.match((await harness.client(as("ingress")).getSecret("c")).value ?? "", /PRIVATE KEY/);
      assert.equal(
        (await restErrorOf(certificateClient(harness, as("ingress")).getCertificate("c"))).statusCode,
        403,
      );

      grant("reader", KEY_VAULT_ROLES.certificateUser);
      assert.ok((await certificateClient(harness, as("reader")).getCertificate("c")).cer);
      assert.ok((await harness.client(as("reader")).getSecret("c")).value);
      assert.equal(
        (
          await restErrorOf(
            certificateClient(harness, as("reader")).importCertificate(
              "c",
              Buffer.from(leaf.bundlePem),
              PEM_IMPORT,
            ),
          )
        ).statusCode,
        403,
      );
    } finally {
      await harness.close();
    }
  });
});
