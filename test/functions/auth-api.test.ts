/**
 * The API with sign-in on (`PROVISIONER_AUTH=entra`), against the emulator's Microsoft Entra ID: tokens
 * are real v2.0 access tokens from its token endpoint, obtained with `@azure/identity` as a client would.
 */
import assert from "node:assert/strict";
import { generateKeyPairSync, sign, type KeyObject, createPrivateKey } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { ClientSecretCredential, UsernamePasswordCredential } from "@azure/identity";
import { findAppRoot } from "@azure-env-provisioner/functions-devhost";
import { runInMemory } from "../cli/in-memory-cli";
import { waitFor } from "../support/wait-for";
import { startAppStack, type AppStack } from "./app-stack";

const TENANT_ID = "7d3c1a52-7f0e-4b1e-9a6c-3f2b8d1e0a11";
const API_APP_ID = "5a0e9f6b-2c3d-4e8f-9a1b-6c7d8e9f0a12";
const OTHER_API_APP_ID = "0b1c2d3e-4f50-4617-8293-a4b5c6d7e813";
const PUBLIC_CLIENT_ID = "9e8d7c6b-5a49-4382-a716-05f4e3d2c114";
/** Group object ids: acme's and beta's (PROVISIONER_ORG_GROUPS). */
const ACME_GROUP = "1a2b3c4d-0000-4000-8000-00000000ac3e";
const BETA_GROUP = "1a2b3c4d-0000-4000-8000-00000000be7a";
const SECRET = "not-a-real-secret-only-for-the-emulator";
const USER_PASSWORD = "a-test-users-password";

/** Confidential clients, one per role, all in acme's group. */
const clients = {
  reader: { clientId: "c0000000-0000-4000-8000-000000000001", role: "Environments.Reader" },
  writer: { clientId: "c0000000-0000-4000-8000-000000000002", role: "Environments.Writer" },
  admin: { clientId: "c0000000-0000-4000-8000-000000000003", role: "Environments.Admin" },
  noRole: { clientId: "c0000000-0000-4000-8000-000000000004", role: undefined },
} as const;
type ClientName = keyof typeof clients;

const exampleText = (name: string) => readFileSync(join(findAppRoot(__filename), "examples", name), "utf8");
const YAML = { "content-type": "application/yaml" };
/** The minimal example under another environment name and organisation. */
const specOf = (org: string, name: string) =>
  exampleText("minimal.yaml")
    .replace(/^name: dev$/m, `name: ${name}`)
    .replace(/^org_name: acme$/m, `org_name: ${org}`);

let stack: AppStack;
const tokens = new Map<string, string>();
let userToken: string;

function credentialOptions() {
  return {
    authorityHost: stack.emulator.entra.authority,
    disableInstanceDiscovery: true,
    tlsOptions: { ca: readFileSync(stack.emulator.caCertPath, "utf8") },
  } as const;
}

async function clientToken(name: ClientName, api = `api://provisioner`): Promise<string> {
  const key = `${name} ${api}`;
  const known = tokens.get(key);
  if (known) return known;
  const credential = new ClientSecretCredential(
    TENANT_ID,
    clients[name].clientId,
    SECRET,
    credentialOptions(),
  );
  const { token } = (await credential.getToken(`${api}/.default`))!;
  tokens.set(key, token);
  return token;
}

/** Calls the API with the function key and, when given, a bearer token. */
function call(path: string, token: string | undefined, init: RequestInit = {}) {
  return stack.api(path, {
    ...init,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(init.headers as Record<string, string> | undefined),
    },
  });
}

const apply = (token: string | undefined, org: string, name: string) =>
  call("environments", token, { method: "POST", headers: YAML, body: specOf(org, name) });

interface Problem {
  title: string;
  status: number;
  detail: string;
  requiredRole?: string;
  organisation?: string;
}

async function problemOf(response: Response, status: number): Promise<Problem> {
  assert.equal(response.status, status, await response.clone().text());
  assert.match(response.headers.get("content-type") ?? "", /^application\/problem\+json/);
  const problem = (await response.json()) as Problem;
  assert.equal(problem.status, status);
  return problem;
}

function decodeClaims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString("utf8")) as Record<
    string,
    unknown
  >;
}

