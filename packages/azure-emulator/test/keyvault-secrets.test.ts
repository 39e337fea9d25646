import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { isRestError } from "@azure/core-rest-pipeline";
import type { SecretClient } from "@azure/keyvault-secrets";
import { EmulatorCredential } from "../src/credential";
import type { KeyVaultHarness } from "./support/keyvault-harness";
import { FAST_POLL, startKeyVaultHarness } from "./support/keyvault-harness";

/** The RestError a promise rejects with, so tests can check Azure's status and code. */
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

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

describe("Key Vault data plane with SecretClient 4.11", () => {
  let harness: KeyVaultHarness;
  let client: SecretClient;

  before(async () => {
    harness = await startKeyVaultHarness();
    client = harness.client();
  });
  after(() => harness.close());

  test("sets a secret and reads back its latest version, with an id on the vault's origin", async () => {
    const set = await client.setSecret("db-password", "s3cret-1", {
      contentType: "text/plain",
      tags: { env: "t" },
    });
    assert.equal(set.value, "s3cret-1");
    assert.match(
      set.properties.id ?? "",
      new RegExp(`^${harness.server.origin}/secrets/db-password/[0-9a-f]{32}$`),
    );
    assert.equal(set.properties.vaultUrl, harness.server.origin);
    assert.equal(set.properties.enabled, true);
    assert.equal(set.properties.recoveryLevel, "Recoverable+Purgeable");
    assert.ok(set.properties.createdOn instanceof Date);

    const got = await client.getSecret("db-password");
    assert.equal(got.value, "s3cret-1");
    assert.equal(got.properties.version, set.properties.version);
    assert.equal(got.properties.contentType, "text/plain");
    assert.deepEqual(got.properties.tags, { env: "t" });
  });

  test("keeps every version: the latest wins, older ones stay readable by version", async () => {
    const first = await client.setSecret("rotating", "v1");
    const second = await client.setSecret("rotating", "v2");
    assert.notEqual(first.properties.version, second.properties.version);
    assert.equal((await client.getSecret("rotating")).value, "v2");
    assert.equal(
      (await client.getSecret("rotating", { version: first.properties.version ?? "" })).value,
      "v1",
    );

    const versions = await collect(client.listPropertiesOfSecretVersions("rotating"));
    assert.deepEqual(
      versions.map((v) => v.version).sort(),
      [first.properties.version, second.properties.version].sort(),
    );
  });

  test("treats secret names case-insensitively, as Key Vault does", async () => {
    await client.setSecret("Mixed-Case", "one");
    assert.equal((await client.getSecret("mixed-case")).value, "one");
  });

  test("fails with 404 SecretNotFound for an unknown secret or version", async () => {
    const missing = await restErrorOf(client.getSecret("never-set"));
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.code, "SecretNotFound");
    await client.setSecret("has-one-version", "x");
    const badVersion = await restErrorOf(
      client.getSecret("has-one-version", { version: "0123456789abcdef0123456789abcdef" }),
    );
    assert.equal(badVersion.statusCode, 404);
  });

  test("fails with 400 BadParameter for an invalid secret name", async () => {
    const error = await restErrorOf(client.setSecret("bad_name", "x"));
    assert.equal(error.statusCode, 400);
    assert.equal(error.code, "BadParameter");
  });

  test("lists secrets across pages following nextLink, without values", async () => {
    const names = Array.from({ length: 30 }, (_, i) => `paged-${String(i).padStart(2, "0")}`);
    for (const name of names) await client.setSecret(name, `value-${name}`);
    const pages: number[] = [];
    const listed: string[] = [];
    for await (const page of client.listPropertiesOfSecrets().byPage({ maxPageSize: 7 })) {
      pages.push(page.length);
      listed.push(...page.map((p) => p.name));
    }
    assert.ok(pages.length >= 5, `expected several pages, got ${pages.join(",")}`);
    assert.ok(pages.every((size) => size <= 7));
    for (const name of names) assert.ok(listed.includes(name), `${name} listed`);
    assert.equal(new Set(listed).size, listed.length, "no secret listed twice");
  });

  test("updates properties of a version and refuses to read a disabled one", async () => {
    const set = await client.setSecret("to-disable", "x");
    const updated = await client.updateSecretProperties("to-disable", set.properties.version ?? "", {
      enabled: false,
      tags: { state: "off" },
    });
    assert.equal(updated.enabled, false);
    assert.deepEqual(updated.tags, { state: "off" });
    const error = await restErrorOf(client.getSecret("to-disable"));
    assert.equal(error.statusCode, 403);
  });

  test("soft-deletes a secret: the poller waits out the deleting phase, then it is listed as deleted", async () => {
    await client.setSecret("to-delete", "gone-soon");
    const poller = await client.beginDeleteSecret("to-delete", FAST_POLL);
    const started = poller.getOperationState().result;
    assert.match(started?.properties.recoveryId ?? "", /\/deletedsecrets\/to-delete$/);
    const deleted = await poller.pollUntilDone();
    assert.equal(deleted.name, "to-delete");
    assert.ok(deleted.properties.deletedOn instanceof Date);
    assert.ok(deleted.properties.scheduledPurgeDate instanceof Date);
    assert.equal(deleted.value, undefined, "a deleted secret's value is not returned");

    assert.equal((await restErrorOf(client.getSecret("to-delete"))).statusCode, 404);
    assert.equal((await client.getDeletedSecret("to-delete")).name, "to-delete");
    const deletedNames = (await collect(client.listDeletedSecrets())).map((s) => s.name);
    assert.ok(deletedNames.includes("to-delete"));
    assert.ok(!(await collect(client.listPropertiesOfSecrets())).some((s) => s.name === "to-delete"));
  });

  test("answers 404 for a deleted secret until its deletion has settled", async () => {
    harness.ctx.scale = 1; // the settle moment becomes Azure's real 2 s, long enough to observe
    try {
      await client.setSecret("settling", "x");
      await client
        .beginDeleteSecret("settling", { ...FAST_POLL, intervalInMs: 60_000 })
        .catch(() => undefined);
      const early = await restErrorOf(client.getDeletedSecret("settling"));
      assert.equal(early.statusCode, 404);
    } finally {
      harness.ctx.scale = 0.001;
    }
  });

  test("fails with 409 Conflict when setting the name of a soft-deleted secret, without echoing the value", async () => {
    await client.setSecret("reserved", "x");
    await (await client.beginDeleteSecret("reserved", FAST_POLL)).pollUntilDone();
    const error = await restErrorOf(client.setSecret("reserved", "value-that-must-not-leak"));
    assert.equal(error.statusCode, 409);
    assert.equal(error.code, "Conflict");
    assert.ok(!error.message.includes("value-that-must-not-leak"));
  });

  test("recovers a soft-deleted secret with its value and versions", async () => {
    await client.setSecret("recoverable", "old");
    await client.setSecret("recoverable", "new");
    await (await client.beginDeleteSecret("recoverable", FAST_POLL)).pollUntilDone();
    const recovered = await (
      await client.beginRecoverDeletedSecret("recoverable", FAST_POLL)
    ).pollUntilDone();
    assert.equal(recovered.name, "recoverable");
    assert.equal((await client.getSecret("recoverable")).value, "new");
    assert.equal((await collect(client.listPropertiesOfSecretVersions("recoverable"))).length, 2);
    await assert.rejects(
      client.getDeletedSecret("recoverable"),
      (e) => isRestError(e) && e.statusCode === 404,
    );
  });

  test("purges a soft-deleted secret (204), after which the name is free again", async () => {
    await client.setSecret("purgeable", "x");
    await (await client.beginDeleteSecret("purgeable", FAST_POLL)).pollUntilDone();
    await client.purgeDeletedSecret("purgeable");
    assert.equal((await restErrorOf(client.getDeletedSecret("purgeable"))).statusCode, 404);
    const again = await client.setSecret("purgeable", "fresh");
    assert.equal(again.value, "fresh");
  });

  test("fails with 404 when deleting, recovering or purging a name that is not in that state", async () => {
    assert.equal((await restErrorOf(client.beginDeleteSecret("nope", FAST_POLL))).statusCode, 404);
    assert.equal((await restErrorOf(client.purgeDeletedSecret("nope"))).statusCode, 404);
  });
});

