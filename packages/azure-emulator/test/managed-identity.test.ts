/**
 * The emulator's App Service managed-identity endpoint: the wire protocol as App Service answers it, and
 * `@azure/identity`'s real `ManagedIdentityCredential` (MSAL's App Service source) getting tokens from it
 * with nothing but `IDENTITY_ENDPOINT` and `IDENTITY_HEADER` in its environment.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { ManagedIdentityCredential } from "@azure/identity";
import { readTokenClaims } from "../src/credential.js";
import { startEmulator, type RunningEmulator } from "../src/index.js";

const PRINCIPAL = "6c1f0a52-5b8e-4d51-9f5e-3a8e3f3b7e01";
const TENANT = "2b4c8d5e-0f1a-4b2c-8d3e-5f6a7b8c9d0e";

describe("the managed-identity endpoint (App Service protocol, api-version 2019-08-01)", () => {
  let emulator: RunningEmulator;
  const dataDir = mkdtempSync(join(tmpdir(), "emulator-identity-"));
  const tokenUrl = (query: string) => `${emulator.identityEndpoint}?${query}`;
  const armQuery = "resource=https://management.azure.com/&api-version=2019-08-01";

  before(async () => {
    emulator = await startEmulator({
      dataDir,
      timeScale: 0.001,
      managedIdentity: { principalId: PRINCIPAL, tenantId: TENANT },
    });
  });
  after(async () => {
    await emulator.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test("serves plain HTTP on loopback, as App Service's IDENTITY_ENDPOINT does", () => {
    assert.match(emulator.identityEndpoint, /^http:\/\/127\.0\.0\.1:\d+\/msi\/token$/);
    assert.ok(emulator.identityHeader.length >= 32, "the header secret is not guessable");
    assert.equal(emulator.identityPrincipalId, PRINCIPAL);
  });

  test("answers a token for the resource: access_token, expires_on in epoch seconds as a string, Bearer", async () => {
    const before = Math.floor(Date.now() / 1000);
    const response = await fetch(tokenUrl(armQuery), {
      headers: { "X-IDENTITY-HEADER": emulator.identityHeader },
    });
    assert.equal(response.status, 200);
    const body = (await response.json()) as Record<string, unknown>;
    assert.deepEqual(Object.keys(body).sort(), [
      "access_token",
      "client_id",
      "expires_on",
      "resource",
      "token_type",
    ]);
    assert.equal(body.token_type, "Bearer");
    assert.equal(body.resource, "https://management.azure.com/");
    assert.equal(typeof body.expires_on, "string");
    assert.match(String(body.client_id), /^[0-9a-f-]{36}$/);
    assert.notEqual(body.client_id, PRINCIPAL, "an identity's client id is not its object id");
    const expiresOn = Number(body.expires_on);
    assert.ok(expiresOn >= before + 3600 && expiresOn <= before + 3602, String(expiresOn));
    const claims = readTokenClaims(String(body.access_token));
    assert.deepEqual(
      { aud: claims?.aud, oid: claims?.oid, tid: claims?.tid, exp: claims?.exp },
      { aud: "https://management.azure.com", oid: PRINCIPAL, tid: TENANT, exp: expiresOn },
    );
  });

  test("refuses a request without X-IDENTITY-HEADER with 400 and a wrong one with 401", async () => {
    const missing = await fetch(tokenUrl(armQuery));
    assert.equal(missing.status, 400);
    const body = (await missing.json()) as { statusCode: number; message: string; correlationId: string };
    assert.equal(body.statusCode, 400);
    assert.match(body.message, /X-IDENTITY-HEADER/);
    const wrong = await fetch(tokenUrl(armQuery), { headers: { "X-IDENTITY-HEADER": "guess" } });
    assert.equal(wrong.status, 401);
    assert.equal(((await wrong.json()) as { access_token?: string }).access_token, undefined);
  });

  test("refuses another api-version, a missing resource, another identity, other methods and paths", async () => {
    const headers = { "X-IDENTITY-HEADER": emulator.identityHeader };
    const status = async (url: string, init: RequestInit = {}) =>
      (await fetch(url, { ...init, headers })).status;
    assert.equal(await status(tokenUrl("resource=https://vault.azure.net&api-version=2017-09-01")), 400);
    assert.equal(await status(tokenUrl("api-version=2019-08-01")), 400);
    assert.equal(
      await status(tokenUrl(`${armQuery}&principal_id=00000000-0000-0000-0000-0000000000ff`)),
      400,
    );
    assert.equal(await status(tokenUrl(`${armQuery}&principal_id=${PRINCIPAL}`)), 200);
    assert.equal(await status(tokenUrl(armQuery), { method: "POST" }), 405);
    assert.equal(await status(emulator.identityEndpoint.replace("/msi/token", "/other")), 404);
  });

  test("@azure/identity's ManagedIdentityCredential gets tokens for any audience from the two variables", async () => {
    const saved = { endpoint: process.env.IDENTITY_ENDPOINT, header: process.env.IDENTITY_HEADER };
    process.env.IDENTITY_ENDPOINT = emulator.identityEndpoint;
    process.env.IDENTITY_HEADER = emulator.identityHeader;
    try {
      const credential = new ManagedIdentityCredential();
      const arm = await credential.getToken("https://management.azure.com/.default");
      assert.equal(readTokenClaims(arm.token)?.aud, "https://management.azure.com");
      assert.equal(readTokenClaims(arm.token)?.oid, PRINCIPAL);
      assert.ok(arm.expiresOnTimestamp > Date.now() + 3500_000);
      // The AKS AAD server application: a GUID audience.
      const aks = await credential.getToken("6dae42f8-4368-4678-94ff-3960e28e3630/.default");
      assert.equal(readTokenClaims(aks.token)?.aud, "6dae42f8-4368-4678-94ff-3960e28e3630");
    } finally {
      if (saved.endpoint === undefined) delete process.env.IDENTITY_ENDPOINT;
      else process.env.IDENTITY_ENDPOINT = saved.endpoint;
      if (saved.header === undefined) delete process.env.IDENTITY_HEADER;
      else process.env.IDENTITY_HEADER = saved.header;
    }
  });

  test("ManagedIdentityCredential fails, without a token, when IDENTITY_HEADER is wrong", async () => {
    // MSAL picks its managed-identity source once per process, from the environment it first sees, so a
    // second configuration needs a process of its own.
    const script = [
      'const { ManagedIdentityCredential } = require("@azure/identity");',
      'new ManagedIdentityCredential().getToken("https://vault.azure.net/.default").then(',
      "  () => process.exit(0),",
      "  (error) => { console.error(error.message); process.exit(3); },",
      ");",
    ].join("\n");
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        ["-e", script],
        {
          cwd: __dirname,
          env: {
            ...process.env,
            IDENTITY_ENDPOINT: emulator.identityEndpoint,
            IDENTITY_HEADER: "not-the-header",
          },
          timeout: 30_000,
        },
        (error, _stdout, stderr) => resolve({ code: error ? (error.code as number | null) : 0, stderr }),
      );
    });
    assert.equal(result.code, 3, result.stderr);
    assert.match(result.stderr, /401|X-IDENTITY-HEADER/, result.stderr);
  });
});
