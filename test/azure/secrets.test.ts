import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { generatePostgresPassword, meetsPostgresPasswordRules } from "../../lib/secrets/password";
import { REDACTED, redactObject, redactValues } from "../../lib/secrets/redact";
import { withPropagationRetry } from "../../lib/secrets/vault-secrets";
import { classifyFacts, isAuthorizationError, isAzureError } from "../../lib/azure/errors";

describe("PostgreSQL admin passwords", () => {
  it("meet Azure's complexity rules, every time", () => {
    for (let i = 0; i < 200; i++) {
      const password = generatePostgresPassword(32, "dbadmin");
      assert.equal(password.length, 32);
      assert.ok(meetsPostgresPasswordRules(password, "dbadmin"), password.length.toString());
      assert.match(password, /[A-Z]/);
      assert.match(password, /[a-z]/);
      assert.match(password, /[0-9]/);
      assert.match(password, /[^A-Za-z0-9]/);
    }
  });

  it("are different each time", () => {
    const passwords = new Set(Array.from({ length: 50 }, () => generatePostgresPassword()));
    assert.equal(passwords.size, 50);
  });

  it("fails for lengths Azure refuses", () => {
    assert.throws(() => generatePostgresPassword(7), RangeError);
    assert.throws(() => generatePostgresPassword(129), RangeError);
  });

  it("rejects passwords that contain the login or lack character classes", () => {
    assert.equal(meetsPostgresPasswordRules("xxDBADMINxx1!", "dbadmin"), false);
    assert.equal(meetsPostgresPasswordRules("alllowercase"), false);
  });
});

describe("redaction", () => {
  it("removes every occurrence of each secret value", () => {
    assert.equal(
      redactValues("pw=hunter22 and again hunter22", ["hunter22"]),
      `pw=${REDACTED} and again ${REDACTED}`,
    );
  });

  it("redacts secret-looking keys of objects", () => {
    assert.deepEqual(
      redactObject({ administratorLoginPassword: "p4ss", nested: { primaryKey: "k", host: "h" } }),
      {
        administratorLoginPassword: REDACTED,
        nested: { primaryKey: REDACTED, host: "h" },
      },
    );
  });
});

describe("retrying Key Vault while access propagates", () => {
  const forbidden = () =>
    Object.assign(new Error("denied"), { statusCode: 403, code: "ForbiddenByFirewall" });
  const noSleep = () => Promise.resolve();

  it("retries ForbiddenByFirewall until it clears", async () => {
    let calls = 0;
    const value = await withPropagationRetry(
      async () => {
        calls++;
        if (calls < 4) throw forbidden();
        return "ok";
      },
      { budgetMs: 60_000, sleep: noSleep },
    );
    assert.equal(value, "ok");
    assert.equal(calls, 4);
  });

  it("fails with a still-retryable authorization error once the budget is spent", async () => {
    const started = Date.now();
    await assert.rejects(
      withPropagationRetry(() => Promise.reject(forbidden()), { budgetMs: 100, firstDelayMs: 10 }),
      (error: unknown) => isAuthorizationError(error) && error.retryable,
    );
    assert.ok(Date.now() - started < 1_000);
  });

  it("fails at once on errors that are not propagation", async () => {
    let calls = 0;
    await assert.rejects(
      withPropagationRetry(
        async () => {
          calls++;
          throw classifyFacts({ statusCode: 400, code: "BadParameter", message: "bad" });
        },
        { budgetMs: 60_000, sleep: noSleep },
      ),
      (error: unknown) => isAzureError(error) && error.kind === "invalidRequest",
    );
    assert.equal(calls, 1);
  });
});