/** An RS256 JWT of `claims` signed by `key`, naming `kid`. */
function signed(claims: Record<string, unknown>, key: KeyObject, kid: string): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const input = `${part({ typ: "JWT", alg: "RS256", kid })}.${part(claims)}`;
  return `${input}.${sign("sha256", Buffer.from(input), key).toString("base64url")}`;
}

before(async () => {
  const grants = (role: string | undefined): { appRoles: Record<string, string[]>; groups: string[] } => ({
    appRoles: role ? { [API_APP_ID]: [role], [OTHER_API_APP_ID]: [role] } : {},
    groups: [ACME_GROUP],
  });
  stack = await startAppStack({
    entra: {
      tenants: [
        {
          tenantId: TENANT_ID,
          apis: [
            { appId: API_APP_ID, identifierUri: "api://provisioner", scopes: ["Environments.Access"] },
            { appId: OTHER_API_APP_ID, identifierUri: "api://something-else" },
          ],
          clients: Object.entries(clients).map(([name, client]) => ({
            clientId: client.clientId,
            clientSecret: SECRET,
            displayName: `${name} client`,
            ...grants(client.role),
          })),
          publicClients: [PUBLIC_CLIENT_ID],
          users: [
            {
              username: "ada@example.org",
              password: USER_PASSWORD,
              displayName: "Ada Lovelace",
              appRoles: { [API_APP_ID]: ["Environments.Writer"] },
              groups: [BETA_GROUP],
            },
          ],
        },
      ],
    },
    settings: (emulator) => ({
      PROVISIONER_AUTH: "entra",
      PROVISIONER_AUTH_AUTHORITY: emulator.entra.authority,
      PROVISIONER_AUTH_TENANT_ID: TENANT_ID,
      PROVISIONER_AUTH_AUDIENCE: `${API_APP_ID},api://provisioner`,
      PROVISIONER_ORG_GROUPS: JSON.stringify({ acme: [ACME_GROUP], beta: [BETA_GROUP] }),
    }),
  });
  const user = new UsernamePasswordCredential(
    TENANT_ID,
    PUBLIC_CLIENT_ID,
    "ada@example.org",
    USER_PASSWORD,
    credentialOptions(),
  );
  userToken = (await user.getToken("api://provisioner/Environments.Access"))!.token;
});
after(() => stack.stop());

