/**
 * Where sign-in is on, and what App Service Authentication's header is worth: settings read as the app
 * reads them, and client principals as App Service passes them.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { readClientPrincipal } from "../../functions/auth/easy-auth";
import { loadAccessSettings, loadQueueOrgs, type EntraSignIn } from "../../functions/auth/settings";

const TENANT = "7d3c1a52-7f0e-4b1e-9a6c-3f2b8d1e0a11";
const API = "5a0e9f6b-2c3d-4e8f-9a1b-6c7d8e9f0a12";
const SIGN_IN = { PROVISIONER_AUTH_TENANT_ID: TENANT, PROVISIONER_AUTH_AUDIENCE: API };

describe("where sign-in is on", () => {
  test("on Azure (WEBSITE_SITE_NAME or WEBSITE_INSTANCE_ID set) callers sign in with Entra ID by default", () => {
    for (const platform of [{ WEBSITE_SITE_NAME: "my-app" }, { WEBSITE_INSTANCE_ID: "abc123" }]) {
      const settings = loadAccessSettings({ ...platform, ...SIGN_IN });
      assert.equal(settings.mode, "entra");
      assert.equal(settings.modeSource, "azure");
      assert.equal(settings.entra?.issuer, `https://login.microsoftonline.com/${TENANT}/v2.0`);
      assert.deepEqual(settings.entra?.audiences, [API]);
    }
  });

  test("on Azure only PROVISIONER_AUTH=keys turns sign-in off", () => {
    const settings = loadAccessSettings({ WEBSITE_SITE_NAME: "my-app", PROVISIONER_AUTH: "keys" });
    assert.equal(settings.mode, "keys");
    assert.equal(settings.modeSource, "setting");
  });

  test("locally the function key alone decides unless PROVISIONER_AUTH=entra", () => {
    assert.equal(loadAccessSettings({}).mode, "keys");
    const local = loadAccessSettings({ PROVISIONER_AUTH: "entra", ...SIGN_IN });
    assert.equal(local.mode, "entra");
  });

  test("fails closed on Azure without the tenant and audience: every setting missing is named", () => {
    assert.throws(
      () => loadAccessSettings({ WEBSITE_SITE_NAME: "my-app" }),
      (error: Error & { problems?: string[] }) =>
        /PROVISIONER_AUTH_TENANT_ID/.test(String(error.message)) &&
        /PROVISIONER_AUTH_AUDIENCE/.test(String(error.message)),
    );
  });

  test("fails on an unknown PROVISIONER_AUTH, a malformed group map or a queue org no spec can name", () => {
    assert.throws(() => loadAccessSettings({ PROVISIONER_AUTH: "none" }), /PROVISIONER_AUTH must be/);
    assert.throws(
      () => loadAccessSettings({ PROVISIONER_ORG_GROUPS: '{"acme":["not-a-guid"]}' }),
      /group object ids/,
    );
    assert.throws(() => loadQueueOrgs({ PROVISIONER_QUEUE_ORGS: "acme,Bad Org" }), /"Bad Org"/);
    assert.equal(loadQueueOrgs({}), "all");
    assert.deepEqual(
      [...(loadQueueOrgs({ PROVISIONER_QUEUE_ORGS: "acme, beta" }) as Set<string>)],
      ["acme", "beta"],
    );
  });
});

describe("App Service Authentication's client principal", () => {
  const signIn: EntraSignIn = loadAccessSettings({
    PROVISIONER_AUTH: "entra",
    PROVISIONER_AUTH_EASY_AUTH: "true",
    ...SIGN_IN,
  }).entra!;
  const header = (claims: { typ: string; val: string }[], authType = "aad") =>
    Buffer.from(JSON.stringify({ auth_typ: authType, claims, role_typ: "roles" })).toString("base64");
  const valid = [
    { typ: "aud", val: API },
    { typ: "iss", val: `https://login.microsoftonline.com/${TENANT}/v2.0` },
    { typ: "http://schemas.microsoft.com/identity/claims/tenantid", val: TENANT },
    {
      typ: "http://schemas.microsoft.com/identity/claims/objectidentifier",
      val: "0f0e0d0c-0000-4000-8000-000000000001",
    },
    { typ: "name", val: "Ada Lovelace" },
    { typ: "roles", val: "Environments.Writer" },
    { typ: "groups", val: "1a2b3c4d-0000-4000-8000-00000000ac3e" },
  ];

  test("reads the caller from the mapped claim types App Service uses", () => {
    assert.equal(signIn.trustEasyAuth, true);
    const read = readClientPrincipal(header(valid), signIn);
    assert.ok(read.ok);
    assert.equal(read.claims.oid, "0f0e0d0c-0000-4000-8000-000000000001");
    assert.deepEqual(read.claims.roles, ["Environments.Writer"]);
    assert.deepEqual(read.claims.groups, ["1a2b3c4d-0000-4000-8000-00000000ac3e"]);
  });

  test("fails a principal for another audience, another tenant, another provider or not base64 JSON", () => {
    const other = (typ: string, val: string) =>
      valid.map((claim) => (claim.typ === typ ? { typ, val } : claim));
    assert.equal(readClientPrincipal(header(other("aud", "api://else")), signIn).ok, false);
    assert.equal(
      readClientPrincipal(
        header(other("iss", "https://login.microsoftonline.com/11111111-1111-1111-1111-111111111111/v2.0")),
        signIn,
      ).ok,
      false,
    );
    assert.equal(readClientPrincipal(header(valid, "github"), signIn).ok, false);
    assert.equal(readClientPrincipal("%%%not base64", signIn).ok, false);
  });
});
