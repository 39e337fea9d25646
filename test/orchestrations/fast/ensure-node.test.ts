/**
 * The per-node sub-orchestration (`orchestrations/ensure-node.ts`) through the real replay: how a node's
 * write and its operation become the node's result. Its failures are values: the instance Completes.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ACTIVITY, type EnsureNodeInput } from "../../../activities/contract";
import { latencyOf } from "../../../lib/latency-model";
import { ARM_TYPE_BY_KIND } from "../../../lib/plan/kinds";
import type { PlanNode } from "../../../lib/plan/types";
import { ENSURE_NODE_ORCHESTRATION } from "../../../orchestrations/contracts";
import { MAX_ENSURE_ROUNDS, type NodeResult } from "../../../orchestrations/ensure-node";
import { ensureNodeInstanceId } from "../../../orchestrations/instance-ids";
import {
  azureError,
  failedFor,
  operationFailed,
  operationSucceeded,
  retryLater,
  stillRunning,
  writeDone,
  writePending,
} from "./azure";
import { DurableDriver, type ActivityCall } from "./driver";
import { node } from "./plans";

const MINUTE_MS = 60_000;
const server = node("db/server", "postgresFlexibleServer");
const secrets = node("db/key-vault-secrets", "keyVaultSecrets");
const role = node("base/role-vault-secrets-officer", "roleAssignment");
/** The latency model's median create of the server: its checks are planned half-way and at the end. */
const SERVER_CREATE_MS = latencyOf(ARM_TYPE_BY_KIND.postgresFlexibleServer).createP50Sec * 1000;

/** Ensures `target`; `ensure` answers the ensure activity, `check` the status checks. */
async function ensure(
  target: PlanNode,
  ensureAnswer: (call: ActivityCall) => unknown,
  checkAnswer: (call: ActivityCall) => unknown = () => assert.fail("no status check expected"),
) {
  const driver = new DurableDriver({
    activities: (call) => (call.name === ACTIVITY.ensureNode ? ensureAnswer(call) : checkAnswer(call)),
  });
  const input: EnsureNodeInput = { node: target };
  // The instance id its environment's build gives it: a node runs nowhere else.
  const run = await driver.run(
    ENSURE_NODE_ORCHESTRATION,
    input,
    ensureNodeInstanceId("acme-dev", target.key),
  );
  const calls = (name: string) =>
    driver.activityCalls.filter((call) => call.name === name).map((call) => call.nowMs - run.createdAtMs);
  return {
    run,
    output: run.output as NodeResult,
    ensuresAtMs: calls(ACTIVITY.ensureNode),
    checksAtMs: calls(ACTIVITY.checkOperation),
  };
}

describe("ensuring one node (sub-orchestration)", () => {
  test("reports an unchanged node unchanged, with its facts, without watching anything", async () => {
    const { run, output, checksAtMs } = await ensure(server, () =>
      writeDone(server, "unchanged", { host: "h" }),
    );
    assert.equal(run.status, "Completed");
    assert.deepEqual(output, { state: "unchanged", facts: { host: "h" } });
    assert.deepEqual(checksAtMs, []);
  });

  test("reports a write finished within the call as succeeded", async () => {
    const { output } = await ensure(secrets, () => writeDone(secrets));
    assert.deepEqual(output, { state: "succeeded" });
  });

  test("watches a pending write until its operation succeeds, then reports the live resource's facts", async () => {
    const answers = [
      stillRunning(2 * MINUTE_MS),
      stillRunning(2 * MINUTE_MS),
      operationSucceeded({ host: "db.h" }),
    ];
    const { output, ensuresAtMs, checksAtMs } = await ensure(
      server,
      () => writePending(server, 3 * MINUTE_MS),
      (call) => answers[call.attempt - 1],
    );
    assert.deepEqual(output, { state: "succeeded", facts: { host: "db.h" } });
    assert.deepEqual(ensuresAtMs, [0]);
    // Planned at half the median create (later than Azure's 3 minutes) and at its end, then Azure's 2 minutes.
    assert.ok(SERVER_CREATE_MS / 2 > 3 * MINUTE_MS);
    assert.deepEqual(checksAtMs, [SERVER_CREATE_MS / 2, SERVER_CREATE_MS, SERVER_CREATE_MS + 2 * MINUTE_MS]);
  });

  test("writes again when the operation failed with a retryable code, and succeeds the second time", async () => {
    const internal = azureError("operationFailed", "InternalServerError", { retryable: true });
    const { output, ensuresAtMs } = await ensure(
      server,
      () => writePending(server, MINUTE_MS),
      (call) => (call.attempt === 1 ? operationFailed(internal) : operationSucceeded()),
    );
    assert.deepEqual(output, { state: "succeeded" });
    // Written again right after the check (half-way through the median create) that saw it fail.
    assert.deepEqual(ensuresAtMs, [0, SERVER_CREATE_MS / 2]);
  });

  test("fails the node after MAX_ENSURE_ROUNDS writes whose operations all failed retryably", async () => {
    const internal = azureError("operationFailed", "InternalServerError", {
      retryable: true,
      message: "An unexpected error occured while processing the request",
    });
    const { run, output, ensuresAtMs } = await ensure(
      server,
      () => writePending(server, MINUTE_MS),
      () => operationFailed(internal),
    );
    assert.equal(ensuresAtMs.length, MAX_ENSURE_ROUNDS);
    assert.equal(run.status, "Completed", "a failed node is a value, not a failed instance");
    assert.deepEqual(output, {
      state: "failed",
      error: { nodeKey: server.key, code: "InternalServerError", message: internal.message },
    });
  });

  test("fails the node at once, as a value, when its operation ended with a terminal code", async () => {
    const conflict = azureError("operationFailed", "ServerNameAlreadyExists", { message: "taken" });
    const { run, output, ensuresAtMs } = await ensure(
      server,
      () => writePending(server, MINUTE_MS),
      () => operationFailed(conflict),
    );
    assert.equal(run.status, "Completed");
    assert.deepEqual(ensuresAtMs, [0]);
    assert.deepEqual(output, {
      state: "failed",
      error: { nodeKey: server.key, code: "ServerNameAlreadyExists", message: "taken" },
    });
  });

  test("fails the node as a value when Azure refuses the write", async () => {
    const quota = azureError("quota", "QuotaExceeded", { message: "cores" });
    const { run, output } = await ensure(server, () => failedFor(quota));
    assert.equal(run.status, "Completed");
    assert.deepEqual(output, {
      state: "failed",
      error: { nodeKey: server.key, code: "QuotaExceeded", message: "cores" },
    });
  });

  test("a data-plane node waits for Key Vault access to propagate; an ARM node does not", async () => {
    const forbidden = azureError("authorization", "ForbiddenByRbac");
    const propagatesAfterMs = 4 * MINUTE_MS;
    const { output, ensuresAtMs } = await ensure(secrets, (call) =>
      call.nowMs - Date.UTC(2025, 0, 1) < propagatesAfterMs ? retryLater(forbidden) : writeDone(secrets),
    );
    assert.deepEqual(output, { state: "succeeded" });
    assert.ok((ensuresAtMs[ensuresAtMs.length - 1] as number) >= propagatesAfterMs);

    const arm = await ensure(role, () => retryLater(forbidden));
    assert.deepEqual(arm.ensuresAtMs, [0]);
    assert.deepEqual(arm.output, {
      state: "failed",
      error: { nodeKey: role.key, code: "ForbiddenByRbac", message: forbidden.message },
    });
  });
});
