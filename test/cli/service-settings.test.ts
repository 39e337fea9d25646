/**
 * Where envctl finds the service and its key (flags, then ENVCTL_URL/ENVCTL_KEY, then the profile), how
 * it refuses what it cannot use, and how it sends a certificate — in-process, over in-memory files and a
 * small HTTP server that records the bytes and headers as they arrive (envctl-service.test.ts uploads to
 * the real route).
 */
import assert from "node:assert/strict";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { certificateFormatOf } from "../../cli/commands/certificate";
import { normalizeServiceUrl, profilePath, resolveConnection } from "../../cli/service/connection";
import type { CliIo } from "../../cli/io";
import { runInMemory } from "./in-memory-cli";

const PROFILE = "/home/ops/.config/envctl/profile.json";

function ioWith(files: Record<string, string>, env: Record<string, string>): CliIo {
  return {
    readTextFile: async (path: string) => {
      if (!(path in files)) throw Object.assign(new Error("ENOENT"), { code: "ENOENT" });
      return files[path]!;
    },
    env,
  } as unknown as CliIo;
}

describe("finding the service", () => {
  test("the profile lives in $XDG_CONFIG_HOME/envctl, else ~/.config/envctl", () => {
    assert.equal(profilePath({ HOME: "/home/ops" }), PROFILE);
    assert.equal(profilePath({ HOME: "/home/ops", XDG_CONFIG_HOME: "/cfg" }), "/cfg/envctl/profile.json");
  });

  test("flags win over ENVCTL_URL/ENVCTL_KEY, which win over the profile, each value on its own", async () => {
    const files = { [PROFILE]: JSON.stringify({ url: "http://profile:7071", key: "profile-key" }) };
    const env = { HOME: "/home/ops" };
    assert.deepEqual(await resolveConnection(ioWith(files, env), {}), {
      url: "http://profile:7071",
      key: "profile-key",
    });
    assert.deepEqual(await resolveConnection(ioWith(files, { ...env, ENVCTL_KEY: "env-key" }), {}), {
      url: "http://profile:7071",
      key: "env-key",
    });
    assert.deepEqual(
      await resolveConnection(ioWith(files, { ...env, ENVCTL_URL: "http://env:1", ENVCTL_KEY: "env-key" }), {
        url: "http://flag:2/api",
        key: "flag-key",
      }),
      { url: "http://flag:2", key: "flag-key" },
    );
    assert.equal(await resolveConnection(ioWith({}, env), {}), undefined, "nothing configured");
  });

  test("fails as a usage error on a URL without a key, or a URL that is not http(s)", async () => {
    await assert.rejects(
      resolveConnection(ioWith({}, { ENVCTL_URL: "http://x:1" }), {}),
      /no key for http:\/\/x:1/,
    );
    assert.throws(() => normalizeServiceUrl("ftp://x"), /not an http or https URL/);
    assert.throws(() => normalizeServiceUrl("http://x/?code=secret"), /takes no query/);
    assert.equal(normalizeServiceUrl("http://127.0.0.1:7071/api/"), "http://127.0.0.1:7071");
  });

  test("a command that needs the service fails with exit 2 and says how to configure one", async () => {
    const run = await runInMemory(["list"], {}, { HOME: "/home/ops" });
    assert.equal(run.code, 2);
    assert.equal(
      run.stderr[0],
      "envctl list: no service configured: run envctl login URL, or set ENVCTL_URL and ENVCTL_KEY",
    );
  });

  test("plan without a service is the offline plan, and says where the live diff is", async () => {
    const spec =
      "name: dev\norg_name: acme\nproviders:\n  azurerm:\n    location: westeurope\n    tenant_id: 00000000-0000-0000-0000-000000000001\n    subscription_id: 00000000-0000-0000-0000-000000000002\nmodules:\n  - type: base\n";
    const run = await runInMemory(["plan", "dev.yaml"], { "dev.yaml": spec }, { HOME: "/home/ops" });
    assert.equal(run.code, 0, run.stderr.join("\n"));
    assert.match(run.stdout[0]!, /^Plan for acme-dev: 21 resources/);
    assert.deepEqual(run.stderr, [
      "(offline plan: no service configured; envctl login URL shows the diff against Azure)",
    ]);
    const detailed = await runInMemory(
      ["plan", "dev.yaml", "--detailed-exitcode"],
      { "dev.yaml": spec },
      { HOME: "/h" },
    );
    assert.equal(detailed.code, 2);
    assert.match(detailed.stderr[0]!, /--detailed-exitcode compares with Azure: it needs the service/);
  });

  test("login without a terminal and without --key-stdin asks nobody, saves nothing: exit 2", async () => {
    const run = await runInMemory(["login", "http://127.0.0.1:7071"], {}, { HOME: "/home/ops" });
    assert.equal(run.code, 2);
    assert.match(run.stderr[0]!, /no terminal to ask for the key: pipe it in with --key-stdin/);
    assert.equal(run.privateFiles.size, 0);
  });
});

