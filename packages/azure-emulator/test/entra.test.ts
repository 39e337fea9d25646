/**
 * The emulated Microsoft Entra ID: OpenID Connect discovery and signing keys at the paths Entra uses below
 * its authority, and the OAuth 2.0 token endpoint — driven by `@azure/identity`'s real credentials
 * (`ClientSecretCredential`, `UsernamePasswordCredential`) pointed at the emulator with `authorityHost`,
 * exactly as they run against login.microsoftonline.com. Tokens are RS256 JWTs that verify against the
 * published keys.
 */
import assert from "node:assert/strict";
import { createPublicKey, verify } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { ClientSecretCredential, UsernamePasswordCredential } from "@azure/identity";
import { GROUP_OVERAGE_LIMIT, startEmulator, type EntraOptions, type RunningEmulator } from "../src/index.js";

const TENANT = "7f3c2a10-4b5d-4e6f-8a9b-0c1d2e3f4a5b";
const OTHER_TENANT = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
const API = "3e1f5a7b-9c2d-4e6f-8a0b-1c3d5e7f9a2b";
const OTHER_API = "5c7e9a1b-3d5f-4a7b-9c1d-3e5f7a9b1c3d";
const WRITER = { clientId: "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a", clientSecret: "writer-secret-value" };
const CROWDED = { clientId: "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d", clientSecret: "crowded-secret-value" };
const PUBLIC_CLIENT = "2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e";
const GROUP = "6e5d4c3b-2a1f-4e0d-9c8b-7a6f5e4d3c2b";

const DIRECTORY: EntraOptions = {
  tenants: [
    {
      tenantId: TENANT,
      apis: [
        { appId: API, identifierUri: "api://provisioner", scopes: ["Environments.Access"] },
        { appId: OTHER_API, identifierUri: "api://other" },
      ],
      clients: [
        { ...WRITER, appRoles: { [API]: ["Environments.Writer"] }, groups: [GROUP] },
        {
          ...CROWDED,
          groups: Array.from({ length: GROUP_OVERAGE_LIMIT + 1 }, (_, i) => `group-${i}`),
        },
      ],
      publicClients: [PUBLIC_CLIENT],
      users: [
        {
          username: "ada@example.org",
          password: "correct horse",
          displayName: "Ada Lovelace",
          appRoles: { [API]: ["Environments.Reader"] },
        },
      ],
    },
    { tenantId: OTHER_TENANT },
  ],
};

/** The decoded header and claims of a JWT. */
function decode(token: string): { header: Record<string, unknown>; claims: Record<string, unknown> } {
  const [header = "", claims = ""] = token.split(".");
  const json = (part: string) =>
    JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as Record<string, unknown>;
  return { header: json(header), claims: json(claims) };
}

