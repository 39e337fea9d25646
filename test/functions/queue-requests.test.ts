import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { BlobServiceClient } from "@azure/storage-blob";
import { QueueClient } from "@azure/storage-queue";
import { stringify } from "yaml";
import {
  RECORD_TABLES,
  createAuditLog,
  createEnvironmentRecords,
  createRequestResults,
  openTable,
  type AuditLog,
  type EnvironmentRecords,
  type RequestResult,
  type RequestResults,
} from "../../functions/records";
import { waitFor } from "../support/wait-for";
import { startAppStack, type AppStack } from "./app-stack";

const spec = (name: string, org = "acme") => ({
  name,
  org_name: org,
  providers: {
    azurerm: {
      location: "westeurope",
      tenant_id: "00000000-0000-0000-0000-000000000001",
      subscription_id: "00000000-0000-0000-0000-000000000002",
    },
  },
  modules: [{ type: "base" }],
});

let stack: AppStack;
let queue: QueueClient;
let results: RequestResults;
let records: EnvironmentRecords;
let audit: AuditLog;

before(async () => {
  // A message names no caller: only these organisations may be targeted through the queue.
  stack = await startAppStack({ settings: () => ({ PROVISIONER_QUEUE_ORGS: "acme,gamma" }) });
  const connection = stack.azurite.connectionString;
  queue = new QueueClient(connection, "environment-requests");
  await queue.createIfNotExists();
  results = createRequestResults(await openTable(connection, RECORD_TABLES.requestResults));
  records = createEnvironmentRecords(await openTable(connection, RECORD_TABLES.environments));
  audit = createAuditLog(await openTable(connection, RECORD_TABLES.audit));
});
after(() => stack.stop());

/** Sends `body` as the Functions host expects it (base64) and waits for its `count` results. */
async function request(
  body: unknown,
  count: number,
  timeoutMs = 30_000,
): Promise<{ id: string; results: RequestResult[] }> {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  const sent = await queue.sendMessage(Buffer.from(text).toString("base64"));
  const recorded = await waitFor(
    `results of message ${sent.messageId}`,
    async () => {
      const found = await results.ofRequest(sent.messageId);
      return found.length >= count ? found : undefined;
    },
    { timeoutMs, intervalMs: 100 },
  );
  return { id: sent.messageId, results: recorded };
}

