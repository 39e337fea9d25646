import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { AzureErrorKind, AzureErrorSummary } from "../../lib/azure/errors";
import { retry, retryDelayMs } from "../../orchestrations/retry-profiles";

const MINUTE_MS = 60_000;

function error(kind: AzureErrorKind, retryable: boolean, retryAfterMs?: number): AzureErrorSummary {
  return {
    kind,
    code: `${kind}Code`,
    message: "m",
    retryable,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  };
}

describe("retry profiles", () => {
  test("a throttled call waits exactly as long as Azure's Retry-After asks", () => {
    assert.equal(
      retryDelayMs(retry.armWrite, error("throttled", true, 17_000), { attempts: 1, elapsedMs: 0 }),
      17_000,
    );
  });

  test("a 429 storm is ridden out past the attempt count, until the profile's time is spent", () => {
    const many = retry.armWrite.maxAttempts * 5;
    assert.equal(
      retryDelayMs(retry.armWrite, error("throttled", true, 1_000), { attempts: many, elapsedMs: 0 }),
      1_000,
    );
    assert.equal(
      retryDelayMs(retry.armWrite, error("throttled", true, 1_000), {
        attempts: 2,
        elapsedMs: retry.armWrite.retryTimeoutInMilliseconds,
      }),
      undefined,
    );
  });

  test("busy and transient errors back off exponentially, capped, never sooner than Retry-After", () => {
    const p = retry.armWrite;
    const first = retryDelayMs(p, error("busy", true), { attempts: 1, elapsedMs: 0 });
    const second = retryDelayMs(p, error("transient", true), { attempts: 2, elapsedMs: 0 });
    assert.equal(first, p.firstRetryIntervalInMilliseconds);
    assert.equal(second, p.firstRetryIntervalInMilliseconds * p.backoffCoefficient);
    assert.equal(retryDelayMs(p, error("busy", true, 90_000), { attempts: 1, elapsedMs: 0 }), 90_000);
    const late = retryDelayMs(p, error("busy", true), { attempts: p.maxAttempts - 1, elapsedMs: 0 });
    assert.ok(late !== undefined && late <= p.maxRetryIntervalInMilliseconds);
  });

  test("fails busy and transient errors once the profile's attempts are spent", () => {
    const p = retry.armWrite;
    assert.equal(retryDelayMs(p, error("busy", true), { attempts: p.maxAttempts, elapsedMs: 0 }), undefined);
    assert.equal(
      retryDelayMs(p, error("transient", true), { attempts: p.maxAttempts, elapsedMs: 0 }),
      undefined,
    );
  });

  for (const kind of ["invalidRequest", "quota", "nameUnavailable", "operationFailed", "notFound"] as const) {
    test(`fails a ${kind} error at once, in every profile`, () => {
      for (const p of Object.values(retry)) {
        assert.equal(retryDelayMs(p, error(kind, false), { attempts: 1, elapsedMs: 0 }), undefined);
      }
    });
  }

  test("retries Key Vault access still propagating for minutes on data-plane steps, then fails", () => {
    const p = retry.dataPlane;
    const propagating = error("authorization", true, 10_000);
    assert.ok((retryDelayMs(p, propagating, { attempts: 12, elapsedMs: 4 * MINUTE_MS }) ?? 0) >= 10_000);
    assert.equal(
      retryDelayMs(p, propagating, {
        attempts: 12,
        elapsedMs: p.authorizationPropagationTimeoutInMilliseconds,
      }),
      undefined,
    );
  });

  test("fails a lasting authorization error (not propagating) at once", () => {
    assert.equal(
      retryDelayMs(retry.dataPlane, error("authorization", false), { attempts: 1, elapsedMs: 0 }),
      undefined,
    );
  });

  test("ARM writes do not wait on authorization errors: the provisioner's own rights do not propagate", () => {
    assert.equal(
      retryDelayMs(retry.armWrite, error("authorization", true), { attempts: 1, elapsedMs: 0 }),
      undefined,
    );
  });
});