describe("the emulated Microsoft Entra ID", () => {
  let emulator: RunningEmulator;
  const dataDir = mkdtempSync(join(tmpdir(), "emulator-entra-"));
  const tokenUrl = (tenant = TENANT) => `${emulator.entra.authority}/${tenant}/oauth2/v2.0/token`;
  /** Node's fetch does not take a CA per call: these requests go through https with the emulator's CA. */
  const post = (url: string, form: Record<string, string>) =>
    request(url, "POST", new URLSearchParams(form).toString());
  const get = (url: string) => request(url, "GET");
  async function request(url: string, method: string, body?: string) {
    const { request: httpsRequest } = await import("node:https");
    return new Promise<{ status: number; json: Record<string, unknown> }>((resolve, reject) => {
      const req = httpsRequest(
        url,
        {
          method,
          ca: emulator.caCertPem,
          headers: body === undefined ? {} : { "content-type": "application/x-www-form-urlencoded" },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("end", () =>
            resolve({
              status: res.statusCode ?? 0,
              json: JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>,
            }),
          );
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  }
  const credentialOptions = () => ({
    authorityHost: emulator.entra.authority,
    // The emulator is no Microsoft cloud MSAL knows; as with any custom authority, skip instance discovery.
    disableInstanceDiscovery: true,
    tlsOptions: { ca: emulator.caCertPem },
  });
  async function keys(tenant = TENANT): Promise<Record<string, unknown>[]> {
    return (await get(`${emulator.entra.authority}/${tenant}/discovery/v2.0/keys`)).json.keys as Record<
      string,
      unknown
    >[];
  }
  /** Whether `token`'s RS256 signature verifies with the published key its `kid` names. */
  async function verifies(token: string): Promise<boolean> {
    const [header = "", claims = "", signature = ""] = token.split(".");
    const key = (await keys()).find((candidate) => candidate.kid === decode(token).header.kid);
    if (!key) return false;
    const publicKey = createPublicKey({ key: { kty: "RSA", n: key.n, e: key.e } as never, format: "jwk" });
    return verify(
      "sha256",
      Buffer.from(`${header}.${claims}`),
      publicKey,
      Buffer.from(signature, "base64url"),
    );
  }

  before(async () => {
    emulator = await startEmulator({ dataDir, timeScale: 0.001, entra: DIRECTORY });
  });
  after(async () => {
    await emulator.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test("serves OpenID Connect discovery at <authority>/<tenant>/v2.0/.well-known/openid-configuration", async () => {
    const { status, json } = await get(
      `${emulator.entra.authority}/${TENANT}/v2.0/.well-known/openid-configuration`,
    );
    assert.equal(status, 200);
    assert.equal(json.issuer, `${emulator.entra.authority}/${TENANT}/v2.0`);
    assert.equal(json.issuer, emulator.entra.issuer(TENANT));
    assert.equal(json.jwks_uri, `${emulator.entra.authority}/${TENANT}/discovery/v2.0/keys`);
    assert.equal(json.token_endpoint, `${emulator.entra.authority}/${TENANT}/oauth2/v2.0/token`);
    assert.deepEqual(json.id_token_signing_alg_values_supported, ["RS256"]);
  });

  test("fails discovery and token requests for a tenant it does not have with 400 invalid_tenant (AADSTS90002)", async () => {
    const unknown = "99999999-9999-4999-8999-999999999999";
    const discovery = await get(
      `${emulator.entra.authority}/${unknown}/v2.0/.well-known/openid-configuration`,
    );
    assert.equal(discovery.status, 400);
    assert.equal(discovery.json.error, "invalid_tenant");
    assert.deepEqual(discovery.json.error_codes, [90002]);
    const token = await post(tokenUrl(unknown), { grant_type: "client_credentials" });
    assert.equal(token.status, 400);
  });

  test("publishes its RSA signing key with a stable kid and the tenant's issuer", async () => {
    const published = await keys();
    assert.equal(published.length, 1);
    assert.deepEqual(
      {
        kty: published[0]?.kty,
        use: published[0]?.use,
        kid: published[0]?.kid,
        issuer: published[0]?.issuer,
      },
      { kty: "RSA", use: "sig", kid: emulator.entra.keyId, issuer: emulator.entra.issuer(TENANT) },
    );
    assert.equal((await keys(OTHER_TENANT))[0]?.issuer, emulator.entra.issuer(OTHER_TENANT));
  });

  test("gives ClientSecretCredential a signed v2.0 access token for the API, with the client's roles and groups", async () => {
    const credential = new ClientSecretCredential(
      TENANT,
      WRITER.clientId,
      WRITER.clientSecret,
      credentialOptions(),
    );
    // The scope names the API by its application ID URI; the token's audience is still its client id.
    const accessToken = await credential.getToken("api://provisioner/.default");
    const { header, claims } = decode(accessToken.token);
    assert.deepEqual(header, { typ: "JWT", alg: "RS256", kid: emulator.entra.keyId });
    assert.equal(claims.aud, API);
    assert.equal(claims.iss, emulator.entra.issuer(TENANT));
    assert.equal(claims.tid, TENANT);
    assert.equal(claims.azp, WRITER.clientId);
    assert.equal(claims.azpacr, "1");
    assert.equal(claims.ver, "2.0");
    assert.match(String(claims.oid), /^[0-9a-f-]{36}$/);
    assert.equal(claims.sub, claims.oid, "an app-only token's subject is its service principal");
    assert.deepEqual(claims.roles, ["Environments.Writer"]);
    assert.deepEqual(claims.groups, [GROUP]);
    assert.equal(claims.scp, undefined, "app-only tokens carry roles, not delegated scopes");
    assert.equal(Number(claims.exp) - Number(claims.iat), 3600);
    assert.ok(await verifies(accessToken.token), "the signature verifies with the published key");
  });

  test("issues tokens for another API without the roles given for this one", async () => {
    const credential = new ClientSecretCredential(
      TENANT,
      WRITER.clientId,
      WRITER.clientSecret,
      credentialOptions(),
    );
    const { claims } = decode((await credential.getToken(`${OTHER_API}/.default`)).token);
    assert.equal(claims.aud, OTHER_API);
    assert.equal(claims.roles, undefined);
  });

  test("replaces the groups claim with the overage claim past 200 groups, as Entra does", async () => {
    const credential = new ClientSecretCredential(
      TENANT,
      CROWDED.clientId,
      CROWDED.clientSecret,
      credentialOptions(),
    );
    const { claims } = decode((await credential.getToken("api://provisioner/.default")).token);
    assert.equal(claims.groups, undefined);
    assert.deepEqual(claims._claim_names, { groups: "src1" });
    assert.match(
      String((claims._claim_sources as { src1: { endpoint: string } }).src1.endpoint),
      /getMemberObjects$/,
    );
  });

  test("fails a wrong client secret with 401 invalid_client (AADSTS7000215), also through ClientSecretCredential", async () => {
    const answer = await post(tokenUrl(), {
      grant_type: "client_credentials",
      client_id: WRITER.clientId,
      client_secret: "not-the-secret",
      scope: "api://provisioner/.default",
    });
    assert.equal(answer.status, 401);
    assert.equal(answer.json.error, "invalid_client");
    assert.deepEqual(answer.json.error_codes, [7000215]);
    assert.match(String(answer.json.error_description), /^AADSTS7000215: /);
    assert.equal(answer.json.access_token, undefined);
    const credential = new ClientSecretCredential(
      TENANT,
      WRITER.clientId,
      "not-the-secret",
      credentialOptions(),
    );
    await assert.rejects(credential.getToken("api://provisioner/.default"), /AADSTS7000215/);
  });

  test("fails requests Entra refuses, with its error and code", async () => {
    const base = {
      grant_type: "client_credentials",
      client_id: WRITER.clientId,
      client_secret: WRITER.clientSecret,
    };
    for (const [form, status, error, code] of [
      [
        { ...base, client_id: "00000000-0000-4000-8000-00000000dead", scope: `${API}/.default` },
        400,
        "unauthorized_client",
        700016,
      ],
      [{ ...base, scope: "api://provisioner/Environments.Access" }, 400, "invalid_scope", 1002012],
      [{ ...base, scope: "api://nobody/.default" }, 400, "invalid_resource", 500011],
      [{ client_id: WRITER.clientId, scope: `${API}/.default` }, 400, "invalid_request", 900144],
      [
        { ...base, grant_type: "authorization_code", scope: `${API}/.default` },
        400,
        "unsupported_grant_type",
        70003,
      ],
    ] as const) {
      const answer = await post(tokenUrl(), form);
      assert.equal(answer.status, status, JSON.stringify(form));
      assert.equal(answer.json.error, error);
      assert.deepEqual(answer.json.error_codes, [code]);
    }
  });

  test("signs a user in with a password through a public client (ROPC): delegated scope, name, roles", async () => {
    const credential = new UsernamePasswordCredential(
      TENANT,
      PUBLIC_CLIENT,
      "ada@example.org",
      "correct horse",
      credentialOptions(),
    );
    const accessToken = await credential.getToken("api://provisioner/Environments.Access");
    const { claims } = decode(accessToken.token);
    assert.equal(claims.aud, API);
    assert.equal(claims.scp, "Environments.Access");
    assert.equal(claims.name, "Ada Lovelace");
    assert.equal(claims.preferred_username, "ada@example.org");
    assert.equal(claims.azp, PUBLIC_CLIENT);
    assert.equal(claims.azpacr, "0");
    assert.deepEqual(claims.roles, ["Environments.Reader"]);
    assert.notEqual(claims.sub, claims.oid, "a user's subject is pairwise per application");
    assert.ok(await verifies(accessToken.token));
    const wrong = await post(tokenUrl(), {
      grant_type: "password",
      client_id: PUBLIC_CLIENT,
      username: "ada@example.org",
      password: "guess",
      scope: "api://provisioner/Environments.Access",
    });
    assert.equal(wrong.status, 400);
    assert.deepEqual(wrong.json.error_codes, [50126]);
  });

  test("counts its requests as identity requests in the request log", () => {
    const entries = emulator.admin.requestLog().filter((entry) => entry.resourceType === "entra");
    assert.ok(entries.length > 0);
    assert.ok(entries.every((entry) => entry.category === "identity"));
  });

  test("keeps its signing key in the data directory: the same kid after a restart, older tokens still verify", async () => {
    const credential = new ClientSecretCredential(
      TENANT,
      WRITER.clientId,
      WRITER.clientSecret,
      credentialOptions(),
    );
    const issued = (await credential.getToken("api://provisioner/.default")).token;
    const keyId = emulator.entra.keyId;
    await emulator.stop();
    emulator = await startEmulator({ dataDir, timeScale: 0.001, entra: DIRECTORY });
    assert.equal(emulator.entra.keyId, keyId);
    assert.ok(await verifies(issued));
  });
});
