/** A batch's environments add up against the same quotas; each preflight saw only its own needs. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { withBatchQuotas } from "../../lib/preflight/batch-quotas";
import type { PreflightReport, QuotaClaim } from "../../lib/preflight/types";

const claim = (usage: string, demand: number, available: number): QuotaClaim => ({
  usage,
  label: `${usage} vCPUs`,
  demand,
  available,
  path: "modules[1].max_nodes",
});
const passed = (...quotaClaims: QuotaClaim[]): PreflightReport => ({
  outcome: "passed",
  problems: [],
  warnings: [],
  deferred: [],
  requests: { reads: 1, writes: 0 },
  quotaClaims,
});

describe("withBatchQuotas", () => {
  test("refuses the environment that no longer fits, naming those that took the quota first; others go on", () => {
    const reports = withBatchQuotas([
      { environmentId: "acme-a", report: passed(claim("s/westus2/dsv5", 8, 20)) },
      { environmentId: "acme-b", report: passed(claim("s/westus2/dsv5", 8, 20)) },
      { environmentId: "acme-c", report: passed(claim("s/westus2/dsv5", 8, 20)) },
      { environmentId: "acme-d", report: passed(claim("s/eastus2/dsv5", 8, 20)) },
      { environmentId: "acme-e", report: passed(claim("s/westus2/dsv5", 4, 20)) },
    ]);
    assert.deepEqual(
      reports.map((report) => report?.outcome),
      ["passed", "passed", "refused", "passed", "passed"],
    );
    assert.match(
      reports[2]!.problems[0]!.message,
      /acme-a, acme-b of the same request take 16 of the 20 left/,
    );
    assert.equal(reports[2]!.problems[0]!.code, "QuotaExceeded");
  });

  test("leaves refused, deferred and missing reports as they are, and takes nothing for them", () => {
    const refused: PreflightReport = { ...passed(claim("u", 15, 20)), outcome: "refused" };
    const reports = withBatchQuotas([
      { environmentId: "acme-a", report: refused },
      { environmentId: "acme-b", report: undefined },
      { environmentId: "acme-c", report: passed(claim("u", 15, 20)) },
    ]);
    assert.equal(reports[0], refused);
    assert.equal(reports[1], undefined);
    assert.equal(reports[2]?.outcome, "passed");
  });
});
