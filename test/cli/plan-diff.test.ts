/** The live diff as envctl prints it, in-process, for the answers the plan route gives. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { diffTotals, hasChanges, printDiff } from "../../cli/commands/plan-diff";
import type { PreviewAnswer } from "../../cli/service/client";

const OLD_CACHE =
  "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-acme-dev/providers/Microsoft.Cache/redis/acme-dev-cache";

/** What the plan route answers for a spec that moves the cache to Azure Managed Redis. */
const switching: PreviewAnswer = {
  environmentId: "acme-dev",
  planHash: "0123456789abcdef",
  lastAppliedPlanHash: "fedcba9876543210",
  changes: { create: 1, update: 0, unchanged: 20, blocked: 0, replace: 1, unknown: 2 },
  nodes: [
    { key: "base/resource-group", kind: "resourceGroup", name: "rg-acme-dev", change: "unchanged" },
    {
      key: "cache/cluster",
      kind: "managedRedisCluster",
      name: "acme-dev-cache",
      change: "replace",
      risk: "high",
      replaces: [OLD_CACHE],
      reason: 'the cache "cache" moves from azure-cache-for-redis to azure-managed-redis',
    },
    { key: "cache/database", kind: "managedRedisDatabase", name: "default", change: "create" },
  ],
};

describe("the live diff", () => {
  test("marks a replacement -/+ with its HIGH risk and reason, and counts it", () => {
    const lines: string[] = [];
    printDiff({ out: (line) => lines.push(line) }, switching);
    const replaced = lines.find((line) => line.includes("cache/cluster"));
    assert.match(
      replaced ?? "",
      /^ {2}-\/\+ cache\/cluster +managedRedisCluster +replace \(HIGH risk\): the cache "cache" moves from azure-cache-for-redis to azure-managed-redis$/,
    );
    assert.ok(!lines.some((line) => line.includes("base/resource-group")), "unchanged ones are only counted");
    assert.equal(
      lines.at(-1),
      "Plan: 1 to create, 0 to update, 20 unchanged, 1 to replace, 2 re-checked on apply.",
    );
  });

  test("a replacement alone is a change (--detailed-exitcode 2); re-checked steps alone are not", () => {
    const none = { create: 0, update: 0, unchanged: 20, blocked: 0, replace: 0, unknown: 2 };
    assert.equal(hasChanges({ ...switching, changes: { ...none, replace: 1 } }), true);
    assert.equal(hasChanges({ ...switching, changes: none }), false);
    assert.equal(
      diffTotals({ ...switching, changes: none }),
      "Plan: 0 to create, 0 to update, 20 unchanged, 2 re-checked on apply.",
    );
  });
});