describe("queue requests", () => {
  let firstId = "";

  test("a batch starts its valid environments and records the invalid spec with every problem", async () => {
    const invalid = { ...spec("Broken!"), modules: [{ type: "base", vnet_cidr: "nope" }] };
    const batch = await request(
      { action: "apply", environments: [spec("qa"), invalid, spec("qa"), spec("demo")] },
      4,
    );
    firstId = batch.id;
    assert.deepEqual(
      batch.results.map((result) => [result.index, result.outcome, result.environmentId]),
      [
        [0, "started", "acme-qa"],
        [1, "refused", undefined],
        [2, "duplicate", "acme-qa"],
        [3, "started", "acme-demo"],
      ],
    );
    const refusedPaths = batch.results[1]!.problems.map((problem) => problem.path);
    assert.ok(refusedPaths.includes("name"), JSON.stringify(refusedPaths));
    assert.ok(
      refusedPaths.some((path) => path.startsWith("modules[0]")),
      JSON.stringify(refusedPaths),
    );
    assert.match(batch.results[2]!.problems[0]!.message, /listed earlier/);

    for (const id of ["acme-qa", "acme-demo"]) {
      const operation = (await records.get(id))?.record.lastOperation;
      assert.equal(operation?.status, "running");
      assert.equal(operation?.requestedBy, `queue:${batch.id}`);
      assert.equal(operation?.batchInstanceId, `batch-${batch.id}`);
    }
    const batchStatus = await waitFor("the batch instance", () => stack.instanceStatus(`batch-${batch.id}`));
    assert.ok(["Pending", "Running"].includes(batchStatus.runtimeStatus), batchStatus.runtimeStatus);
    assert.equal(await records.get("acme-Broken!"), undefined);
  });

  test("fails an environment of an organisation PROVISIONER_QUEUE_ORGS does not list, and starts the others", async () => {
    const batch = await request({ action: "apply", environments: [spec("qa2"), spec("qa2", "beta")] }, 2);
    assert.deepEqual(
      batch.results.map((result) => [result.index, result.outcome, result.environmentId]),
      [
        [0, "started", "acme-qa2"],
        [1, "refused", "beta-qa2"],
      ],
    );
    assert.equal(batch.results[1]!.problems[0]!.path, "org_name");
    assert.match(batch.results[1]!.problems[0]!.message, /PROVISIONER_QUEUE_ORGS allows acme, gamma/);
    assert.equal(await records.get("beta-qa2"), undefined, "nothing recorded for beta");
    // The audit names the message as the only "who" a queued request has.
    const refused = await audit.list("beta-qa2", { top: 10 });
    assert.deepEqual(
      refused.entries.map((entry) => [entry.action, entry.outcome, entry.principal.kind]),
      [["apply", "refused", "queue"]],
    );
    assert.equal(refused.entries[0]!.principal.queueMessageId, batch.id);
    const started = await audit.list("acme-qa2", { top: 10 });
    assert.equal(started.entries[0]?.outcome, "accepted");
    assert.match(started.entries[0]?.planHash ?? "", /^[0-9a-f]+$/);
  });

  test("a duplicate request for an environment already building starts nothing new", async () => {
    const again = await request(spec("qa"), 1);
    assert.equal(again.results[0]?.outcome, "duplicate");
    assert.match(again.results[0]?.problems[0]?.message ?? "", /already running/);
    assert.equal(await stack.instanceStatus(`batch-${again.id}`), undefined);
    assert.equal((await records.get("acme-qa"))?.record.lastOperation?.requestedBy, `queue:${firstId}`);
  });

  test("a batch too large for one queue message is read from the blob the message names, and started", async () => {
    // Forty environments, each with a cluster whose admins are forty groups (about 1.7 KB a spec): enough
    // to outgrow a message without starting hundreds of builds on a shared machine.
    const adminGroups = Array.from(
      { length: 40 },
      (_, i) => `00000000-0000-0000-0000-${String(i + 1).padStart(12, "0")}`,
    );
    const environments = Array.from({ length: 40 }, (_, i) => ({
      ...spec(`big-${i}`),
      modules: [{ type: "base" }, { type: "k8s-cluster", admin_group_object_ids: adminGroups }],
    }));
    // What the same batch would weigh inline: more than a queue message holds (64 KiB).
    assert.ok(Buffer.byteLength(JSON.stringify({ environments })) > 64 * 1024);
    const container = BlobServiceClient.fromConnectionString(
      stack.azurite.connectionString,
    ).getContainerClient("environment-batches");
    await container.createIfNotExists();
    const text = stringify(environments);
    await container.getBlockBlobClient("big.yaml").upload(text, Buffer.byteLength(text));
    // Forty clusters of 5 × 4 vCPUs take 800 of the family's vCPUs, more than a subscription's default
    // 500: preflight adds a batch up, so this subscription has had its quota raised.
    stack.emulator.admin.configureSubscriptions({
      quotas: {
        "00000000-0000-0000-0000-000000000002": { westeurope: { standardDSv5Family: { limit: 1000 } } },
      },
    });
    let batch;
    try {
      batch = await request(
        { action: "apply", environmentsBlob: "environment-batches/big.yaml" },
        environments.length,
        60_000,
      );
    } finally {
      stack.emulator.admin.clearSubscriptionSettings();
    }
    assert.deepEqual(
      batch.results.map((result) => result.outcome),
      environments.map(() => "started"),
    );
    const status = await waitFor("the batch instance", () => stack.instanceStatus(`batch-${batch.id}`));
    assert.ok(["Pending", "Running"].includes(status.runtimeStatus), status.runtimeStatus);
  });

  test("a message naming a blob that does not exist is refused with the blob's name", async () => {
    const sent = await request({ action: "apply", environmentsBlob: "environment-batches/missing.yaml" }, 1);
    assert.equal(sent.results[0]?.outcome, "refused");
    assert.equal(sent.results[0]?.problems[0]?.path, "environmentsBlob");
    assert.match(sent.results[0]?.problems[0]?.message ?? "", /missing\.yaml does not exist/);
  });

  test("a YAML message with an action is read like JSON", async () => {
    const text = stringify({ action: "apply", ...spec("yaml-env") });
    assert.match(text, /^action: apply\n/);
    const sent = await request(text, 1);
    assert.equal(sent.results[0]?.outcome, "started");
    assert.equal(sent.results[0]?.environmentId, "acme-yaml-env");
  });

  test("an unreadable message is recorded as refused, not thrown into the poison queue", async () => {
    const sent = await request("modules: [unclosed", 1);
    assert.equal(sent.results[0]?.outcome, "refused");
    assert.equal(sent.results[0]?.problems[0]?.path, "");
    const poison = new QueueClient(stack.azurite.connectionString, "environment-requests-poison");
    const peeked = (await poison.exists()) ? await poison.peekMessages({ numberOfMessages: 32 }) : undefined;
    assert.equal(peeked?.peekedMessageItems.length ?? 0, 0);
  });

  test("fails a request with an unknown action, naming it", async () => {
    const sent = await request({ ...spec("x"), action: "rebuild" }, 1);
    assert.equal(sent.results[0]?.outcome, "refused");
    assert.deepEqual(sent.results[0]?.problems, [{ path: "action", message: "must be apply or destroy" }]);
  });
});
