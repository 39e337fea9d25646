import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startAzurite, type RunningAzurite } from "@azure-env-provisioner/functions-devhost";
import {
  RECORD_TABLES,
  createEnvironmentRecords,
  createRequestResults,
  isRecordConflictError,
  openTable,
  withFinishedOperation,
  type EnvironmentRecord,
  type EnvironmentRecords,
  type RequestResults,
} from "../../functions/records";
import type { EnvironmentSpec } from "../../lib/spec/types";

let azurite: RunningAzurite;
let records: EnvironmentRecords;
let results: RequestResults;

before(async () => {
  azurite = await startAzurite();
  records = createEnvironmentRecords(await openTable(azurite.connectionString, RECORD_TABLES.environments));
  results = createRequestResults(await openTable(azurite.connectionString, RECORD_TABLES.requestResults));
});
after(() => azurite.stop());

function specOf(name: string, extraModules = 0): EnvironmentSpec {
  return {
    name,
    org_name: "acme",
    providers: { azurerm: { location: "westeurope", tenant_id: "t", subscription_id: "s" } },
    modules: [
      {
        type: "base",
        name: "base",
        vnet_cidr: "10.0.0.0/16",
        nodes_subnet_cidr: "10.0.0.0/20",
        private_endpoints_subnet_cidr: "10.0.16.0/24",
        postgres_subnet_cidr: "10.0.17.0/24",
        container_registry: false,
      },
      // Padding modules make the spec longer than one Table string column holds.
      ...Array.from({ length: extraModules }, (_, index) => ({
        type: "redis" as const,
        name: `cache-${index}-${"x".repeat(100)}`,
        engine: "azure-managed-redis" as const,
        auth: "access-key" as const,
        sku_name: "Standard" as const,
        family: "C" as const,
        capacity: 2,
        kubernetes_secret: false as const,
      })),
    ],
    appliedDefaults: {},
  };
}

function recordOf(name: string, extraModules = 0): EnvironmentRecord {
  return {
    environmentId: `acme-${name}`,
    org: "acme",
    name,
    spec: specOf(name, extraModules),
    pinnedDefaults: { base: { vnet_cidr: "10.0.0.0/16" } },
    planHash: "abc123",
    lastOperation: {
      action: "apply",
      instanceId: `acme-${name}`,
      requestedBy: "http",
      status: "running",
      startedAt: "2026-01-01T00:00:00.000Z",
    },
    createdAt: "2026-01-01T00:00:00.000Z",
    updatedAt: "2026-01-01T00:00:00.000Z",
  };
}

describe("environment records", () => {
  test("a saved record reads back whole, with an etag", async () => {
    const record = recordOf("roundtrip");
    const etag = await records.save(record);
    const stored = await records.get(record.environmentId);
    assert.deepEqual(stored?.record, record);
    assert.equal(stored?.etag, etag);
  });

  test("a spec longer than one table column survives the round trip", async () => {
    const record = recordOf("large", 400);
    assert.ok(JSON.stringify(record.spec).length > 40_000);
    await records.save(record);
    assert.deepEqual((await records.get(record.environmentId))?.record.spec, record.spec);
  });

  test("replacing a long value with a short one leaves no stale columns", async () => {
    const record = recordOf("shrinks", 400);
    const etag = await records.save(record);
    const shorter = { ...record, spec: specOf("shrinks") };
    await records.save(shorter, etag);
    assert.deepEqual((await records.get(record.environmentId))?.record, shorter);
  });

  test("get returns undefined for an unknown environment", async () => {
    assert.equal(await records.get("acme-nowhere"), undefined);
  });

  test("list returns every record in environment id order", async () => {
    await records.save(recordOf("list-b"));
    await records.save(recordOf("list-a"));
    const ids = (await records.list()).map((stored) => stored.record.environmentId);
    const listed = ids.filter((id) => id.startsWith("acme-list-"));
    assert.deepEqual(listed, ["acme-list-a", "acme-list-b"]);
  });

  test("fails to create a record that already exists", async () => {
    await records.save(recordOf("twice"));
    await assert.rejects(records.save(recordOf("twice")), isRecordConflictError);
  });

  test("fails to replace a record changed since it was read (stale etag)", async () => {
    const first = await records.save(recordOf("raced"));
    const winner = await records.save({ ...recordOf("raced"), planHash: "winner" }, first);
    await assert.rejects(
      records.save({ ...recordOf("raced"), planHash: "loser" }, first),
      isRecordConflictError,
    );
    const stored = await records.get("acme-raced");
    assert.equal(stored?.record.planHash, "winner");
    assert.equal(stored?.etag, winner);
  });
});

