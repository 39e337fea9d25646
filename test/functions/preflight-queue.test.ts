/**
 * The queue runs preflight on every spec of a message before anything is claimed: what Azure would refuse
 * is recorded as `refused` with every problem and nothing is written; a preflight that cannot finish
 * (Azure failing a read) starts nothing of the message, records why (`deferred`) and lets the host
 * deliver the message again, which then starts it.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { QueueClient } from "@azure/storage-queue";
import {
  RECORD_TABLES,
  createRequestResults,
  openTable,
  type RequestResult,
  type RequestResults,
} from "../../functions/records";
import type { PreflightProblem } from "../../lib/preflight/types";
import { waitFor } from "../support/wait-for";
import { EXAMPLE_SUBSCRIPTION_ID, startAppStack, type AppStack } from "./app-stack";
import { nameOf, planOf, specDocument, writesFor } from "./preflight-specs";

let stack: AppStack;
let queue: QueueClient;
let results: RequestResults;

before(async () => {
  // A failed message comes back after 3 s instead of host.json's 30.
  stack = await startAppStack({ queueVisibilityTimeout: "00:00:03" });
  queue = new QueueClient(stack.azurite.connectionString, "environment-requests");
  await queue.createIfNotExists();
  results = createRequestResults(
    await openTable(stack.azurite.connectionString, RECORD_TABLES.requestResults),
  );
});
after(() => stack.stop());

async function send(body: unknown): Promise<string> {
  return (await queue.sendMessage(Buffer.from(JSON.stringify(body)).toString("base64"))).messageId;
}

/** The message's rows once `ready` holds for them. */
function rowsOf(id: string, count: number, ready: (rows: RequestResult[]) => boolean, timeoutMs = 30_000) {
  return waitFor(
    `results of ${id}`,
    async () => {
      const rows = await results.ofRequest(id);
      return rows.length >= count && ready(rows) ? rows : undefined;
    },
    { timeoutMs, intervalMs: 50 },
  );
}

const codesOf = (row: RequestResult) =>
  (row.problems as PreflightProblem[]).map((problem) => `${problem.code} ${problem.path}`);

