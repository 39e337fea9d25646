import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  AzureError,
  classifyAzureError,
  classifyFacts,
  isAuthorizationError,
  isAzureError,
  isBusyError,
  isNameUnavailableError,
  isNotFoundError,
  isQuotaError,
  isThrottledError,
  isTransientError,
  retryAfterMsFromHeaders,
} from "../../lib/azure/errors";

/** A RestError-like object as core-rest-pipeline raises it. */
function restError(statusCode: number, code: string, message: string, headers: Record<string, string> = {}) {
  return Object.assign(new Error(message), {
    name: "RestError",
    statusCode,
    code,
    response: {
      headers: { get: (name: string) => headers[name.toLowerCase()] },
      bodyAsText: JSON.stringify({ error: { code, message } }),
    },
  });
}

describe("error classification at the client boundary", () => {
  it("classifies 429 as throttled and waits exactly the Retry-After", () => {
    const error = classifyAzureError(
      restError(429, "SubscriptionRequestsThrottled", "slow down", { "retry-after": "17" }),
    );
    assert.ok(isThrottledError(error));
    assert.equal(error.retryable, true);
    assert.equal(error.retryAfterMs, 17_000);
    assert.equal(error.code, "SubscriptionRequestsThrottled");
    assert.equal(error.azureMessage, "slow down");
  });

  it("still retries a 429 that names no Retry-After (docs/azure-facts.md#failure-case-5)", () => {
    const error = classifyAzureError(restError(429, "TooManyRequests", "no header"));
    assert.ok(isThrottledError(error));
    assert.ok((error.retryAfterMs ?? 0) > 0);
  });

  it("reads the wait of RetryableErrorDueToAnotherOperation from its message", () => {
    const error = classifyAzureError(
      restError(
        429,
        "RetryableErrorDueToAnotherOperation",
        "Operation on subnet can be retried in 12 seconds.",
      ),
    );
    assert.ok(isThrottledError(error));
    assert.equal(error.retryAfterMs, 12_000);
  });

  it("classifies AKS OperationNotAllowed while another operation runs as busy", () => {
    const error = classifyAzureError(
      restError(
        409,
        "OperationNotAllowed",
        "Operation is not allowed because there's an in progress create operation",
      ),
    );
    assert.ok(isBusyError(error));
    assert.equal(error.retryable, true);
  });

  it("classifies OperationNotAllowed about quota as quota, never retried", () => {
    const error = classifyAzureError(
      restError(409, "OperationNotAllowed", "Operation results in exceeding approved quota"),
    );
    assert.ok(isQuotaError(error));
    assert.equal(error.retryable, false);
  });

  // InUseSubnetCannotBeDeleted: teardown ordering (docs/azure-facts.md#failure-case-11) clears once ARM removed the NICs;
  // AadAuthOperationCannotBePerformedWhenServerIsNotAccessible: a server not yet ready for an Entra administrator.
  for (const code of [
    "AnotherOperationInProgress",
    "ServerBusy",
    "InUseSubnetCannotBeDeleted",
    "AadAuthOperationCannotBePerformedWhenServerIsNotAccessible",
  ]) {
    it(`classifies ${code} as busy`, () =>
      assert.ok(isBusyError(classifyAzureError(restError(409, code, "busy")))));
  }

  it("classifies Key Vault ForbiddenByFirewall as authorization that is retryable while it propagates", () => {
    const error = classifyAzureError(
      restError(403, "ForbiddenByFirewall", "Client address is not authorized"),
    );
    assert.ok(isAuthorizationError(error));
    assert.equal(error.retryable, true);
  });

  it("reads Key Vault's reason from innererror (outer code Forbidden)", () => {
    const error = Object.assign(new Error("denied"), {
      statusCode: 403,
      code: "Forbidden",
      response: {
        headers: {},
        bodyAsText: JSON.stringify({
          error: {
            code: "Forbidden",
            message: "Caller is not authorized",
            innererror: { code: "ForbiddenByRbac" },
          },
        }),
      },
    });
    const classified = classifyAzureError(error);
    assert.equal(classified.code, "ForbiddenByRbac");
    assert.equal(classified.retryable, true);
  });

  it("retries a Kubernetes 403 as Azure RBAC still propagating, keeping the API server's reason", () => {
    // @kubernetes/client-node's ApiException: numeric HTTP code, raw Status JSON body.
    const apiException = Object.assign(new Error("HTTP-Code: 403"), {
      code: 403,
      body: JSON.stringify({
        kind: "Status",
        reason: "Forbidden",
        message: 'secrets is forbidden: User "x" cannot create resource "secrets"',
      }),
    });
    const classified = classifyAzureError(apiException);
    assert.ok(isAuthorizationError(classified));
    assert.equal(classified.code, "Forbidden");
    assert.match(classified.azureMessage, /cannot create resource "secrets"/);
    assert.equal(classified.retryable, true);
    assert.ok((classified.retryAfterMs ?? 0) > 0);
  });

  it("fails a plain 403 AuthorizationFailed without retrying", () => {
    const error = classifyAzureError(restError(403, "AuthorizationFailed", "no permission"));
    assert.ok(isAuthorizationError(error));
    assert.equal(error.retryable, false);
  });

  it("classifies a taken global name as nameUnavailable, never retried", () => {
    const error = classifyAzureError(restError(409, "VaultAlreadyExists", "taken"));
    assert.ok(isNameUnavailableError(error));
    assert.equal(error.retryable, false);
  });

  it("classifies 5xx and dropped sockets as transient", () => {
    assert.ok(isTransientError(classifyAzureError(restError(503, "ServiceUnavailable", "down"))));
    const socket = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
    assert.ok(isTransientError(classifyAzureError(socket)));
  });

  it("classifies 404 as notFound", () => {
    assert.ok(isNotFoundError(classifyAzureError(restError(404, "ResourceNotFound", "gone"))));
  });

  it("reads Azure's code from a failed long-running operation's message", () => {
    const error = classifyAzureError(
      new Error("The long-running operation has failed. InternalServerError. boom"),
    );
    assert.equal(error.code, "InternalServerError");
    assert.ok(isTransientError(error));
  });

  it("classifies Kubernetes API exceptions by status and reason", () => {
    const apiException = Object.assign(new Error("HTTP-Code: 404"), {
      code: 404,
      body: JSON.stringify({ kind: "Status", reason: "NotFound", message: 'secrets "x" not found' }),
    });
    const error = classifyAzureError(apiException);
    assert.ok(isNotFoundError(error));
    assert.equal(error.azureMessage, 'secrets "x" not found');
  });

  it("passes already classified errors through unchanged", () => {
    const original = classifyFacts({ statusCode: 409, code: "AnotherOperationInProgress", message: "busy" });
    assert.equal(classifyAzureError(original), original);
  });
});