describe("API with Microsoft Entra ID sign-in", () => {
  test("fails with 401 problem+json and a Bearer challenge without a token, even with the function key", async () => {
    const response = await call("environments", undefined);
    const problem = await problemOf(response, 401);
    assert.equal(problem.title, "Sign-in required");
    assert.match(response.headers.get("www-authenticate") ?? "", /^Bearer realm="azure-env-provisioner"/);
  });

  test("fails with 401 without the function key, whatever the token: the key stays the platform's gate", async () => {
    const response = await fetch(`${stack.devhost.url}/api/environments`, {
      headers: { authorization: `Bearer ${await clientToken("admin")}` },
    });
    assert.equal(response.status, 401);
  });

  test("fails with 401 for a forged token: another key under the tenant key's kid", async () => {
    const claims = decodeClaims(await clientToken("admin"));
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const response = await call("environments", signed(claims, privateKey, stack.emulator.entra.keyId));
    const problem = await problemOf(response, 401);
    assert.match(problem.detail, /signature/);
    assert.match(response.headers.get("www-authenticate") ?? "", /error="invalid_token"/);
  });

  test("fails with 401 for a token whose claims were changed after signing", async () => {
    const [header, , signature] = (await clientToken("reader")).split(".");
    const claims = { ...decodeClaims(await clientToken("reader")), roles: ["Environments.Admin"] };
    const tampered = `${header}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.${signature}`;
    const problem = await problemOf(await call("environments", tampered), 401);
    assert.match(problem.detail, /signature/);
  });

  test("fails with 401 for an expired token signed by the tenant's own key", async () => {
    const key = createPrivateKey(readFileSync(stack.emulator.entra.signingKeyPath, "utf8"));
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      ...decodeClaims(await clientToken("admin")),
      iat: now - 7200,
      nbf: now - 7200,
      exp: now - 3600,
    };
    const problem = await problemOf(
      await call("environments", signed(claims, key, stack.emulator.entra.keyId)),
      401,
    );
    assert.match(problem.detail, /expired/);
  });

  test("fails with 401 for a real token of the tenant issued for another API (wrong audience)", async () => {
    const token = await clientToken("admin", "api://something-else");
    assert.equal(decodeClaims(token).aud, OTHER_API_APP_ID);
    const problem = await problemOf(await call("environments", token), 401);
    assert.match(problem.detail, /audience/);
  });

  test("fails with 401 for an unsigned token (alg none) and for something that is no JWT", async () => {
    const claims = decodeClaims(await clientToken("admin"));
    const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
    const unsigned = `${part({ alg: "none", typ: "JWT" })}.${part(claims)}.`;
    await problemOf(await call("environments", unsigned), 401);
    await problemOf(await call("environments", "not-a-jwt"), 401);
  });

  test("ignores X-MS-CLIENT-PRINCIPAL when the app is not told it runs behind App Service Authentication", async () => {
    const principal = Buffer.from(
      JSON.stringify({
        auth_typ: "aad",
        claims: [{ typ: "roles", val: "Environments.Admin" }],
      }),
    ).toString("base64");
    const response = await call("environments", undefined, {
      headers: { "x-ms-client-principal": principal },
    });
    await problemOf(response, 401);
  });

  test("a reader may list and read but fails to apply with 403 naming the role it needs", async () => {
    const reader = await clientToken("reader");
    assert.equal((await call("environments", reader)).status, 200);
    const problem = await problemOf(await apply(reader, "acme", "readonly"), 403);
    assert.equal(problem.requiredRole, "Environments.Writer");
    assert.equal((await call("environments/acme-readonly", reader)).status, 404, "nothing was recorded");
  });

  test("a signed-in principal without any app role fails with 403, even to read", async () => {
    const problem = await problemOf(await call("environments", await clientToken("noRole")), 403);
    assert.equal(problem.requiredRole, "Environments.Reader");
  });

  test("a writer of acme applies in acme but fails with 403 on beta, which starts nothing", async () => {
    const writer = await clientToken("writer");
    const accepted = await apply(writer, "acme", "signed");
    assert.equal(accepted.status, 202, await accepted.clone().text());
    const body = (await accepted.json()) as Record<string, unknown>;
    assert.equal(body.environmentId, "acme-signed");
    assert.equal(body.terminatePostUri, undefined, "no Durable management URL (system key) for a caller");
    const problem = await problemOf(await apply(writer, "beta", "signed"), 403);
    assert.equal(problem.organisation, "beta");
    const admin = await clientToken("admin");
    assert.equal((await call("environments/beta-signed", admin)).status, 404, "nothing was recorded");
  });

  test("a user of beta signed in with a password applies in beta, and cannot read acme's environment", async () => {
    const accepted = await apply(userToken, "beta", "ada");
    assert.equal(accepted.status, 202, await accepted.clone().text());
    await problemOf(await call("environments/acme-signed", userToken), 403);
    const list = (await (await call("environments", userToken)).json()) as {
      environments: { org: string }[];
    };
    assert.ok(list.environments.length > 0);
    assert.deepEqual([...new Set(list.environments.map((environment) => environment.org))], ["beta"]);
  });

  test("a destroy needs admin: a writer fails with 403; a writer cancels; the admin's destroy is accepted", async () => {
    const writer = await clientToken("writer");
    const refused = await problemOf(
      await call("environments/acme-signed", writer, { method: "DELETE" }),
      403,
    );
    assert.equal(refused.requiredRole, "Environments.Admin");
    const canceled = await call("environments/acme-signed/cancel", writer, { method: "POST" });
    assert.equal(canceled.status, 202, await canceled.clone().text());
    await waitFor(
      "termination",
      async () => (await stack.instanceStatus("acme-signed"))?.runtimeStatus === "Terminated",
      { timeoutMs: 30_000 },
    );
    const destroyed = await call("environments/acme-signed", await clientToken("admin"), {
      method: "DELETE",
    });
    assert.equal(destroyed.status, 202, await destroyed.clone().text());
  });

  test("the history names who applied, was refused, canceled and destroyed, with plan hash and outcome, newest first", async () => {
    const reader = await clientToken("reader");
    const response = await call("environments/acme-signed/history", reader);
    assert.equal(response.status, 200);
    const history = (await response.json()) as {
      environmentId: string;
      entries: {
        at: string;
        event: string;
        action: string;
        outcome: string;
        status?: number;
        planHash?: string;
        principal: { kind: string; objectId?: string; name?: string };
        client?: { userAgent?: string };
      }[];
    };
    assert.equal(history.environmentId, "acme-signed");
    const requests = history.entries
      .filter((entry) => entry.event === "request")
      .map((entry) => `${entry.action} ${entry.outcome} ${entry.status}`);
    assert.deepEqual(requests, [
      "destroy accepted 202",
      "cancel accepted 202",
      "destroy refused 403",
      "apply accepted 202",
    ]);
    const times = history.entries.map((entry) => Date.parse(entry.at));
    assert.deepEqual(
      times,
      [...times].sort((a, b) => b - a),
      "newest first",
    );
    const writerOid = decodeClaims(await clientToken("writer")).oid;
    const adminOid = decodeClaims(await clientToken("admin")).oid;
    const applied = history.entries.find((entry) => entry.event === "request" && entry.action === "apply")!;
    assert.equal(applied.principal.kind, "application");
    assert.equal(applied.principal.objectId, writerOid);
    assert.match(applied.planHash ?? "", /^[0-9a-f]{8,}$/);
    assert.ok(applied.at);
    assert.ok(applied.client?.userAgent, "from where: the client's user agent");
    const destroy = history.entries.find(
      (entry) => entry.action === "destroy" && entry.outcome === "accepted",
    )!;
    assert.equal(destroy.principal.objectId, adminOid);
    assert.ok(
      history.entries.some((entry) => entry.event === "operationEnded" && entry.outcome === "canceled"),
      "the cancel's end is recorded",
    );
    const text = JSON.stringify(history);
    for (const token of tokens.values()) assert.ok(!text.includes(token.split(".")[2]!), "no token");
    assert.ok(!text.includes(SECRET));
  });

  test("the history names a signed-in user by object id and name", async () => {
    const history = (await (await call("environments/beta-ada/history", userToken)).json()) as {
      entries: {
        event: string;
        action: string;
        principal: { kind: string; objectId: string; name: string };
      }[];
    };
    const applied = history.entries.find((entry) => entry.event === "request" && entry.action === "apply")!;
    assert.equal(applied.principal.kind, "user");
    assert.equal(applied.principal.objectId, decodeClaims(userToken).oid);
    assert.equal(applied.principal.name, "Ada Lovelace");
  });

  test("envctl history ID shows the entries, newest first, naming who and the outcome", async () => {
    const env = { ENVCTL_URL: stack.devhost.url, ENVCTL_KEY: stack.devhost.key };
    const run = await runInMemory(
      ["history", "acme-signed"],
      {},
      { ...env, ENVCTL_TOKEN: await clientToken("reader") },
      { fetch },
    );
    const out = run.stdout;
    assert.equal(run.code, 0, run.stderr.join("\n"));
    const adminOid = String(decodeClaims(await clientToken("admin")).oid);
    const requests = out.filter((line) => !line.includes(" ended "));
    assert.match(
      requests[0] ?? "",
      new RegExp(`destroy +accepted 202 +app ${clients.admin.clientId} \\(${adminOid}\\)`),
    );
    assert.ok(
      out.some((line) => /apply +accepted 202 .*plan [0-9a-f]{12}/.test(line)),
      out.join("\n"),
    );
    assert.ok(
      out.some((line) => /destroy +refused 403 /.test(line)),
      out.join("\n"),
    );

    const asUser = await runInMemory(
      ["history", "acme-signed"],
      {},
      { ...env, ENVCTL_TOKEN: userToken },
      { fetch },
    );
    const refused = asUser.stderr;
    assert.equal(asUser.code, 2);
    assert.match(refused.join("\n"), /you may not act on organisation "acme"/);
    assert.ok(!refused.join("\n").includes(userToken.split(".")[2]!), "no token in the error");
  });

  test("envctl token prints a token the API accepts (client secret, or a user's password); a wrong secret fails without echoing it", async () => {
    const token = (env: Record<string, string>) =>
      runInMemory(
        ["token"],
        {},
        {
          ENVCTL_AUTHORITY: stack.emulator.entra.authority,
          ENVCTL_CA_CERT_PATH: stack.emulator.caCertPath,
          ENVCTL_TENANT_ID: TENANT_ID,
          ...env,
        },
      );
    const app = await token({
      ENVCTL_API_SCOPE: "api://provisioner/.default",
      ENVCTL_CLIENT_ID: clients.reader.clientId,
      ENVCTL_CLIENT_SECRET: SECRET,
    });
    assert.equal(app.code, 0, app.stderr.join("\n"));
    assert.equal(app.stdout.length, 1, "the token alone on stdout");
    assert.equal((await call("environments", app.stdout[0])).status, 200);

    const person = await token({
      ENVCTL_API_SCOPE: "api://provisioner/Environments.Access",
      ENVCTL_CLIENT_ID: PUBLIC_CLIENT_ID,
      ENVCTL_USERNAME: "ada@example.org",
      ENVCTL_PASSWORD: USER_PASSWORD,
    });
    assert.equal(person.code, 0, person.stderr.join("\n"));
    assert.equal(decodeClaims(person.stdout[0]!).name, "Ada Lovelace");

    const wrong = await token({
      ENVCTL_API_SCOPE: "api://provisioner/.default",
      ENVCTL_CLIENT_ID: clients.reader.clientId,
      ENVCTL_CLIENT_SECRET: "a-wrong-secret-value",
    });
    assert.equal(wrong.code, 2);
    assert.deepEqual(wrong.stdout, []);
    assert.match(wrong.stderr.join("\n"), /sign-in \(client secret\) failed/);
    assert.ok(!wrong.stderr.join("\n").includes("a-wrong-secret-value"));
  });

  test("envctl login signs in with the ENVCTL_* settings, and every later command does too; without them the API says 401", async () => {
    const signIn = {
      ENVCTL_AUTHORITY: stack.emulator.entra.authority,
      ENVCTL_CA_CERT_PATH: stack.emulator.caCertPath,
      ENVCTL_TENANT_ID: TENANT_ID,
      ENVCTL_API_SCOPE: "api://provisioner/.default",
      ENVCTL_CLIENT_ID: clients.reader.clientId,
      ENVCTL_CLIENT_SECRET: SECRET,
      XDG_CONFIG_HOME: "/home/ops/.config",
    };
    const files: Record<string, string> = {};
    const login = await runInMemory(["login", stack.devhost.url, "--key-stdin"], files, signIn, {
      fetch,
      stdin: `${stack.devhost.key}\n`,
    });
    assert.equal(login.code, 0, login.stderr.join("\n"));
    assert.match(login.stdout[0] ?? "", /^Logged in to \S+, signed in with Entra ID \(\d+ environments?\)/);
    const saved = JSON.parse(files["/home/ops/.config/envctl/profile.json"] ?? "{}") as Record<
      string,
      unknown
    >;
    assert.deepEqual(Object.keys(saved).sort(), ["key", "url"], "the token is never saved");

    const listed = await runInMemory(["list", "--json"], files, signIn, { fetch });
    assert.equal(listed.code, 0, listed.stderr.join("\n"));
    const keysOnly = await runInMemory(["list"], files, { XDG_CONFIG_HOME: "/home/ops/.config" }, { fetch });
    assert.equal(keysOnly.code, 2);
    assert.match(keysOnly.stderr.join("\n"), /\(401\)/);
    const wrong = await runInMemory(
      ["list"],
      files,
      { ...signIn, ENVCTL_CLIENT_SECRET: "a-wrong-secret-value" },
      { fetch },
    );
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr.join("\n"), /sign-in \(client secret\) failed/);
    assert.ok(!wrong.stderr.join("\n").includes("a-wrong-secret-value"));
  });

  test("fails to show another organisation's history with 403", async () => {
    await problemOf(await call("environments/acme-signed/history", userToken), 403);
  });

  test("no token or secret reaches the devhost's log", () => {
    const log = stack.log.join("\n");
    for (const token of [...tokens.values(), userToken]) {
      assert.ok(!log.includes(token.split(".")[2]!), "a token's signature is in the log");
    }
    assert.ok(!log.includes(SECRET));
    assert.ok(!log.includes(USER_PASSWORD));
  });
});