describe("preflight of queue messages", () => {
  test("records every spec Azure would refuse as refused, with its problems, writing nothing and starting nothing", async () => {
    const specs = [
      specDocument("q-tenant", [{ type: "base" }], { tenantId: "abcd0000-0000-4000-8000-000000000009" }),
      specDocument("q-name", [{ type: "base" }, { type: "postgres", name: "db" }]),
      specDocument("q-quota", [{ type: "base" }, { type: "k8s-cluster" }], { location: "westus2" }),
      specDocument("q-provider", [{ type: "base" }, { type: "redis", name: "cache" }]),
      specDocument("q-version", [{ type: "base" }, { type: "k8s-cluster" }], { location: "westeurope" }),
    ];
    stack.emulator.admin.configureSubscriptions({
      takenNames: [
        {
          type: "Microsoft.DBforPostgreSQL/flexibleServers",
          name: nameOf(planOf(specs[1]), "postgresFlexibleServer"),
        },
      ],
      quotas: { [EXAMPLE_SUBSCRIPTION_ID]: { westus2: { standardDSv5Family: { limit: 8 } } } },
      providers: { [EXAMPLE_SUBSCRIPTION_ID]: { "Microsoft.Cache": "NotRegistered" } },
      permissions: { [EXAMPLE_SUBSCRIPTION_ID]: [{ actions: ["*"], notActions: ["*/register/action"] }] },
      withdrawn: { kubernetesVersions: [{ location: "westeurope", version: "1.35" }] },
    });
    try {
      const since = Date.now();
      const id = await send({ action: "apply", environments: specs });
      const rows = await rowsOf(id, specs.length, () => true);
      assert.deepEqual(
        rows.map((row) => [row.outcome, ...codesOf(row)]),
        [
          ["refused", "TenantMismatch providers.azurerm.tenant_id"],
          ["refused", "NameUnavailable modules[1]"],
          ["refused", "QuotaExceeded modules[1].max_nodes"],
          ["refused", "ProviderNotRegistered modules[1]"],
          ["refused", "KubernetesVersionNotOffered modules[1].kubernetes_version"],
        ],
      );
      for (const spec of specs)
        assert.deepEqual(writesFor(stack.emulator, planOf(spec), since), [], spec.name);
      assert.equal(await stack.instanceStatus(`batch-${id}`), undefined, "no batch started");
    } finally {
      stack.emulator.admin.clearSubscriptionSettings();
    }
  });

  test("adds up a batch's clusters against the same quota: the one that no longer fits is refused, naming who took it", async () => {
    // Each cluster needs 5 × 4 vCPUs of the DSv5 family; 30 are left in westus2, none short in eastus2.
    const specs = [
      specDocument("q-sum-first", [{ type: "base" }, { type: "k8s-cluster" }], { location: "westus2" }),
      specDocument("q-sum-second", [{ type: "base" }, { type: "k8s-cluster" }], { location: "westus2" }),
      specDocument("q-sum-elsewhere", [{ type: "base" }, { type: "k8s-cluster" }]),
    ];
    stack.emulator.admin.configureSubscriptions({
      quotas: { [EXAMPLE_SUBSCRIPTION_ID]: { westus2: { standardDSv5Family: { limit: 30 } } } },
    });
    try {
      const since = Date.now();
      const id = await send({ action: "apply", environments: specs });
      const rows = await rowsOf(id, specs.length, () => true);
      assert.deepEqual(
        rows.map((row) => [row.environmentId, row.outcome, ...codesOf(row)]),
        [
          ["acme-q-sum-first", "started"],
          ["acme-q-sum-second", "refused", "QuotaExceeded modules[1].max_nodes"],
          ["acme-q-sum-elsewhere", "started"],
        ],
      );
      assert.match(
        rows[1]!.problems[0]!.message,
        /needs 20 more standardDSv5Family vCPUs in westus2, but acme-q-sum-first of the same request take 20 of the 30 left/,
      );
      assert.deepEqual(writesFor(stack.emulator, planOf(specs[1]!), since), [], "nothing written for it");
    } finally {
      stack.emulator.admin.clearSubscriptionSettings();
    }
  });

  test("records an apply of an environment whose build runs as already running, before preflight reads what the build is changing", async () => {
    const document = specDocument("q-held", [{ type: "base" }]);
    const vault = nameOf(planOf(document), "keyVault");
    // The build keeps retrying its vault's create, throttled, so the vault does not exist yet.
    stack.emulator.admin.addFaults([
      {
        match: { method: "PUT", path: `/vaults/${vault}$` },
        effect: { kind: "http", status: 429, code: "SubscriptionRequestsThrottled", retryAfterSec: 1 },
      },
    ]);
    try {
      const first = await send({ action: "apply", environments: [document] });
      await rowsOf(first, 1, (rows) => rows[0]!.outcome === "started");
      await waitFor("the build's first try of its vault", async () =>
        stack.emulator.admin
          .requestLog()
          .find((entry) => entry.method === "PUT" && entry.path.endsWith(`/vaults/${vault}`)),
      );
      // What Azure's name check answers the moment the build's vault exists, before a plan preview sees
      // it in the resource group: taken.
      stack.emulator.admin.configureSubscriptions({
        takenNames: [{ type: "Microsoft.KeyVault/vaults", name: vault }],
      });
      const second = await send({ action: "apply", environments: [document] });
      const [row] = await rowsOf(second, 1, () => true);
      assert.equal(row!.outcome, "duplicate", JSON.stringify(row));
      assert.match(row!.problems[0]!.message, /an apply of "acme-q-held" is already running/);
    } finally {
      stack.emulator.admin.clearFaults();
      stack.emulator.admin.clearSubscriptionSettings();
    }
  });

  test("defers a whole message when Azure fails one spec's read, writing nothing; the message's redelivery starts it", async () => {
    const flaky = specDocument("q-flaky", [{ type: "base" }]);
    const fine = specDocument("q-fine", [{ type: "base" }]);
    const [flakyPlan, finePlan] = [planOf(flaky), planOf(fine)];
    // Reading the flaky environment's resource group fails, the SDK's own retries included.
    stack.emulator.admin.addFaults([
      {
        match: { method: "GET", path: `/resourcegroups/${flakyPlan.resourceGroup}$` },
        times: 3,
        effect: { kind: "http", status: 503, retryAfterSec: 1 },
      },
    ]);
    const since = Date.now();
    const id = await send({ action: "apply", environments: [flaky, fine] });
    const deferred = await rowsOf(id, 2, (rows) => rows.every((row) => row.outcome === "deferred"));
    assert.deepEqual(codesOf(deferred[0]!), ["ServiceUnavailable "]);
    assert.match(deferred[1]!.problems[0]!.message, /waiting for acme-q-flaky/);
    assert.deepEqual(
      [...writesFor(stack.emulator, flakyPlan, since), ...writesFor(stack.emulator, finePlan, since)],
      [],
    );
    assert.equal(await stack.instanceStatus(`batch-${id}`), undefined, "nothing started");
    // Delivered again once its visibility timeout ends: Azure answers, both start.
    const started = await rowsOf(id, 2, (rows) => rows.every((row) => row.outcome === "started"));
    assert.deepEqual(
      started.map((row) => row.environmentId),
      ["acme-q-flaky", "acme-q-fine"],
    );
  });
});