describe("Key Vault data plane: authentication and authorization", () => {
  test("answers a request without a token with the 401 challenge naming the tenant and resource", async () => {
    const harness = await startKeyVaultHarness();
    try {
      const response = await fetchWithCa(harness, "/secrets/x/?api-version=2025-07-01", {
        method: "PUT",
        body: "",
      });
      assert.equal(response.status, 401);
      assert.equal(
        response.headers.get("www-authenticate"),
        `Bearer authorization="https://login.microsoftonline.com/${harness.vault.tenantId}", resource="https://vault.azure.net"`,
      );
      const body = (await response.json()) as { error: { code: string } };
      assert.equal(body.error.code, "Unauthorized");
    } finally {
      await harness.close();
    }
  });

  test("fails with 401 for a token minted for another audience", async () => {
    const harness = await startKeyVaultHarness();
    try {
      const armToken = await new EmulatorCredential().getToken("https://management.azure.com/.default");
      const response = await fetchWithCa(harness, "/secrets?api-version=2025-07-01", {
        headers: { authorization: `Bearer ${armToken.token}` },
      });
      assert.equal(response.status, 401);
    } finally {
      await harness.close();
    }
  });

  test("fails with 401 for a token from another tenant than the vault's", async () => {
    const harness = await startKeyVaultHarness();
    try {
      const stranger = new EmulatorCredential({ tenantId: "99999999-9999-9999-9999-999999999999" });
      assert.equal((await restErrorOf(harness.client(stranger).setSecret("x", "y"))).statusCode, 401);
    } finally {
      await harness.close();
    }
  });

  test("fails with 403 ForbiddenByRbac on an RBAC vault until a Secrets Officer role is granted", async () => {
    const harness = await startKeyVaultHarness({ enableRbacAuthorization: true });
    try {
      const credential = new EmulatorCredential({ tenantId: harness.vault.tenantId });
      const client = harness.client(credential);
      const denied = await restErrorOf(client.setSecret("rbac", "x"));
      assert.equal(denied.statusCode, 403);
      assert.equal(denied.code, "Forbidden");
      assert.match(denied.message, /not authorized/);
      assert.equal(await innerCodeOf(harness, "PUT"), "ForbiddenByRbac");

      harness.ctx.roleAssignments.push({
        principalId: credential.objectId,
        scope: harness.vault.id.split("/providers/")[0] ?? "",
        roleDefinitionId: "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
      });
      assert.equal((await client.setSecret("rbac", "x")).value, "x");
    } finally {
      await harness.close();
    }
  });

  test("lets a Secrets User read but not write on an RBAC vault", async () => {
    const harness = await startKeyVaultHarness({ enableRbacAuthorization: true });
    try {
      const officer = new EmulatorCredential({ tenantId: harness.vault.tenantId, objectId: "officer" });
      const reader = new EmulatorCredential({ tenantId: harness.vault.tenantId, objectId: "reader" });
      harness.ctx.roleAssignments.push(
        {
          principalId: "officer",
          scope: harness.vault.id,
          roleDefinitionId: "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
        },
        {
          principalId: "reader",
          scope: harness.vault.id,
          roleDefinitionId: "4633458b-17de-408a-b874-0445c86b69e6",
        },
      );
      await harness.client(officer).setSecret("shared", "v");
      assert.equal((await harness.client(reader).getSecret("shared")).value, "v");
      assert.equal((await restErrorOf(harness.client(reader).setSecret("shared", "w"))).statusCode, 403);
    } finally {
      await harness.close();
    }
  });

  test("fails with 403 ForbiddenByFirewall while the injected firewall lag lasts, then serves", async () => {
    const harness = await startKeyVaultHarness();
    try {
      harness.ctx.firewallLagMs = 60_000;
      const client = harness.client();
      const blocked = await restErrorOf(client.setSecret("fw", "x"));
      assert.equal(blocked.statusCode, 403);
      assert.equal(blocked.code, "Forbidden");
      assert.equal(await innerCodeOf(harness, "GET"), "ForbiddenByFirewall");
      harness.ctx.firewallLagMs = 0;
      assert.equal((await client.setSecret("fw", "x")).value, "x");
    } finally {
      await harness.close();
    }
  });

  test("fails with 403 when purging under purge protection, and reports recoveryLevel Recoverable", async () => {
    const harness = await startKeyVaultHarness({ purgeProtection: true });
    try {
      const client = harness.client();
      const set = await client.setSecret("protected", "x");
      assert.equal(set.properties.recoveryLevel, "Recoverable");
      await (await client.beginDeleteSecret("protected", FAST_POLL)).pollUntilDone();
      assert.equal((await restErrorOf(client.purgeDeletedSecret("protected"))).statusCode, 403);
    } finally {
      await harness.close();
    }
  });

  test("refuses requests once the vault is closed (soft-deleted), and keeps its secrets for recovery", async () => {
    const harness = await startKeyVaultHarness();
    try {
      const client = harness.client();
      await client.setSecret("kept", "v");
      harness.plane.close(harness.vault.id);
      assert.equal((await restErrorOf(client.getSecret("kept"))).statusCode, 404);
      harness.plane.open(harness.vault);
      assert.equal((await client.getSecret("kept")).value, "v");
      harness.plane.purge(harness.vault.id);
      harness.plane.open(harness.vault);
      assert.equal((await restErrorOf(client.getSecret("kept"))).statusCode, 404);
    } finally {
      await harness.close();
    }
  });
});

