/**
 * User-assigned managed identities and their federated identity credentials as the REST API describes
 * them: synchronous writes, the service's principal and client ids, names, and the credential's rules (an
 * HTTPS issuer, exactly one audience, no two credentials with the same issuer and subject).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { RunningEmulator } from "../src/index.js";
import { armClients, LOCATION, resourceId } from "./fixtures.js";
import { errorCode, jsonRequest, startTestEmulator, type RawAnswer } from "./harness.js";

const API = "api-version=2024-11-30";
const rg = "rg-msi";
let emulator: RunningEmulator;

const identityPath = (name: string) =>
  `${resourceId(rg, `Microsoft.ManagedIdentity/userAssignedIdentities/${name}`)}?${API}`;
const credentialPath = (identity: string, name: string) =>
  `${resourceId(rg, `Microsoft.ManagedIdentity/userAssignedIdentities/${identity}/federatedIdentityCredentials/${name}`)}?${API}`;

const send = (method: string, path: string, body?: unknown): Promise<RawAnswer> =>
  jsonRequest(emulator, method, path, body);

const credential = (subject: string, extra: Record<string, unknown> = {}) => ({
  properties: {
    issuer: "https://eastus.oic.prod-aks.azure.com/tenant/cluster/",
    subject,
    audiences: ["api://AzureADTokenExchange"],
    ...extra,
  },
});

before(async () => {
  emulator = await startTestEmulator();
  await armClients(emulator).resources.resourceGroups.createOrUpdate(rg, { location: LOCATION });
});
after(() => emulator.stop());

describe("user-assigned identities", () => {
  test("are created at once (201) with the service's principal and client ids, and deleted at once", async () => {
    const created = await send("PUT", identityPath("id-app"), { location: LOCATION });
    assert.equal(created.status, 201);
    const properties = (created.body as { properties: Record<string, string> }).properties;
    assert.match(properties.principalId ?? "", /^[0-9a-f-]{36}$/);
    assert.match(properties.clientId ?? "", /^[0-9a-f-]{36}$/);
    assert.notEqual(properties.principalId, properties.clientId);
    assert.equal((await send("DELETE", identityPath("id-app"))).status, 200);
    assert.equal((await send("GET", identityPath("id-app"))).status, 404);
  });

  test("fails names outside 3-128 letters, digits, hyphens and underscores", async () => {
    for (const name of ["ab", "-leading", "a".repeat(129), "dot.ted"]) {
      const answer = await send("PUT", identityPath(name), { location: LOCATION });
      assert.equal(answer.status, 400, name);
      assert.equal(errorCode(answer), "InvalidResourceName", name);
    }
  });
});

describe("federated identity credentials", () => {
  before(async () => {
    assert.equal((await send("PUT", identityPath("id-fic"), { location: LOCATION })).status, 201);
  });

  test("are written at once with the issuer, subject and audience asked for", async () => {
    const created = await send(
      "PUT",
      credentialPath("id-fic", "app"),
      credential("system:serviceaccount:ns:app"),
    );
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const read = (await send("GET", credentialPath("id-fic", "app"))).body as {
      properties: Record<string, unknown>;
    };
    assert.equal(read.properties.subject, "system:serviceaccount:ns:app");
    assert.deepEqual(read.properties.audiences, ["api://AzureADTokenExchange"]);
  });

  test("fail an issuer that is not HTTPS, two audiences, or a second credential with the same issuer and subject", async () => {
    const plain = await send(
      "PUT",
      credentialPath("id-fic", "plain"),
      credential("s1", { issuer: "http://x/" }),
    );
    assert.equal(plain.status, 400);
    const two = await send(
      "PUT",
      credentialPath("id-fic", "two"),
      credential("s2", { audiences: ["a", "b"] }),
    );
    assert.equal(two.status, 400);
    const again = await send(
      "PUT",
      credentialPath("id-fic", "again"),
      credential("system:serviceaccount:ns:app"),
    );
    assert.equal(again.status, 400);
    assert.equal(errorCode(again), "FederatedIdentityCredentialAlreadyExists");
  });
});