describe("finished operations", () => {
  const now = "2026-01-01T01:00:00.000Z";

  test("a completed build records success, node counts, failures and outputs", () => {
    const output = {
      environmentId: "acme-dev",
      planHash: "abc123",
      result: "failed",
      nodes: { "base/rg": "succeeded", "base/vnet": "failed", "base/subnet": "skipped" },
      failures: [{ nodeKey: "base/vnet", code: "InvalidRequest", message: "bad CIDR" }],
      outputs: { resourceGroupId: "/subscriptions/s/resourceGroups/rg", dataModules: {} },
    };
    const next = withFinishedOperation(
      recordOf("dev"),
      { runtimeStatus: "Completed", output, lastUpdatedTime: "2026-01-01T00:05:00Z" },
      now,
    );
    assert.equal(next.lastOperation?.status, "failed");
    assert.equal(next.lastOperation?.endedAt, "2026-01-01T00:05:00.000Z");
    assert.deepEqual(next.resultSummary?.nodeStates, { succeeded: 1, failed: 1, skipped: 1 });
    assert.deepEqual(next.resultSummary?.failures, output.failures);
    assert.deepEqual(next.outputs, output.outputs);
    assert.equal(next.updatedAt, now);
  });

  test("a terminated instance records the operation as canceled", () => {
    const next = withFinishedOperation(
      recordOf("dev"),
      { runtimeStatus: "Terminated", output: "canceled by user", lastUpdatedTime: now },
      now,
    );
    assert.equal(next.lastOperation?.status, "canceled");
    assert.equal(next.resultSummary?.result, "canceled");
  });

  test("a failed orchestration keeps its error message as the failure", () => {
    const next = withFinishedOperation(
      recordOf("dev"),
      { runtimeStatus: "Failed", output: "Orchestrator function 'x' failed: boom", lastUpdatedTime: now },
      now,
    );
    assert.equal(next.lastOperation?.status, "failed");
    assert.match(next.resultSummary?.failures[0]?.message ?? "", /boom/);
  });

  test("a build that failed without output takes node states from its last progress", () => {
    const next = withFinishedOperation(
      recordOf("dev"),
      {
        runtimeStatus: "Failed",
        output: "Orchestrator function 'buildEnvironment' failed: base/vnet (InvalidRequest): bad CIDR",
        customStatus: { nodes: { "base/rg": "succeeded", "base/vnet": "failed", "base/subnet": "skipped" } },
        lastUpdatedTime: "2026-01-01T00:30:00.000Z",
      },
      now,
    );
    assert.deepEqual(next.resultSummary?.nodeStates, { succeeded: 1, failed: 1, skipped: 1 });
    assert.equal(next.resultSummary?.failures.length, 1);
  });

  test("a failed build's failures are read as data from its last custom status, never from its message", () => {
    const failures = [
      { nodeKey: "base/vnet", code: "InvalidRequest", message: "bad CIDR" },
      { nodeKey: "cache/cache", code: "QuotaExceeded", message: "no Redis quota left in eastus2" },
    ];
    const next = withFinishedOperation(
      recordOf("dev"),
      {
        runtimeStatus: "Failed",
        // A message that says something else: only the custom status is read.
        output: "Orchestrator function 'buildEnvironment' failed: apply of acme-dev failed: (summary)",
        customStatus: { nodes: { "base/vnet": "failed", "cache/cache": "failed" }, failures },
        lastUpdatedTime: now,
      },
      now,
    );
    assert.deepEqual(next.resultSummary?.failures, failures);
  });

  test("a build run by a batch reports its failures in its output, and is recorded failed", () => {
    const failures = [{ nodeKey: "base/nat", code: "NatGatewayAllocationBroken", message: "injected" }];
    const next = withFinishedOperation(
      recordOf("dev"),
      {
        runtimeStatus: "Completed",
        output: {
          environmentId: "acme-dev",
          planHash: "h",
          result: "failed",
          nodes: { "base/nat": "failed" },
          failures,
          outputs: { dataModules: {} },
        },
        lastUpdatedTime: now,
      },
      now,
    );
    assert.equal(next.lastOperation?.status, "failed");
    assert.deepEqual(next.resultSummary?.failures, failures);
  });

  test("a destroy asked to purge a purge-protected vault is recorded succeeded, saying the vault was kept and why", () => {
    const because = { nodeKey: "base/vault", code: "VaultPurgeProtected", message: "purge protection is on" };
    const next = withFinishedOperation(
      { ...recordOf("dev"), lastOperation: { ...recordOf("dev").lastOperation!, action: "destroy" } },
      {
        runtimeStatus: "Completed",
        output: {
          environmentId: "acme-dev",
          result: "succeeded",
          failures: [],
          keyVault: "kept",
          keyVaultKeptBecause: because,
        },
        lastUpdatedTime: now,
      },
      now,
    );
    assert.equal(next.lastOperation?.status, "succeeded");
    assert.equal(next.resultSummary?.keyVault, "kept");
    assert.deepEqual(next.resultSummary?.keyVaultKeptBecause, because);
  });

  test("an end time ahead of the wall clock (a time-scaled host) is capped at now", () => {
    const next = withFinishedOperation(
      recordOf("dev"),
      { runtimeStatus: "Completed", output: null, lastUpdatedTime: "2026-01-02T00:00:00.000Z" },
      now,
    );
    assert.equal(next.lastOperation?.endedAt, now);
  });

  test("a running instance leaves the record unchanged", () => {
    const record = recordOf("dev");
    assert.equal(
      withFinishedOperation(record, { runtimeStatus: "Running", output: null, lastUpdatedTime: now }, now),
      record,
    );
  });
});