describe("envctl certificate upload: what goes over the wire", () => {
  const received: { method: string; url: string; type: string; password?: string; body: Buffer }[] = [];
  let url = "";
  const server = createServer((request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      received.push({
        method: request.method ?? "",
        url: request.url ?? "",
        type: request.headers["content-type"] ?? "",
        ...(request.headers["x-pfx-password"] ? { password: String(request.headers["x-pfx-password"]) } : {}),
        body: Buffer.concat(chunks),
      });
      response.setHeader("content-type", "application/json");
      response.end(
        JSON.stringify({
          environmentId: "acme-staging",
          name: "web",
          domain: "example.com",
          imported: true,
          keyVaultId: "https://kv.vault.azure.net/certificates/web/abc",
          version: "abc",
          thumbprint: "AB12",
          subject: "CN=example.com",
          subjectAlternativeNames: ["example.com", "www.example.com"],
          notBefore: "2026-01-01T00:00:00Z",
          expiresOn: "2027-01-01T00:00:00Z",
          chainLength: 1,
          warnings: [],
          buildNotified: false,
        }),
      );
    });
  });
  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const pem =
    "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n";

  test("sends a PEM as it is with its content type, and prints what the service read from it", async () => {
    const run = await runInMemory(
      ["certificate", "upload", "acme-staging", "web", "cert.pem"],
      { "cert.pem": pem },
      { ENVCTL_URL: url, ENVCTL_KEY: "k" },
      { fetch },
    );
    assert.equal(run.code, 0, run.stderr.join("\n"));
    assert.deepEqual(received.at(-1), {
      method: "PUT",
      url: "/api/environments/acme-staging/certificates/web",
      type: "application/x-pem-file",
      body: Buffer.from(pem),
    });
    assert.deepEqual(run.stdout, [
      "Uploaded web for acme-staging (PEM): imported as version abc",
      "  key vault:   https://kv.vault.azure.net/certificates/web/abc",
      "  thumbprint:  AB12",
      "  subject:     CN=example.com",
      "  names:       example.com, www.example.com",
      "  expires on:  2027-01-01T00:00:00Z",
    ]);
  });

  test("sends a PFX as PKCS#12 with its password from standard input, never on the command line", async () => {
    const run = await runInMemory(
      ["certificate", "upload", "acme-staging", "web", "cert.pfx", "--password-stdin"],
      { "cert.pfx": "\u0030\u0082binary" },
      { ENVCTL_URL: url, ENVCTL_KEY: "k" },
      { fetch, stdin: "s3cret\n" },
    );
    assert.equal(run.code, 0, run.stderr.join("\n"));
    assert.equal(received.at(-1)?.type, "application/x-pkcs12");
    assert.equal(received.at(-1)?.password, "s3cret");
    assert.equal(certificateFormatOf(Buffer.from(pem)), "pem");
  });
});