describe("Key Vault data plane: retention", () => {
  test("reports customized retention and purges a deleted secret on its own when the (scaled) retention ends", async () => {
    const harness = await startKeyVaultHarness({ softDeleteRetentionInDays: 7 });
    try {
      // 7 days at this scale last about 600 ms.
      harness.ctx.scale = 1e-6;
      const client = harness.client();
      const set = await client.setSecret("short-lived", "x");
      assert.equal(set.properties.recoveryLevel, "CustomizedRecoverable+Purgeable");
      assert.equal(set.properties.recoverableDays, 7);
      const deletion = await client.beginDeleteSecret("short-lived", FAST_POLL);
      const deleted = deletion.getOperationState().result;
      const retentionMs =
        (deleted?.properties.scheduledPurgeDate?.getTime() ?? 0) -
        (deleted?.properties.deletedOn?.getTime() ?? 0);
      assert.ok(
        Math.abs(retentionMs - 7 * 86_400_000) <= 1000,
        "scheduledPurgeDate is 7 real days after deletion",
      );
      assert.equal((await restErrorOf(client.setSecret("short-lived", "too-early"))).statusCode, 409);
      await new Promise((resolve) => setTimeout(resolve, 700));
      assert.equal((await restErrorOf(client.getDeletedSecret("short-lived"))).statusCode, 404);
      assert.equal((await client.setSecret("short-lived", "again")).value, "again");
    } finally {
      await harness.close();
    }
  });

  test("fails with 400 BadParameter without an api-version, and 405 for a method a path does not serve", async () => {
    const harness = await startKeyVaultHarness();
    try {
      const token = await new EmulatorCredential({ tenantId: harness.vault.tenantId }).getToken(
        "https://vault.azure.net/.default",
      );
      const headers = { authorization: `Bearer ${token.token}` };
      const missingVersion = await fetchWithCa(harness, "/secrets", { headers });
      assert.equal(missingVersion.status, 400);
      assert.equal(((await missingVersion.json()) as { error: { code: string } }).error.code, "BadParameter");
      const wrongMethod = await fetchWithCa(harness, "/deletedsecrets?api-version=2025-07-01", {
        method: "POST",
        headers,
      });
      assert.equal(wrongMethod.status, 405);
    } finally {
      await harness.close();
    }
  });
});