describe("request results", () => {
  test("records every outcome of a request in message order, problems included", async () => {
    const recordedAt = "2026-01-01T00:00:00.000Z";
    await results.record({
      requestId: "msg-1",
      index: 1,
      action: "apply",
      outcome: "refused",
      problems: [{ path: "modules[0].type", message: "is required" }],
      recordedAt,
    });
    await results.record({
      requestId: "msg-1",
      index: 0,
      action: "apply",
      outcome: "started",
      environmentId: "acme-dev",
      instanceId: "acme-dev",
      problems: [],
      recordedAt,
    });
    const stored = await results.ofRequest("msg-1");
    assert.deepEqual(
      stored.map((result) => [result.index, result.outcome, result.environmentId]),
      [
        [0, "started", "acme-dev"],
        [1, "refused", undefined],
      ],
    );
    assert.deepEqual(stored[1]?.problems, [{ path: "modules[0].type", message: "is required" }]);
  });

  test("a redelivered message overwrites its own rows instead of adding more", async () => {
    const base = { requestId: "msg-2", index: 0, action: "apply" as const, problems: [], recordedAt: "t" };
    await results.record({ ...base, outcome: "started" });
    await results.record({ ...base, outcome: "duplicate" });
    assert.deepEqual(
      (await results.ofRequest("msg-2")).map((result) => result.outcome),
      ["duplicate"],
    );
  });
});