describe("the summary of errors crossing to an orchestration as values", () => {
  it("keeps the classification, Azure's code and message and the wait through a JSON round trip", () => {
    const error = classifyAzureError(
      restError(429, "TooManyRequests", "slow", { "retry-after": "3" }),
      "/subscriptions/x",
    );
    assert.deepEqual(JSON.parse(JSON.stringify(error.toSummary())), {
      kind: "throttled",
      code: "TooManyRequests",
      message: "slow",
      statusCode: 429,
      retryable: true,
      retryAfterMs: 3000,
      target: "/subscriptions/x",
    });
  });

  it("carries no data in its message: a person's summary, nothing to parse", () => {
    const error = classifyFacts({ statusCode: 409, code: "AnotherOperationInProgress", message: "busy" });
    assert.equal(error.message, "busy: AnotherOperationInProgress: busy");
  });

  it("is JSON-serializable with Azure's code and message", () => {
    const error = new AzureError({
      kind: "quota",
      code: "QuotaExceeded",
      message: "no cores",
      retryable: false,
    });
    assert.deepEqual(JSON.parse(JSON.stringify(error)), {
      kind: "quota",
      code: "QuotaExceeded",
      message: "no cores",
      retryable: false,
    });
  });

  it("recognises errors across module copies by their brand, not their class", () => {
    assert.equal(isAzureError({ isAzureError: true, kind: "busy" }), true);
    assert.equal(isAzureError(new Error("plain")), false);
  });
});

describe("Retry-After headers", () => {
  const reader = (headers: Record<string, string>) => (name: string) => headers[name];

  it("prefers retry-after-ms over Retry-After seconds", () => {
    assert.equal(retryAfterMsFromHeaders(reader({ "retry-after-ms": "250", "retry-after": "9" })), 250);
  });

  it("reads an HTTP date", () => {
    const inTenSeconds = new Date(Date.now() + 10_000).toUTCString();
    const ms = retryAfterMsFromHeaders(reader({ "retry-after": inTenSeconds })) ?? 0;
    assert.ok(ms > 8_000 && ms <= 10_000, String(ms));
  });

  it("returns undefined without a header", () => {
    assert.equal(retryAfterMsFromHeaders(reader({})), undefined);
  });
});