describe("Key Vault data plane: state", () => {
  test("restores a snapshot into a fresh data plane, including soft-deleted secrets", async () => {
    const first = await startKeyVaultHarness();
    const client = first.client();
    await client.setSecret("persisted", "v1");
    await client.setSecret("was-deleted", "v2");
    await (await client.beginDeleteSecret("was-deleted", FAST_POLL)).pollUntilDone();
    const state = JSON.parse(JSON.stringify(first.plane.snapshot())) as unknown;
    await first.close();

    const second = await startKeyVaultHarness();
    try {
      second.plane.restore(state);
      const restored = second.client();
      assert.equal((await restored.getSecret("persisted")).value, "v1");
      assert.equal((await restored.getDeletedSecret("was-deleted")).name, "was-deleted");
      second.plane.reset();
      assert.equal((await restErrorOf(restored.getSecret("persisted"))).statusCode, 404);
    } finally {
      await second.close();
    }
  });
});

/** A raw request to the harness's vault, trusting its CA. */
async function fetchWithCa(
  harness: KeyVaultHarness,
  path: string,
  init: { method?: string; body?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; json(): Promise<unknown> }> {
  const { request } = await import("node:https");
  return new Promise((resolve, reject) => {
    const req = request(
      `${harness.server.origin}${path}`,
      {
        method: init.method ?? "GET",
        headers: { ...init.headers, "content-length": String(Buffer.byteLength(init.body ?? "")) },
        ca: harness.server.tls.caPem,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const headers = new Headers();
          for (const [name, value] of Object.entries(res.headers))
            if (typeof value === "string") headers.set(name, value);
          const text = Buffer.concat(chunks).toString("utf8");
          resolve({ status: res.statusCode ?? 0, headers, json: async () => JSON.parse(text) as unknown });
        });
      },
    );
    req.on("error", reject);
    req.end(init.body);
  });
}

/** The `innererror.code` of an authenticated request's refusal. */
async function innerCodeOf(harness: KeyVaultHarness, method: string): Promise<string | undefined> {
  const token = await new EmulatorCredential({ tenantId: harness.vault.tenantId }).getToken(
    "https://vault.azure.net/.default",
  );
  const response = await fetchWithCa(harness, "/secrets/probe?api-version=2025-07-01", {
    method,
    body: JSON.stringify({ value: "x" }),
    headers: { authorization: `Bearer ${token.token}`, "content-type": "application/json" },
  });
  const body = (await response.json()) as { error?: { innererror?: { code?: string } } };
  return body.error?.innererror?.code;
}
